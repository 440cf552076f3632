"""The chair's upload page for a board's history (SPEC §8 "Import"): upload, check (nothing saved), check your
answers, confirm once, import all or nothing, the cases linked; every problem in a table; the chair's alone
(another board's chair 404, the board's staff 403); every step audited.

The worker is eager here: a task queued after the commit runs at once in the test's process.
"""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from kombu.exceptions import OperationalError
from openpyxl import load_workbook

from audit.models import AccessEvent, AuditEntry
from imports import services, tasks
from imports.columns import COLUMNS, FORMULA
from imports.fictional import fictional_rows
from imports.models import ImportRun, ImportState
from imports.progress import EVERY, progress_read, progress_write
from imports.spreadsheets import HEADER, csv_bytes, xlsx_bytes
from incidents.models import Incident
from scr_tracker.celery import app as celery_app
from tests.conftest import sign_in_with_both_factors
from tests.incidents.test_pages import banner, error_summary, field_errors

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=ZoneInfo("Europe/London"))
ROWS = 6  # a draft, notified, under consideration, withdrawn and two decided not to initiate
UPLOAD = reverse("imports:upload")


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def no_progress_left():
    """The progress cache outlives a test's database: each test starts with it empty."""
    caches["progress"].clear()
    yield
    caches["progress"].clear()


@pytest.fixture
def worker():
    """Tasks run in the test process as soon as they are queued (the broker is never reached)."""
    eager, propagates = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = eager, propagates


def a_file(board, rows: int = ROWS, name: str = "history.csv", changes: dict | None = None) -> SimpleUploadedFile:
    """A file of fictional rows; `changes` sets cells, {(line, column): value}."""
    table = fictional_rows(rows, board_code=board.code)
    for (line, column), value in (changes or {}).items():
        table[line - 2][column] = value  # line 1 is the header
    content = xlsx_bytes(table) if name.endswith(".xlsx") else csv_bytes(table)
    return SimpleUploadedFile(name, content)


def upload(client, django_capture_on_commit_callbacks, file):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(UPLOAD, {"file": file})


def run_url(run) -> str:
    return reverse("imports:run", args=[run.public_id])


def confirm_url(run) -> str:
    return reverse("imports:confirm", args=[run.public_id])


def confirm(client, django_capture_on_commit_callbacks, run):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(confirm_url(run))


def transitions(run) -> list[str]:
    return list(AuditEntry.objects.for_object(run).order_by("pk").values_list("transition", flat=True))


@pytest.fixture
def checked(client, sign_in, chair_a, worker, django_capture_on_commit_callbacks):
    """The chair has uploaded a file of ROWS fictional rows and the worker has checked it."""
    sign_in(chair_a)
    response = upload(client, django_capture_on_commit_callbacks, a_file(chair_a.board))
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run_url(run)
    run.refresh_from_db()
    assert run.state == ImportState.CHECKED
    return run


# --- Upload, check, confirm, result -----------------------------------------------------------------


def test_the_upload_is_checked_and_the_page_shows_what_it_would_create_saving_nothing(client, checked, chair_a):
    assert not Incident.objects.exists()  # the preview rolled back
    page = client.get(run_url(checked))
    text = page.text
    assert page.status_code == 200
    assert "Check the cases before you import them" in text
    assert "What the file creates" in text
    assert f"Confirm and import {ROWS} cases" in text
    assert confirm_url(checked) in text
    for item in checked.summary["by_state"]:
        assert item["regime"] in text and item["state"] in text
    for clock in checked.summary["clocks"]:
        assert clock["clock"].replace("'", "&#x27;") in text
    assert sum(item["count"] for item in checked.summary["by_state"]) == ROWS
    assert transitions(checked) == [services.UPLOAD, services.CHECK]
    # The page shows counts, not case content: no access event for it.
    assert not AccessEvent.objects.exists()


