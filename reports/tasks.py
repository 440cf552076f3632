"""Celery tasks of the reports: make one PDF in the background within a time limit, and keep the store tidy.

They take ids, and the services do the work (`reports.services`): re-read the job, claim it, render it as the
user who asked, record the result. The time limits come from settings (REPORT_SOFT_TIME_LIMIT,
REPORT_TIME_LIMIT): the soft one marks the job failed with a message, the hard one kills the worker's child,
after which `acks_late` with `task_reject_on_worker_lost` hands the task back.
"""

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(
    name=services.RENDER_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_TIME_LIMIT,
)
def render_report(job_id: int) -> str:
    """Make one report's PDF and keep it privately; returns the job's state afterwards."""
    return services.job_render(job_id)


@shared_task(name="reports.purge_reports", acks_late=True)
def purge_reports() -> dict:
    """Hourly: delete PDFs older than REPORT_KEEP_DAYS, and fail jobs no worker finished within an hour."""
    return services.jobs_purge()
