"""Report jobs (SPEC §6): start one, run it within its time limits, record what came of it.

`job_create` checks the subject against the user's scope and queues `reports.tasks.render_report` after the
commit, by the task's name: the task module imports these services, never the reverse. `job_render` takes the
job's id, re-reads it, claims it with a conditional UPDATE and renders it as the user who asked (so their
scope is checked again, now). It is safe to run twice: a finished job is left alone, and of two runs racing on
one job the first to finish wins while the other removes its own file. The time limits come from settings
(REPORT_SOFT_TIME_LIMIT, REPORT_TIME_LIMIT): the soft one marks the job failed with a message, the hard one
kills the worker's child, after which `acks_late` with `task_reject_on_worker_lost` hands the task back.
"""

import logging
import uuid
from datetime import timedelta

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from reviews.documents import document_storage

from .kinds import job_subject, spec_for
from .models import JobState, ReportJob
from .pdf import ReportTooLarge, render_pdf

logger = logging.getLogger(__name__)

# The task that runs a job (reports.tasks.render_report).
RENDER_TASK = "reports.render_report"

TOO_LONG = "The report took too long to make. Try again later, or ask for a shorter period."
NOT_AVAILABLE = "What this report is about is no longer available to you."
WENT_WRONG = "Something went wrong making the report. Try again later."
NOT_QUEUED = "The report service is not available at the moment. Try again later."
TOO_LARGE = "The report is too large to make as one PDF. Ask for a shorter period."
GAVE_UP = "The report could not be made: it needed more time or memory than a report may use."
# A worker that dies mid-render hands the task back (reject_on_worker_lost); a report that kills
# its worker every time must not go round for ever.
MAX_ATTEMPTS = 2

REPORTS_FOLDER = "reports"
# A job no worker has finished within this long never will be: the sweep fails it.
STALE_AFTER = timedelta(hours=1)


def report_storage():
    """Finished reports live in the private document store, under their own folder, with no URL."""
    return document_storage()


def job_create(*, user, kind: str, parameters: dict) -> ReportJob:
    """Ask for a report: checked against the user's scope now (404 outside it), made after commit."""
    subject = spec_for(kind).resolve(user, parameters)
    with transaction.atomic():
        job = ReportJob.objects.create(
            kind=kind,
            parameters=parameters,
            title=subject.title,
            reference=subject.reference,
            requested_by=user,
            board=subject.board,
        )
        transaction.on_commit(lambda: queue_render(job.pk))
    return job


def queue_render(job_id: int) -> None:
    """Send the job to a worker (called after commit). A broker that is down fails the job, not the page."""
    try:
        current_app.tasks[RENDER_TASK].delay(job_id)  # ReportsConfig.ready registers the task in every process
    except Exception:  # kombu raises several kinds when the broker is unreachable
        logger.exception("Could not queue report job %s", job_id)
        mark_failed(job_id, NOT_QUEUED)


def job_render(job_id: int) -> str:
    """Make one report's PDF and keep it privately; returns the job's state afterwards."""
    claimed = ReportJob.objects.filter(
        pk=job_id, state__in=[JobState.QUEUED, JobState.RUNNING], attempts__lt=MAX_ATTEMPTS
    ).update(state=JobState.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1)
    if not claimed:
        # Finished, failed or gone: a second delivery has nothing to do. Still open after
        # MAX_ATTEMPTS: earlier runs died (their worker was killed), so this one gives up.
        mark_failed(job_id, GAVE_UP)
        job = ReportJob.objects.filter(pk=job_id).only("state").first()
        return job.state if job else "missing"
    job = ReportJob.objects.select_related("requested_by", "board").get(pk=job_id)
    user = job.requested_by
    try:
        spec = spec_for(job.kind)
        subject = job_subject(job, user)
        context = spec.context(subject, user, timezone.localdate())
        pdf, pages = render_pdf(
            spec.template, {**context, "requested_by": user, "title": subject.title}, reference=job.reference
        )
    except SoftTimeLimitExceeded:
        mark_failed(job_id, TOO_LONG)
        return JobState.FAILED
    except ReportTooLarge:
        mark_failed(job_id, TOO_LARGE)
        return JobState.FAILED
    except Http404:
        mark_failed(job_id, NOT_AVAILABLE)
        return JobState.FAILED
    except Exception:
        # The job id only: an exception's text could carry case content (SECURITY row 12).
        logger.exception("Report job %s failed", job_id)
        mark_failed(job_id, WENT_WRONG)
        return JobState.FAILED

    storage = report_storage()
    stored_name = storage.save(f"{REPORTS_FOLDER}/{uuid.uuid4().hex}.pdf", ContentFile(pdf))
    done = ReportJob.objects.filter(pk=job_id, state=JobState.RUNNING).update(
        state=JobState.READY, stored_name=stored_name, size=len(pdf), pages=pages, finished_at=timezone.now(), error=""
    )
    if not done:
        # Another run finished first (or the job was failed meanwhile): keep theirs, drop ours.
        storage.delete(stored_name)
        return ReportJob.objects.get(pk=job_id).state
    return JobState.READY


def jobs_purge() -> dict:
    """Delete PDFs older than REPORT_KEEP_DAYS, and fail jobs no worker finished within an hour.

    Safe to run twice and at once: each file is deleted before its job is marked expired under a
    conditional UPDATE, so a run that stops half-way leaves nothing behind that the next misses.
    """
    now = timezone.now()
    stale = ReportJob.objects.filter(
        state__in=[JobState.QUEUED, JobState.RUNNING], created_at__lt=now - STALE_AFTER
    ).update(state=JobState.FAILED, error=TOO_LONG, finished_at=now)
    storage = report_storage()
    expired = 0
    old = ReportJob.objects.filter(
        state=JobState.READY, finished_at__lt=now - timedelta(days=settings.REPORT_KEEP_DAYS)
    ).values_list("pk", "stored_name")
    for pk, stored_name in old:
        if stored_name:
            storage.delete(stored_name)
        expired += ReportJob.objects.filter(pk=pk, state=JobState.READY).update(
            state=JobState.EXPIRED, stored_name="", size=None
        )
    return {"failed": stale, "expired": expired}


def mark_failed(job_id: int, message: str) -> None:
    """A job that cannot be made says why; a finished job is left as it is."""
    ReportJob.objects.filter(pk=job_id, state__in=[JobState.QUEUED, JobState.RUNNING]).update(
        state=JobState.FAILED, error=message[:300], finished_at=timezone.now()
    )
