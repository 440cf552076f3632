"""Issue 18, finding 1: superusers hold no case records (SPEC §2), and people are deactivated, never
deleted (decision 0027). Through the model, the database, the admin, the users API and the people
pages, no staff or superuser account takes a case role or a board, no case-holding account becomes
staff or superuser, and no account is deleted in the admin (decision 0030)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django_fsm_log.models import StateLog
from rest_framework.test import APIClient

from accounts.admin import REACTIVATE_ON_THE_PEOPLE_PAGE
from accounts.models import CASE_ROLE_NOT_STAFF, ROLE_FIXED_ACROSS_ADMINISTRATOR, Role, User
from incidents.choices import IncidentState
from tests.conftest import sign_in_with_both_factors
from tests.workflow import case_in

pytestmark = pytest.mark.django_db


def _change_form(user, **changes):
    fields = {
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "board": user.board_id or "",
        "is_active": "on",
    }
    if user.is_staff:
        fields["is_staff"] = "on"
    if user.is_superuser:
        fields["is_superuser"] = "on"
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


def _admin_post(administrator, user, **changes):
    client = sign_in_with_both_factors(Client(), administrator)
    return client.post(reverse("admin:accounts_user_change", args=[user.pk]), _change_form(user, **changes))


def _field_errors(response, field):
    assert response.status_code == 200, response.status_code
    return response.context["adminform"].form.errors.get(field, [])


# --- The model and the database


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_a_case_holding_account_is_never_staff_or_superuser(staff_a, flag):
    setattr(staff_a, flag, True)
    with pytest.raises(ValidationError) as refused:
        staff_a.full_clean()
    assert refused.value.message_dict[flag] == [CASE_ROLE_NOT_STAFF]
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=staff_a.pk).update(**{flag: True})
    with pytest.raises(IntegrityError), transaction.atomic():
        staff_a.save()
    assert not User.objects.filter(pk=staff_a.pk, **{flag: True}).exists()


@pytest.mark.parametrize("role", [Role.BOARD_STAFF, Role.BOARD_CHAIR, Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT])
def test_an_administrator_never_takes_a_case_role(administrator, board_a, role):
    administrator.role = role
    administrator.board = board_a if role in (Role.BOARD_STAFF, Role.BOARD_CHAIR) else None
    administrator.is_staff = administrator.is_superuser = False  # even stepping down first
    with pytest.raises(ValidationError) as refused:
        administrator.full_clean()
    assert refused.value.message_dict["role"] == [ROLE_FIXED_ACROSS_ADMINISTRATOR]
    with pytest.raises(ValidationError):
        administrator.save()
    with pytest.raises(ValidationError):
        User.objects.filter(pk=administrator.pk).update(role=role, is_staff=False, is_superuser=False)
    with pytest.raises(ValidationError):
        User.objects.bulk_update([administrator], ["role", "board", "is_staff", "is_superuser"])
    assert User.objects.get(pk=administrator.pk).role == Role.ADMINISTRATOR


def test_a_case_holding_account_never_becomes_an_administrator(chair_a):
    with pytest.raises(ValidationError):
        User.objects.filter(pk=chair_a.pk).update(role=Role.ADMINISTRATOR, board=None)
    chair_a.role, chair_a.board = Role.ADMINISTRATOR, None
    with pytest.raises(ValidationError) as refused:
        chair_a.full_clean()
    assert refused.value.message_dict["role"] == [ROLE_FIXED_ACROSS_ADMINISTRATOR]
    assert User.objects.get(pk=chair_a.pk).role == Role.BOARD_CHAIR


def test_other_changes_still_save(administrator, staff_a):
    """A guard on the rule above: it refuses only the crossing, not every change of role."""
    administrator.full_name = "Service Admin (renamed)"
    administrator.save()
    staff_a.role = Role.BOARD_CHAIR
    staff_a.full_clean()
    staff_a.save()
    assert User.objects.filter(pk=staff_a.pk, role=Role.BOARD_CHAIR).exists()


# --- The admin


@pytest.mark.parametrize("role", [Role.BOARD_CHAIR, Role.BOARD_STAFF])
def test_a_superuser_cannot_give_themselves_a_board_role_in_the_admin(administrator, board_a, role):
    for changes in ({"role": role, "board": board_a.pk}, {"role": role, "board": board_a.pk, "is_superuser": None}):
        response = _admin_post(administrator, administrator, **changes)
        assert _field_errors(response, "role") == [ROLE_FIXED_ACROSS_ADMINISTRATOR]
    stored = User.objects.get(pk=administrator.pk)
    assert (stored.role, stored.board_id, stored.is_superuser) == (Role.ADMINISTRATOR, None, True)


def test_a_superuser_cannot_make_another_superuser_a_panel_member(administrator):
    other = User.objects.create_superuser("second.admin@test.example", full_name="Second Admin")
    response = _admin_post(administrator, other, role=Role.PANEL_MEMBER)
    assert _field_errors(response, "role") == [ROLE_FIXED_ACROSS_ADMINISTRATOR]
    assert User.objects.get(pk=other.pk).role == Role.ADMINISTRATOR


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_a_case_holding_account_cannot_be_made_staff_or_superuser_in_the_admin(administrator, chair_a, flag):
    response = _admin_post(administrator, chair_a, **{flag: "on"})
    assert _field_errors(response, flag) == [CASE_ROLE_NOT_STAFF]
    assert CASE_ROLE_NOT_STAFF in response.content.decode()
    assert not User.objects.filter(pk=chair_a.pk, **{flag: True}).exists()


def test_the_admin_add_page_offers_no_administrator_role(administrator):
    client = sign_in_with_both_factors(Client(), administrator)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"email": "x@test.example", "full_name": "X (fictional)", "role": Role.ADMINISTRATOR},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["role"]
    assert not User.objects.filter(email="x@test.example").exists()


# --- The users API and the people pages


def test_the_users_api_gives_an_administrator_no_case_role(administrator, board_a):
    api = sign_in_with_both_factors(APIClient(), administrator)
    response = api.patch(
        f"/api/v1/users/{administrator.public_id}/", {"role": "board_chair", "board": board_a.code}, format="json"
    )
    assert response.status_code in (403, 404), response.content
    invite = api.post(
        "/api/v1/users/", {"email": "a2@test.example", "full_name": "A2", "role": "administrator"}, format="json"
    )
    assert invite.status_code == 400 and "role" in invite.json()
    assert User.objects.get(pk=administrator.pk).role == Role.ADMINISTRATOR
    assert not User.objects.filter(email="a2@test.example").exists()


def test_the_people_pages_give_an_administrator_no_case_role(administrator, chair_a):
    client = sign_in_with_both_factors(Client(), administrator)
    url = reverse("accounts:person_role", args=[administrator.pk])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"role": "board_chair"}).status_code in (403, 404)
    assert User.objects.get(pk=administrator.pk).role == Role.ADMINISTRATOR
    # ... nor a chair their board's chair into an administrator: that role is not offered.
    chair = sign_in_with_both_factors(Client(), chair_a)
    other = User.objects.create_user(
        "chair2@test.example", full_name="Chair Two", role=Role.BOARD_STAFF, board=chair_a.board
    )
    response = chair.post(reverse("accounts:person_role", args=[other.pk]), {"role": "administrator"})
    assert response.status_code in (200, 400, 403)
    assert User.objects.get(pk=other.pk).role == Role.BOARD_STAFF


# --- No deletion in the admin


def test_no_account_is_deleted_in_the_admin(administrator, chair_a, panel_member):
    case_in(IncidentState.NOTIFIED, chair_a)  # chair_a is now named in StateLog rows (`by`)
    logs = StateLog.objects.filter(by=chair_a).count()
    assert logs
    client = sign_in_with_both_factors(Client(), administrator)
    for person in (chair_a, panel_member, administrator):
        delete = reverse("admin:accounts_user_delete", args=[person.pk])
        assert client.get(delete).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:accounts_user_changelist")
    page = client.get(changelist)
    assert page.status_code == 200 and b"delete_selected" not in page.content
    bulk = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [chair_a.pk, panel_member.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)
    assert User.objects.filter(pk__in=[chair_a.pk, panel_member.pk, administrator.pk]).count() == 3
    assert StateLog.objects.filter(by=chair_a).count() == logs
    change = client.get(reverse("admin:accounts_user_change", args=[chair_a.pk]))
    assert change.status_code == 200
    assert reverse("admin:accounts_user_delete", args=[chair_a.pk]) not in change.content.decode()


def test_a_case_role_accounts_role_board_and_reactivation_change_only_on_the_people_page(
    administrator, chair_a, board_b
):
    """Ticking "active" in the admin reactivated a person with their old password and authenticator,
    sent no invitation and recorded nothing; a role or board changed there was not recorded either. The
    admin shows role and board as read-only for a case-role account, refuses a reactivation with a field
    error, and says where they are changed. (Unticking "active" still ends access: the model does that.)"""
    from audit.models import AuditEntry

    chair_a.is_active = False
    chair_a.save()
    entries = AuditEntry.objects.count()
    client = sign_in_with_both_factors(Client(), administrator)
    url = reverse("admin:accounts_user_change", args=[chair_a.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert not {"role", "board"} & set(page.context["adminform"].form.fields)
    assert "people page" in page.content.decode()
    response = client.post(url, _change_form(chair_a, is_active="on", full_name="Renamed"))
    assert _field_errors(response, "is_active") == [REACTIVATE_ON_THE_PEOPLE_PAGE]
    assert User.objects.get(pk=chair_a.pk).full_name != "Renamed"  # nothing half-saved
    response = client.post(
        url, _change_form(chair_a, is_active=None, role=Role.BOARD_STAFF, board=board_b.pk, full_name="Renamed")
    )
    assert response.status_code == 302
    stored = User.objects.get(pk=chair_a.pk)
    assert (stored.is_active, stored.role, stored.board_id) == (False, Role.BOARD_CHAIR, chair_a.board_id)
    assert stored.full_name == "Renamed"  # the other fields still save
    assert AuditEntry.objects.count() == entries


def test_an_administrators_access_is_still_managed_in_the_admin(administrator):
    other = User.objects.create_superuser("third.admin@test.example", full_name="Third Admin")
    response = _admin_post(administrator, other, is_active=None)
    assert response.status_code == 302
    assert not User.objects.get(pk=other.pk).is_active
