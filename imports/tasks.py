"""Celery tasks of the chair's upload page: check the uploaded file, then, once the chair confirms, import it.

They take ids, re-read the run and call the services (`imports.services`); a run that has moved on is left
alone, so a second delivery does nothing. The rows done go to the "progress" cache as they are replayed
(`imports.progress`). Whatever goes wrong ends as the run's refusal, with nothing saved, never as an error
on the page; the log names the run's id only (an exception's text could carry case content).
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from accounts.models import User
from scr_tracker.transitions import RoleNotPermitted

from . import services
from .models import ImportRun, ImportState
from .progress import KEEP_SECONDS, progress_forget, progress_write

logger = logging.getLogger(__name__)

STOPPED = "The import stopped unexpectedly: nothing was saved"
TOO_LONG = "The file took too long to check or import: nothing was saved. Import fewer rows at a time"
NOT_QUEUED = "The import service is not available at the moment: nothing was saved. Upload the file again later"
# A worker that dies mid-import hands the task back (reject_on_worker_lost); a file that kills its worker
# every time must not go round for ever.
MAX_ATTEMPTS = 2

_LIMITS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": settings.IMPORT_SOFT_TIME_LIMIT,
    "time_limit": settings.IMPORT_TIME_LIMIT,
}


def _attempts_key(step: str, run_id: int) -> str:
    return f"import-attempts:{step}:{run_id}"


def _attempt(step: str, run_id: int) -> int:
    """This delivery's number: only a run whose worker died leaves its count behind."""
    cache, key = caches["progress"], _attempts_key(step, run_id)
    cache.add(key, 0, KEEP_SECONDS)
    return cache.incr(key)


def _step(step: str, service, run_id: int, user_id: int, waiting: str) -> str:
    run = ImportRun.objects.filter(pk=run_id).only("state", "uploaded_by_id").first()
    if run is None or run.state != waiting:
        return run.state if run else "missing"
    actor = User.objects.filter(pk=user_id).first() or User.objects.get(pk=run.uploaded_by_id)
    if _attempt(step, run_id) > MAX_ATTEMPTS:
        services.import_stop(actor=actor, run_id=run_id, message=STOPPED)
        return ImportState.REFUSED

    def progress(done: int, total: int) -> None:
        progress_write(run_id, done, total)

    progress(0, 0)  # started: the file is being read, before its first row is replayed
    try:
        return service(actor=actor, run_id=run_id, progress=progress).state
    except RoleNotPermitted as exc:  # the chair is no longer the board's chair
        message = f"{exc}: nothing was saved"
    except SoftTimeLimitExceeded:
        message = TOO_LONG
    except Exception:
        logger.exception("Import run %s stopped during its %s", run_id, step)
        message = STOPPED
    finally:
        progress_forget(run_id)
        caches["progress"].delete(_attempts_key(step, run_id))
    services.import_stop(actor=actor, run_id=run_id, message=message)
    return ImportState.REFUSED


@shared_task(name="imports.check", **_LIMITS)
def import_check_task(run_id: int, user_id: int) -> str:
    """Replay the uploaded file and roll it back: what it would create, or every problem."""
    return _step("check", services.import_check, run_id, user_id, ImportState.UPLOADED)


@shared_task(name="imports.apply", **_LIMITS)
def import_apply_task(run_id: int, user_id: int) -> str:
    """Import the confirmed file: all of it, or nothing when any row is refused."""
    return _step("import", services.import_apply, run_id, user_id, ImportState.IMPORTING)


def import_queue(task, run_id: int, user_id: int) -> None:
    """Send a step to a worker after the commit. A broker that is down refuses the run, not the page."""

    def send() -> None:
        try:
            task.delay(run_id, user_id)
        except Exception:  # kombu raises several kinds when the broker is unreachable
            logger.exception("Could not queue import run %s", run_id)
            actor = User.objects.get(pk=user_id)
            services.import_stop(actor=actor, run_id=run_id, message=NOT_QUEUED)

    transaction.on_commit(send)
