"""Sign-in lockout on the (address, client IP) pair, the client IP behind a trusted proxy count,
password-reset limits per address and per IP, and the API's limit per token (issue 18, finding 6)."""

import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.throttles import RESET_LIMIT_MESSAGE, client_ip
from accounts.tokens import token_create
from scr_tracker.settings import base as base_settings
from scr_tracker.settings.base import client_ip_settings
from tests.api import session_client
from tests.factories import TEST_PASSWORD, TOTPDeviceFactory

SIGN_IN = reverse("accounts:sign_in")
CODE = reverse("accounts:sign_in_code")
RESET = reverse("accounts:password_reset")
RESET_SENT = reverse("accounts:password_reset_done")
API_LIST = "/api/v1/incidents/"

IP_A = "198.51.100.7"
IP_B = "203.0.113.20"
PROXY = "172.18.0.5"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def chair_a(chair_a):
    """The chair has an authenticator, so the right password leads to the code step."""
    TOTPDeviceFactory(user=chair_a)
    return chair_a


def password_step(client, email, password=TEST_PASSWORD, **meta):
    return client.post(SIGN_IN, {"username": email, "password": password}, **meta)


def signs_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == CODE


def locked_out(response) -> bool:
    return response.status_code == 429 and "Too many attempts to sign in" in response.text


class TestLockoutPair:
    def test_failures_for_unknown_addresses_from_one_ip_do_not_lock_the_chair_out(self, client, chair_a):
        for number in range(5):
            password_step(client, f"nobody{number}@test.example", "wrong-password", REMOTE_ADDR=IP_A)
        password_step(client, "nobody0@test.example", "wrong-password", REMOTE_ADDR=IP_A)
        assert signs_in(password_step(client, chair_a.email, REMOTE_ADDR=IP_A))

    def test_one_unknown_address_guessed_from_one_ip_locks_only_that_address(self, client, chair_a):
        for _ in range(5):
            password_step(client, "nobody@test.example", "wrong-password", REMOTE_ADDR=IP_A)
        assert locked_out(password_step(client, "nobody@test.example", "x", REMOTE_ADDR=IP_A))
        assert signs_in(password_step(client, chair_a.email, REMOTE_ADDR=IP_A))

    def test_failures_for_the_chair_from_one_ip_lock_the_chair_out_there_and_nowhere_else(self, client, chair_a):
        for _ in range(5):
            password_step(client, chair_a.email, "wrong-password", REMOTE_ADDR=IP_A)
        assert locked_out(password_step(client, chair_a.email, REMOTE_ADDR=IP_A))
        assert signs_in(password_step(client, chair_a.email, REMOTE_ADDR=IP_B))
        assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [(chair_a.email, IP_A)]


