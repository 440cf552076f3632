"""The rapid review submission page and an LCSPR's publication page at a phone's width and a desktop's: no
part of either is cut off or overflows the screen, and axe-core finds nothing at either width. The
screenshots go to SCREENSHOT_DIR when it is set, for a person to look at."""

import os
from datetime import date
from pathlib import Path

import pytest

from publication.services import publication_propose, publication_send_report
from reviews.choices import DecisionKind
from reviews.services import review_begin_drafting, review_sign_off, review_start
from tests.browser.conftest import assert_accessible
from tests.browser.test_case_journey import sign_in
from tests.factories import BoardFactory, ChairFactory, TOTPDeviceFactory
from tests.workflow import SIGN_OFF_REASON, decide, notified, submission_of

pytestmark = pytest.mark.browser

CHAIR_KEY = "b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4"
WIDTHS = (320, 1280)


def _case(chair):
    incident = notified(
        chair,
        incident_on=date(2022, 11, 7),
        la_aware_on=date(2022, 11, 8),
        received_on=date(2022, 11, 9),
        ofsted_notified_on=date(2022, 11, 9),
        child_pseudonym="Child Yarrow",
        agencies_involved=[],
    )
    decision = decide(
        chair,
        incident,
        decision=DecisionKind.INITIATE_SCR,
        decided_on=date(2022, 11, 25),
        national_review_recommended=True,
        rapid_review_summary="Fictional: the facts, the immediate actions and the learning so far. " * 4,
    )
    review = decision.review
    review_start(actor=chair, review_id=review.pk, event_date=date(2022, 12, 1), methodology="silp", lead_reviewer="R")
    review_begin_drafting(actor=chair, review_id=review.pk, event_date=date(2023, 3, 1))
    review_sign_off(actor=chair, review_id=review.pk, event_date=date(2023, 4, 3), reason=SIGN_OFF_REASON)
    review.refresh_from_db()
    publication = publication_send_report(
        actor=chair, publication_id=review.publication.pk, event_date=date(2023, 4, 5)
    )
    publication_propose(
        actor=chair,
        publication_id=publication.pk,
        event_date=date(2023, 4, 6),
        mode="anonymised",
        reasons="Fictional reasons: the family would be identified in a small community.",
        independent_advice="Fictional independent advice: a named sibling would be at serious risk.",
    )
    return submission_of(incident), publication


def test_the_rapid_review_and_publication_pages_fit_a_phone_and_a_desktop(chromium, live_server, transactional_db):
    chair = ChairFactory(board=BoardFactory(code="SCR", name="Shotshire Safeguarding Partnership"))
    TOTPDeviceFactory(user=chair, key=CHAIR_KEY)
    submission, publication = _case(chair)
    pages = {
        "rapid-review-submission": f"/panel/submissions/{submission.public_id}/",
        "lcspr-publication": f"/publications/{publication.public_id}/",
    }
    out = os.environ.get("SCREENSHOT_DIR")
    # One context and one sign-in: a security code is accepted only once.
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, chair.email, CHAIR_KEY)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            page.goto(url)
            assert submission.decision.incident.reference in page.locator("h1").inner_text(), (name, width)
            if out:
                page.screenshot(path=str(Path(out) / f"{name}-{width}.png"), full_page=True)
            # Nothing wider than the screen: the page never scrolls sideways.
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
            assert_accessible(page)
    context.close()
