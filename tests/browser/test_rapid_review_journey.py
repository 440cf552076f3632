"""A case of Working Together 2018 in a real browser, received in November 2022: staff log the SIN and record
its notification; the partners' lead records the decision to hold a local review with the rapid review's
summary; the rapid review goes to the national Panel, whose member records that it will carry out a national
review; the LCSPR is commissioned, drafted, signed off, its report sent and published, and the case page shows
it published with its completion clock met. axe-core checks every page visited.

The live server runs in another thread, so time is not frozen: every date is fixed in the past, in the
regime of its day, so the clocks are settled whatever today is.
"""

import re
from datetime import date

import pytest

from incidents.models import Incident
from panel.models import PanelSubmission
from publication.models import Publication
from scr_tracker.regimes import regime_for
from tests.browser.conftest import assert_accessible
from tests.browser.test_case_journey import heading, sign_in
from tests.browser.test_panel_journey import new_page  # noqa: F401 (a fixture: one browser context per person)
from tests.factories import BoardFactory, ChairFactory, PanelMemberFactory, StaffFactory, TOTPDeviceFactory

pytestmark = pytest.mark.browser

STAFF_KEY = "8182838485868788898a8b8c8d8e8f9091929394"
CHAIR_KEY = "9192939495969798999a9b9c9d9e9fa0a1a2a3a4"
MEMBER_KEY = "a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4"

INCIDENT_ON, LA_AWARE_ON, NOTIFIED_ON = date(2022, 11, 7), date(2022, 11, 8), date(2022, 11, 9)
DECIDED_ON, SENT_ON, ADVISED_ON = date(2022, 11, 25), date(2022, 11, 28), date(2022, 12, 12)
STARTED_ON, DRAFTING_ON, SIGNED_OFF_ON = date(2022, 12, 1), date(2023, 3, 1), date(2023, 4, 3)
REPORT_SENT_ON, PUBLISHED_ON = date(2023, 4, 5), date(2023, 5, 2)
SUMMARY = "Fictional rapid review: the facts, the immediate actions taken and the learning so far."
REGIME = regime_for(NOTIFIED_ON)


def fill(page, name: str, day: date) -> None:
    """A GOV.UK date input, by its field's name (its legend is in the regime's words)."""
    for part, value in enumerate((day.day, day.month, day.year)):
        page.locator(f'input[name="{name}_{part}"]').fill(str(value))


def main_text(page) -> str:
    return page.locator("main").inner_text()


def clock_row(page, title: str) -> str:
    """A row of the case page's clocks table, which scrolls in its own region named by the clocks heading."""
    rows = page.get_by_role("region", name="Statutory clocks").locator("tbody tr")
    return next(rows.nth(i).inner_text() for i in range(rows.count()) if title in rows.nth(i).inner_text())


