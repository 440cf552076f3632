"""A case's first journey in a real browser: staff log a SIN through the question pages and record
the notification; the lead safeguarding partner records the decision with the rapid review's outcome;
the case page shows its clocks and timeline. axe-core checks every page visited.

The live server runs in another thread, so time is not frozen here: dates are relative to today, so
the case follows the regime in force today (Working Together 2023) and the pages speak its words.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import TOTP

from incidents.models import Incident
from panel.models import PanelSubmission
from scr_tracker import clocks
from scr_tracker.regimes import regime_for
from tests.browser.conftest import assert_accessible
from tests.factories import TEST_PASSWORD, BoardFactory, ChairFactory, StaffFactory, TOTPDeviceFactory

pytestmark = pytest.mark.browser

STAFF_KEY = "3132333435363738393031323334353637383930"
CHAIR_KEY = "4142434445464748494a4b4c4d4e4f5051525354"
# A case received today follows the regime in force today (Working Together 2023).
REGIME = regime_for(timezone.localdate())
SUMMARY = "Fictional rapid review: the facts, the immediate actions taken and the learning so far."
NATIONAL_REVIEW_QUESTION = (
    "Do you recommend that the Child Safeguarding Practice Review Panel carries out a national review?"
)


def code_for(key: str) -> str:
    totp = TOTP(bytes.fromhex(key), step=30, t0=0, digits=6)
    totp.time = timezone.now().timestamp()
    return f"{totp.token():06d}"


def sign_in(page, email: str, key: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Security code").fill(code_for(key))
    page.get_by_role("button", name="Sign in").click()
    assert page.locator(".govuk-header, .app-header").first.is_visible()


def fill_date(page, legend: str, day) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def heading(page) -> str:
    return page.locator("h1").inner_text()


def on(d) -> str:
    return f"{d.day} {d:%b %Y}"


def test_staff_log_a_sin_and_the_chair_decides(page, live_server, transactional_db):
    board = BoardFactory(code="JNY", name="Journeyshire Safeguarding Children Board")
    staff = StaffFactory(board=board, email="staff@journey.example", full_name="Sam Staff")
    chair = ChairFactory(board=board, email="chair@journey.example", full_name="Chris Chair")
    TOTPDeviceFactory(user=staff, key=STAFF_KEY)
    TOTPDeviceFactory(user=chair, key=CHAIR_KEY)
    today = timezone.localdate()
    incident_on, la_aware_on = today - timedelta(days=14), today - timedelta(days=13)
    ofsted_notified_on, received_on = today - timedelta(days=10), today - timedelta(days=9)
    decided_on = today - timedelta(days=2)

    # --- Staff: the dashboard, then the question pages.
    sign_in(page, staff.email, STAFF_KEY)
    assert heading(page) == "Your tasks"
    assert "Your board has no open cases" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Log a serious incident notification").click()

    assert heading(page) == "About the child"
    page.get_by_role("button", name="Continue").click()  # nothing answered yet
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Enter a pseudonym for the child" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Pseudonym for the child").fill("Child J")
    page.get_by_label("Age at the time of the incident").fill("2")
    page.get_by_role("group", name="Sex").get_by_label("Female").check()
    page.get_by_role("group", name="Ethnicity").get_by_label("Not known").check()
    page.get_by_role("group", name="Does the child have a disability?").get_by_label("No", exact=True).check()
    page.get_by_label("Known to agencies").check()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    assert heading(page) == "The incident"
    page.get_by_label("Death", exact=True).check()
    page.get_by_label("Neglect", exact=True).check()
    page.get_by_label("The child has died", exact=True).check()
    fill_date(page, "When did the incident happen?", incident_on)
    fill_date(page, "When did the local authority become aware of it?", incident_on - timedelta(days=1))
    page.get_by_role("button", name="Continue").click()
    assert "cannot have become aware before the incident" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    fill_date(page, "When did the local authority become aware of it?", la_aware_on)
    page.get_by_role("button", name="Continue").click()

    assert heading(page) == "Post-mortem and police"
    page.get_by_role("group", name="Post-mortem", exact=True).get_by_label("Pending").check()
    page.get_by_role("group", name="Is there a police investigation?").get_by_label("Investigation ongoing").check()
    page.get_by_role("group", name="Are there criminal proceedings?").get_by_label("Not known").check()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    assert heading(page) == "Agencies and outline"
    page.get_by_label("Police", exact=True).check()
    page.get_by_label("Outline of what happened").fill("A fictional outline for the browser journey.")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    assert heading(page) == "Check your answers before logging the notification"
    answers = page.locator("main").inner_text()
    assert "Child J" in answers and "2 years" in answers and "Known to agencies" in answers
    assert_accessible(page)
    page.get_by_role("link", name="Change pseudonym").click()
    assert heading(page) == "About the child"
    page.get_by_label("Pseudonym for the child").fill("Child K")
    page.get_by_role("button", name="Continue").click()
    assert heading(page) == "Check your answers before logging the notification"
    assert "Child K" in page.locator("main").inner_text()
    page.get_by_role("button", name="Log the notification").click()

    incident = Incident.objects.get()
    assert heading(page) == f"{incident.reference}: Child K"
    assert f"logged as {incident.reference}" in page.locator(".govuk-notification-banner").inner_text()
    assert f"The dates entered put this case under {REGIME.title}" in page.locator("main").inner_text()
    assert_accessible(page)

    # --- Staff record the notification.
    page.get_by_role("button", name="Record the notification").click()
    assert heading(page) == "Record the notification"
    fill_date(page, "When did the partnership receive the serious incident notification?", received_on)
    fill_date(page, "When was the Child Safeguarding Practice Review Panel notified?", today + timedelta(days=1))
    page.get_by_role("button", name="Record the notification").click()
    assert "must be today or in the past" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    fill_date(page, "When was the Child Safeguarding Practice Review Panel notified?", ofsted_notified_on)
    page.get_by_role("button", name="Record the notification").click()
    assert "Notification recorded" in page.locator(".govuk-notification-banner").inner_text()
    rapid_due = clocks.add_working_days(ofsted_notified_on, REGIME.rules["rapid_review"].amount)
    follows = f"This case follows {REGIME.title}: the rapid review is due by {rapid_due.day} {rapid_due:%B %Y}."
    assert follows in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Record the decision").count() == 0  # only the chair decides
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    # --- The chair finds the case on the dashboard and records the decision.
    sign_in(page, chair.email, CHAIR_KEY)
    assert heading(page) == "Your board's cases"
    assert_accessible(page)
    page.get_by_role("link", name=incident.reference, exact=True).first.click()
    assert_accessible(page)
    page.get_by_role("button", name="Record the decision").click()
    assert heading(page) == "Record the decision"
    assert "will be flagged as premature" in page.locator("main").inner_text()
    assert_accessible(page)
    fill_date(page, "When did you make the decision?", decided_on)
    page.get_by_label("Do not initiate a local child safeguarding practice review").first.check()
    page.get_by_label("Abuse or neglect of the child is known or suspected").fill("Fictional: neglect suspected.")
    page.get_by_label("The child has died", exact=True).fill("Fictional: the child died.")
    page.get_by_label("The child has been seriously harmed").fill("Fictional: not applicable.")
    page.get_by_label("The sub-group made no recommendation").check()
    page.get_by_role("button", name="Record the decision").click()  # the rapid review not answered yet
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the rapid review's summary" in summary and "Select whether you recommend a national review" in summary
    assert_accessible(page)
    page.get_by_label("Summary of the rapid review").fill(SUMMARY)
    page.get_by_role("group", name=NATIONAL_REVIEW_QUESTION).get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()

    # --- The case page: the decision, its flags, the clocks and the timeline.
    main = page.locator("main").inner_text()
    assert "Decision recorded: do not initiate a local child safeguarding practice review" in main
    assert "Current decision: Do not initiate a local child safeguarding practice review" in main
    assert "Premature" in main and f"Delay {(decided_on - incident_on).days} days" in main
    assert "Serious Case Review" not in main and "Ofsted" not in main
    assert_accessible(page)
    submission = PanelSubmission.objects.get(decision__incident=incident)
    assert (submission.kind, submission.get_kind_display()) == ("rapid_review", "Rapid review")

    rows = page.get_by_role("region", name="Statutory clocks").locator("tbody tr")
    assert rows.count() == 2
    sin_due = clocks.add_working_days(la_aware_on, REGIME.rules["sin_notification"].amount)
    sin, rapid = (rows.nth(i).inner_text() for i in range(2))
    assert "SIN notification" in sin and on(sin_due) in sin and "Met" in sin
    assert REGIME.clock("rapid_review").title in rapid and on(rapid_due) in rapid and "Running" in rapid
    assert f"{(rapid_due - today).days} days left" in rapid and "Green: on track" in rapid

    timeline = page.locator("#timeline + table tbody tr")
    assert timeline.count() == 2
    notified, decided = timeline.nth(0).inner_text(), timeline.nth(1).inner_text()
    assert "SIN received and notified" in notified and "Sam Staff" in notified and "Board staff" in notified
    assert on(received_on) in notified and "Draft to Notified" in notified
    assert "Decision recorded" in decided and "Chris Chair" in decided and "Board chair" in decided
    assert on(decided_on) in decided and "Notified to Decided" in decided

    # The list shows the case with its flags too.
    page.get_by_role("link", name="Cases", exact=True).click()
    assert heading(page) == "Cases"
    assert incident.reference in page.locator("table").inner_text()
    assert "Premature" in page.locator("table").inner_text()
    assert_accessible(page)
