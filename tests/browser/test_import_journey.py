"""A chair imports the board's history in a real browser: from the dashboard to the upload page, a file refused
beside its field, then a small fictional CSV; the page waits for the check, then shows by itself what the file
would create ("check your answers"); confirm; the page waits for the import, then shows the cases, and one
opens. axe-core checks every page. The upload, check-your-answers, error report, result and column guide pages
are also looked at 320 px and 1280 px wide: nothing is wider than the screen. The screenshots go to
SCREENSHOT_DIR when it is set, for a person to look at.

The worker is the test itself: nothing is sent to a broker, and the test runs each task once it has seen the
waiting page, as a worker would.
"""

import os
from pathlib import Path

import pytest

from imports import services, tasks, views
from imports.fictional import fictional_rows
from imports.models import ImportRun, ImportState
from imports.progress import progress_forget, progress_write
from imports.spreadsheets import csv_bytes
from incidents.models import Incident
from tests.browser.conftest import assert_accessible
from tests.browser.test_case_journey import heading, sign_in
from tests.factories import BoardFactory, ChairFactory, TOTPDeviceFactory

pytestmark = pytest.mark.browser

CHAIR_KEY = "c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4"
ROWS = 4
WIDTHS = (320, 1280)


def _csv(board, rows: int = ROWS, changes: dict | None = None, seed: int = 2015, prefix: str = "HIST") -> bytes:
    table = fictional_rows(rows, board_code=board.code, seed=seed)
    for row in table:
        row["external_reference"] = row["external_reference"].replace("HIST", prefix)
    for (line, column), value in (changes or {}).items():
        table[line - 2][column] = value
    return csv_bytes(table)


def test_a_chair_uploads_checks_confirms_and_opens_an_imported_case(page, live_server, transactional_db, monkeypatch):
    queued = []
    monkeypatch.setattr(views.tasks, "import_queue", lambda task, run_id, user_id: queued.append(task.name))
    board = BoardFactory(code="IMJ", name="Importshire Safeguarding Children Board")
    chair = ChairFactory(board=board, email="chair@importshire.example", full_name="Ida Chair")
    TOTPDeviceFactory(user=chair, key=CHAIR_KEY)

    sign_in(page, chair.email, CHAIR_KEY)
    page.get_by_role("link", name="Import your board's cases from a spreadsheet").click()
    assert heading(page) == "Import your board's cases"
    assert "Your board has not imported any cases yet." in page.locator("main").inner_text()
    assert_accessible(page)

    # A file that is not a spreadsheet: refused beside the field, nothing saved.
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "history.txt", "mimeType": "text/plain", "buffer": b"not a spreadsheet"}]
    )
    page.get_by_role("button", name="Upload and check").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert "must be a CSV or an XLSX spreadsheet" in page.locator(".govuk-error-message").inner_text()
    assert not ImportRun.objects.exists()
    assert_accessible(page)

    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "history.csv", "mimeType": "text/csv", "buffer": _csv(board)}]
    )
    page.get_by_role("button", name="Upload and check").click()
    assert heading(page) == "Checking your file"
    assert "Waiting to start" in page.get_by_role("status").inner_text()
    run = ImportRun.objects.get()
    assert queued == ["imports.check"]
    assert_accessible(page)

    assert tasks.import_check_task(run.pk, chair.pk) == ImportState.CHECKED  # the worker takes it
    # The page notices by itself (no reload, no timed refresh) and moves focus to the news.
    page.get_by_role("heading", name="Check the cases before you import them").wait_for(state="visible")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Check the cases before you import them"
    assert "What the file creates" in page.locator("main").inner_text()
    assert not Incident.objects.exists()
    assert_accessible(page)

    page.get_by_role("button", name=f"Confirm and import {ROWS} cases").click()
    assert heading(page) == "Importing your cases"
    assert queued == ["imports.check", "imports.apply"]
    assert_accessible(page)

    assert tasks.import_apply_task(run.pk, chair.pk) == ImportState.IMPORTED
    page.get_by_role("heading", name=f"{ROWS} cases imported").wait_for(state="visible")
    assert_accessible(page)
    case = Incident.objects.filter(board=board).order_by("reference").first()
    assert Incident.objects.filter(board=board).count() == ROWS
    page.get_by_role("link", name=case.reference, exact=True).click()
    assert case.reference in heading(page)
    assert_accessible(page)


def test_the_import_pages_fit_a_phone_and_a_desktop(chromium, live_server, transactional_db):
    board = BoardFactory(code="IMS", name="Importshire Safeguarding Children Board")
    chair = ChairFactory(board=board, email="chair@imports.example", full_name="Ida Chair")
    TOTPDeviceFactory(user=chair, key=CHAIR_KEY)

    def checked(name: str, content: bytes) -> ImportRun:
        run = services.import_run_create(actor=chair, board=board, file_name=name, content=content)
        return services.import_check(actor=chair, run_id=run.pk)

    refused = checked(
        "history-with-mistakes-in-several-rows-and-columns.csv",
        _csv(
            board,
            changes={
                (2, "age_at_incident"): "four",
                (4, "url"): "https://reports.example.org/a-report-address-without-any-spaces-that-goes-on-and-on",
                (5, "incident_on"): "31/02/2015",
            },
        ),
    )
    imported = checked("history.csv", _csv(board, rows=18))
    services.import_confirm(actor=chair, run_id=imported.pk)
    imported = services.import_apply(actor=chair, run_id=imported.pk)
    preview = checked("more-history.csv", _csv(board, rows=18, seed=99, prefix="MORE"))
    waiting = services.import_run_create(actor=chair, board=board, file_name="waiting.csv", content=_csv(board))
    progress_write(waiting.pk, 25, 400)
    assert (refused.state, preview.state, imported.state) == ("refused", "checked", "imported")
    pages = {
        "upload": ("/imports/", "Import your board's cases"),
        "checking": (f"/imports/{waiting.public_id}/", "Checking your file"),
        "columns": ("/imports/columns/", "The import's columns"),
        "check-your-answers": (f"/imports/{preview.public_id}/", "Check the cases before you import them"),
        "error-report": (f"/imports/{refused.public_id}/", "Your file was not imported"),
        "result": (f"/imports/{imported.public_id}/", "Your cases are imported"),
    }
    out = os.environ.get("SCREENSHOT_DIR")
    # One context and one sign-in: a security code is accepted only once.
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, chair.email, CHAIR_KEY)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, (url, title) in pages.items():
            page.goto(url)
            assert heading(page) == title, (name, width)
            if out:
                page.screenshot(path=str(Path(out) / f"import-{name}-{width}.png"), full_page=True)
                tables = page.locator("main table")
                if tables.count():
                    tables.first.scroll_into_view_if_needed()
                    page.screenshot(path=str(Path(out) / f"import-{name}-{width}-table.png"))
            # Nothing wider than the screen: the page never scrolls sideways.
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
            assert_accessible(page)
    context.close()
    progress_forget(waiting.pk)