def test_a_rapid_review_to_a_published_lcspr(new_page, live_server, transactional_db):  # noqa: F811
    board = BoardFactory(code="RRV", name="Rapidshire Safeguarding Partnership")
    staff = StaffFactory(board=board, email="staff@rapid-journey.example", full_name="Sky Staff")
    chair = ChairFactory(board=board, email="lead@rapid-journey.example", full_name="Lou Lead")
    member = PanelMemberFactory(email="member@rapid-journey.example", full_name="Mel Member")
    for user, key in ((staff, STAFF_KEY), (chair, CHAIR_KEY), (member, MEMBER_KEY)):
        TOTPDeviceFactory(user=user, key=key)

    # --- Staff log the SIN through its question pages.
    page = new_page()
    sign_in(page, staff.email, STAFF_KEY)
    page.goto("/cases/new/")
    assert heading(page) == "About the child"
    page.get_by_label("Pseudonym for the child").fill("Child Wren")
    page.get_by_label("Age at the time of the incident").fill("1")
    page.get_by_role("group", name="Sex").get_by_label("Male", exact=True).check()
    page.get_by_role("group", name="Ethnicity").get_by_label("Not known").check()
    page.get_by_role("group", name="Does the child have a disability?").get_by_label("No", exact=True).check()
    page.get_by_label("Known to agencies").check()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    assert heading(page) == "The incident"
    page.locator('input[name="nature"][value="death"]').check()
    page.get_by_label("Neglect", exact=True).check()
    page.get_by_label("The child has died", exact=True).check()
    fill(page, "incident_on", INCIDENT_ON)
    fill(page, "la_aware_on", LA_AWARE_ON)
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    assert heading(page) == "Post-mortem and police"
    page.get_by_role("group", name="Post-mortem", exact=True).get_by_label("Complete").check()
    page.locator('input[name="post_mortem_on_0"]').count() and fill(page, "post_mortem_on", LA_AWARE_ON)
    page.get_by_role("group", name="Is there a police investigation?").get_by_label("Investigation ongoing").check()
    page.get_by_role("group", name="Are there criminal proceedings?").get_by_label("Not known").check()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    assert heading(page) == "Agencies and outline"
    page.get_by_label("Police", exact=True).check()
    page.get_by_label("Outline of what happened").fill("A fictional outline for the rapid review journey.")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    assert heading(page) == "Check your answers before logging the notification"
    assert_accessible(page)
    page.get_by_role("button", name="Log the notification").click()
    incident = Incident.objects.get()
    assert heading(page) == f"{incident.reference}: Child Wren"
    assert_accessible(page)

    # --- Staff record the notification: the rapid review clock starts.
    page.get_by_role("button", name="Record the notification").click()
    fill(page, "event_date", NOTIFIED_ON)
    fill(page, "ofsted_notified_on", NOTIFIED_ON)
    assert_accessible(page)
    page.get_by_role("button", name="Record the notification").click()
    assert "Notification recorded" in page.locator(".govuk-notification-banner").inner_text()
    rapid = clock_row(page, REGIME.clock("rapid_review").title)
    assert REGIME.clock("rapid_review").phrase in rapid and "30 Nov 2022" in rapid  # 15 working days on
    assert_accessible(page)

    # --- The partners' lead records the decision: the rapid review's outcome.
    lead = new_page()
    sign_in(lead, chair.email, CHAIR_KEY)
    lead.goto(f"/cases/{incident.public_id}/")
    lead.get_by_role("button", name="Record the decision").click()
    assert heading(lead) == "Record the decision"
    assert "The rapid review" in main_text(lead)
    assert_accessible(lead)
    lead.get_by_role("button", name="Record the decision").click()  # nothing answered yet
    summary = lead.locator(".govuk-error-summary").inner_text()
    assert "rapid review's summary" in summary and "national review" in summary
    assert_accessible(lead)
    fill(lead, "event_date", DECIDED_ON)
    lead.locator('input[name="decision"][value="initiate_scr"]').check()
    lead.get_by_label("Abuse or neglect of the child is known or suspected").fill("Fictional: neglect suspected.")
    lead.get_by_label("The child has died", exact=True).fill("Fictional: the child died.")
    lead.get_by_label("The child has been seriously harmed").fill("Fictional: not applicable.")
    lead.locator('textarea[name="rapid_review_summary"]').fill(SUMMARY)
    lead.locator('input[name="national_review_recommended"][value="yes"]').check()
    lead.locator('input[name="subgroup_recommendation"][value="none"]').check()
    lead.get_by_role("button", name="Record the decision").click()
    assert "Decision recorded" in lead.locator(".govuk-notification-banner").inner_text()
    assert_accessible(lead)

    # --- Staff check the rapid review and send it to the Panel.
    submission = PanelSubmission.objects.get(decision__incident=incident)
    assert submission.kind == "rapid_review"
    page.goto(f"/panel/submissions/{submission.public_id}/")
    main = main_text(page)
    assert SUMMARY in main and "Rapid review" in main
    assert re.search(r"National review recommended\s+Yes", main)
    assert_accessible(page)
    page.goto(f"/panel/submissions/{submission.public_id}/submit/")
    assert SUMMARY in main_text(page)
    assert_accessible(page)
    fill(page, "event_date", SENT_ON)
    page.get_by_role("button", name=re.compile("^Accept and send")).click()
    assert "Submission sent" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    page.goto(f"/cases/{incident.public_id}/")
    assert "Met" in clock_row(page, REGIME.clock("rapid_review").title)
    assert_accessible(page)

    # --- A Panel member records that the Panel will carry out a national review.
    panel = new_page()
    sign_in(panel, member.email, MEMBER_KEY)
    assert incident.reference in main_text(panel)
    assert_accessible(panel)
    panel.goto(f"/panel/submissions/{submission.public_id}/")
    assert_accessible(panel)
    panel.get_by_role("button", name="Record the panel's advice").click()
    offered = panel.locator('input[name="advice"]').evaluate_all("inputs => inputs.map(i => i.value)")
    assert offered == list(submission.advice_allowed()) and "disagree" not in offered
    assert_accessible(panel)
    fill(panel, "event_date", ADVISED_ON)
    panel.locator('input[name="advice"][value="national_review"]').check()
    panel.get_by_label("The panel's reasons").fill("Fictional: the learning is of national importance.")
    panel.get_by_role("button", name="Record the advice").click()
    assert "national review" in panel.locator(".govuk-notification-banner").inner_text().lower()
    assert "National review" in main_text(panel)
    assert_accessible(panel)

    # --- The LCSPR: commissioned, drafted and signed off.
    review = incident.decisions.get().review
    steps = (
        ("start", STARTED_ON, "Commission the review"),
        ("begin_drafting", DRAFTING_ON, "Begin drafting"),
        ("sign_off", SIGNED_OFF_ON, "Sign off the review"),
    )
    for name, day, button in steps:
        lead.goto(f"/reviews/{review.public_id}/{name}/")
        assert_accessible(lead)
        fill(lead, "event_date", day)
        if name == "start":
            lead.get_by_label("SCIE Learning Together").check()
            lead.get_by_label("Lead reviewer", exact=True).fill("Dr Fictional Reviewer")
        if name == "sign_off":  # no overview report uploaded: the sign-off asks why
            lead.get_by_label("Why is the review signed off without an overview report uploaded?").fill(
                "Fictional: the overview report is held by the board"
            )
        if name == "sign_off":  # "Continue", then the answers to check: nothing is saved before the confirmation
            lead.get_by_role("button", name="Continue").click()
            assert_accessible(lead)
            lead.get_by_role("button", name="Confirm and sign off").click()
        else:
            lead.get_by_role("button", name=button).click()
        assert lead.locator(".govuk-notification-banner").is_visible()
        assert_accessible(lead)
    assert REGIME.clock("scr_completion").phrase.capitalize() in main_text(lead)

    # --- The report goes to the Panel and the Secretary of State, then is published in full.
    publication = Publication.objects.get(review=review)
    lead.goto(f"/publications/{publication.public_id}/send_report/")
    assert_accessible(lead)
    fill(lead, "event_date", REPORT_SENT_ON)
    lead.get_by_role("button", name="Record the report as sent").click()
    assert_accessible(lead)
    lead.goto(f"/publications/{publication.public_id}/publish/")
    assert_accessible(lead)
    fill(lead, "event_date", PUBLISHED_ON)
    lead.get_by_label("Web address of the published report").fill("https://www.example.org/rapidshire/child-wren")
    lead.get_by_role("button", name="Continue").click()
    lead.get_by_role("button", name="Confirm and publish").click()
    assert "Report published" in lead.locator(".govuk-notification-banner").inner_text()
    assert_accessible(lead)

    # --- The case page: the LCSPR published, its completion clock met.
    lead.goto(f"/cases/{incident.public_id}/")
    assert f"Published on {PUBLISHED_ON.day} {PUBLISHED_ON:%B %Y}" in main_text(lead)
    completion = clock_row(lead, REGIME.clock("scr_completion").title)
    assert "Met" in completion
    assert_accessible(lead)
