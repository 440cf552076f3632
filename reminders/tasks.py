"""Celery tasks of the reminders: the daily sweep and the delivery of a chunk of reminders.

They take ids and dates, re-read the database, and are safe to run twice (acks_late: a task cut
short by a lost worker runs again, and what it already did is not done again).
"""

import smtplib
from datetime import date

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .models import EmailStatus, Notification
from .services import DELIVER_TASK, notification_email_send, reminders_sweep

# Errors worth trying again: the mail server or the database was briefly out of reach.
TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError, OperationalError, InterfaceError)


class StillSending(Exception):
    """Another worker holds a notification's row: look again later (it may have died)."""


# No results are kept: nothing reads them, and a result store that is down must not slow the sweep.
@shared_task(name="reminders.sweep", acks_late=True, ignore_result=True)
def sweep_reminders(on: str | None = None) -> dict:
    """The daily sweep (Celery beat) for the London date `on`, today when not given."""
    today = date.fromisoformat(on) if on else timezone.localdate()
    return reminders_sweep(today=today).as_dict()


@shared_task(
    name=DELIVER_TASK,
    bind=True,
    acks_late=True,
    ignore_result=True,
    autoretry_for=(*TRANSIENT, StillSending),
    retry_backoff=30,
    retry_backoff_max=600,  # well inside the broker's visibility timeout
    retry_jitter=True,
    max_retries=5,
)
def deliver_reminders(self, *reminder_ids: int) -> dict:
    """Email every recipient of these reminders (a chunk the sweep queued) who has not had it yet.

    A retry runs the whole chunk again, which sends only what is still pending. A message with a
    single id, as queued before chunks, is a chunk of one."""
    outcome: dict[str, int] = {}
    busy = False
    pending = Notification.objects.filter(reminder_id__in=reminder_ids, email_status=EmailStatus.PENDING)
    for notification_id in pending.order_by("reminder_id", "pk").values_list("pk", flat=True):
        status = notification_email_send(notification_id=notification_id)
        outcome[status] = outcome.get(status, 0) + 1
        busy = busy or status == "busy"
    if busy:
        raise StillSending(reminder_ids)
    return outcome
