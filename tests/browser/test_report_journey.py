"""A chair makes the board's annual SCR report a PDF in a real browser: from the action plan to the
report page, "Create PDF", the job page while it waits for a worker, which then shows by itself
that the PDF is ready, and its download. axe-core checks each page; the downloaded file is the PDF,
marked and holding the board's figures.

The worker is the test itself: the live server's queue has no consumer, so the test runs the task
once it has seen the waiting page, as a worker would.
"""

import io

import pytest
from pypdf import PdfReader

from audit.models import AccessEvent
from reports import services, tasks
from reports.models import JobState, ReportJob
from tests.browser.conftest import assert_accessible
from tests.browser.test_case_journey import heading, sign_in
from tests.factories import BoardFactory, ChairFactory, TOTPDeviceFactory
from tests.reports.test_pdf import signed_off_review_with_actions

pytestmark = pytest.mark.browser

CHAIR_KEY = "a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4"


def test_a_chair_makes_the_annual_report_a_pdf_and_downloads_it(
    page, live_server, transactional_db, settings, tmp_path, monkeypatch
):
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    # Nothing is sent to a broker: the test is the worker (below).
    monkeypatch.setattr(services, "queue_render", lambda job_id: None)
    board = BoardFactory(code="RPJ", name="Reportshire Safeguarding Children Board")
    chair = ChairFactory(board=board, email="chair@reportshire.example", full_name="Rae Chair")
    TOTPDeviceFactory(user=chair, key=CHAIR_KEY)
    review = signed_off_review_with_actions(chair)  # initiated and signed off in the year from 1 April 2015
    reference = review.incidents.get().reference

    sign_in(page, chair.email, CHAIR_KEY)
    page.get_by_role("link", name="Action plan").click()
    page.get_by_role("link", name="annual local review report").click()
    page.get_by_label("Year").select_option(label="1 April 2015 to 31 March 2016")
    page.get_by_role("button", name="Show this year").click()
    figures = page.locator("dl.govuk-summary-list").first.inner_text()
    assert "Local reviews initiated\n1" in figures or "Local reviews initiated\t1" in figures
    assert_accessible(page)

    page.get_by_role("button", name="Create PDF").click()
    job = ReportJob.objects.get()
    assert heading(page) == job.title
    assert "Your PDF is being made" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Download the PDF").count() == 0
    assert_accessible(page)

    assert tasks.render_report(job.pk) == JobState.READY  # the worker takes it
    # The page notices by itself (no reload, no timed refresh) and moves focus to the news.
    ready = page.get_by_role("heading", name="Your PDF is ready")
    ready.wait_for(state="visible")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Your PDF is ready"
    assert page.get_by_role("status").count() == 0
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    body = download_info.value.path().read_bytes()
    assert body.startswith(b"%PDF-")
    text = "\n".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(body)).pages)
    assert "OFFICIAL-SENSITIVE" in text
    assert board.name in text and reference in text
    assert "Fictional action 1.1" in text
    assert AccessEvent.objects.filter(user=chair, action=AccessEvent.Action.DOWNLOAD).count() == 1
