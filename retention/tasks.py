"""The daily retention job (Celery beat, `retention-daily-anonymise` in the settings).

It takes a date, re-reads the database and is safe to run twice: a case already anonymised is not
touched again (its anonymisation's audit entry says so), and a run cut short leaves its case as it was.
"""

from datetime import date

from celery import shared_task
from django.utils import timezone

from .services import anonymise_expired


@shared_task(name="retention.anonymise_expired", acks_late=True, ignore_result=True)
def anonymise_expired_cases(on: str | None = None) -> dict:
    """Anonymise every closed case past its retention period on the London date `on` (today when not given)."""
    today = date.fromisoformat(on) if on else timezone.localdate()
    return anonymise_expired(today=today).as_dict()
