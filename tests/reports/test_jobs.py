"""Report jobs: asked for with a POST, made after commit by the task, shown with progress, then
downloaded by their asker only (404 for anyone else, and across boards), with an access event."""

from datetime import date

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from kombu.exceptions import OperationalError

from accounts.models import User
from audit.models import AccessEvent
from reports import services, tasks
from reports.models import JobState, ReportJob, ReportKind
from reports.services import job_create
from scr_tracker.celery import app as celery_app
from tests.reports.test_pdf import signed_off_review_with_actions
from tests.workflow import decide, notified, submission_of, submit

TODAY = date(2015, 11, 2)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def worker():
    """Tasks run in the test process as soon as they are queued (the broker is never reached)."""
    eager, propagates = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = eager, propagates


def case_pdf_url(incident) -> str:
    return reverse("reports:case_pdf", args=[incident.public_id])


def job_url(job) -> str:
    return reverse("reports:job", args=[job.public_id])


def download_url(job) -> str:
    return reverse("reports:job_download", args=[job.public_id])


def ask(client, url, django_capture_on_commit_callbacks, data=None):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url, data or {})


# --- Asking, progress, download ---------------------------------------------------------------------


def test_the_case_page_asks_for_a_pdf_the_job_page_offers_it_and_the_download_is_recorded(
    client, sign_in, chair_a, worker, django_capture_on_commit_callbacks
):
    incident = notified(chair_a)
    sign_in(chair_a)
    page = client.get(reverse("incidents:case", args=[incident.public_id]))
    assert case_pdf_url(incident) in page.content.decode()

    response = ask(client, case_pdf_url(incident), django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job_url(job)
    assert (job.kind, job.requested_by, job.board, job.state) == (
        ReportKind.CASE_CHRONOLOGY,
        chair_a,
        chair_a.board,
        JobState.READY,
    )

    page = client.get(job_url(job))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Your PDF is ready" in html and download_url(job) in html
    assert 'http-equiv="refresh"' not in html

    before = AccessEvent.objects.count()
    download = client.get(download_url(job))
    body = b"".join(download.streaming_content)
    assert download.status_code == 200 and body.startswith(b"%PDF-")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="case-chronology-{incident.reference}.pdf"'
    assert download["Cache-Control"] == "no-store, private"
    event = AccessEvent.objects.order_by("pk").last()
    assert AccessEvent.objects.count() == before + 1
    assert (event.action, event.record, event.board_id, event.user) == (
        AccessEvent.Action.DOWNLOAD,
        incident,
        incident.board_id,
        chair_a,
    )


def test_while_the_pdf_is_made_the_page_offers_a_check_and_never_refreshes_on_a_timer(
    client, sign_in, chair_a, django_capture_on_commit_callbacks
):
    incident = notified(chair_a)
    sign_in(chair_a)
    with django_capture_on_commit_callbacks(execute=False):  # no worker has taken it yet
        client.post(case_pdf_url(incident))
    job = ReportJob.objects.get()
    html = client.get(job_url(job)).content.decode()
    # A timed refresh fails WCAG 2.2.1; the script (our own file, no inline script) checks instead.
    assert 'http-equiv="refresh"' not in html
    assert 'data-app-job-progress data-interval="3"' in html
    assert f'href="{job_url(job)}">Check whether it is ready</a>' in html
    assert "Your PDF is being made" in html and "Waiting to start" in html
    assert download_url(job) not in html
    assert client.get(download_url(job)).status_code == 404  # nothing to download yet
    assert "<script>" not in html
    assert "{#" not in html and "No timed refresh" not in html  # the template's note stays a comment


def test_asking_for_a_pdf_needs_a_post(client, sign_in, chair_a):
    incident = notified(chair_a)
    sign_in(chair_a)
    assert client.get(case_pdf_url(incident)).status_code == 405
    assert not ReportJob.objects.exists()


def test_the_submission_page_asks_for_its_pack(client, sign_in, chair_a, worker, django_capture_on_commit_callbacks):
    incident = notified(chair_a)
    decide(chair_a, incident)
    submission = submission_of(incident)
    sign_in(chair_a)
    url = reverse("reports:submission_pdf", args=[submission.public_id])
    assert url in client.get(reverse("panel:submission", args=[submission.public_id])).content.decode()
    response = ask(client, url, django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    assert response["Location"] == job_url(job)
    assert (job.kind, job.state, job.reference) == (ReportKind.SUBMISSION_PACK, JobState.READY, incident.reference)


# --- Scope: 404 across boards and across users ---------------------------------------------------------


def test_another_boards_case_or_submission_cannot_be_asked_for(client, sign_in, chair_a, staff_b):
    incident = notified(chair_a)
    decide(chair_a, incident)
    sign_in(staff_b)
    assert client.post(case_pdf_url(incident)).status_code == 404
    assert client.post(reverse("reports:submission_pdf", args=[submission_of(incident).public_id])).status_code == 404
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize("persona", ["staff_a", "chair_b", "staff_b", "panel_member", "secretariat", "administrator"])
def test_a_job_is_its_askers_alone(
    client, sign_in, request, persona, chair_a, worker, django_capture_on_commit_callbacks
):
    incident = notified(chair_a)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(
            user=chair_a, kind=ReportKind.CASE_CHRONOLOGY, parameters={"incident": str(incident.public_id)}
        )
    sign_in(request.getfixturevalue(persona))
    before = AccessEvent.objects.count()
    assert client.get(job_url(job)).status_code == 404
    assert client.get(download_url(job)).status_code == 404
    assert AccessEvent.objects.count() == before


def test_a_job_left_behind_when_its_asker_moved_board_is_not_served(
    client, sign_in, chair_a, board_b, worker, django_capture_on_commit_callbacks
):
    incident = notified(chair_a)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(
            user=chair_a, kind=ReportKind.CASE_CHRONOLOGY, parameters={"incident": str(incident.public_id)}
        )
    User.objects.filter(pk=chair_a.pk).update(board=board_b)
    sign_in(User.objects.get(pk=chair_a.pk))
    assert client.get(download_url(job)).status_code == 404


def test_the_panel_asks_only_for_what_the_board_sent_it(
    client, sign_in, chair_a, panel_member, worker, django_capture_on_commit_callbacks
):
    unsent = notified(chair_a)
    decide(chair_a, unsent)
    sent = notified(chair_a)
    decide(chair_a, sent)
    submit(chair_a, sent)
    sign_in(panel_member)
    assert client.post(case_pdf_url(unsent)).status_code == 404
    assert client.post(reverse("reports:submission_pdf", args=[submission_of(unsent).public_id])).status_code == 404
    response = ask(
        client,
        reverse("reports:submission_pdf", args=[submission_of(sent).public_id]),
        django_capture_on_commit_callbacks,
    )
    job = ReportJob.objects.get()
    assert response["Location"] == job_url(job) and job.state == JobState.READY and job.board == chair_a.board


def test_the_board_report_page_and_pdf_are_the_boards_own(
    client, sign_in, chair_a, panel_member, worker, django_capture_on_commit_callbacks
):
    signed_off_review_with_actions(chair_a)
    sign_in(chair_a)
    page = client.get(reverse("reports:board_report"), {"year": 2015})
    html = page.content.decode()
    assert page.status_code == 200
    assert "1 April 2015 to 31 March 2016" in html and reverse("reports:board_pdf") in html
    assert '<input type="hidden" name="year" value="2015">' in html

    ask(client, reverse("reports:board_pdf"), django_capture_on_commit_callbacks, {"year": "2015"})
    job = ReportJob.objects.get()
    assert (job.kind, job.parameters, job.state, job.reference) == (
        ReportKind.BOARD_ANNUAL,
        {"board": "AAA", "year": 2015},
        JobState.READY,
        "AAA 2015-16",
    )
    download = client.get(download_url(job))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="annual-scr-report-AAA-2015-16.pdf"'
    assert AccessEvent.objects.order_by("pk").last().record == chair_a.board

    client.logout()
    sign_in(panel_member)
    assert client.get(reverse("reports:board_report")).status_code == 404
    assert client.post(reverse("reports:board_pdf"), {"year": "2015"}).status_code == 404


def test_the_board_report_page_says_what_is_wrong_with_a_year(client, sign_in, chair_a):
    sign_in(chair_a)
    page = client.get(reverse("reports:board_report"), {"year": "1999"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "There is a problem" in html and '<a href="#id_year">Choose a year from the list</a>' in html
    assert '<p id="year-error" class="govuk-error-message">' in html
    for year in ("abc", "1999", ""):
        assert client.post(reverse("reports:board_pdf"), {"year": year}).status_code == 404
    assert not ReportJob.objects.exists()


def test_the_job_page_costs_the_same_queries_however_big_the_report(
    client, sign_in, chair_a, worker, django_capture_on_commit_callbacks
):
    from django.db import connection

    sign_in(chair_a)
    counts = []
    for recommendations in (1, 4):
        signed_off_review_with_actions(chair_a, recommendations=recommendations, actions=recommendations)
        ask(client, reverse("reports:board_pdf"), django_capture_on_commit_callbacks, {"year": "2015"})
        job = ReportJob.objects.order_by("pk").last()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(job_url(job)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- The task -----------------------------------------------------------------------------------------


def queued_job(chair) -> ReportJob:
    incident = notified(chair)
    return ReportJob.objects.create(
        kind=ReportKind.CASE_CHRONOLOGY,
        parameters={"incident": str(incident.public_id)},
        title="Case chronology",
        reference=incident.reference,
        requested_by=chair,
        board=chair.board,
    )


def stored_files(root) -> list:
    folder = root / services.REPORTS_FOLDER
    return sorted(folder.iterdir()) if folder.exists() else []


def test_the_task_is_safe_to_run_twice(chair_a, private_root):
    job = queued_job(chair_a)
    assert tasks.render_report(job.pk) == JobState.READY
    job.refresh_from_db()
    first = (job.stored_name, job.finished_at)
    assert tasks.render_report(job.pk) == JobState.READY  # a second delivery does nothing
    job.refresh_from_db()
    assert (job.stored_name, job.finished_at) == first
    assert len(stored_files(private_root)) == 1


def test_a_job_left_running_by_a_dead_worker_is_made_when_redelivered(chair_a):
    job = queued_job(chair_a)
    ReportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, attempts=1)
    assert tasks.render_report(job.pk) == JobState.READY
    job.refresh_from_db()
    assert job.attempts == 2


def test_a_report_that_killed_its_worker_every_time_is_given_up(chair_a):
    job = queued_job(chair_a)
    ReportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, attempts=services.MAX_ATTEMPTS)
    assert tasks.render_report(job.pk) == JobState.FAILED
    job.refresh_from_db()
    assert (job.error, job.attempts) == (services.GAVE_UP, services.MAX_ATTEMPTS)


def test_a_report_too_large_to_render_fails_before_layout(chair_a, settings, monkeypatch):
    settings.REPORT_MAX_HTML_BYTES = 2000
    job = queued_job(chair_a)

    def layout(*args, **kwargs):
        raise AssertionError("WeasyPrint was asked to lay out a document over the limit")

    monkeypatch.setattr("reports.pdf.HTML", layout)
    assert tasks.render_report(job.pk) == JobState.FAILED
    job.refresh_from_db()
    assert job.error == services.TOO_LARGE


def test_of_two_runs_the_first_to_finish_wins_and_the_other_leaves_no_file(chair_a, private_root, monkeypatch):
    job = queued_job(chair_a)
    real = services.render_pdf

    def finished_elsewhere_meanwhile(*args, **kwargs):
        result = real(*args, **kwargs)
        ReportJob.objects.filter(pk=job.pk).update(state=JobState.READY, stored_name="reports/theirs.pdf")
        return result

    monkeypatch.setattr(services, "render_pdf", finished_elsewhere_meanwhile)
    assert tasks.render_report(job.pk) == JobState.READY
    job.refresh_from_db()
    assert job.stored_name == "reports/theirs.pdf"
    assert stored_files(private_root) == []


def test_the_task_has_time_limits_and_is_acknowledged_late():
    task = tasks.render_report
    assert (task.soft_time_limit, task.time_limit) == (settings.REPORT_SOFT_TIME_LIMIT, settings.REPORT_TIME_LIMIT)
    assert task.soft_time_limit < task.time_limit
    assert task.acks_late and task.reject_on_worker_lost


@pytest.mark.parametrize(
    ("failure", "message"),
    [(SoftTimeLimitExceeded(), services.TOO_LONG), (RuntimeError("boom"), services.WENT_WRONG)],
)
def test_a_report_that_fails_says_why_and_stops_refreshing(
    client, sign_in, chair_a, monkeypatch, failure, message, caplog
):
    job = queued_job(chair_a)

    def fail(*args, **kwargs):
        raise failure

    monkeypatch.setattr(services, "render_pdf", fail)
    assert tasks.render_report(job.pk) == JobState.FAILED
    job.refresh_from_db()
    assert (job.state, job.error, job.stored_name) == (JobState.FAILED, message, "")
    sign_in(chair_a)
    html = client.get(job_url(job)).content.decode()
    assert "The PDF could not be made" in html and message.split(".")[0] in html
    assert 'http-equiv="refresh"' not in html
    assert client.get(download_url(job)).status_code == 404
    assert "Child T" not in caplog.text


def test_a_case_out_of_reach_when_the_task_runs_fails_the_job(chair_a):
    job = queued_job(chair_a)
    User.objects.filter(pk=chair_a.pk).update(is_active=False)
    assert tasks.render_report(job.pk) == JobState.FAILED
    job.refresh_from_db()
    assert job.error == services.NOT_AVAILABLE


def test_with_the_broker_down_the_page_still_works_and_the_job_says_so(
    client, sign_in, chair_a, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.render_report, "delay", broker_down)
    incident = notified(chair_a)
    sign_in(chair_a)
    response = ask(client, case_pdf_url(incident), django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert (job.state, job.error) == (JobState.FAILED, services.NOT_QUEUED)


def test_the_statistics_page_asks_for_its_pdf(
    client, sign_in, secretariat, administrator, worker, django_capture_on_commit_callbacks
):
    sign_in(secretariat)
    page = client.get(
        reverse("reports:statistics"),
        {"from_0": "1", "from_1": "4", "from_2": "2014", "to_0": "31", "to_1": "3", "to_2": "2015"},
    )
    html = page.content.decode()
    assert reverse("reports:national_pdf") in html
    assert '<input type="hidden" name="from" value="2014-04-01">' in html
    response = ask(
        client,
        reverse("reports:national_pdf"),
        django_capture_on_commit_callbacks,
        {"from": "2014-04-01", "to": "2015-03-31"},
    )
    job = ReportJob.objects.get()
    assert response["Location"] == job_url(job)
    assert (job.kind, job.state, job.board) == (ReportKind.NATIONAL_STATISTICS, JobState.READY, None)
    download = client.get(download_url(job))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="National-statistics-2014-04-01-to-2015-03-31.pdf"'
    event = AccessEvent.objects.order_by("pk").last()
    assert (event.action, event.record, event.board_id) == (AccessEvent.Action.DOWNLOAD, job, None)

    for bad in ({"from": "2015-03-31", "to": "2014-04-01"}, {"from": "31/03/2015", "to": "2015-04-01"}, {}):
        assert client.post(reverse("reports:national_pdf"), bad).status_code == 404
    client.logout()
    sign_in(administrator)
    assert client.post(reverse("reports:national_pdf"), {"from": "2014-04-01", "to": "2015-03-31"}).status_code == 404
    assert ReportJob.objects.count() == 1


def test_the_board_report_page_costs_the_same_queries_however_many_reviews(client, sign_in, chair_a):
    from django.db import connection

    sign_in(chair_a)
    counts = []
    for _ in range(2):
        signed_off_review_with_actions(chair_a, recommendations=2, actions=2)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports:board_report"), {"year": 2015}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Keeping: PDFs are deleted after REPORT_KEEP_DAYS; stuck jobs fail -----------------------------------


def test_the_sweep_deletes_old_pdfs_and_fails_stuck_jobs(client, sign_in, chair_a, private_root, settings):
    settings.REPORT_KEEP_DAYS = 7
    with time_machine.travel(date(2015, 10, 25), tick=False):  # 8 days before TODAY
        old = queued_job(chair_a)
        tasks.render_report(old.pk)
    with time_machine.travel(date(2015, 10, 27), tick=False):  # 6 days before
        recent = queued_job(chair_a)
        tasks.render_report(recent.pk)
    with time_machine.travel(date(2015, 11, 1), tick=False):  # asked for a day ago, never made
        stuck = queued_job(chair_a)
    fresh = queued_job(chair_a)  # asked for just now: a worker may still take it
    assert len(stored_files(private_root)) == 2

    assert tasks.purge_reports() == {"failed": 1, "expired": 1}
    assert tasks.purge_reports() == {"failed": 0, "expired": 0}  # safe to run twice

    states = {job.pk: (job.state, job.stored_name) for job in ReportJob.objects.all()}
    assert states[old.pk] == (JobState.EXPIRED, "")
    assert states[recent.pk][0] == JobState.READY and states[recent.pk][1]
    assert states[stuck.pk][0] == JobState.FAILED
    assert states[fresh.pk][0] == JobState.QUEUED
    assert [path.name for path in stored_files(private_root)] == [states[recent.pk][1].split("/")[-1]]

    sign_in(chair_a)
    html = client.get(job_url(old)).content.decode()
    assert "This PDF has been deleted: reports are kept for 7 days" in html
    assert 'http-equiv="refresh"' not in html
    assert client.get(download_url(old)).status_code == 404
    assert "took too long" in client.get(job_url(stuck)).content.decode()


def test_the_sweep_runs_every_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["reports-hourly-purge"]
    assert entry["task"] == tasks.purge_reports.name
    assert entry["schedule"].minute == {20} and len(entry["schedule"].hour) == 24
