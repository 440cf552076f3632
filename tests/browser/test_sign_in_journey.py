"""The first browser journey: the demo chair signs in with both factors and reaches the dashboard."""

import pytest
from django.utils import timezone
from django_otp.oath import TOTP

from accounts.demo import DEMO_PASSWORD, demo_totp_key, seed_demo
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

CHAIR = "chair@northfield.example"


def code_for(email: str) -> str:
    totp = TOTP(bytes.fromhex(demo_totp_key(email)), step=30, t0=0, digits=6)
    totp.time = timezone.now().timestamp()
    return f"{totp.token():06d}"


def test_demo_chair_signs_in_and_reaches_the_dashboard(page, live_server, transactional_db):
    seed_demo()

    page.goto("/")
    assert page.url.endswith("/sign-in/?next=/")
    assert page.locator("h1").inner_text() == "Sign in to SCR Tracker"
    assert_accessible(page)

    # A wrong password first: the error summary and the field message, both accessible.
    page.get_by_label("Email address").fill(CHAIR)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Continue").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Enter a correct email address and password" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    page.get_by_label("Email address").fill(CHAIR)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    assert page.locator("h1").inner_text() == "Enter your security code"
    assert_accessible(page)

    page.get_by_label("Security code").fill(code_for(CHAIR))
    page.get_by_role("button", name="Sign in").click()
    assert page.url == f"{live_server.url}/"
    assert page.locator("h1").inner_text() == "Your board's cases"
    assert "Northfield" in page.locator(".govuk-caption-l").inner_text()
    assert page.get_by_role("link", name="Your board", exact=True).is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    assert page.locator("h1").inner_text() == "You have signed out"
    assert_accessible(page)
    page.goto("/")
    assert "/sign-in/" in page.url


def test_the_shell_works_without_javascript(chromium, live_server, transactional_db):
    seed_demo()
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/sign-in/")
        page.get_by_label("Email address").fill(CHAIR)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Security code").fill(code_for(CHAIR))
        page.get_by_role("button", name="Sign in").click()
        assert page.locator("h1").inner_text() == "Your board's cases"
        page.get_by_role("link", name="Your board", exact=True).click()
        assert page.locator("h1").inner_text().startswith("Northfield")
    finally:
        context.close()
