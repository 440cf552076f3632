"""Passkeys in a real browser (decision 0034): Chromium's virtual authenticator, through the DevTools
WebAuthn domain, stands in for a phone or laptop. A secretariat user adds a passkey from their account
page under the service's own CSP (no violation reported), signs out, signs in with password and passkey
and reaches the panel's pages; a code from their authenticator app is then refused. Afterwards the
second step and the account page's passkeys are checked at a phone's width and a desktop's (nothing
overflows, axe-core finds nothing); the screenshots go to SCREENSHOT_DIR when it is set."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import User
from tests.browser.conftest import assert_accessible
from tests.factories import TEST_PASSWORD, SecretariatFactory, TOTPDeviceFactory

pytestmark = pytest.mark.browser

KEY = "c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4"
WIDTHS = (320, 1280)
AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
}


def code_for(key: str, later: int = 0) -> str:
    totp = TOTP(bytes.fromhex(key), step=30, t0=0, digits=6)
    totp.time = (timezone.now() + timedelta(seconds=later)).timestamp()
    return f"{totp.token():06d}"


def virtual_authenticator(page) -> tuple:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})["authenticatorId"]
    return cdp, authenticator


def password_step(page, email: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()


def passkey_step(page, live_server) -> None:
    assert page.locator("h1").inner_text() == "Sign in with your passkey"
    page.get_by_role("button", name="Sign in with your passkey").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def webauthn_origin(settings, live_server):
    # The live server's port changes every run; its host (localhost) is the relying party ID already.
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    assert settings.OTP_WEBAUTHN_RP_ID == "localhost" and live_server.url.startswith("http://localhost:")


def test_secretariat_adds_a_passkey_and_signs_in_with_it(chromium, live_server, transactional_db, webauthn_origin):
    user = SecretariatFactory(email="pat.passkey@panel.example", full_name="Pat Passkey")
    TOTPDeviceFactory(user=user, key=KEY)
    context = chromium.new_context(base_url=live_server.url)  # the service's own CSP applies
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused_by_csp = []
    page.on("console", lambda m: refused_by_csp.append(m.text) if "Content Security Policy" in m.text else None)
    cdp, authenticator = virtual_authenticator(page)

    # Signed in as today, with the code; then a passkey from the account page, named on the next page.
    password_step(page, user.email)
    assert page.locator("h1").inner_text() == "Enter your security code"
    page.get_by_label("Security code").fill(code_for(KEY))
    page.get_by_role("button", name="Sign in").click()
    page.goto("/account/")
    assert page.get_by_text("You have no passkeys.").is_visible()
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_url("**/account/passkeys/*/name/")
    assert page.locator("h1").inner_text() == "Name your passkey"
    page.get_by_label("Name").fill("Work laptop")
    page.get_by_role("button", name="Save name").click()
    assert "Passkey \u201cWork laptop\u201d saved" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("#passkey-list dt", has_text="Work laptop").is_visible()
    passkey = WebAuthnCredential.objects.get(user=user)
    assert passkey.name == "Work laptop" and passkey.confirmed
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1
    page.get_by_role("button", name="Sign out").click()

    # Password, then the passkey: no code field is offered, and the panel's pages open.
    password_step(page, user.email)
    assert page.get_by_label("Security code").count() == 0
    passkey_step(page, live_server)
    page.goto("/panel/submissions/")
    assert page.locator("h1").inner_text() == "Submissions to the panel"
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    page.get_by_role("button", name="Sign out").click()

    # A correct, unused code is refused for them now, even sent by hand, and nobody is signed in.
    password_step(page, user.email)
    answer = page.evaluate(
        """async (code) => {
            const config = JSON.parse(document.getElementById("otp_webauthn_config").textContent);
            const body = new URLSearchParams({code, csrfmiddlewaretoken: config.csrfToken});
            const response = await fetch("/sign-in/code/", {method: "POST", body, credentials: "same-origin"});
            return {status: response.status, text: await response.text()};
        }""",
        code_for(KEY, later=30),
    )
    assert answer["status"] == 403
    assert "not accepted for your account because you have a passkey" in answer["text"]
    page.goto("/panel/submissions/")
    assert "/sign-in/" in page.url
    assert refused_by_csp == []
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    context.close()

    # The same passkey in a second browser (axe-core needs its script let in), for the screenshots.
    out = os.environ.get("SCREENSHOT_DIR")
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    cdp, authenticator = virtual_authenticator(page)
    cdp.send("WebAuthn.addCredential", {"authenticatorId": authenticator, "credential": credentials[0]})
    password_step(page, user.email)
    passkey_step(page, live_server)
    User.objects.filter(pk=user.pk).update(totp_recovery=True)  # the account page's choice, shown
    pages = {"account-passkeys": "/account/#passkeys", "passkey-name": f"/account/passkeys/{passkey.pk}/name/"}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            page.goto(url)
            if name == "account-passkeys":
                assert page.locator("#passkey-list dt", has_text="Work laptop").is_visible()
                assert page.get_by_role("button", name="Add a passkey").is_visible()
                assert page.get_by_role("link", name="Remove Work laptop").is_visible()
            else:
                assert page.get_by_label("Name").input_value() == "Work laptop"
            shot(page, out, f"{name}-{width}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
            assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    # The second step: passkey only, then with codes kept as recovery.
    password_step(page, user.email)
    for recovery in (False, True):
        User.objects.filter(pk=user.pk).update(totp_recovery=recovery)
        page.reload()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            assert page.get_by_role("button", name="Sign in with your passkey").is_visible()
            assert page.get_by_label("Security code").count() == (1 if recovery else 0)
            shot(page, out, f"sign-in-second-step{'-with-codes' if recovery else ''}-{width}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, width
            assert_accessible(page)
    context.close()


def shot(page, out: str | None, name: str) -> None:
    if out:
        page.screenshot(path=str(Path(out) / f"{name}.png"), full_page=True)


def test_a_browser_without_webauthn_is_told_so(chromium, live_server, transactional_db, webauthn_origin):
    user = SecretariatFactory(email="sam.oldbrowser@panel.example")
    TOTPDeviceFactory(user=user, key=KEY)
    WebAuthnCredential.objects.create(
        user=user, name="Phone", credential_id=b"\x01" * 16, public_key=b"\x02" * 16, sign_count=0
    )
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    context.add_init_script("delete window.PublicKeyCredential;")  # as an old browser has none
    page = context.new_page()
    page.set_default_timeout(15_000)
    password_step(page, user.email)
    warning = page.locator(".govuk-warning-text")
    assert "This browser cannot use passkeys" in warning.inner_text()
    assert "ask the service administrator" in warning.inner_text()
    assert page.get_by_role("button", name="Sign in with your passkey").count() == 0
    assert_accessible(page)
    context.close()


def test_a_passkey_the_browser_does_not_hold_is_explained_in_plain_words(
    chromium, live_server, transactional_db, webauthn_origin
):
    user = SecretariatFactory(email="kim.otherdevice@panel.example")
    TOTPDeviceFactory(user=user, key=KEY)
    WebAuthnCredential.objects.create(
        user=user, name="Phone", credential_id=b"\x03" * 16, public_key=b"\x04" * 16, sign_count=0
    )
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    virtual_authenticator(page)  # an authenticator that holds no passkey for this account
    password_step(page, user.email)
    assert "contact the service administrator" in page.locator("main").inner_text()
    page.get_by_role("button", name="Sign in with your passkey").click()
    status = page.locator("#passkey-verification-status-message")
    status.filter(has_text="Select the button to try again").wait_for()
    assert status.inner_text() == "The passkey check was cancelled or took too long. Select the button to try again."
    assert page.get_by_role("button", name="Sign in with your passkey").is_enabled()
    assert "/sign-in/code/" in page.url
    context.close()
