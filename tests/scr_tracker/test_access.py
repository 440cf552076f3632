"""Deny by default (SECURITY rows 2 and 9): every URL needs sign-in except an explicit list."""

import pytest
from django.urls import reverse

from tests.routes import concrete, walk

# The only pages an anonymous visitor may reach, and why.
ANONYMOUS_ALLOWED = {
    "sign-in/",  # signing in
    "sign-in/code/",  # second step (redirects back without a pending password step)
    # The passkey ceremony of the second step (accounts.passkeys): it answers only for the person who
    # has just passed the password step and has a passkey; anyone else gets 403 JSON and nothing
    # else (tests/accounts/test_passkeys.py). A signed-in session cannot use it either.
    "sign-in/passkey/begin/",
    "sign-in/passkey/complete/",
    "sign-in/set-up-authenticator/",  # tells a password-only account to use its invitation (same)
    # Accepting an invitation: the link's single-use secret is the credential; an unknown, used or
    # expired one gets one page that tells nothing (tests/accounts/test_invitations.py).
    "invitation/<str:token>/",
    "invitation/authenticator/",  # the second step, only with the first step's session (else the same page)
    "signed-out/",
    "sign-out/",  # POST only; signing out an anonymous session is harmless
    "password-reset/",
    "password-reset/sent/",
    "password-reset/<uidb64>/<token>/",
    "password-reset/complete/",
    "admin/login/",  # only redirects to our sign-in
    "static/<path:path>",
    # A calendar program cannot sign in: the feed's secret, revocable token is its credential, and an
    # unknown or revoked token answers 404 (tests/reminders).
    "notifications/calendar/<str:token>.ics",
}


ROUTES = sorted(set(walk()))


def test_the_walk_finds_the_service_pages():
    assert {"", "boards/", "boards/<str:code>/", "admin/"} <= set(ROUTES)


API_PREFIX = "api/"


@pytest.mark.parametrize("route", [r for r in ROUTES if r not in ANONYMOUS_ALLOWED and not r.startswith(API_PREFIX)])
def test_every_url_needs_sign_in_unless_listed(client, db, route):
    response = client.get(concrete(route))
    assert response.status_code in (302, 404), f"{route} answered {response.status_code} to an anonymous visitor"
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:sign_in")) or response["Location"].startswith(
            "/admin/login/"
        ), f"{route} redirected to {response['Location']}"


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize("route", [r for r in ROUTES if r.startswith(API_PREFIX)])
def test_the_api_answers_anonymous_requests_with_401_json(client, db, route, method):
    """The API has no anonymous routes; it answers for itself (401 JSON, never a sign-in redirect)."""
    response = getattr(client, method)(concrete(route) + "?format=json")
    assert response.status_code == 401, (
        f"{method.upper()} {route} answered {response.status_code} to an anonymous visitor"
    )
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


def test_the_walk_finds_the_api():
    assert {"api/v1/schema/", "api/v1/incidents/", "api/v1/decisions/"} <= set(ROUTES)


def test_the_allow_list_holds_only_real_routes():
    assert ANONYMOUS_ALLOWED - {"static/<path:path>"} <= set(ROUTES)


def test_security_headers_on_pages(client, sign_in, chair_a):
    for response in (client.get(reverse("accounts:sign_in")), sign_in(chair_a).get(reverse("accounts:dashboard"))):
        assert "no-store" in response["Cache-Control"]
        csp = response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert "<script>" not in response.text  # no inline script anywhere


def test_session_cookie_is_httponly(client, chair_a, sign_in):
    sign_in(chair_a)
    client.get(reverse("accounts:dashboard"))
    assert client.cookies["scr_session"]["httponly"]


def test_admin_login_goes_through_our_two_step_sign_in(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_administrator_reaches_the_admin_with_both_factors(client, sign_in, administrator):
    sign_in(administrator)
    assert client.get("/admin/accounts/board/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_board_chair_cannot_use_the_admin(client, sign_in, chair_a):
    sign_in(chair_a)
    response = client.get("/admin/accounts/board/")
    assert response.status_code == 302


@pytest.mark.parametrize("route", [r for r in ROUTES if r not in ANONYMOUS_ALLOWED])
def test_a_password_only_session_reaches_no_url(client, chair_a, route):
    """SECURITY row 6: signed in with the password alone (no code), nothing answers 200."""
    client.force_login(chair_a)
    response = client.get(concrete(route))
    assert response.status_code in (302, 404)
    assert "_auth_user_id" not in client.session
