"""Invitations (SPEC §8 "People"): a single-use link that expires after 7 days, with which the
invitee sets a password and links an authenticator before the account can do anything."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import Invitation, Role, User
from audit.models import AuditEntry
from tests.accounts.test_sign_in import current_code, password_step

DASHBOARD = reverse("accounts:dashboard")
STEP_TWO = reverse("accounts:invitation_authenticator")
PASSWORD = "a-good-long-passphrase-31"
INVALID = "This link has expired or has been used. Ask your chair for a new invitation."


def invite(chair, django_capture_on_commit_callbacks, email="new.person@test.example", role=Role.BOARD_STAFF):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invitation_create(actor=chair, email=email, full_name="New Person", role=role)
    return invitation, token


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/invitation/\S+/)", message.body).group(1)


def accept(client, link, password=PASSWORD):
    """Both steps; returns the device linked and the last response."""
    client.post(link, {"new_password1": password, "new_password2": password})
    client.get(STEP_TWO)
    device = TOTPDevice.objects.filter(confirmed=False).latest("pk")
    return device, client.post(STEP_TWO, {"code": current_code(device)})


@pytest.fixture
def invited(chair_a, django_capture_on_commit_callbacks):
    invitation, token = invite(chair_a, django_capture_on_commit_callbacks)
    return invitation, token


def test_the_email_holds_the_link_and_only_the_hash_is_stored(invited):
    invitation, token = invited
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@test.example"]
    assert link_in(message) == f"/invitation/{token}/"
    assert "Chair of A" in message.body and "Board staff" in message.body
    assert message.alternatives and f"/invitation/{token}/" in message.alternatives[0][0]
    invitation.refresh_from_db()
    assert invitation.token_hash != token and len(invitation.token_hash) == 64
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert invitation.expires_at == invitation.created_at + timedelta(days=7)


def test_the_invited_account_cannot_sign_in_before_accepting(client, invited):
    invitation, _ = invited
    user = invitation.user
    assert user.is_active and not user.has_usable_password()
    response = password_step(client, user.email, "")
    assert response.status_code == 200
    assert client.get(DASHBOARD).status_code == 302


def test_accepting_sets_the_password_links_the_authenticator_and_signs_in(client, invited):
    invitation, token = invited
    page = client.get(f"/invitation/{token}/")
    assert page.status_code == 200 and "Choose your password" in page.text
    response = client.post(f"/invitation/{token}/", {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response["Location"] == STEP_TWO
    user = User.objects.get(pk=invitation.user_id)
    # The password step alone makes nothing usable: no password on the account, nothing reachable.
    assert not user.has_usable_password()
    assert client.get(DASHBOARD).status_code == 302
    page = client.get(STEP_TWO)
    assert "Secret key" in page.text and "<svg" in page.text
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False
    response = client.post(STEP_TWO, {"code": current_code(device)})
    assert response["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200
    user.refresh_from_db()
    device.refresh_from_db()
    invitation.refresh_from_db()
    assert user.check_password(PASSWORD) and device.confirmed and invitation.used_at is not None
    entry = AuditEntry.objects.for_object(user).get(transition="accept_invitation")
    assert (entry.from_state, entry.to_state, entry.actor, entry.board) == ("invited", "active", user, user.board)


def test_a_wrong_first_code_keeps_the_account_unusable(client, invited):
    invitation, token = invited
    client.post(f"/invitation/{token}/", {"new_password1": PASSWORD, "new_password2": PASSWORD})
    client.get(STEP_TWO)
    device = TOTPDevice.objects.get(user=invitation.user)
    bad = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(STEP_TWO, {"code": bad})
    assert response.status_code == 200 and "The security code is not correct" in response.text
    assert client.get(DASHBOARD).status_code == 302
    assert not User.objects.get(pk=invitation.user_id).has_usable_password()
    # Signing in with the chosen password gets nowhere either: the password was never saved.
    assert password_step(client, invitation.user.email, PASSWORD).status_code == 200


def test_a_weak_password_gets_field_errors(client, invited):
    _, token = invited
    response = client.post(f"/invitation/{token}/", {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text and "too short" in response.text
    response = client.post(f"/invitation/{token}/", {"new_password1": PASSWORD, "new_password2": PASSWORD + "x"})
    assert "match" in response.text and "govuk-error-summary" in response.text
    assert STEP_TWO not in response.get("Location", "")


def test_the_link_works_once(client, invited):
    _, token = invited
    _, response = accept(client, f"/invitation/{token}/")
    assert response["Location"] == DASHBOARD
    client.post(reverse("accounts:sign_out"))
    again = client.get(f"/invitation/{token}/")
    assert again.status_code == 200 and INVALID in again.text
    posted = client.post(f"/invitation/{token}/", {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert INVALID in posted.text


def test_the_link_expires_after_seven_days(client, chair_a, django_capture_on_commit_callbacks):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _, token = invite(chair_a, django_capture_on_commit_callbacks)
    with time_machine.travel(start + timedelta(days=7) - timedelta(minutes=1), tick=False):
        assert "Choose your password" in client.get(f"/invitation/{token}/").text
    with time_machine.travel(start + timedelta(days=7, minutes=1), tick=False):
        page = client.get(f"/invitation/{token}/")
        assert INVALID in page.text
        # ...even half-way through: a password chosen before the expiry does not finish after it.
        assert INVALID in client.get(STEP_TWO).text


def test_unknown_used_and_expired_links_look_the_same(client, invited, chair_a, django_capture_on_commit_callbacks):
    _, token = invited
    unknown = client.get("/invitation/not-a-real-token/").text
    accept(client, f"/invitation/{token}/")
    client.get(DASHBOARD)  # shows the "account is ready" message
    client.post(reverse("accounts:sign_out"))
    used = client.get(f"/invitation/{token}/").text
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", unknown) == strip.sub("", used)


def test_a_new_invitation_kills_the_old_link(client, invited, chair_a, django_capture_on_commit_callbacks):
    invitation, old = invited
    with django_capture_on_commit_callbacks(execute=True):
        _, new = services.invitation_resend(actor=chair_a, user=invitation.user)
    assert INVALID in client.get(f"/invitation/{old}/").text
    assert "Choose your password" in client.get(f"/invitation/{new}/").text
    entry = AuditEntry.objects.for_object(invitation.user).get(transition="reinvite")
    assert entry.actor == chair_a and entry.actor_role == Role.BOARD_CHAIR


def test_step_two_needs_step_one_in_the_same_browser(client, invited):
    assert INVALID in client.get(STEP_TWO).text


def test_a_deactivated_invitee_cannot_accept(client, invited, chair_a):
    invitation, token = invited
    services.user_deactivate(actor=chair_a, user=invitation.user)
    assert INVALID in client.get(f"/invitation/{token}/").text


def test_reinviting_a_set_up_person_replaces_their_authenticator_only_when_accepted(
    client, staff_a, chair_a, django_capture_on_commit_callbacks, sign_in
):
    sign_in(staff_a)  # a session and a device, as a person who has been using the service
    old_cookie = client.cookies["scr_session"].value
    old_device = TOTPDevice.objects.get(user=staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        _, token = services.invitation_resend(actor=chair_a, user=staff_a)
    assert TOTPDevice.objects.filter(pk=old_device.pk).exists()
    other = client_class_like(client)
    device, response = accept(other, f"/invitation/{token}/")
    assert response["Location"] == DASHBOARD
    assert list(TOTPDevice.objects.filter(user=staff_a)) == [device]
    client.cookies["scr_session"] = old_cookie
    assert client.get(DASHBOARD).status_code == 302  # the session before the new setup has ended


def client_class_like(client):
    return type(client)()


class TestPasswordAloneLinksNoAuthenticator:
    def test_an_account_without_an_authenticator_is_sent_to_its_invitation(self, client, chair_a):
        response = password_step(client, chair_a.email)
        assert response["Location"] == reverse("accounts:set_up_authenticator")
        page = client.get(response["Location"])
        assert "Use the link in your invitation email" in page.text
        assert "Secret key" not in page.text and "<svg" not in page.text
        assert not TOTPDevice.objects.filter(user=chair_a).exists()
        # Nothing to post a code to: the pending sign-in is over.
        client.post(reverse("accounts:set_up_authenticator"), {"code": "123456"})
        assert not TOTPDevice.objects.filter(user=chair_a).exists()
        assert client.get(DASHBOARD).status_code == 302
        assert client.get(reverse("accounts:sign_in_code"))["Location"] == reverse("accounts:sign_in")

    def test_an_unconfirmed_device_left_over_does_not_help(self, client, chair_a):
        TOTPDevice.objects.create(user=chair_a, name="Left over", confirmed=False)
        password_step(client, chair_a.email)
        page = client.get(reverse("accounts:set_up_authenticator"))
        assert "Use the link in your invitation email" in page.text
        assert not TOTPDevice.objects.filter(user=chair_a, confirmed=True).exists()
