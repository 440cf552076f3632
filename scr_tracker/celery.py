"""The Celery application. Worker and beat: `celery -A scr_tracker worker -B` (see README)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scr_tracker.settings.dev")

app = Celery("scr_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
