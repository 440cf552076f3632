"""Running a local child safeguarding practice review in a real browser: the lead safeguarding partner
decides to initiate, with the rapid review's summary, commissions the review, stops and resumes its clock
(the review page then shows the original and the extended due date and why they differ), adds a
recommendation with two actions, the review is drafted and signed off (its completion clock runs on to
publication), and the partnership's action plan shows both actions. axe-core checks every page visited.

The live server runs in another thread, so time is not frozen here: dates are relative to today, so the
case follows the regime in force today (Working Together 2023) and the pages speak its words.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from panel.models import PanelSubmission
from reviews.models import Action, SeriousCaseReview
from scr_tracker import clocks
from tests.browser.conftest import assert_accessible
from tests.browser.test_case_journey import NATIONAL_REVIEW_QUESTION, REGIME, SUMMARY, fill_date, heading, on, sign_in
from tests.factories import BoardFactory, ChairFactory, TOTPDeviceFactory
from tests.workflow import notified

pytestmark = pytest.mark.browser

CHAIR_KEY = "7172737475767778797a7b7c7d7e7f8081828384"


def main_text(page) -> str:
    return page.locator("main").inner_text()


def banner_text(page) -> str:
    return page.locator(".govuk-notification-banner").inner_text()


def long(d) -> str:
    return f"{d.day} {d:%B %Y}"


def test_the_chair_runs_a_serious_case_review(page, live_server, transactional_db):
    board = BoardFactory(code="RVW", name="Reviewshire Safeguarding Children Board")
    chair = ChairFactory(board=board, email="chair@review-journey.example", full_name="Robin Chair")
    TOTPDeviceFactory(user=chair, key=CHAIR_KEY)
    today = timezone.localdate()
    incident = notified(
        chair,
        incident_on=today - timedelta(days=45),
        la_aware_on=today - timedelta(days=44),
        ofsted_notified_on=today - timedelta(days=42),
        received_on=today - timedelta(days=41),
        child_pseudonym="Child R",
        post_mortem="complete",
        post_mortem_on=today - timedelta(days=38),
    )
    decided_on, started_on = today - timedelta(days=35), today - timedelta(days=30)
    stopped_on, resumed_on = today - timedelta(days=25), today - timedelta(days=15)
    drafting_on = today - timedelta(days=5)
    original_due = clocks.add_months(decided_on, REGIME.rules["scr_completion"].amount)
    extended_due = original_due + timedelta(days=10)

    # --- The chair decides to initiate; the case page links to the review it opened.
    sign_in(page, chair.email, CHAIR_KEY)
    page.get_by_role("link", name=incident.reference, exact=True).first.click()
    page.get_by_role("button", name="Record the decision").click()
    fill_date(page, "When did you make the decision?", decided_on)
    page.get_by_label("Initiate a local child safeguarding practice review").first.check()
    page.get_by_label("Abuse or neglect of the child is known or suspected").fill("Fictional: neglect suspected.")
    page.get_by_label("The child has died", exact=True).fill("Fictional: the child died.")
    page.get_by_label("The child has been seriously harmed").fill("Fictional: not applicable.")
    page.get_by_label("Summary of the rapid review").fill(SUMMARY)
    page.get_by_role("group", name=NATIONAL_REVIEW_QUESTION).get_by_label("No", exact=True).check()
    page.get_by_label("The sub-group made no recommendation").check()
    page.get_by_role("button", name="Record the decision").click()
    assert "Current decision: Initiate a local child safeguarding practice review" in main_text(page)
    assert f"To be commissioned. To be completed by {long(original_due)}" in main_text(page)
    assert_accessible(page)
    review = SeriousCaseReview.objects.get(incidents=incident)
    # The decision to initiate opens the LCSPR and, under this regime, the rapid review for the Panel too.
    submission = PanelSubmission.objects.get(decision__incident=incident)
    assert (submission.kind, submission.get_kind_display()) == ("rapid_review", "Rapid review")

    page.get_by_role("link", name="Carry out the local child safeguarding practice review").click()
    assert heading(page) == f"Local child safeguarding practice review: {incident.reference}"
    assert "Commissioning" in main_text(page) and "Not appointed yet" in main_text(page)
    assert "Serious Case Review" not in main_text(page) and "national panel" not in main_text(page)
    assert_accessible(page)

    # --- The chair commissions the review; a missing answer is shown first.
    page.get_by_role("button", name="Commission the review").click()
    assert heading(page) == "Commission the review"
    assert_accessible(page)
    fill_date(page, "When was the review commissioned?", started_on)
    page.get_by_role("button", name="Commission the review").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Select the review's methodology" in summary and "Enter the lead reviewer's name" in summary
    assert_accessible(page)
    page.get_by_label("SCIE Learning Together").check()
    page.get_by_label("Lead reviewer", exact=True).fill("Dr Fictional Reviewer")
    page.get_by_label("Statement of the lead reviewer's independence (optional)").fill(
        "Fictional: never employed by any agency involved."
    )
    page.get_by_role("button", name="Commission the review").click()
    assert "Review commissioned. Lead reviewer: Dr Fictional Reviewer" in banner_text(page)
    assert "In progress" in main_text(page)
    assert_accessible(page)

    # --- The clock stops for an inquest, then resumes ten days later.
    page.get_by_role("button", name="Stop the review clock").click()
    assert heading(page) == "Stop the review clock"
    assert_accessible(page)
    fill_date(page, "From when is the review clock stopped?", stopped_on)
    page.get_by_label("Inquest", exact=True).check()
    page.get_by_label("Details").fill("Fictional: the coroner asked the review to wait.")
    page.get_by_role("button", name="Stop the clock").click()
    assert "Review clock stopped" in banner_text(page)
    assert f"Stopped since {long(stopped_on)}: inquest." in main_text(page)
    completion = page.locator("#completion + dl").inner_text()
    assert long(original_due) in completion and "None while the clock is stopped" in completion
    assert_accessible(page)

    page.get_by_role("button", name="Resume the review clock").click()
    assert heading(page) == "Resume the review clock"
    assert f"stopped since {long(stopped_on)}: inquest" in main_text(page)
    assert_accessible(page)
    fill_date(page, "From when does the review clock run again?", resumed_on)
    page.get_by_role("button", name="Resume the clock").click()
    assert f"The review is now due by {long(extended_due)}" in banner_text(page)
    completion = page.locator("#completion + dl").inner_text()
    assert f"Original due date\t{long(original_due)}" in completion
    assert f"Extended due date\t{long(extended_due)}" in completion
    assert "stopped for 10 days in all" in completion
    stops = page.locator("#stops tbody tr")
    assert stops.count() == 1
    stop = stops.first.inner_text()
    assert on(stopped_on) in stop and on(resumed_on) in stop and "10 days" in stop and "Inquest" in stop
    assert_accessible(page)

    # --- A recommendation, then two actions to carry it out.
    page.get_by_role("link", name="Add a recommendation").click()
    assert heading(page) == "Add a recommendation"
    page.get_by_role("button", name="Add the recommendation").click()  # nothing answered yet
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the recommendation" in summary and "Select at least one theme from the list" in summary
    assert_accessible(page)
    page.get_by_label("The recommendation", exact=True).fill("Fictional: health visitors share concerns at once.")
    page.get_by_label("Practitioners", exact=True).check()
    page.get_by_label("Neglect", exact=True).check()
    page.get_by_label("Domestic abuse", exact=True).check()
    page.get_by_role("button", name="Add the recommendation").click()
    assert "Recommendation 1 added" in banner_text(page)
    assert_accessible(page)

    for description, agency, person, due in (
        (
            "Fictional: train every health visitor.",
            "Health (GP, hospital, health visiting, mental health)",
            "Named nurse",
            30,
        ),
        ("Fictional: police share records within a day.", "Police", "Detective Inspector", 60),
    ):
        page.get_by_role("link", name="Add an action to recommendation 1").click()
        assert heading(page) == "Add an action to recommendation 1"
        assert_accessible(page)
        page.get_by_label("What will be done?").fill(description)
        page.get_by_label(agency, exact=True).check()
        page.get_by_label("Who is responsible?").fill(person)
        fill_date(page, "When is it due?", today + timedelta(days=due))
        page.get_by_role("button", name="Add the action").click()
        assert "Action added to recommendation 1" in banner_text(page)
    card = page.locator("#recommendation-1").inner_text()
    assert "Fictional: train every health visitor." in card and "Fictional: police share records" in card
    assert card.count("Open") == 2 and "Neglect" in card and "Domestic abuse" in card
    assert_accessible(page)

    # --- Drafting, then the chair signs off within the extended due date.
    page.get_by_role("button", name="Begin drafting the report").click()
    assert_accessible(page)
    fill_date(page, "When did the reviewer begin drafting the overview report?", drafting_on)
    page.get_by_role("button", name="Begin drafting").click()
    assert "drafting the overview report" in banner_text(page)
    assert_accessible(page)
    page.get_by_role("button", name="Sign off the review").click()
    assert heading(page) == "Sign off the review"
    assert f"due to be completed by {long(extended_due)}" in main_text(page)
    assert_accessible(page)
    assert "The completion clock runs until the report is published." in main_text(page)
    fill_date(page, "When did the partnership sign off the overview report?", today)
    # No overview report is uploaded in this journey: the page asks why.
    page.get_by_label("Why is the review signed off without an overview report uploaded?").fill(
        "Fictional: the overview report is held by the independent reviewer and follows by post."
    )
    page.get_by_role("button", name="Continue").click()
    # Nothing is saved yet: the answers are shown to check, with a warning, before "Confirm and sign off".
    assert heading(page) == "Check your answers before you sign off the review"
    answers = page.locator(".govuk-summary-list").inner_text()
    assert long(today) in answers and "follows by post" in answers
    assert "cannot be undone" in page.locator(".govuk-warning-text").inner_text()
    assert_accessible(page)
    assert SeriousCaseReview.objects.get(pk=review.pk).state == "drafting"
    page.get_by_role("link", name="Change why is the review signed off without an overview report uploaded?").click()
    assert heading(page) == "Sign off the review"
    assert (
        "follows by post"
        in page.get_by_label("Why is the review signed off without an overview report uploaded?").input_value()
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm and sign off").click()
    runs = "The completion clock runs until the report is published"
    assert f"Review signed off. {runs}: due by {long(extended_due)}" in banner_text(page)
    assert f"Signed off on\t{long(today)}" in page.locator("#about + dl").inner_text()
    timeline = page.locator("#timeline + table tbody tr")
    assert timeline.count() == 8  # the review's five changes, the recommendation and its two actions added
    assert "Recommendation 1 added, addressed to practitioners" in timeline.nth(4).inner_text()
    assert "Review signed off" in timeline.nth(7).inner_text() and "Robin Chair" in timeline.nth(7).inner_text()
    assert_accessible(page)
    review.refresh_from_db()
    assert (review.state, review.signed_off_on, review.completion_due()) == ("completed", today, extended_due)

    # --- The reviews list and the board's action plan, from the navigation.
    page.get_by_role("link", name="Reviews", exact=True).click()
    assert heading(page) == "Local reviews"  # the list's neutral words: its rows may follow any regime
    assert incident.reference in page.locator("table").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Action plan", exact=True).click()
    assert heading(page) == "Action plan"
    rows = page.locator("main table tbody tr")
    assert rows.count() == 2 == Action.objects.filter(board=board).count()
    first, second = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert "Fictional: train every health visitor." in first and "Named nurse" in first
    assert "Fictional: police share records within a day." in second and "Detective Inspector" in second
    assert incident.reference in first and "recommendation 1" in first
    assert "Running" in first and "30 days left" in first and "Green: on track" in first
    assert_accessible(page)
    page.get_by_label("Owner").select_option("police")
    page.get_by_role("button", name="Apply filters").click()
    assert page.locator("main table tbody tr").count() == 1
    assert "Fictional: police share records within a day." in page.locator("main table").inner_text()
    assert_accessible(page)