def test_confirm_imports_the_cases_and_the_result_links_each_one(
    client, checked, chair_a, django_capture_on_commit_callbacks
):
    response = confirm(client, django_capture_on_commit_callbacks, checked)
    assert response.status_code == 302 and response["Location"] == run_url(checked)
    checked.refresh_from_db()
    assert checked.state == ImportState.IMPORTED
    cases = list(Incident.objects.filter(board=chair_a.board))
    assert len(cases) == ROWS and set(checked.incidents.all()) == set(cases)
    page = client.get(run_url(checked))
    assert f"{ROWS} cases imported" in page.text
    for case in cases:
        assert reverse("incidents:case", args=[case.public_id]) in page.text
        assert case.reference in page.text
    assert transitions(checked) == [services.UPLOAD, services.CHECK, services.CONFIRM, services.IMPORT]
    (confirmed,) = AuditEntry.objects.for_object(checked).filter(transition=services.CONFIRM)
    assert (confirmed.actor, confirmed.from_state, confirmed.to_state) == (
        chair_a,
        ImportState.CHECKED,
        ImportState.IMPORTING,
    )
    # The result names the cases: one access event each time it is seen.
    assert AccessEvent.objects.filter(user=chair_a, object_id=checked.pk).count() == 1
    # An imported case opens.
    assert client.get(reverse("incidents:case", args=[cases[0].public_id])).status_code == 200


def test_a_second_confirm_imports_nothing_twice(client, checked, chair_a, django_capture_on_commit_callbacks):
    confirm(client, django_capture_on_commit_callbacks, checked)
    again = confirm(client, django_capture_on_commit_callbacks, checked)
    assert again.status_code == 302
    page = client.get(again["Location"])
    assert banner(page) == "You cannot confirm this import now: it has already been imported."
    assert Incident.objects.count() == ROWS
    assert transitions(checked).count(services.CONFIRM) == 1
    assert transitions(checked).count(services.IMPORT) == 1


def test_a_confirm_while_it_is_being_imported_is_refused(client, checked, django_capture_on_commit_callbacks):
    services.import_confirm(actor=checked.uploaded_by, run_id=checked.pk)  # confirmed; the worker has not begun
    again = confirm(client, django_capture_on_commit_callbacks, checked)
    assert banner(client.get(again["Location"])) == (
        "You cannot confirm this import now: it has already been confirmed and is being imported."
    )
    checked.refresh_from_db()
    assert checked.state == ImportState.IMPORTING and not Incident.objects.exists()
    assert transitions(checked).count(services.CONFIRM) == 1


def test_uploading_the_same_file_again_creates_nothing_twice(
    client, checked, chair_a, django_capture_on_commit_callbacks
):
    confirm(client, django_capture_on_commit_callbacks, checked)
    upload(client, django_capture_on_commit_callbacks, a_file(chair_a.board))
    again = ImportRun.objects.exclude(pk=checked.pk).get()
    assert again.state == ImportState.CHECKED and again.summary["cases"] == 0
    page = client.get(run_url(again))
    assert "every row of the file was imported before" in page.text
    assert confirm_url(again) not in page.text
    assert Incident.objects.count() == ROWS


def test_an_xlsx_file_is_checked_as_a_csv_is(client, sign_in, chair_a, worker, django_capture_on_commit_callbacks):
    sign_in(chair_a)
    upload(client, django_capture_on_commit_callbacks, a_file(chair_a.board, name="history.xlsx"))
    run = ImportRun.objects.get()
    assert run.state == ImportState.CHECKED and run.summary["cases"] == ROWS


