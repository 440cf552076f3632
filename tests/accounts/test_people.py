"""People and boards (SPEC §2, §8 "People"): who may invite, change roles and deactivate, in the
services and on the pages; every change an audit entry; bad input saves nothing."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import Board, Invitation, Region, Role, User
from audit.models import AuditEntry
from tests.factories import BoardFactory, ChairFactory, PanelMemberFactory, StaffFactory


def entries(record, transition):
    return list(AuditEntry.objects.for_object(record).filter(transition=transition))


# --- The permission matrix of the pages


def _urls(board_a, staff_a):
    return {
        "board_people": reverse("accounts:board_people", args=[board_a.code]),
        "board_people_invite": reverse("accounts:board_people_invite", args=[board_a.code]),
        "person_role": reverse("accounts:person_role", args=[staff_a.pk]),
        "person_deactivate": reverse("accounts:person_deactivate", args=[staff_a.pk]),
        "person_reinvite": reverse("accounts:person_reinvite", args=[staff_a.pk]),
        "person_reactivate": reverse("accounts:person_reactivate", args=[staff_a.pk]),
        "board_edit": reverse("accounts:board_edit", args=[board_a.code]),
        "board_create": reverse("accounts:board_create"),
        "people": reverse("accounts:people"),
        "people_invite": reverse("accounts:people_invite"),
    }


BOARD_A_PAGES = (
    "board_people",
    "board_people_invite",
    "person_role",
    "person_deactivate",
    "person_reinvite",
    "person_reactivate",
)
EXPECTED = {
    # persona: {page: status}; pages not named answer as `default`
    "administrator": {"default": 200},
    "chair_a": {**dict.fromkeys(BOARD_A_PAGES, 200), "default": 403},
    "staff_a": {"default": 403},
    "panel_member": {"default": 403},
    "secretariat": {"default": 403},
    # Another board's chair: board A and its people do not exist for them.
    "chair_b": {**dict.fromkeys((*BOARD_A_PAGES, "board_edit"), 404), "default": 403},
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_permission_matrix(request, client, sign_in, persona, board_a, staff_a, chair_a):
    user = request.getfixturevalue(persona)
    sign_in(user)
    expected = EXPECTED[persona]
    answers = {name: client.get(url).status_code for name, url in _urls(board_a, staff_a).items()}
    assert answers == {name: expected.get(name, expected["default"]) for name in answers}


@pytest.mark.parametrize("persona", ["staff_a", "panel_member", "chair_b"])
def test_posting_is_refused_as_getting_is(request, client, sign_in, persona, board_a, staff_a, chair_a):
    sign_in(request.getfixturevalue(persona))
    urls = _urls(board_a, staff_a)
    assert client.post(urls["person_deactivate"], {}).status_code in (403, 404)
    assert client.post(urls["board_people_invite"], {"full_name": "X", "email": "x@test.example"}).status_code in (
        403,
        404,
    )
    staff_a.refresh_from_db()
    assert staff_a.is_active and not User.objects.filter(email="x@test.example").exists()


def test_anonymous_is_sent_to_sign_in(client, board_a, staff_a):
    for url in _urls(board_a, staff_a).values():
        assert client.get(url)["Location"].startswith(reverse("accounts:sign_in"))


# --- Invitations in the services


class TestInvite:
    def test_a_chair_invites_staff_and_chairs_to_their_own_board(self, chair_a, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            invitation, token = services.invitation_create(
                actor=chair_a, email="New.Staff@Test.Example", full_name="  New   Staff ", role=Role.BOARD_STAFF
            )
        user = invitation.user
        assert (user.email, user.full_name, user.role, user.board) == (
            "new.staff@test.example",
            "New Staff",
            Role.BOARD_STAFF,
            chair_a.board,
        )
        assert len(mail.outbox) == 1 and token in mail.outbox[0].body
        [entry] = entries(user, "invite")
        assert (entry.from_state, entry.to_state, entry.actor, entry.actor_role, entry.board) == (
            "",
            "invited",
            chair_a,
            Role.BOARD_CHAIR,
            chair_a.board,
        )
        assert "as Board staff of" in entry.reason
        services.invitation_create(actor=chair_a, email="c2@test.example", full_name="Second Chair", role="board_chair")

    def test_the_email_is_sent_only_after_the_commit(self, chair_a, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.invitation_create(actor=chair_a, email="n@test.example", full_name="N", role="board_staff")
        assert mail.outbox == [] and len(callbacks) == 1

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"role": Role.PANEL_MEMBER}, "role"),
            ({"role": Role.ADMINISTRATOR}, "role"),
            ({"role": ""}, "role"),
            ({"email": "not-an-email"}, "email"),
            ({"email": "chair.a@TEST.example"}, "email"),
            ({"email": ""}, "email"),
            ({"full_name": "  "}, "full_name"),
        ],
    )
    def test_bad_input_names_the_field_and_saves_nothing(self, chair_a, fields, field):
        data = {"email": "new@test.example", "full_name": "New Person", "role": Role.BOARD_STAFF, **fields}
        users, audits = User.objects.count(), AuditEntry.objects.count()
        with pytest.raises(ValidationError) as caught:
            services.invitation_create(actor=chair_a, **data)
        assert field in caught.value.message_dict
        assert (User.objects.count(), AuditEntry.objects.count(), Invitation.objects.count()) == (users, audits, 0)
        assert mail.outbox == []

    def test_a_chair_cannot_invite_to_another_board(self, chair_a, board_b):
        with pytest.raises(PermissionDenied):
            services.invitation_create(
                actor=chair_a, email="n@test.example", full_name="N", role="board_staff", board=board_b
            )

    @pytest.mark.parametrize("persona", ["staff_a", "panel_member", "secretariat"])
    def test_other_roles_cannot_invite(self, request, persona, board_a):
        with pytest.raises(PermissionDenied):
            services.invitation_create(
                actor=request.getfixturevalue(persona), email="n@test.example", full_name="N", role="board_staff"
            )

    def test_a_superuser_invites_panel_users_and_any_boards_people(self, administrator, board_b):
        member, _ = services.invitation_create(
            actor=administrator, email="m@test.example", full_name="M", role=Role.PANEL_MEMBER
        )
        assert member.user.board is None
        chair, _ = services.invitation_create(
            actor=administrator, email="c@test.example", full_name="C", role=Role.BOARD_CHAIR, board=board_b
        )
        assert chair.user.board == board_b
        with pytest.raises(ValidationError) as caught:
            services.invitation_create(actor=administrator, email="s@test.example", full_name="S", role="board_staff")
        assert "board" in caught.value.message_dict
        with pytest.raises(ValidationError) as caught:
            services.invitation_create(
                actor=administrator, email="p@test.example", full_name="P", role=Role.PANEL_MEMBER, board=board_b
            )
        assert "board" in caught.value.message_dict

    def test_no_invitations_to_a_closed_board(self, administrator):
        closed = BoardFactory(code="OLD", active_from=date(2006, 4, 1), active_until=date(2015, 3, 31))
        with pytest.raises(ValidationError) as caught:
            services.invitation_create(
                actor=administrator, email="s@test.example", full_name="S", role="board_staff", board=closed
            )
        assert "board" in caught.value.message_dict

    def test_reinviting_is_for_managers_and_not_for_yourself(self, chair_a, staff_a, staff_b):
        with pytest.raises(ValidationError):
            services.invitation_resend(actor=chair_a, user=chair_a)
        with pytest.raises(PermissionDenied):
            services.invitation_resend(actor=chair_a, user=staff_b)
        with pytest.raises(PermissionDenied):
            services.invitation_resend(actor=staff_a, user=chair_a)


# --- Roles


class TestChangeRole:
    def test_a_chair_makes_staff_a_chair_and_back(self, chair_a, staff_a):
        services.user_change_role(actor=chair_a, user=staff_a, role=Role.BOARD_CHAIR)
        staff_a.refresh_from_db()
        assert staff_a.role == Role.BOARD_CHAIR
        [entry] = entries(staff_a, "change_role")
        assert (entry.from_state, entry.to_state, entry.actor, entry.board) == (
            "board_staff",
            "board_chair",
            chair_a,
            staff_a.board,
        )
        assert entry.reason == "Role changed from Board staff to Board chair"
        services.user_change_role(actor=chair_a, user=staff_a, role=Role.BOARD_STAFF)
        assert len(entries(staff_a, "change_role")) == 2

    def test_a_chair_cannot_give_panel_roles_or_change_their_own(self, chair_a, staff_a):
        with pytest.raises(ValidationError) as caught:
            services.user_change_role(actor=chair_a, user=staff_a, role=Role.PANEL_MEMBER)
        assert "role" in caught.value.message_dict
        with pytest.raises(ValidationError) as caught:
            services.user_change_role(actor=chair_a, user=chair_a, role=Role.BOARD_STAFF)
        assert "role" in caught.value.message_dict
        staff_a.refresh_from_db()
        chair_a.refresh_from_db()
        assert (staff_a.role, chair_a.role) == (Role.BOARD_STAFF, Role.BOARD_CHAIR)
        assert not AuditEntry.objects.filter(transition="change_role").exists()

    def test_a_board_keeps_a_chair(self, administrator, chair_a, staff_a):
        with pytest.raises(ValidationError) as caught:
            services.user_change_role(actor=administrator, user=chair_a, role=Role.BOARD_STAFF)
        assert "no chair" in caught.value.message_dict["role"][0]
        services.user_change_role(actor=administrator, user=staff_a, role=Role.BOARD_CHAIR)
        services.user_change_role(actor=administrator, user=chair_a, role=Role.BOARD_STAFF)

    def test_another_boards_people_are_out_of_a_chairs_reach(self, chair_a, staff_b):
        with pytest.raises(PermissionDenied):
            services.user_change_role(actor=chair_a, user=staff_b, role=Role.BOARD_CHAIR)

    def test_a_superuser_moves_someone_to_the_panel(self, administrator, staff_a):
        services.user_change_role(actor=administrator, user=staff_a, role=Role.PANEL_MEMBER)
        staff_a.refresh_from_db()
        assert (staff_a.role, staff_a.board) == (Role.PANEL_MEMBER, None)
        [entry] = entries(staff_a, "change_role")
        assert "board changed from" in entry.reason

    def test_administrators_are_not_managed_here(self, administrator):
        other = User.objects.create_superuser("other.admin@test.example", "x-long-password-1", full_name="Other")
        with pytest.raises(PermissionDenied):
            services.user_change_role(actor=administrator, user=other, role=Role.PANEL_MEMBER)


# --- Deactivation


class TestDeactivate:
    def test_nobody_deactivates_themselves(self, chair_a, administrator):
        with pytest.raises(ValidationError):
            services.user_deactivate(actor=chair_a, user=chair_a)
        with pytest.raises(PermissionDenied):  # administrators are managed in the admin, not here
            services.user_deactivate(actor=administrator, user=administrator)

    def test_the_last_chair_stays(self, administrator, chair_a):
        with pytest.raises(ValidationError) as caught:
            services.user_deactivate(actor=administrator, user=chair_a)
        assert "no chair" in caught.value.messages[0]
        chair_a.refresh_from_db()
        assert chair_a.is_active

    def test_a_chair_deactivates_another_chair_and_staff(self, chair_a, staff_a, board_a):
        second = ChairFactory(board=board_a)
        services.user_deactivate(actor=chair_a, user=second)
        services.user_deactivate(actor=chair_a, user=staff_a)
        assert not User.objects.filter(pk__in=[second.pk, staff_a.pk], is_active=True).exists()
        with pytest.raises(ValidationError):
            services.user_deactivate(actor=chair_a, user=staff_a)  # already deactivated

    def test_out_of_reach(self, chair_a, staff_a, staff_b, panel_member):
        with pytest.raises(PermissionDenied):
            services.user_deactivate(actor=chair_a, user=staff_b)
        with pytest.raises(PermissionDenied):
            services.user_deactivate(actor=chair_a, user=panel_member)
        with pytest.raises(PermissionDenied):
            services.user_deactivate(actor=staff_a, user=chair_a)

    def test_reactivation_is_audited(self, chair_a, staff_a):
        services.user_deactivate(actor=chair_a, user=staff_a)
        services.user_reactivate(actor=chair_a, user=staff_a)
        assert [e.transition for e in AuditEntry.objects.for_object(staff_a)] == ["deactivate", "reactivate"]
        with pytest.raises(ValidationError):
            services.user_reactivate(actor=chair_a, user=staff_a)


# --- Boards


class TestBoards:
    FIELDS = {
        "code": "NEW",
        "name": "Newtown Safeguarding Children Board",
        "region": Region.LONDON,
        "active_from": date(2010, 4, 1),
        "active_until": None,
    }

    def test_a_superuser_creates_and_changes_a_board(self, administrator):
        board = services.board_create(actor=administrator, **self.FIELDS)
        [entry] = entries(board, "create_board")
        assert (entry.to_state, entry.board, entry.actor) == ("active", board, administrator)
        services.board_update(
            actor=administrator,
            board=board,
            **{**self.FIELDS, "name": "Newtown SCB", "active_until": date(2015, 3, 31)},
        )
        [entry] = entries(board, "update_board")
        assert (entry.from_state, entry.to_state) == ("active", "inactive")
        assert "Name changed from Newtown Safeguarding Children Board to Newtown SCB" in entry.reason
        assert "changed from blank to 31 March 2015" in entry.reason
        # Saving without a change writes nothing.
        services.board_update(actor=administrator, board=board, name="Newtown SCB")
        assert len(entries(board, "update_board")) == 1

    def test_only_a_superuser(self, chair_a, secretariat, board_a):
        for actor in (chair_a, secretariat):
            with pytest.raises(PermissionDenied):
                services.board_create(actor=actor, **self.FIELDS)
            with pytest.raises(PermissionDenied):
                services.board_update(actor=actor, board=board_a, name="Renamed")

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"code": "new"}, "code"),
            ({"code": "AAA"}, "code"),
            ({"name": ""}, "name"),
            ({"region": "mars"}, "region"),
            ({"active_until": date(2009, 1, 1)}, "active_until"),
            ({"state": "x"}, "state"),
        ],
    )
    def test_bad_input(self, administrator, board_a, fields, field):
        before = Board.objects.count()
        with pytest.raises(ValidationError) as caught:
            services.board_create(actor=administrator, **{**self.FIELDS, **fields})
        assert field in caught.value.message_dict
        assert Board.objects.count() == before and not AuditEntry.objects.exists()


# --- The pages


class TestPages:
    def test_the_chair_invites_from_the_people_page(
        self, client, sign_in, chair_a, board_a, django_capture_on_commit_callbacks
    ):
        sign_in(chair_a)
        page = client.get(reverse("accounts:board_people", args=[board_a.code]))
        assert "Invite someone" in page.text
        invite_url = reverse("accounts:board_people_invite", args=[board_a.code])
        form = client.get(invite_url)
        assert "Board staff" in form.text and "Panel member" not in form.text
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                invite_url, {"full_name": "New Officer", "email": "officer@test.example", "role": "board_staff"}
            )
        assert response["Location"] == reverse("accounts:board_people", args=[board_a.code])
        assert len(mail.outbox) == 1
        page = client.get(response["Location"])
        assert "Invitation sent to officer@test.example" in page.text
        assert "New Officer" in page.text and "Invited" in page.text

    def test_bad_input_on_the_invite_page(self, client, sign_in, chair_a, staff_a, board_a):
        sign_in(chair_a)
        url = reverse("accounts:board_people_invite", args=[board_a.code])
        response = client.post(url, {"full_name": "", "email": staff_a.email, "role": "panel_member"})
        assert response.status_code == 200
        assert "govuk-error-summary" in response.text
        assert "Enter the person&#x27;s full name" in response.text
        assert "Choose a role from the list" in response.text
        response = client.post(url, {"full_name": "Dup", "email": staff_a.email.upper(), "role": "board_staff"})
        assert "An account with this email address already exists" in response.text
        assert 'id="email-error"' in response.text or "govuk-error-message" in response.text
        assert User.objects.count() == 2 and not mail.outbox

    def test_deactivation_asks_for_confirmation_then_ends_the_session(self, client, sign_in, chair_a, staff_a):
        from django.test import Client

        staff_browser = sign_in(staff_a, client=Client())
        sign_in(chair_a)
        url = reverse("accounts:person_deactivate", args=[staff_a.pk])
        page = client.get(url)
        assert "Deactivate Staff of A" in page.text and "Deactivate account" in page.text
        staff_a.refresh_from_db()
        assert staff_a.is_active
        response = client.post(url, {"reason": "Moved to another team"})
        assert response.status_code == 302
        staff_a.refresh_from_db()
        assert not staff_a.is_active
        assert staff_browser.get(reverse("accounts:dashboard")).status_code == 302
        assert "Deactivated" in client.get(response["Location"]).text
        [entry] = entries(staff_a, "deactivate")
        assert entry.reason == "Account deactivated: Moved to another team"

    def test_refusals_show_on_the_page(self, client, sign_in, chair_a):
        sign_in(chair_a)
        response = client.post(reverse("accounts:person_deactivate", args=[chair_a.pk]), {})
        assert response.status_code == 200 and "You cannot deactivate your own account" in response.text
        assert "govuk-error-summary" in response.text

    def test_changing_a_role_on_the_page(self, client, sign_in, chair_a, staff_a):
        sign_in(chair_a)
        url = reverse("accounts:person_role", args=[staff_a.pk])
        assert client.post(url, {"role": "panel_member"}).status_code == 200
        response = client.post(url, {"role": "board_chair"})
        assert response.status_code == 302
        staff_a.refresh_from_db()
        assert staff_a.role == Role.BOARD_CHAIR

    def test_reinvite_and_reactivate_on_the_page(
        self, client, sign_in, chair_a, staff_a, django_capture_on_commit_callbacks
    ):
        sign_in(chair_a)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("accounts:person_reinvite", args=[staff_a.pk])).status_code == 302
        assert len(mail.outbox) == 1
        services.user_deactivate(actor=chair_a, user=staff_a)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("accounts:person_reactivate", args=[staff_a.pk])).status_code == 302
        staff_a.refresh_from_db()
        assert staff_a.is_active and len(mail.outbox) == 2

    def test_reactivating_an_active_account_says_so_on_the_confirmation_page(self, client, sign_in, chair_a, staff_a):
        """The confirmation page has no field to link the error to; it answered 500 before (the access
        matrix found it, tests/scr_tracker/test_matrix.py)."""
        sign_in(chair_a)
        response = client.post(reverse("accounts:person_reactivate", args=[staff_a.pk]))
        assert response.status_code == 200
        assert "govuk-error-summary" in response.text and "account is already active" in response.text
        assert not Invitation.objects.filter(user=staff_a).exists()

    def test_the_superuser_adds_and_changes_a_board(self, client, sign_in, administrator):
        sign_in(administrator)
        url = reverse("accounts:board_create")
        data = {
            "code": "NEW",
            "name": "Newtown Safeguarding Children Board",
            "region": "london",
            "active_from_0": "1",
            "active_from_1": "4",
            "active_from_2": "2010",
        }
        bad = client.post(url, {**data, "code": "new", "region": ""})
        assert bad.status_code == 200 and "govuk-error-summary" in bad.text
        assert "Use 2 to 12 capital letters" in bad.text and not Board.objects.filter(name=data["name"]).exists()
        response = client.post(url, data)
        assert response["Location"] == reverse("accounts:board", args=["NEW"])
        edit = reverse("accounts:board_edit", args=["NEW"])
        assert "Newtown Safeguarding Children Board" in client.get(edit).text
        response = client.post(edit, {**data, "name": "Newtown SCB"})
        assert response.status_code == 302 and Board.objects.get(code="NEW").name == "Newtown SCB"
        assert [e.transition for e in AuditEntry.objects.for_object(Board.objects.get(code="NEW"))] == [
            "create_board",
            "update_board",
        ]

    def test_the_superuser_invites_panel_people(self, client, sign_in, administrator):
        sign_in(administrator)
        response = client.post(
            reverse("accounts:people_invite"),
            {"full_name": "Panel Person", "email": "pp@test.example", "role": "panel_member"},
        )
        assert response["Location"] == reverse("accounts:people")
        assert "Panel Person" in client.get(reverse("accounts:people")).text

    def test_dashboards_and_the_board_page_link_the_people_pages(
        self, client, sign_in, chair_a, board_a, administrator
    ):
        sign_in(chair_a)
        people = reverse("accounts:board_people", args=[board_a.code])
        assert people in client.get(reverse("accounts:dashboard")).text
        assert people in client.get(reverse("accounts:board", args=[board_a.code])).text
        client.post(reverse("accounts:sign_out"))
        sign_in(administrator)
        dashboard = client.get(reverse("accounts:dashboard")).text
        assert reverse("accounts:people") in dashboard and reverse("accounts:board_create") in dashboard
        board_page = client.get(reverse("accounts:board", args=[board_a.code])).text
        assert people in board_page and reverse("accounts:board_edit", args=[board_a.code]) in board_page


@pytest.mark.parametrize("count", [3, 30])
def test_the_people_list_query_count_does_not_grow(client, sign_in, chair_a, count, django_assert_max_num_queries):
    board = chair_a.board
    for n in range(count):
        StaffFactory(board=board, is_active=n % 3 != 0)
        PanelMemberFactory()
    services.invitation_create(actor=chair_a, email="inv@test.example", full_name="Inv", role="board_staff")
    sign_in(chair_a)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("accounts:board_people", args=[board.code]))
    assert page.text.count('<tr class="govuk-table__row">') == count + 3  # header, the chair, the invitee
