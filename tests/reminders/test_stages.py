"""Stages of a clock's reminders (pure), and the beat schedule across both clock changes."""

import os
import subprocess
import sys
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from reminders.stages import stage_for, stage_for_days, when_words
from reminders.tasks import sweep_reminders
from scr_tracker.celery import app

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("days_remaining", "stage"),
    [
        (30, None),
        (8, None),
        (7, "d7"),
        (2, "d7"),
        (1, "d1"),
        (0, "d0"),
        (-1, "overdue_w1"),
        (-7, "overdue_w1"),
        (-8, "overdue_w2"),
        (-14, "overdue_w2"),
        (-15, "overdue_w3"),
        (-365, "overdue_w53"),
    ],
)
def test_stage_by_days_remaining(days_remaining, stage):
    assert stage_for_days(days_remaining) == stage


@pytest.mark.parametrize(
    ("due", "today", "stage"),
    [
        # An ordinary week: each day is its own.
        (date(2015, 3, 11), date(2015, 3, 4), "d7"),
        (date(2015, 3, 11), date(2015, 3, 10), "d1"),
        (date(2015, 3, 11), date(2015, 3, 11), "d0"),
        (date(2015, 3, 11), date(2015, 3, 12), "overdue_w1"),
        # Nothing is sent at a weekend or on a bank holiday.
        (date(2015, 3, 11), date(2015, 3, 14), None),
        (date(2015, 3, 11), date(2015, 3, 15), None),
        (date(2015, 12, 20), date(2015, 12, 25), None),  # Christmas Day
        (date(2015, 12, 20), date(2015, 12, 28), None),  # Boxing Day's substitute
        # Friday looks over the weekend: due Monday is "the day before" on Friday.
        (date(2015, 3, 16), date(2015, 3, 13), "d1"),
        # Due on a Saturday or Sunday: "due" on the Friday before, overdue from Monday.
        (date(2015, 2, 28), date(2015, 2, 27), "d0"),
        (date(2015, 3, 1), date(2015, 2, 27), "d0"),
        (date(2015, 2, 28), date(2015, 3, 2), "overdue_w1"),
        # Easter 2015 (Good Friday 3 April, Easter Monday 6 April): Thursday covers four days.
        (date(2015, 4, 6), date(2015, 4, 2), "d0"),
        (date(2015, 4, 7), date(2015, 4, 2), "d1"),
        (date(2015, 4, 13), date(2015, 4, 2), "d7"),
        (date(2015, 4, 6), date(2015, 4, 7), "overdue_w1"),
        # Month ends: 31 March due, from 24 March; a leap-year February.
        (date(2015, 3, 31), date(2015, 3, 24), "d7"),
        (date(2015, 3, 31), date(2015, 3, 30), "d1"),
        (date(2028, 2, 29), date(2028, 2, 28), "d1"),
        (date(2028, 2, 29), date(2028, 3, 1), "overdue_w1"),
    ],
)
def test_stage_for_a_day(due, today, stage):
    assert stage_for(due, today) == stage


def test_clocks_met_by_reaching_their_date_have_no_overdue_stage():
    assert stage_for(date(2015, 3, 11), date(2015, 3, 12), overdue=False) is None
    assert stage_for(date(2015, 3, 11), date(2015, 3, 11), overdue=False) == "d0"


def test_when_words():
    today = date(2015, 3, 11)
    assert [when_words(date(2015, 3, d), today) for d in (11, 12, 10, 16, 1)] == [
        "today",
        "tomorrow",
        "yesterday",
        "in 5 days",
        "10 days ago",
    ]


# --- The beat schedule (SECURITY row 18) ---------------------------------------------------------


def sweep_schedule():
    schedule = settings.CELERY_BEAT_SCHEDULE["reminders-daily-sweep"]
    assert schedule["task"] == sweep_reminders.name == "reminders.sweep"
    entry = schedule["schedule"]
    entry.app = app
    return entry


def is_due(last_run: datetime, now: datetime) -> bool:
    with time_machine.travel(now, tick=False):
        return sweep_schedule().is_due(last_run).is_due


@pytest.mark.parametrize(
    ("last_run", "not_yet", "due"),
    [
        # Spring forward (29 March 2015): 07:00 GMT one day, 07:00 BST the next.
        (
            datetime(2015, 3, 28, 7, tzinfo=LONDON),
            datetime(2015, 3, 29, 6, 59, tzinfo=LONDON),
            datetime(2015, 3, 29, 7, 0, 30, tzinfo=LONDON),
        ),
        # Fall back (25 October 2015).
        (
            datetime(2015, 10, 24, 7, tzinfo=LONDON),
            datetime(2015, 10, 25, 6, 59, tzinfo=LONDON),
            datetime(2015, 10, 25, 7, 0, 30, tzinfo=LONDON),
        ),
    ],
)
def test_the_sweep_runs_at_seven_london_time_across_clock_changes(last_run, not_yet, due):
    assert settings.REMINDER_TIME == "07:00"
    assert app.conf.timezone == "Europe/London"
    assert not is_due(last_run, not_yet)
    assert is_due(last_run, due)


def test_a_beat_down_at_seven_sweeps_when_it_comes_back():
    """A six-hour outage over 07:00: the schedule file's last run is yesterday, so it is due at once."""
    last_run = datetime(2015, 3, 26, 7, tzinfo=LONDON)
    assert is_due(last_run, datetime(2015, 3, 27, 13, tzinfo=LONDON))


def settings_in_a_fresh_process(reminder_time: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="scr_tracker.settings.dev", REMINDER_TIME=reminder_time)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CELERY_BEAT_SCHEDULE['reminders-daily-sweep']['schedule'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def test_reminder_time_sets_the_schedule_and_a_bad_one_stops_start_up():
    good = settings_in_a_fresh_process("18:30")
    assert good.returncode == 0, good.stderr
    assert "<crontab: 30 18 * * *" in good.stdout
    bad = settings_in_a_fresh_process("7am")
    assert bad.returncode != 0
    assert "REMINDER_TIME must be HH:MM" in bad.stderr
