"""A board runs itself, in a real browser: the chair invites a staff member; the invitee opens the
emailed link, chooses a password, links an authenticator and only then reaches the service, where
they log a SIN; the chair corrects its date, then deactivates them and their open session ends at once. axe-core checks
every page visited.

The live server runs in this process (another thread), so the invitation email is in
`mail.outbox`, and the invitee's authenticator code is made from the secret the page shows.
"""

import base64
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.oath import TOTP

from accounts.models import Role, User
from audit.models import AuditEntry
from incidents.models import Incident
from tests.browser.conftest import assert_accessible
from tests.browser.test_case_journey import CHAIR_KEY, code_for, fill_date, heading, sign_in
from tests.factories import BoardFactory, ChairFactory, TOTPDeviceFactory

pytestmark = pytest.mark.browser

INVITEE = "new.officer@journey.example"
PASSWORD = "a-long-fictional-passphrase-2026"


def code_from_secret(secret: str) -> str:
    """The current code of an authenticator app given the secret key the page prints."""
    secret = secret.replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = timezone.now().timestamp()
    return f"{totp.token():06d}"


def test_the_chair_invites_staff_who_accept_and_log_a_sin(chromium, page, live_server, transactional_db):
    board = BoardFactory(code="PPL", name="Peopleshire Safeguarding Children Board")
    chair = ChairFactory(board=board, email="chair@journey.example", full_name="Chris Chair")
    TOTPDeviceFactory(user=chair, key=CHAIR_KEY)
    today = timezone.localdate()

    # --- The chair invites a new member of staff.
    sign_in(page, chair.email, CHAIR_KEY)
    page.goto(f"/boards/{board.code}/people/")
    assert heading(page) == "People"
    assert_accessible(page)
    page.get_by_role("button", name="Invite someone").click()
    assert heading(page) == "Invite someone"
    page.get_by_role("button", name="Send invitation").click()  # nothing filled in
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Nico New (fictional officer)")
    page.get_by_label("Email address").fill(INVITEE)
    page.get_by_label("Board staff").check()
    page.get_by_role("button", name="Send invitation").click()
    assert f"Invitation sent to {INVITEE}" in page.locator("main").inner_text()
    assert "Invited" in page.get_by_role("row", name=re.compile("Nico New")).inner_text()
    assert_accessible(page)

    invitee = User.objects.get(email=INVITEE)
    assert (invitee.role, invitee.board) == (Role.BOARD_STAFF, board)
    (message,) = [m for m in mail.outbox if INVITEE in m.to]
    link = re.search(r"https?://[^\s/]+(/invitation/[^\s]+/)", message.body).group(1)

    # --- Before accepting, the password alone reaches nothing (there is none yet).
    other = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    invitee_page = other.new_page()
    invitee_page.set_default_timeout(15_000)
    invitee_page.goto(link)
    assert heading(invitee_page) == "Choose your password"
    assert_accessible(invitee_page)
    invitee_page.get_by_label("Password", exact=True).fill(PASSWORD)
    invitee_page.get_by_label("Confirm password").fill(PASSWORD)
    invitee_page.get_by_role("button", name="Continue").click()
    assert heading(invitee_page) == "Set up your authenticator app"
    assert_accessible(invitee_page)
    # Still not signed in: the service's pages send them to sign in.
    probe = other.new_page()
    probe.goto("/")
    assert "/sign-in/" in probe.url
    probe.close()

    secret = re.search(r"Secret key:\s*([A-Z2-7 ]+)", invitee_page.locator("main").inner_text()).group(1)
    invitee_page.get_by_label("Security code").fill("000000")
    invitee_page.get_by_role("button", name="Confirm and sign in").click()
    assert invitee_page.locator(".govuk-error-summary").is_visible()
    assert_accessible(invitee_page)
    invitee_page.wait_for_timeout(2_500)  # django-otp throttles the next try after a wrong code
    invitee_page.get_by_label("Security code").fill(code_from_secret(secret))
    invitee_page.get_by_role("button", name="Confirm and sign in").click()
    assert heading(invitee_page) == "Your tasks"
    assert_accessible(invitee_page)

    # The link was for one use only.
    invitee_page.goto(link)
    assert heading(invitee_page) == "This link cannot be used"

    # --- The new member of staff logs a SIN.
    invitee_page.goto("/")
    invitee_page.get_by_role("button", name="Log a serious incident notification").click()
    assert heading(invitee_page) == "About the child"
    invitee_page.get_by_label("Pseudonym for the child").fill("Child P")
    invitee_page.get_by_label("Age at the time of the incident").fill("3")
    invitee_page.get_by_role("group", name="Sex").get_by_label("Male", exact=True).check()
    invitee_page.get_by_role("group", name="Ethnicity").get_by_label("Not known").check()
    invitee_page.get_by_role("group", name="Does the child have a disability?").get_by_label("No", exact=True).check()
    invitee_page.get_by_label("Known to agencies").check()
    invitee_page.get_by_role("button", name="Continue").click()
    assert heading(invitee_page) == "The incident"
    invitee_page.get_by_label("Death", exact=True).check()
    invitee_page.get_by_label("Neglect", exact=True).check()
    invitee_page.get_by_label("The child has died", exact=True).check()
    fill_date(invitee_page, "When did the incident happen?", today - timedelta(days=6))
    fill_date(invitee_page, "When did the local authority become aware of it?", today - timedelta(days=5))
    invitee_page.get_by_role("button", name="Continue").click()
    assert heading(invitee_page) == "Post-mortem and police"
    invitee_page.get_by_role("group", name="Post-mortem", exact=True).get_by_label("Pending").check()
    police = invitee_page.get_by_role("group", name="Is there a police investigation?")
    police.get_by_label("Investigation ongoing").check()
    invitee_page.get_by_role("group", name="Are there criminal proceedings?").get_by_label("Not known").check()
    invitee_page.get_by_role("button", name="Continue").click()
    assert heading(invitee_page) == "Agencies and outline"
    invitee_page.get_by_label("Police", exact=True).check()
    invitee_page.get_by_label("Outline of what happened").fill("A fictional outline for the people journey.")
    invitee_page.get_by_role("button", name="Continue").click()
    assert heading(invitee_page) == "Check your answers before logging the notification"
    assert_accessible(invitee_page)
    invitee_page.get_by_role("button", name="Log the notification").click()
    incident = Incident.objects.get(board=board, child_pseudonym="Child P")
    assert incident.created_by == invitee
    assert heading(invitee_page) == f"{incident.reference}: Child P"
    assert_accessible(invitee_page)

    # --- The chair corrects the date of the incident the new member of staff mistyped.
    page.goto(f"/cases/{incident.public_id}/")
    page.get_by_role("link", name="Correct date of the incident").click()
    assert heading(page) == "Correct a date: date of the incident"
    assert_accessible(page)
    fill_date(page, "Date of the incident: the correct date", today - timedelta(days=4))
    page.get_by_label("Why is it being corrected?").fill("Typed from the wrong email")
    page.get_by_role("button", name="Correct the date").click()
    assert page.locator(".govuk-error-summary").is_visible()  # after the local authority became aware
    assert "before the incident" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    fill_date(page, "Date of the incident: the correct date", today - timedelta(days=7))
    page.get_by_role("button", name="Correct the date").click()
    assert "corrected" in page.locator(".govuk-notification-banner").inner_text()
    timeline = page.get_by_role("region", name="Timeline").inner_text()
    assert "Corrected: date of the incident" in timeline and "Typed from the wrong email" in timeline
    assert_accessible(page)
    incident.refresh_from_db()
    assert incident.incident_on == today - timedelta(days=7)

    # --- The chair deactivates the account; the invitee's open session ends at once.
    page.goto(f"/boards/{board.code}/people/")
    assert "Active" in page.get_by_role("row", name=re.compile("Nico New")).inner_text()
    page.get_by_role("row", name=re.compile("Nico New")).get_by_role("link", name=re.compile("Deactivate")).click()
    assert heading(page) == "Deactivate Nico New (fictional officer)'s account?"
    assert_accessible(page)
    page.get_by_role("button", name="Deactivate account").click()
    assert "account is deactivated" in page.locator("main").inner_text()
    assert_accessible(page)

    invitee_page.goto("/")
    assert "/sign-in/" in invitee_page.url
    assert AuditEntry.objects.for_object(invitee).filter(transition="deactivate", actor=chair).count() == 1
    other.close()
    assert code_for(CHAIR_KEY)  # the chair's own factor was never touched
