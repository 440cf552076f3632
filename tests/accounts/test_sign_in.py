"""Signing in with two factors, lockout, session limits, sign-out and password reset."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import SIGN_IN_ERROR
from tests.factories import TEST_PASSWORD, TOTPDeviceFactory

SIGN_IN = reverse("accounts:sign_in")
CODE = reverse("accounts:sign_in_code")
SET_UP = reverse("accounts:set_up_authenticator")
DASHBOARD = reverse("accounts:dashboard")


def current_code(device: TOTPDevice, at=None) -> str:
    moment = at or timezone.now()
    return f"{_code(device, moment):06d}"


def _code(device: TOTPDevice, moment) -> int:
    t = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    t.time = moment.timestamp()
    return t.token()


def password_step(client, email, password=TEST_PASSWORD):
    return client.post(SIGN_IN, {"username": email, "password": password})


@pytest.fixture
def chair_with_device(chair_a):
    return chair_a, TOTPDeviceFactory(user=chair_a)


def test_both_factors_sign_in_and_reach_dashboard(client, chair_with_device):
    chair, device = chair_with_device
    response = password_step(client, chair.email)
    assert response.status_code == 302 and response["Location"] == CODE
    # After the password alone nothing is reachable yet.
    assert client.get(DASHBOARD).status_code == 302
    response = client.post(CODE, {"code": current_code(device)})
    assert response.status_code == 302 and response["Location"] == DASHBOARD
    page = client.get(DASHBOARD)
    assert page.status_code == 200
    assert "Your board&#x27;s cases" in page.text or "Your board's cases" in page.text


def test_email_is_case_insensitive(client, chair_with_device):
    chair, _ = chair_with_device
    response = password_step(client, chair.email.upper())
    assert response["Location"] == CODE


def test_wrong_password_and_unknown_email_get_the_same_answer(client, chair_with_device):
    chair, _ = chair_with_device
    wrong = password_step(client, chair.email, "not-the-password")
    unknown = password_step(client, "nobody@test.example", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    assert SIGN_IN_ERROR in wrong.text and SIGN_IN_ERROR in unknown.text
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|value="[^"]*@test.example"')
    assert strip.sub("", wrong.text) == strip.sub("", unknown.text)


def test_empty_form_names_each_field(client, db):
    response = client.post(SIGN_IN, {"username": "", "password": ""})
    assert "Enter your email address" in response.text
    assert "Enter your password" in response.text
    assert "govuk-error-summary" in response.text


def test_inactive_user_cannot_sign_in_and_gets_the_same_message(client, chair_with_device):
    chair, _ = chair_with_device
    chair.is_active = False
    chair.save()
    response = password_step(client, chair.email)
    assert response.status_code == 200 and SIGN_IN_ERROR in response.text


def test_wrong_code_is_refused_with_a_message(client, chair_with_device):
    chair, device = chair_with_device
    password_step(client, chair.email)
    good = current_code(device)
    bad = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(CODE, {"code": bad})
    assert response.status_code == 200
    assert "The security code is not correct" in response.text
    assert client.get(DASHBOARD).status_code == 302


def test_non_numeric_code_gets_a_field_error(client, chair_with_device):
    chair, _ = chair_with_device
    password_step(client, chair.email)
    response = client.post(CODE, {"code": "12ab56"})
    assert "The security code must be 6 digits" in response.text


def test_a_used_code_cannot_be_replayed(client, chair_with_device):
    chair, device = chair_with_device
    with time_machine.travel(timezone.now(), tick=False):
        code = current_code(device)
        password_step(client, chair.email)
        assert client.post(CODE, {"code": code}).status_code == 302
        client.post(reverse("accounts:sign_out"))
        password_step(client, chair.email)
        replay = client.post(CODE, {"code": code})
    assert replay.status_code == 200
    assert client.get(DASHBOARD).status_code == 302


def test_repeated_wrong_codes_are_throttled(client, chair_with_device):
    chair, device = chair_with_device
    with time_machine.travel(timezone.now(), tick=False):
        password_step(client, chair.email)
        for _ in range(2):
            client.post(CODE, {"code": "000000" if current_code(device) != "000000" else "111111"})
        response = client.post(CODE, {"code": current_code(device)})
    assert "Too many incorrect codes" in response.text
    assert client.get(DASHBOARD).status_code == 302


def test_code_step_without_password_step_goes_back_to_sign_in(client, db):
    assert client.get(CODE)["Location"] == SIGN_IN


def test_pending_sign_in_expires_after_five_minutes(client, chair_with_device):
    chair, device = chair_with_device
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        password_step(client, chair.email)
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        response = client.post(CODE, {"code": current_code(device)})
    assert response["Location"] == SIGN_IN


def test_a_password_alone_links_no_authenticator(client, chair_a):
    """An account without a confirmed device is sent to its invitation (tests/accounts/test_invitations.py)."""
    response = password_step(client, chair_a.email)
    assert response["Location"] == SET_UP
    page = client.get(SET_UP)
    assert "Use the link in your invitation email" in page.text and "Secret key" not in page.text
    assert not TOTPDevice.objects.filter(user=chair_a).exists()
    assert client.get(DASHBOARD).status_code == 302


def test_new_session_id_at_sign_in(client, chair_with_device):
    chair, device = chair_with_device
    client.get(SIGN_IN)
    password_step(client, chair.email)
    before = client.session.session_key
    client.post(CODE, {"code": current_code(device)})
    assert client.session.session_key != before


def test_open_redirect_is_ignored(client, chair_with_device):
    chair, device = chair_with_device
    client.post(SIGN_IN, {"username": chair.email, "password": TEST_PASSWORD, "next": "https://evil.example/"})
    response = client.post(CODE, {"code": current_code(device)})
    assert response["Location"] == DASHBOARD


def test_next_inside_the_service_is_honoured(client, chair_with_device):
    chair, device = chair_with_device
    target = reverse("accounts:board", args=[chair.board.code])
    client.post(SIGN_IN, {"username": chair.email, "password": TEST_PASSWORD, "next": target})
    response = client.post(CODE, {"code": current_code(device)})
    assert response["Location"] == target


class TestLockout:
    def test_five_failures_lock_the_account_even_for_the_right_password(self, client, chair_with_device):
        chair, _ = chair_with_device
        for _ in range(5):
            password_step(client, chair.email, "wrong-password")
        response = password_step(client, chair.email)
        assert response.status_code == 429
        assert "Too many attempts to sign in" in response.text

    def test_unknown_email_locks_the_same_way(self, client, db):
        for _ in range(5):
            password_step(client, "nobody@test.example", "wrong-password")
        assert password_step(client, "nobody@test.example", "x").status_code == 429

    def test_lockout_ends_after_thirty_minutes(self, client, chair_with_device):
        chair, _ = chair_with_device
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            for _ in range(5):
                password_step(client, chair.email, "wrong-password")
        with time_machine.travel(start + timedelta(minutes=31), tick=False):
            assert password_step(client, chair.email)["Location"] == CODE


class TestSessionLimits:
    def test_idle_for_thirty_minutes_signs_out(self, client, chair_a, sign_in):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            sign_in(chair_a)
            assert client.get(DASHBOARD).status_code == 200
        with time_machine.travel(start + timedelta(minutes=29), tick=False):
            assert client.get(DASHBOARD).status_code == 200
        # Activity moved the expiry on: 29 + 29 minutes after sign-in is still fine.
        with time_machine.travel(start + timedelta(minutes=58), tick=False):
            assert client.get(DASHBOARD).status_code == 200
        with time_machine.travel(start + timedelta(minutes=58 + 31), tick=False):
            response = client.get(DASHBOARD)
        assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)

    def test_twelve_hours_after_sign_in_signs_out_however_active(self, client, chair_a, sign_in):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            sign_in(chair_a)
        for minutes in range(20, 12 * 60, 20):
            with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
                assert client.get(DASHBOARD).status_code == 200
        with time_machine.travel(start + timedelta(hours=12, minutes=10), tick=False):
            response = client.get(DASHBOARD)
        assert response.status_code == 302

    def test_sign_out_kills_the_session_and_a_replayed_cookie(self, client, chair_a, sign_in):
        sign_in(chair_a)
        cookie = client.cookies["scr_session"].value
        response = client.post(reverse("accounts:sign_out"))
        assert response["Location"] == reverse("accounts:signed_out")
        client.cookies["scr_session"] = cookie
        assert client.get(DASHBOARD).status_code == 302

    def test_sign_out_needs_post(self, client, chair_a, sign_in):
        sign_in(chair_a)
        assert client.get(reverse("accounts:sign_out")).status_code == 405
        assert client.get(DASHBOARD).status_code == 200

    def test_deactivating_a_user_ends_their_session_at_once(self, client, chair_a, sign_in):
        sign_in(chair_a)
        assert client.get(DASHBOARD).status_code == 200
        chair_a.is_active = False
        chair_a.save()
        assert client.get(DASHBOARD).status_code == 302

    def test_password_only_session_reaches_nothing(self, client, chair_a):
        client.force_login(chair_a)
        response = client.get(DASHBOARD)
        assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)
        # ...and that session is over, not just redirected.
        assert "_auth_user_id" not in client.session


class TestPasswordReset:
    def test_known_and_unknown_addresses_get_the_same_page(self, client, chair_a):
        known = client.post(reverse("accounts:password_reset"), {"email": chair_a.email}, follow=True)
        unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@test.example"}, follow=True)
        assert known.text == unknown.text
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [chair_a.email]
        assert "/password-reset/" in message.body
        assert message.alternatives and "Reset your password" in message.alternatives[0][0]

    def test_reset_sets_the_password_but_does_not_sign_in(self, client, chair_with_device):
        chair, _ = chair_with_device
        client.post(reverse("accounts:password_reset"), {"email": chair.email})
        link = re.search(r"https?://[^/]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
        form_page = client.get(link, follow=True)
        assert "Choose a new password" in form_page.text
        new_password = "a-brand-new-passphrase-77"
        response = client.post(
            form_page.request["PATH_INFO"], {"new_password1": new_password, "new_password2": new_password}
        )
        assert response["Location"] == reverse("accounts:password_reset_complete")
        assert client.get(DASHBOARD).status_code == 302
        # The new password leads to the code step, never straight in.
        assert password_step(client, chair.email, new_password)["Location"] == CODE

    def test_empty_email_gets_a_field_error(self, client, db):
        response = client.post(reverse("accounts:password_reset"), {"email": ""})
        assert "Enter your email address" in response.text
