"""A case's pages in its own regime's words, in a real browser (SPEC §10): a Working Together 2023
case's page, decision form and review page say "local child safeguarding practice review" and
"lead safeguarding partner", and axe-core finds nothing on them; a Working Together 2018 case's page
and decision form fit a 320px screen as well as a 1280px one.

The live server runs in another thread, so time is not frozen: the cases' dates are fixed days
in the past, each in its regime.
"""

import os
from datetime import date
from pathlib import Path

import pytest

from reviews.models import SeriousCaseReview
from scr_tracker.regimes import WT2018, WT2023
from tests.browser.conftest import assert_accessible
from tests.browser.test_case_journey import fill_date, heading, sign_in
from tests.factories import BoardFactory, ChairFactory, TOTPDeviceFactory
from tests.workflow import notified

pytestmark = pytest.mark.browser

CHAIR_KEY = "8182838485868788898a8b8c8d8e8f9091929394"
WIDTHS = (320, 1280)


def main_text(page) -> str:
    return page.locator("main").inner_text()


def a_case(chair, received: date, pseudonym: str):
    return notified(
        chair,
        incident_on=date.fromordinal(received.toordinal() - 4),
        la_aware_on=date.fromordinal(received.toordinal() - 3),
        ofsted_notified_on=received,
        received_on=received,
        child_pseudonym=pseudonym,
        nature="serious_harm",
        regulation_5=["abuse_or_neglect", "serious_harm_and_concern"],
        post_mortem="not_applicable",
    )


@pytest.fixture
def chair(transactional_db):
    board = BoardFactory(code="TRM", name="Termshire Safeguarding Partnership")
    chair = ChairFactory(board=board, email="chair@terms-journey.example", full_name="Lee Lead")
    TOTPDeviceFactory(user=chair, key=CHAIR_KEY)
    return chair


def test_a_2023_case_speaks_its_regimes_words_and_is_accessible(page, live_server, chair):
    incident = a_case(chair, date(2026, 2, 2), "Child W")
    assert incident.regime == WT2023.code
    sign_in(page, chair.email, CHAIR_KEY)

    page.goto(f"/cases/{incident.public_id}/")
    text = main_text(page)
    assert "This case follows Working Together 2023: the rapid review was due by 23 February 2026." in text
    assert "Decide whether to initiate a local child safeguarding practice review" in text
    assert "Only the lead safeguarding partner records it" in text
    assert "Serious Case Review" not in text and "Ofsted" not in text
    assert_accessible(page)

    page.get_by_role("button", name="Record the decision").click()
    assert heading(page) == "Record the decision"
    form = main_text(page)
    assert "Initiate a local child safeguarding practice review" in form
    assert "Do you recommend that the Child Safeguarding Practice Review Panel carries out a national review?" in form
    assert "Serious Case Review" not in form and "Ofsted" not in form
    assert_accessible(page)
    fill_date(page, "When did you make the decision?", date(2026, 2, 16))
    page.get_by_label("Initiate a local child safeguarding practice review").first.check()
    page.get_by_label("Abuse or neglect of the child is known or suspected").fill("Fictional: neglect suspected.")
    page.get_by_label("The child has died", exact=True).fill("Fictional: not applicable.")
    page.get_by_label("The child has been seriously harmed").fill("Fictional: serious harm.")
    page.get_by_label("Summary of the rapid review").fill("Fictional facts, immediate actions and learning.")
    page.get_by_role("group", name="Do you recommend").get_by_label("No").check()
    page.get_by_label("The sub-group made no recommendation").check()
    page.get_by_role("button", name="Record the decision").click()
    text = main_text(page)
    assert "Current decision: Initiate a local child safeguarding practice review" in text
    assert (
        "Decision recorded: initiate a local child safeguarding practice review"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert_accessible(page)

    review = SeriousCaseReview.objects.get(incidents=incident)
    page.get_by_role("link", name="Carry out the local child safeguarding practice review").click()
    assert heading(page) == f"Local child safeguarding practice review: {incident.reference}"
    assert "Serious Case Review" not in main_text(page)
    assert page.url.endswith(f"/reviews/{review.public_id}/")
    assert_accessible(page)


def _fits(page, width: int) -> None:
    # Nothing wider than the screen: no sideways scrolling of the page.
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= width, f"{page.url} is {overflow}px wide at {width}px"


def test_a_2018_case_page_and_decision_form_fit_small_and_large_screens(page, live_server, chair, tmp_path):
    incident = a_case(chair, date(2022, 11, 14), "Child E")
    assert incident.regime == WT2018.code
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    sign_in(page, chair.email, CHAIR_KEY)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/cases/{incident.public_id}/")
        assert "This case follows Working Together 2018: the rapid review was due by 5 December 2022." in main_text(
            page
        )
        assert "Only the safeguarding partners' lead records it" in main_text(page)
        _fits(page, width)
        page.screenshot(path=str(shots / f"wt2018-case-{width}.png"), full_page=True)
        page.goto(f"/cases/{incident.public_id}/record_decision/")
        assert "Initiate a local child safeguarding practice review" in main_text(page)
        _fits(page, width)
        page.screenshot(path=str(shots / f"wt2018-decision-{width}.png"), full_page=True)
    assert_accessible(page)
