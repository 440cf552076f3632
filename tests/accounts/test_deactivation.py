"""Deactivation ends a person's sessions and tokens at once, on every path (SECURITY row 5)."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import Invitation, UserSession
from accounts.signals import user_deactivated
from audit.models import AuditEntry
from tests.conftest import sign_in_with_both_factors

DASHBOARD = reverse("accounts:dashboard")


@pytest.fixture
def deactivations():
    """The users `user_deactivated` was sent for, in order."""
    sent = []

    def receiver(sender, user, **kwargs):
        sent.append(user.pk)

    user_deactivated.connect(receiver, dispatch_uid="test-deactivations")
    yield sent
    user_deactivated.disconnect(dispatch_uid="test-deactivations")


@pytest.fixture
def staff_session(staff_a):
    """A browser signed in as staff_a (two of them: every session must end)."""
    browsers = [sign_in_with_both_factors(Client(), staff_a) for _ in range(2)]
    for browser in browsers:
        assert browser.get(DASHBOARD).status_code == 200
    return browsers


def keys(browsers):
    return [b.cookies["scr_session"].value for b in browsers]


def assert_signed_out(browsers, cookies):
    assert not Session.objects.filter(session_key__in=cookies).exists()
    assert not UserSession.objects.filter(session_key__in=cookies).exists()
    for browser, cookie in zip(browsers, cookies, strict=True):
        browser.cookies["scr_session"] = cookie  # replay the old cookie
        response = browser.get(DASHBOARD)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign_in"))


def test_sign_in_records_the_session_and_sign_out_forgets_it(staff_a, staff_session):
    cookies = keys(staff_session)
    assert set(UserSession.objects.filter(user=staff_a).values_list("session_key", flat=True)) == set(cookies)
    staff_session[0].post(reverse("accounts:sign_out"))
    assert list(UserSession.objects.filter(user=staff_a).values_list("session_key", flat=True)) == [cookies[1]]


def test_through_the_service(staff_a, chair_a, staff_session, deactivations, django_assert_max_num_queries):
    cookies = keys(staff_session)
    services.user_deactivate(actor=chair_a, user=staff_a, reason="Left the board")
    assert deactivations == [staff_a.pk]
    assert_signed_out(staff_session, cookies)
    entry = AuditEntry.objects.for_object(staff_a).get(transition="deactivate")
    assert (entry.from_state, entry.to_state, entry.actor, entry.actor_role, entry.board) == (
        "active",
        "inactive",
        chair_a,
        "board_chair",
        staff_a.board,
    )
    assert entry.reason == "Account deactivated: Left the board"


def test_through_the_admin_change_form(staff_a, administrator, staff_session, deactivations):
    cookies = keys(staff_session)
    admin = sign_in_with_both_factors(Client(), administrator)
    response = admin.post(
        reverse("admin:accounts_user_change", args=[staff_a.pk]),
        {"email": staff_a.email, "full_name": staff_a.full_name, "role": staff_a.role, "board": staff_a.board_id},
    )
    assert response.status_code == 302, response.content[:2000]
    staff_a.refresh_from_db()
    assert staff_a.is_active is False
    assert deactivations == [staff_a.pk]
    assert_signed_out(staff_session, cookies)


def test_in_a_shell(staff_a, staff_session, deactivations):
    cookies = keys(staff_session)
    staff_a.is_active = False
    staff_a.save()
    assert deactivations == [staff_a.pk]
    assert_signed_out(staff_session, cookies)
    # Saving the inactive account again sends nothing more.
    staff_a.full_name = "Staff of A (left)"
    staff_a.save()
    assert deactivations == [staff_a.pk]


def test_a_stale_copy_saved_inactive_still_counts(staff_a, staff_session, deactivations):
    from accounts.models import User

    copy = User.objects.get(pk=staff_a.pk)
    copy.is_active = False
    copy.save(update_fields=["is_active"])
    assert deactivations == [staff_a.pk]


def test_deactivation_withdraws_open_invitations(chair_a, django_capture_on_commit_callbacks):
    invitation, _ = services.invitation_create(
        actor=chair_a, email="x@test.example", full_name="X Person", role="board_staff"
    )
    services.user_deactivate(actor=chair_a, user=invitation.user)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


@pytest.mark.parametrize("how", ["service", "shell"])
def test_reactivation_does_not_revive_the_old_cookie(how, staff_a, chair_a, staff_session):
    cookies = keys(staff_session)
    services.user_deactivate(actor=chair_a, user=staff_a)
    if how == "service":
        invitation, _ = services.user_reactivate(actor=chair_a, user=staff_a)
        staff_a.refresh_from_db()
        assert not staff_a.has_usable_password()
        assert Invitation.objects.open_at(invitation.created_at).filter(user=staff_a).count() == 1
        entry = AuditEntry.objects.for_object(staff_a).get(transition="reactivate")
        assert (entry.from_state, entry.to_state) == ("inactive", "invited")
    else:
        staff_a.is_active = True
        staff_a.save()
    assert_signed_out(staff_session, cookies)


def test_reactivation_needs_a_new_second_factor(staff_a, chair_a, staff_session):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    services.user_deactivate(actor=chair_a, user=staff_a)
    services.user_reactivate(actor=chair_a, user=staff_a)
    assert not TOTPDevice.objects.filter(user=staff_a).exists()
