"""Tasks that belong to the service as a whole rather than to one workflow app."""

import socket

from celery import shared_task
from django.db import connection
from django.utils import timezone


@shared_task(name="scr_tracker.health_check")
def health_check() -> dict:
    """Prove the wiring end to end: a worker took the task from the broker and reached the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return {
        "database": "ok" if one == 1 else "unexpected",
        "worker": socket.gethostname(),
        "checked_at": timezone.now().isoformat(),
    }
