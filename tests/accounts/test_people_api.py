"""The `boards` and `users` API (SPEC §8): superusers manage every board and account, a chair the
board's people; everyone else is 403 inside their scope and 404 outside it. Every change is an
audit entry; bad input is a 400 with field errors and saves nothing."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import ApiToken, Board, Role, User, UserSession
from audit.models import AuditEntry
from tests.api import assert_matches_schema, session_client, token_client
from tests.factories import StaffFactory


def user_url(user) -> str:
    return reverse("api:user-detail", kwargs={"public_id": user.public_id})


def board_url(board) -> str:
    return reverse("api:board-detail", kwargs={"public_id": board.public_id})


def persona(request, name):
    return request.getfixturevalue(name)


# --- The permission matrix -----------------------------------------------------------------------

# persona → the status of: users list, board A's staff member, board A, the boards list
EXPECTED = {
    "administrator": {"users": 200, "staff_a": 200, "board_a": 200, "boards": 200},
    "chair_a": {"users": 200, "staff_a": 200, "board_a": 200, "boards": 200},
    "staff_a": {"users": 403, "staff_a": 403, "board_a": 403, "boards": 403},
    "panel_member": {"users": 403, "staff_a": 403, "board_a": 403, "boards": 403},
    "secretariat": {"users": 403, "staff_a": 403, "board_a": 403, "boards": 403},
    "chair_b": {"users": 200, "staff_a": 404, "board_a": 404, "boards": 200},
    "staff_b": {"users": 403, "staff_a": 404, "board_a": 404, "boards": 403},
}


@pytest.mark.parametrize("name", EXPECTED)
def test_reading_matrix(request, name, board_a, staff_a, chair_a, chair_b):
    client = token_client(persona(request, name))
    expected = EXPECTED[name]
    assert client.get(reverse("api:user-list")).status_code == expected["users"]
    assert client.get(user_url(staff_a)).status_code == expected["staff_a"]
    assert client.get(board_url(board_a)).status_code == expected["board_a"]
    assert client.get(reverse("api:board-list")).status_code == expected["boards"]


@pytest.mark.parametrize("name", EXPECTED)
def test_changing_matrix(request, name, board_a, staff_a, chair_a, chair_b):
    """Only a superuser or board A's chair can deactivate board A's staff member; nothing else changes."""
    client = token_client(persona(request, name))
    response = client.patch(user_url(staff_a), {"is_active": False, "reason": "Left the board"}, format="json")
    allowed = name in ("administrator", "chair_a")
    assert response.status_code == (200 if allowed else EXPECTED[name]["staff_a"])
    staff_a.refresh_from_db()
    assert staff_a.is_active is not allowed


def test_a_chair_lists_only_the_boards_people(board_a, chair_a, staff_a, staff_b, panel_member):
    response = token_client(chair_a).get(reverse("api:user-list"))
    emails = {row["email"] for row in response.json()["results"]}
    assert emails == {chair_a.email, staff_a.email}
    boards = token_client(chair_a).get(reverse("api:board-list")).json()["results"]
    assert [b["code"] for b in boards] == [board_a.code]


def test_the_user_record_matches_the_schema(chair_a, staff_a):
    response = token_client(chair_a).get(user_url(staff_a))
    assert response.status_code == 200
    data = response.json()
    assert data["board"] == staff_a.board.code
    assert data["role"] == "board_staff"
    assert "password" not in data
    assert_matches_schema(response, "/api/v1/users/{public_id}/")


# --- Inviting ------------------------------------------------------------------------------------


def test_a_chair_invites_staff_to_their_own_board(board_a, chair_a, django_capture_on_commit_callbacks):
    client = token_client(chair_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("api:user-list"),
            {"email": "new.officer@board-a.example", "full_name": "New Officer (fictional)", "role": "board_staff"},
            format="json",
        )
    assert response.status_code == 201, response.json()
    invited = User.objects.get(email="new.officer@board-a.example")
    assert invited.board == board_a and invited.role == Role.BOARD_STAFF
    assert response.json()["status"] == "invited"
    assert response["Location"].endswith(user_url(invited))
    assert len(mail.outbox) == 1 and "new.officer@board-a.example" in mail.outbox[0].to
    assert AuditEntry.objects.for_object(invited).filter(transition="invite", actor=chair_a).count() == 1


def test_a_chair_cannot_invite_to_another_board_or_a_panel_role(board_a, board_b, chair_a):
    client = token_client(chair_a)
    other = client.post(
        reverse("api:user-list"),
        {"email": "x@board-b.example", "full_name": "X (fictional)", "role": "board_staff", "board": board_b.code},
        format="json",
    )
    assert other.status_code == 400 and "board" in other.json()
    panel = client.post(
        reverse("api:user-list"),
        {"email": "y@panel.example", "full_name": "Y (fictional)", "role": "panel_member"},
        format="json",
    )
    assert panel.status_code == 400 and "role" in panel.json()
    assert not User.objects.filter(email__in=["x@board-b.example", "y@panel.example"]).exists()


def test_a_superuser_invites_a_panel_member(administrator):
    response = token_client(administrator).post(
        reverse("api:user-list"),
        {"email": "member2@panel.example", "full_name": "Second Member (fictional)", "role": "panel_member"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["board"] is None


@pytest.mark.parametrize(
    "body, field",
    [
        ({"full_name": "No Email", "role": "board_staff"}, "email"),
        ({"email": "not-an-email", "full_name": "Bad Email", "role": "board_staff"}, "email"),
        ({"email": "z@board-a.example", "full_name": "Z", "role": "no_such_role"}, "role"),
        ({"email": "z@board-a.example", "full_name": "Z", "role": "board_staff", "state": "active"}, "state"),
        ({"email": "z@board-a.example", "full_name": "Z", "role": "board_staff", "is_superuser": True}, "is_superuser"),
    ],
)
def test_bad_invitations_are_400_with_the_field_and_save_nothing(chair_a, body, field):
    before = User.objects.count()
    response = token_client(chair_a).post(reverse("api:user-list"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert User.objects.count() == before


def test_an_email_already_used_is_a_field_error(chair_a, staff_a):
    response = token_client(chair_a).post(
        reverse("api:user-list"),
        {"email": staff_a.email.upper(), "full_name": "Twice (fictional)", "role": "board_staff"},
        format="json",
    )
    assert response.status_code == 400 and "email" in response.json()


def test_reinviting_sends_a_new_link(chair_a, staff_a, django_capture_on_commit_callbacks):
    url = reverse("api:user-invitation", kwargs={"public_id": staff_a.public_id})
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(chair_a).post(url, format="json")
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    assert token_client(StaffFactory(board=staff_a.board)).post(url).status_code == 403


# --- Changing roles and deactivating -----------------------------------------------------------


def test_a_chair_makes_staff_a_chair(chair_a, staff_a):
    response = token_client(chair_a).patch(user_url(staff_a), {"role": "board_chair"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["role"] == "board_chair"
    entry = AuditEntry.objects.for_object(staff_a).get(transition="change_role")
    assert (entry.from_state, entry.to_state, entry.actor) == ("board_staff", "board_chair", chair_a)


def test_a_chair_cannot_deactivate_themselves(chair_a):
    response = token_client(chair_a).patch(user_url(chair_a), {"is_active": False}, format="json")
    assert response.status_code == 400
    chair_a.refresh_from_db()
    assert chair_a.is_active


def test_deactivation_through_the_api_ends_sessions_and_tokens_at_once(chair_a, staff_a):
    staff_session = session_client(staff_a)
    staff_token = token_client(staff_a)
    assert staff_session.get(reverse("api:incident-list")).status_code == 200
    assert staff_token.get(reverse("api:incident-list")).status_code == 200
    assert UserSession.objects.filter(user=staff_a).exists()

    response = token_client(chair_a).patch(user_url(staff_a), {"is_active": False, "reason": "Left"}, format="json")
    assert response.status_code == 200 and response.json()["is_active"] is False

    assert staff_session.get(reverse("api:incident-list")).status_code in (401, 403)
    assert staff_token.get(reverse("api:incident-list")).status_code == 401
    assert not ApiToken.objects.filter(user=staff_a, revoked_at__isnull=True).exists()
    entry = AuditEntry.objects.for_object(staff_a).get(transition="deactivate")
    assert (entry.actor, entry.to_state) == (chair_a, "inactive")

    # Reactivating brings nothing of the old access back.
    assert token_client(chair_a).patch(user_url(staff_a), {"is_active": True}, format="json").status_code == 200
    assert staff_session.get(reverse("api:incident-list")).status_code in (401, 403)
    assert staff_token.get(reverse("api:incident-list")).status_code == 401


# --- Boards ---------------------------------------------------------------------------------------


def test_a_superuser_creates_and_changes_a_board(administrator):
    client = token_client(administrator)
    response = client.post(
        reverse("api:board-list"),
        {"code": "NEWB", "name": "New Board (fictional)", "region": "london", "active_from": "2020-04-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    board = Board.objects.get(code="NEWB")
    changed = client.patch(board_url(board), {"name": "Renamed Board (fictional)"}, format="json")
    assert changed.status_code == 200 and changed.json()["name"] == "Renamed Board (fictional)"
    assert AuditEntry.objects.for_object(board).filter(transition__in=["create_board", "update_board"]).count() == 2


def test_a_chair_cannot_create_or_change_boards(chair_a, board_a):
    client = token_client(chair_a)
    body = {"code": "NOPE", "name": "No (fictional)", "region": "london", "active_from": "2020-04-01"}
    assert client.post(reverse("api:board-list"), body, format="json").status_code == 403
    assert client.patch(board_url(board_a), {"name": "Renamed"}, format="json").status_code == 403
    assert not Board.objects.filter(code="NOPE").exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"code": "bad code", "name": "B", "region": "london", "active_from": "2020-04-01"}, "code"),
        ({"code": "OKB", "name": "B", "region": "atlantis", "active_from": "2020-04-01"}, "region"),
        ({"code": "OKB", "name": "B", "region": "london", "active_from": "1 April"}, "active_from"),
        (
            {"code": "OKB", "name": "B", "region": "london", "active_from": "2020-04-01", "active_until": "2019-01-01"},
            "active_until",
        ),
    ],
)
def test_bad_boards_are_400_with_the_field(administrator, body, field):
    response = token_client(administrator).post(reverse("api:board-list"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Board.objects.filter(code="OKB").exists()


# --- Lists stay flat --------------------------------------------------------------------------


def test_the_users_list_query_count_does_not_grow(administrator, board_a, django_assert_max_num_queries):
    client = token_client(administrator)
    StaffFactory.create_batch(3, board=board_a)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("api:user-list"))
    StaffFactory.create_batch(15, board=board_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(reverse("api:user-list")).json()["results"]) >= 18
