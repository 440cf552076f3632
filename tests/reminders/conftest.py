"""Helpers for the reminder tests: London days under frozen time, and a sweep that runs its
deliveries in-process as a worker would (after commit)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from reminders.models import Notification
from reminders.services import reminders_sweep
from scr_tracker.celery import app

LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 7):
    """Freeze time at `hour` o'clock London time on `day` (the beat's default time)."""
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=LONDON), tick=False)


def days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


@pytest.fixture
def eager_celery():
    """Tasks run inline where they are queued (the test settings' broker is in memory)."""
    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def sweep(eager_celery, django_capture_on_commit_callbacks):
    """sweep(day) runs the daily sweep at 07:00 London on `day` and delivers what it queued."""

    def _sweep(day: date, **kwargs):
        with at(day), django_capture_on_commit_callbacks(execute=True):
            return reminders_sweep(today=day, **kwargs)

    return _sweep


def received(user) -> list[tuple[str, str, date]]:
    """(clock, stage, due date) of every notification a user has, oldest first."""
    return [
        (n.reminder.clock, n.reminder.stage, n.reminder.due_on)
        for n in Notification.objects.filter(recipient=user).select_related("reminder").order_by("pk")
    ]