# --- Bad files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("history.txt", b"board,reference\r\n"), "The file must be a CSV or an XLSX spreadsheet"),
        (SimpleUploadedFile("history", b"board,reference\r\n"), "The file must be a CSV or an XLSX spreadsheet"),
        (SimpleUploadedFile("history.csv", b""), "The selected file is empty"),
        (None, "Select a CSV or XLSX file"),
    ],
    ids=["wrong-extension", "no-extension", "empty", "no-file"],
)
def test_a_bad_upload_is_shown_beside_the_field_and_nothing_is_saved(
    client, sign_in, chair_a, worker, django_capture_on_commit_callbacks, file, message
):
    sign_in(chair_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(UPLOAD, {"file": file} if file else {})
    assert response.status_code == 200
    assert any(text.startswith(message) for text in error_summary(response))
    assert any(text.startswith(message) for text in field_errors(response, "file"))
    assert not ImportRun.objects.exists() and not Incident.objects.exists() and not AuditEntry.objects.exists()


def test_an_oversized_upload_is_stopped_while_it_arrives(
    client, sign_in, chair_a, worker, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    sign_in(chair_a)
    big = SimpleUploadedFile("history.csv", csv_bytes(fictional_rows(2)) + b"," * (1024 * 1024))
    response = upload(client, django_capture_on_commit_callbacks, big)
    assert response.status_code == 200
    assert field_errors(response, "file") == ["The file must be 1 MB or smaller"]
    assert response.wsgi_request.document_too_big
    assert "file" not in response.wsgi_request.FILES
    assert not ImportRun.objects.exists() and not Incident.objects.exists()


def test_a_formula_is_refused_by_the_check_and_the_error_report_says_where(
    client, sign_in, chair_a, worker, django_capture_on_commit_callbacks
):
    sign_in(chair_a)
    file = a_file(chair_a.board, changes={(3, "outline"): '=HYPERLINK("http://example.invalid")'})
    response = upload(client, django_capture_on_commit_callbacks, file)
    run = ImportRun.objects.get()
    assert response["Location"] == run_url(run)
    assert run.state == ImportState.REFUSED and run.content == b""
    assert not Incident.objects.exists()
    page = client.get(run_url(run))
    assert "Your file was not imported" in page.text
    assert "1 problem found: nothing was saved" in page.text
    row = page.text.split("<tbody")[1]
    assert '<td class="govuk-table__cell">3</td>' in row and "<code>outline</code>" in row
    assert "=HYPERLINK(" in row and FORMULA in row
    assert AccessEvent.objects.filter(user=chair_a, object_id=run.pk).count() == 1
    assert confirm_url(run) not in page.text


def test_the_error_report_lists_every_problem_with_its_line_column_and_value(
    client, sign_in, chair_a, worker, django_capture_on_commit_callbacks
):
    sign_in(chair_a)
    file = a_file(
        chair_a.board,
        changes={(2, "age_at_incident"): "four", (4, "sex"): "unknown-value", (5, "incident_on"): "31/02/2015"},
    )
    upload(client, django_capture_on_commit_callbacks, file)
    run = ImportRun.objects.get()
    assert run.state == ImportState.REFUSED
    page = client.get(run_url(run))
    assert len(run.problems) >= 3
    assert f"{len(run.problems)} problems found: nothing was saved" in page.text
    for problem in run.problems:
        assert f"<code>{problem['column'].replace('_', '_<wbr>')}</code>" in page.text
        assert problem["value"] in page.text
    assert {(p["line"], p["column"]) for p in run.problems} >= {(2, "age_at_incident"), (4, "sex"), (5, "incident_on")}
    assert not Incident.objects.exists()


def test_a_refused_run_cannot_be_confirmed(client, sign_in, chair_a, worker, django_capture_on_commit_callbacks):
    sign_in(chair_a)
    upload(client, django_capture_on_commit_callbacks, a_file(chair_a.board, changes={(2, "sex"): "x"}))
    run = ImportRun.objects.get()
    response = confirm(client, django_capture_on_commit_callbacks, run)
    assert banner(client.get(response["Location"])).endswith(
        "its file has problems, so nothing can be imported from it."
    )
    assert not Incident.objects.exists() and services.CONFIRM not in transitions(run)


# --- The worker: progress, and what goes wrong -------------------------------------------------------


def test_the_page_shows_the_progress_the_worker_writes_and_never_refreshes_itself(client, sign_in, chair_a):
    sign_in(chair_a)
    response = client.post(UPLOAD, {"file": a_file(chair_a.board)})  # no worker takes it yet
    run = ImportRun.objects.get()
    page = client.get(response["Location"])
    assert "Checking your file" in page.text and "Waiting to start" in page.text
    assert f'href="{run_url(run)}">Check progress again' in page.text
    assert 'http-equiv="refresh"' not in page.text
    progress_write(run.pk, 0, 0)  # the worker has begun reading the file
    assert "Reading the file" in client.get(run_url(run)).text
    progress_write(run.pk, 3, 100)  # between the throttled writes: not written
    assert progress_read(run.pk) == (0, 0)
    progress_write(run.pk, EVERY, 100)
    assert f"{EVERY} of 100 rows checked" in client.get(run_url(run)).text
    progress_write(run.pk, 100, 100)  # the last row is always written
    assert progress_read(run.pk) == (100, 100)


def test_a_confirmed_run_shows_the_imports_progress(client, checked):
    services.import_confirm(actor=checked.uploaded_by, run_id=checked.pk)  # the worker has not begun
    progress_write(checked.pk, EVERY, 60)
    page = client.get(run_url(checked))
    assert "Importing your cases" in page.text and f"{EVERY} of 60 rows imported" in page.text
    assert confirm_url(checked) not in page.text


def test_an_upload_without_the_csrf_token_is_refused(chair_a):
    client = Client(enforce_csrf_checks=True)
    sign_in_with_both_factors(client, chair_a)
    assert client.post(UPLOAD, {"file": a_file(chair_a.board)}).status_code == 403
    assert not ImportRun.objects.exists()


def test_the_worker_writes_progress_while_it_checks(chair_a, monkeypatch):
    written = []
    monkeypatch.setattr(tasks, "progress_write", lambda run_id, done, total: written.append((done, total)))
    run = services.import_run_create(
        actor=chair_a, board=chair_a.board, file_name="history.csv", content=csv_bytes(fictional_rows(3))
    )
    assert tasks.import_check_task(run.pk, chair_a.pk) == ImportState.CHECKED
    assert written == [(0, 0), (1, 3), (2, 3), (3, 3)]
    assert progress_read(run.pk) is None  # forgotten once the run's row holds the truth
    assert tasks.import_check_task(run.pk, chair_a.pk) == ImportState.CHECKED  # a second delivery: nothing
    assert transitions(run).count(services.CHECK) == 1


def test_an_unexpected_failure_refuses_the_run_and_the_page_says_so(
    client, sign_in, chair_a, worker, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("a bug, with case content in its words")

    monkeypatch.setattr(services, "import_check", broken)
    sign_in(chair_a)
    response = upload(client, django_capture_on_commit_callbacks, a_file(chair_a.board))
    run = ImportRun.objects.get()
    assert run.state == ImportState.REFUSED and run.content == b""
    assert run.problems == [{"line": None, "column": "file", "value": "", "message": tasks.STOPPED}]
    page = client.get(response["Location"])
    assert page.status_code == 200 and tasks.STOPPED in page.text
    assert transitions(run) == [services.UPLOAD, services.REFUSE]
    assert not Incident.objects.exists()


def test_a_failure_during_the_import_saves_nothing(client, checked, monkeypatch, django_capture_on_commit_callbacks):
    def broken(values, actor):
        raise RuntimeError("stop")

    monkeypatch.setattr(services, "replay_row", broken)
    confirm(client, django_capture_on_commit_callbacks, checked)
    checked.refresh_from_db()
    assert checked.state == ImportState.REFUSED and not Incident.objects.exists()
    assert tasks.STOPPED in client.get(run_url(checked)).text


def test_a_check_past_its_time_limit_refuses_the_run(chair_a, monkeypatch):
    def slow(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "import_check", slow)
    run = services.import_run_create(
        actor=chair_a, board=chair_a.board, file_name="history.csv", content=csv_bytes(fictional_rows(2))
    )
    assert tasks.import_check_task(run.pk, chair_a.pk) == ImportState.REFUSED
    run.refresh_from_db()
    assert run.problems[-1]["message"] == tasks.TOO_LONG


def test_a_file_whose_worker_keeps_dying_is_refused_not_retried_for_ever(chair_a):
    run = services.import_run_create(
        actor=chair_a, board=chair_a.board, file_name="history.csv", content=csv_bytes(fictional_rows(2))
    )
    for _ in range(tasks.MAX_ATTEMPTS):  # deliveries whose worker died mid-check leave their count behind
        tasks._attempt("check", run.pk)
    assert tasks.import_check_task(run.pk, chair_a.pk) == ImportState.REFUSED
    run.refresh_from_db()
    assert run.problems[-1]["message"] == tasks.STOPPED


def test_a_broker_that_is_down_refuses_the_run_not_the_page(
    client, sign_in, chair_a, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise OperationalError("broker unreachable")

    monkeypatch.setattr(tasks.import_check_task, "delay", down)
    sign_in(chair_a)
    response = upload(client, django_capture_on_commit_callbacks, a_file(chair_a.board))
    run = ImportRun.objects.get()
    assert run.state == ImportState.REFUSED
    assert tasks.NOT_QUEUED in client.get(response["Location"]).text


def test_a_chair_no_longer_chair_when_the_worker_runs_is_refused(chair_a, staff_a):
    run = services.import_run_create(
        actor=chair_a, board=chair_a.board, file_name="history.csv", content=csv_bytes(fictional_rows(2))
    )
    chair_a.role = staff_a.role
    chair_a.save()
    assert tasks.import_check_task(run.pk, chair_a.pk) == ImportState.REFUSED
    run.refresh_from_db()
    assert run.problems[-1]["message"] == "Only the board's chair can import its cases: nothing was saved"


# --- Who may: the chair of the board, no one else -----------------------------------------------------


def test_another_boards_chair_and_staff_get_404_for_a_run_and_its_confirm(
    client, sign_in, checked, chair_b, staff_b, django_capture_on_commit_callbacks
):
    for user in (chair_b, staff_b):
        sign_in(user)
        assert client.get(run_url(checked)).status_code == 404
        assert confirm(client, django_capture_on_commit_callbacks, checked).status_code == 404
    checked.refresh_from_db()
    assert checked.state == ImportState.CHECKED and not Incident.objects.exists()


def test_the_boards_staff_are_refused_everything_but_the_template_and_the_guide(
    client, sign_in, checked, staff_a, django_capture_on_commit_callbacks
):
    sign_in(staff_a)
    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {"file": a_file(staff_a.board)}).status_code == 403
    assert client.get(run_url(checked)).status_code == 403
    assert confirm(client, django_capture_on_commit_callbacks, checked).status_code == 403
    checked.refresh_from_db()
    assert checked.state == ImportState.CHECKED and not Incident.objects.exists()
    assert ImportRun.objects.count() == 1
    assert client.get(reverse("imports:template", args=["csv"])).status_code == 200
    assert client.get(reverse("imports:columns")).status_code == 200


@pytest.mark.parametrize("persona", ["panel_member", "secretariat", "administrator"])
def test_users_outside_the_boards_get_404(request, client, sign_in, checked, persona):
    sign_in(request.getfixturevalue(persona))
    for url in (
        UPLOAD,
        run_url(checked),
        reverse("imports:template", args=["csv"]),
        reverse("imports:columns"),
    ):
        assert client.get(url).status_code == 404
    assert client.post(confirm_url(checked)).status_code == 404


def test_the_upload_page_lists_the_boards_imports_only(client, sign_in, checked, chair_b):
    other = services.import_run_create(actor=chair_b, board=chair_b.board, file_name="betaby-history.csv", content=b"x")
    page = client.get(UPLOAD)
    assert run_url(checked) in page.text and "history.csv" in page.text
    assert "Ready to confirm" in page.text and checked.uploaded_by.full_name in page.text
    assert run_url(other) not in page.text and "betaby-history.csv" not in page.text


def test_the_upload_pages_queries_do_not_grow_with_its_imports(client, sign_in, chair_a, chair_b):
    sign_in(chair_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(UPLOAD).status_code == 200
        return len(captured)

    def add(count: int) -> None:
        for n in range(count):
            services.import_run_create(actor=chair_a, board=chair_a.board, file_name=f"f{n}.csv", content=b"x")

    add(1)
    one = queries()
    add(9)
    assert queries() == one


def test_the_chairs_dashboard_links_to_the_upload_page(client, sign_in, chair_a):
    sign_in(chair_a)
    assert f'href="{UPLOAD}"' in client.get(reverse("accounts:dashboard")).text


# --- The template and the guide -----------------------------------------------------------------------


def test_the_csv_template_is_the_header_row(client, sign_in, chair_a):
    sign_in(chair_a)
    response = client.get(reverse("imports:template", args=["csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="scr-tracker-import-template.csv"'
    assert list(csv.reader(io.StringIO(response.content.decode("utf-8")))) == [HEADER]


def test_the_xlsx_template_is_the_header_row(client, sign_in, chair_a):
    sign_in(chair_a)
    response = client.get(reverse("imports:template", args=["xlsx"]))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="scr-tracker-import-template.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [HEADER]


def test_another_template_format_is_404(client, sign_in, chair_a):
    sign_in(chair_a)
    assert client.get(reverse("imports:template", args=["ods"])).status_code == 404


def test_the_column_guide_lists_every_column_with_its_values(client, sign_in, chair_a):
    sign_in(chair_a)
    page = client.get(reverse("imports:columns"))
    for column in COLUMNS:
        assert f"<code>{column.name.replace('_', '_<wbr>')}</code>" in page.text
        for value in column.allowed:
            assert f"<code>{value.replace('_', '_<wbr>')}</code>" in page.text
