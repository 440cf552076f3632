"""The national statistics page in a real browser: the secretariat picks a period from the
dashboard, sees the figures and eight charts each with its table, corrects a reversed period from
the message next to the field, and a board chair sees only their board. axe-core checks each page.

The live server runs in another thread, so time is not frozen: dates are relative to today.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from reviews.choices import DecisionKind
from tests.browser.conftest import assert_accessible
from tests.browser.test_case_journey import fill_date, heading, sign_in
from tests.factories import BoardFactory, ChairFactory, SecretariatFactory, TOTPDeviceFactory
from tests.workflow import decide, notified

pytestmark = pytest.mark.browser

SECRETARIAT_KEY = "8182838485868788898a8b8c8d8e8f9091929394"
CHAIR_KEY = "9192939495969798999a9b9c9d9e9fa0a1a2a3a4"


def test_the_secretariat_reads_the_national_statistics(page, live_server, transactional_db):
    today = timezone.localdate()
    north = BoardFactory(code="STN", name="Statsham North Safeguarding Children Board")
    south = BoardFactory(code="STS", name="Statsham South Safeguarding Children Board")
    chair_north = ChairFactory(board=north, email="chair@stats-north.example", full_name="Noor Chair")
    chair_south = ChairFactory(board=south, email="chair@stats-south.example", full_name="Sol Chair")
    secretariat = SecretariatFactory(email="secretariat@stats.example", full_name="Sasha Secretariat")
    TOTPDeviceFactory(user=secretariat, key=SECRETARIAT_KEY)
    TOTPDeviceFactory(user=chair_north, key=CHAIR_KEY)
    for chair, decision in ((chair_north, DecisionKind.INITIATE_SCR), (chair_south, DecisionKind.NOT_INITIATE)):
        incident = notified(
            chair,
            incident_on=today - timedelta(days=40),
            la_aware_on=today - timedelta(days=39),
            ofsted_notified_on=today - timedelta(days=30),
            received_on=today - timedelta(days=30),
        )
        # Cases of the regime in force today, which asks for the rapid review with the decision.
        decide(
            chair,
            incident,
            decision,
            decided_on=today - timedelta(days=10),
            national_review_recommended=False,
            rapid_review_summary="Fictional rapid review: the facts, immediate actions and learning.",
        )

    sign_in(page, secretariat.email, SECRETARIAT_KEY)
    page.get_by_role("link", name="National statistics").click()
    assert heading(page) == "National statistics"
    assert_accessible(page)

    # A reversed period: the message is next to the "To" date and in the summary; no figures.
    fill_date(page, "From", today)
    fill_date(page, "To", today - timedelta(days=60))
    page.get_by_role("button", name="Show statistics").click()
    message = "The end of the period must be the same as or after the start"
    assert page.locator(".govuk-error-summary").inner_text().count(message) == 1
    assert message in page.locator("#div_id_to").inner_text()
    assert page.locator("svg.app-chart").count() == 0
    assert_accessible(page)

    fill_date(page, "From", today - timedelta(days=60))
    fill_date(page, "To", today)
    page.get_by_role("button", name="Show statistics").click()
    figures = page.locator("dl.govuk-summary-list").first.inner_text()
    assert "Serious incident notifications\n2" in figures or "Serious incident notifications\t2" in figures
    assert page.locator("svg.app-chart").count() == 8
    assert page.get_by_role("img", name="SINs and local reviews initiated by quarter").count() == 1
    assert page.get_by_role("table", name="SINs and local reviews initiated by quarter, as a table").count() == 1
    assert_accessible(page)

    # The chair of one board sees that board's figures only.
    page.context.clear_cookies()
    sign_in(page, chair_north.email, CHAIR_KEY)
    page.get_by_role("link", name="Your board's statistics").click()
    assert heading(page) == "Statistics for Statsham North Safeguarding Children Board"
    fill_date(page, "From", today - timedelta(days=60))
    fill_date(page, "To", today)
    page.get_by_role("button", name="Show statistics").click()
    figures = page.locator("dl.govuk-summary-list").first.inner_text()
    assert "Serious incident notifications\n1" in figures or "Serious incident notifications\t1" in figures
    assert_accessible(page)
