"""A decision not to initiate goes to the Child Safeguarding Practice Review Panel as its rapid review, in a
real browser: the lead safeguarding partner decides, with the rapid review's summary, and sends the rapid
review after checking the answers; the secretariat arranges a meeting and schedules it; a Panel member
disagrees (offered only on a decision not to initiate); the lead accepts the advice, and the case now shows
a local child safeguarding practice review initiated following the Panel's advice. axe-core checks every
page visited.

The live server runs in another thread, so time is not frozen here: dates are relative to today, so the
case follows the regime in force today (Working Together 2023) and the pages speak its words.
Each person keeps their own browser context, so nobody signs in twice with the same code.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from panel.models import PanelMeeting, PanelSubmission
from reviews.models import Decision
from scr_tracker.clocks import add_months, add_working_days
from tests.browser.conftest import assert_accessible
from tests.browser.test_case_journey import NATIONAL_REVIEW_QUESTION, REGIME, SUMMARY, fill_date, heading, sign_in
from tests.factories import BoardFactory, ChairFactory, PanelMemberFactory, SecretariatFactory, TOTPDeviceFactory
from tests.workflow import notified

pytestmark = pytest.mark.browser

CHAIR_KEY = "4142434445464748494a4b4c4d4e4f5051525354"
SECRETARIAT_KEY = "5152535455565758595a5b5c5d5e5f6061626364"
MEMBER_KEY = "6162636465666768696a6b6c6d6e6f7071727374"
PANEL = "Child Safeguarding Practice Review Panel"


@pytest.fixture
def new_page(chromium, live_server):
    """new_page() -> a page in a browser context of its own (one per person)."""
    contexts = []

    def _new_page():
        context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield _new_page
    for context in contexts:
        context.close()


def main_text(page) -> str:
    return page.locator("main").inner_text()


def banner_text(page) -> str:
    return page.locator(".govuk-notification-banner").inner_text()


def long_date(d) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def test_the_panel_disagrees_and_the_chair_accepts(new_page, live_server, transactional_db):
    board = BoardFactory(code="PNL", name="Panelshire Safeguarding Children Board")
    chair = ChairFactory(board=board, email="chair@panel-journey.example", full_name="Pat Chair")
    secretariat = SecretariatFactory(email="secretariat@panel-journey.example", full_name="Sol Secretariat")
    member = PanelMemberFactory(email="member@panel-journey.example", full_name="Mo Member")
    TOTPDeviceFactory(user=chair, key=CHAIR_KEY)
    TOTPDeviceFactory(user=secretariat, key=SECRETARIAT_KEY)
    TOTPDeviceFactory(user=member, key=MEMBER_KEY)
    today = timezone.localdate()
    incident = notified(
        chair,
        incident_on=today - timedelta(days=30),
        la_aware_on=today - timedelta(days=29),
        ofsted_notified_on=today - timedelta(days=27),
        received_on=today - timedelta(days=26),
        child_pseudonym="Child P",
        post_mortem="complete",
        post_mortem_on=today - timedelta(days=20),
    )
    decided_on, sent_on = today - timedelta(days=10), today - timedelta(days=8)
    meets_on, scheduled_on = today, today - timedelta(days=7)  # a meeting is arranged for today or later

    # --- The chair decides not to initiate: the case page links to the submission in draft.
    chair_page = new_page()
    sign_in(chair_page, chair.email, CHAIR_KEY)
    chair_page.get_by_role("link", name=incident.reference, exact=True).first.click()
    chair_page.get_by_role("button", name="Record the decision").click()
    fill_date(chair_page, "When did you make the decision?", decided_on)
    chair_page.get_by_label("Do not initiate a local child safeguarding practice review").first.check()
    chair_page.get_by_label("Abuse or neglect of the child is known or suspected").fill("Fictional: none suspected.")
    chair_page.get_by_label("The child has died", exact=True).fill("Fictional: a natural cause of death.")
    chair_page.get_by_label("The child has been seriously harmed").fill("Fictional: not applicable.")
    chair_page.get_by_label("Summary of the rapid review").fill(SUMMARY)
    chair_page.get_by_role("group", name=NATIONAL_REVIEW_QUESTION).get_by_label("No", exact=True).check()
    chair_page.get_by_label("The sub-group made no recommendation").check()
    chair_page.get_by_role("button", name="Record the decision").click()
    assert "Current decision: Do not initiate a local child safeguarding practice review" in main_text(chair_page)
    assert_accessible(chair_page)

    chair_page.get_by_role("link", name=f"Send the rapid review to the {PANEL}").click()
    submission = PanelSubmission.objects.get(decision__incident=incident)
    assert (submission.kind, submission.get_kind_display()) == ("rapid_review", "Rapid review")
    assert heading(chair_page) == f"Submission to the {PANEL}: {incident.reference} Child P"
    assert "Draft" in main_text(chair_page) and "Not yet advised" not in main_text(chair_page)  # says the state again
    assert "Rapid review" in main_text(chair_page) and SUMMARY in main_text(chair_page)
    assert_accessible(chair_page)

    # --- Check your answers, add a covering note from there, then send.
    chair_page.get_by_role("button", name="Check and send to the panel").click()
    assert heading(chair_page) == "Check your answers before sending the submission"
    answers = main_text(chair_page)
    assert "Child P" in answers and "Fictional: a natural cause of death." in answers and SUMMARY in answers
    assert_accessible(chair_page)
    chair_page.get_by_role("link", name="Change covering note").click()
    assert heading(chair_page) == "Covering note"
    assert_accessible(chair_page)
    chair_page.get_by_label("Covering note for the panel (optional)").fill("The inquest opens next month.")
    chair_page.get_by_role("button", name="Save the note").click()
    assert heading(chair_page) == "Check your answers before sending the submission"
    assert "The inquest opens next month." in main_text(chair_page)
    fill_date(chair_page, "When was the submission sent to the panel?", today + timedelta(days=1))
    chair_page.get_by_role("button", name="Accept and send to the panel").click()
    assert "must be today or in the past" in chair_page.locator(".govuk-error-summary").inner_text()
    assert_accessible(chair_page)
    fill_date(chair_page, "When was the submission sent to the panel?", sent_on)
    chair_page.get_by_role("button", name="Accept and send to the panel").click()
    assert f"Submission sent to the {PANEL}" in banner_text(chair_page)
    rows = chair_page.get_by_role("region", name="Statutory clocks").locator("tbody tr")
    rapid_due = add_working_days(incident.ofsted_notified_on, REGIME.rules["rapid_review"].amount)
    rapid = next(row for row in (rows.nth(i).inner_text() for i in range(rows.count())) if "Rapid review" in row)
    assert f"{rapid_due.day} {rapid_due:%b %Y}" in rapid and "Met" in rapid
    assert "Send to the national panel" not in main_text(chair_page)
    assert_accessible(chair_page)

    # --- The secretariat arranges a meeting and schedules the submission to it.
    secretariat_page = new_page()
    sign_in(secretariat_page, secretariat.email, SECRETARIAT_KEY)
    assert heading(secretariat_page) == "Panel secretariat"
    assert incident.reference in secretariat_page.locator("#to-schedule + .app-table-scroll table").inner_text()
    assert_accessible(secretariat_page)
    secretariat_page.get_by_role("link", name="Meetings", exact=True).click()
    assert heading(secretariat_page) == "Panel meetings"
    assert_accessible(secretariat_page)
    fill_date(secretariat_page, "When will the panel meet?", meets_on)
    secretariat_page.get_by_role("button", name="Arrange the meeting").click()
    assert heading(secretariat_page) == f"Panel meeting: {long_date(meets_on)}"
    assert_accessible(secretariat_page)

    secretariat_page.goto(f"/panel/submissions/{submission.public_id}/")
    assert "The inquest opens next month." in main_text(secretariat_page)
    assert_accessible(secretariat_page)
    secretariat_page.get_by_role("button", name="Schedule for a meeting").click()
    assert heading(secretariat_page) == "Schedule for a meeting"
    assert_accessible(secretariat_page)
    fill_date(secretariat_page, "When was the submission put on the agenda?", scheduled_on)
    secretariat_page.get_by_label(long_date(meets_on)).check()
    secretariat_page.get_by_role("button", name="Schedule for this meeting").click()
    assert f"Scheduled for the panel meeting on {meets_on.day} {meets_on:%B %Y}" in banner_text(secretariat_page)
    assert PanelMeeting.objects.get().submissions.get() == submission
    assert_accessible(secretariat_page)

    # --- A panel member reads the agenda and the case, and records that the panel disagrees.
    member_page = new_page()
    sign_in(member_page, member.email, MEMBER_KEY)
    assert heading(member_page) == "Panel work"
    assert incident.reference in member_page.locator("#awaiting-advice + .app-table-scroll table").inner_text()
    assert_accessible(member_page)
    member_page.get_by_role("link", name="Meetings", exact=True).click()
    member_page.get_by_role("link", name=long_date(meets_on)).click()
    agenda = member_page.locator("#agenda ~ .app-table-scroll table").first.inner_text()
    assert incident.reference in agenda and "Panelshire" in agenda and "Delay 20 days" in agenda
    assert_accessible(member_page)
    member_page.get_by_role("link", name=incident.reference, exact=True).first.click()
    assert heading(member_page) == f"Submission to the {PANEL}: {incident.reference} Child P"
    member_page.get_by_role("link", name=f"{incident.reference} case page").click()
    assert heading(member_page) == f"{incident.reference}: Child P"
    assert_accessible(member_page)
    member_page.go_back()
    member_page.get_by_role("button", name="Record the panel's advice").click()
    assert heading(member_page) == "Record the panel's advice"
    offered = member_page.locator('input[name="advice"]').evaluate_all("inputs => inputs.map(i => i.value)")
    assert offered == list(submission.advice_allowed()) and "disagree" in offered  # on a decision not to initiate
    assert_accessible(member_page)
    member_page.get_by_role("button", name="Record the advice").click()  # nothing chosen yet
    summary = member_page.locator(".govuk-error-summary").inner_text()
    assert "Select the panel's advice" in summary and "Give the panel's reasons" in summary
    assert_accessible(member_page)
    fill_date(member_page, "When did the panel give its advice?", meets_on)
    member_page.get_by_label("Disagree", exact=True).check()
    member_page.get_by_label("The panel's reasons").fill("Fictional: the criteria for a review are met.")
    member_page.get_by_role("button", name="Record the advice").click()
    assert "Outcome: pending the board's response" in banner_text(member_page)
    assert "Record the board's response" not in main_text(member_page)  # the chair's, not the panel's
    assert_accessible(member_page)

    # --- The chair finds the advice on the dashboard and accepts it.
    chair_page.goto("/")
    submissions = chair_page.locator("#submissions + .app-table-scroll table").inner_text()
    assert incident.reference in submissions and "Pending the board's response" in submissions
    assert_accessible(chair_page)
    chair_page.get_by_role("link", name=f"{incident.reference} submission").click()
    chair_page.get_by_role("button", name="Record the board's response").click()
    assert heading(chair_page) == "Record the board's response"
    assert "Fictional: the criteria for a review are met." in main_text(chair_page)
    assert_accessible(chair_page)
    fill_date(chair_page, "When did the board decide its response?", today)
    chair_page.get_by_label("Accept the panel's advice", exact=True).check()
    chair_page.get_by_role("button", name="Record the response").click()
    assert "Outcome: LCSPR initiated after advice" in banner_text(chair_page)
    assert "LCSPR initiated after advice" in main_text(chair_page)
    assert_accessible(chair_page)

    # --- The case now shows a local child safeguarding practice review initiated following the panel's advice.
    chair_page.get_by_role("link", name=f"{incident.reference} case page").click()
    main = main_text(chair_page)
    assert "Current decision: Initiate a local child safeguarding practice review" in main
    assert "Initiated following the panel's advice" in main
    assert "Carry out the local child safeguarding practice review" in main
    assert "Serious Case Review" not in main and "national panel" not in main and "Ofsted" not in main
    completion_due = add_months(today, REGIME.rules["scr_completion"].amount)
    assert f"To be commissioned. To be completed by {completion_due.day} {completion_due:%B %Y}" in main
    assert_accessible(chair_page)
    current = Decision.objects.filter(incident=incident).order_by("-pk").first()
    assert (current.decision, current.following_panel_advice, current.decided_on) == ("initiate_scr", True, today)
    # Following the Panel's advice opens only the LCSPR: the Panel has seen the rapid review already.
    assert current.review.state == "commissioning"
    assert list(PanelSubmission.objects.filter(decision__incident=incident)) == [submission]