def forwarded(chain: str, remote=PROXY) -> dict:
    return {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": chain}


class TestClientIpBehindProxies:
    @override_settings(**client_ip_settings(1))
    def test_one_proxy_the_client_is_the_right_most_entry(self, rf):
        assert client_ip(rf.get("/", **forwarded(IP_A))) == IP_A
        # Entries to its left are whatever the client sent.
        assert client_ip(rf.get("/", **forwarded(f"10.9.9.9, {IP_B}, {IP_A}"))) == IP_A
        # No header (a request that did not come through the proxy): the peer's address.
        assert client_ip(rf.get("/", REMOTE_ADDR=IP_B)) == IP_B

    @override_settings(**client_ip_settings(2))
    def test_two_proxies_the_client_is_the_second_entry_from_the_right(self, rf):
        assert client_ip(rf.get("/", **forwarded(f"{IP_A}, 192.0.2.1"))) == IP_A
        assert client_ip(rf.get("/", **forwarded(f"10.9.9.9, {IP_A}, 192.0.2.1"))) == IP_A

    @override_settings(**client_ip_settings(0))
    def test_no_proxy_the_header_is_ignored(self, rf):
        assert client_ip(rf.get("/", **forwarded(IP_A, remote=IP_B))) == IP_B

    @override_settings(**client_ip_settings(1))
    def test_behind_one_proxy_the_lockout_follows_the_forwarded_client(self, client, chair_a):
        for number in range(5):
            # Each attempt forges a different left part; the proxy's own entry is the same.
            password_step(client, chair_a.email, "wrong-password", **forwarded(f"192.0.2.{number}, {IP_A}"))
        assert locked_out(password_step(client, chair_a.email, **forwarded(IP_A)))
        # Another client through the same proxy (the same REMOTE_ADDR) signs in.
        assert signs_in(password_step(client, chair_a.email, **forwarded(IP_B)))
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {IP_A}

    @override_settings(**client_ip_settings(0))
    def test_with_no_trusted_proxy_a_forged_header_changes_nothing(self, client, chair_a):
        for number in range(5):
            password_step(client, chair_a.email, "wrong-password", **forwarded(f"192.0.2.{number}", remote=IP_A))
        # A new forged address does not escape the lockout...
        assert locked_out(password_step(client, chair_a.email, **forwarded("192.0.2.99", remote=IP_A)))
        # ...and forging the attacker's header does not lock out the chair elsewhere.
        assert signs_in(password_step(client, chair_a.email, **forwarded("192.0.2.0", remote=IP_B)))

    def test_by_default_no_proxy_is_trusted(self):
        assert base_settings.TRUSTED_PROXY_COUNT == 0
        assert base_settings.AXES_IPWARE_META_PRECEDENCE_ORDER == ("REMOTE_ADDR",)
        with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXY_COUNT"):
            client_ip_settings(-1)


def without_csrf(text: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def reset(client, email, ip=IP_A):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


class TestPasswordResetLimits:
    @pytest.fixture(autouse=True)
    def _low_limits(self, settings):
        settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 2
        settings.PASSWORD_RESET_LIMIT_PER_IP = 4

    def test_an_address_is_limited_whether_or_not_it_has_an_account(self, client, chair_a):
        for email in (chair_a.email, "nobody@test.example"):
            for number in range(2):
                assert reset(client, email, ip=f"192.0.2.{number}")["Location"] == RESET_SENT
        assert len(mail.outbox) == 2
        known = reset(client, chair_a.email, ip="192.0.2.9")
        unknown = reset(client, "nobody@test.example", ip="192.0.2.9")
        assert known.status_code == unknown.status_code == 429
        assert RESET_LIMIT_MESSAGE in known.text
        assert without_csrf(known.text).replace(chair_a.email, "") == without_csrf(unknown.text).replace(
            "nobody@test.example", ""
        )
        assert len(mail.outbox) == 2

    def test_an_address_in_another_case_counts_as_the_same(self, client, chair_a):
        reset(client, chair_a.email)
        reset(client, chair_a.email.upper())
        assert reset(client, chair_a.email.title()).status_code == 429

    def test_one_ip_is_limited_across_addresses_and_another_ip_is_not(self, client, chair_a):
        for number in range(4):
            assert reset(client, f"nobody{number}@test.example")["Location"] == RESET_SENT
        refused = reset(client, chair_a.email)
        assert refused.status_code == 429 and RESET_LIMIT_MESSAGE in refused.text
        assert mail.outbox == []
        assert reset(client, chair_a.email, ip=IP_B)["Location"] == RESET_SENT
        assert [message.to for message in mail.outbox] == [[chair_a.email]]

    def test_the_limit_ends_after_the_hour(self, client, chair_a):
        with time_machine.travel("2026-03-02 10:00Z", tick=False) as clock:
            reset(client, chair_a.email)
            reset(client, chair_a.email)
            clock.shift(timedelta(minutes=59))
            assert reset(client, chair_a.email).status_code == 429
            clock.shift(timedelta(minutes=2))
            assert reset(client, chair_a.email)["Location"] == RESET_SENT


def token_api(user) -> APIClient:
    _, secret = token_create(user=user, name="Export")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return api


class TestApiRatePerToken:
    @pytest.fixture(autouse=True)
    def _low_rate(self, settings):
        settings.API_RATE = "3/minute"

    def test_past_the_rate_a_token_gets_429_with_retry_after_and_another_token_still_works(self, staff_a):
        first, second = token_api(staff_a), token_api(staff_a)
        for _ in range(3):
            assert first.get(API_LIST).status_code == 200
        refused = first.get(API_LIST)
        assert refused.status_code == 429
        assert refused["Content-Type"] == "application/json"
        assert "throttled" in refused.json()["detail"]
        assert 0 < int(refused["Retry-After"]) <= 60
        assert second.get(API_LIST).status_code == 200

    def test_a_session_is_limited_as_its_user(self, staff_a, chair_a):
        staff, chair = session_client(staff_a), session_client(chair_a)
        for _ in range(3):
            assert staff.get(API_LIST).status_code == 200
        assert staff.get(API_LIST).status_code == 429
        assert chair.get(API_LIST).status_code == 200
