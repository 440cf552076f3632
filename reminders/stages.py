"""Which reminder a clock is at on a day (SPEC §5): pure functions, no ORM, no clock reading.

Stages: `d7` (due within the week), `d1` (due the next day), `d0` (due that day), then
`overdue_w1`, `overdue_w2`, … once a week while the clock is overdue.

Reminders go out on working days only. On a working day followed by a weekend or bank holiday,
the stage is worked out for the last of those days, so that a reminder falling on them arrives
before them rather than after (Friday says "due Monday"); a clock is never called overdue
before its due date has passed.
"""

from datetime import date, timedelta

from scr_tracker.clocks import days_words, is_working_day

D7 = "d7"
D1 = "d1"
D0 = "d0"
OVERDUE_PREFIX = "overdue_w"
# The stages a person can choose to receive by email (every overdue week counts as one choice).
EMAIL_CHOICES = (D7, D1, D0, "overdue")
# The first reminder: this many days before the due date.
FIRST_REMINDER_DAYS = 7
# The second reminder: this many days before the due date ("the day before").
DAY_BEFORE_DAYS = 1
# While overdue, a reminder every this many days.
OVERDUE_EVERY_DAYS = 7


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def stage_for_days(days_remaining: int) -> str | None:
    """The stage for a clock due in `days_remaining` days (negative when overdue), or None."""
    if days_remaining > FIRST_REMINDER_DAYS:
        return None
    if days_remaining > DAY_BEFORE_DAYS:
        return D7
    if days_remaining == DAY_BEFORE_DAYS:
        return D1
    if days_remaining == 0:
        return D0
    return f"{OVERDUE_PREFIX}{(-days_remaining - 1) // OVERDUE_EVERY_DAYS + 1}"


def stage_for(due: date, today: date, *, overdue: bool = True) -> str | None:
    """The stage to remind of on `today` for a clock due on `due`, or None (nothing today).

    `overdue=False` for clocks that are met by simply reaching their due date (the online period):
    they have no overdue reminders.
    """
    if not is_working_day(today):
        return None
    covers_until = next_working_day(today) - timedelta(days=1)
    stage = stage_for_days((due - covers_until).days)
    if stage is not None and stage.startswith(OVERDUE_PREFIX) and due >= today:
        # The due date falls in the weekend or holiday ahead: due, not yet overdue.
        stage = D0
    if not overdue and stage is not None and stage.startswith(OVERDUE_PREFIX):
        return None
    return stage


def is_overdue_stage(stage: str) -> bool:
    return stage.startswith(OVERDUE_PREFIX)


def stage_words(stage: str) -> str:
    """How a page names a stage: "Due within a week", "Overdue (week 2)"."""
    if stage == D7:
        return f"Due within {days_words(FIRST_REMINDER_DAYS, spoken=True)}"
    if stage == D1:
        return f"Due within {days_words(DAY_BEFORE_DAYS, spoken=True)}"
    if stage == D0:
        return "Due date"
    if is_overdue_stage(stage):
        return f"Overdue (week {stage.removeprefix(OVERDUE_PREFIX)})"
    return stage


def when_words(due: date, today: date) -> str:
    """ "today", "tomorrow", "in 5 days", "3 days ago": the distance from `today` to `due`."""
    days = (due - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    if days > 0:
        return f"in {days} days"
    return f"{-days} days ago"
