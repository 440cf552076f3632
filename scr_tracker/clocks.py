"""Statutory clocks: working days, due-date arithmetic and clock status (the regimes are in `regimes`).

Pure functions only (no ORM, no clock reading): every caller passes ``today`` so that due dates
and reminders are reproducible in tests and in periodic tasks. See SPEC section 3.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Literal

import holidays

__all__ = [
    "AMBER",
    "GREEN",
    "MET",
    "MISSED",
    "NOT_STARTED",
    "RED",
    "RUNNING",
    "STOPPED",
    "Clock",
    "ClockRule",
    "add_days",
    "add_months",
    "add_working_days",
    "clock_state",
    "days_words",
    "has_open_stop",
    "is_working_day",
    "period_words",
    "rag_on",
    "stopped_days",
    "working_days_before",
]

NOT_STARTED = "not_started"
RUNNING = "running"
STOPPED = "stopped"
MET = "met"
MISSED = "missed"

RED = "red"
AMBER = "amber"
GREEN = "green"

# A running clock turns amber when this many days or fewer remain.
AMBER_DAYS = 7

StopPeriod = tuple[date, date | None]
Unit = Literal["working_days", "days", "months"]


# --- Working days -------------------------------------------------------------------------------


@lru_cache(maxsize=256)  # a year each; bounded so odd inputs cannot grow it forever
def _england_bank_holidays(year: int) -> frozenset[date]:
    """England bank holidays of one year, substitute and one-off days included.

    Cached per year because working-day arithmetic asks about the same few years thousands of
    times, and building the ``holidays`` table is comparatively slow.
    """
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(d: date) -> bool:
    """Monday to Friday and not an England bank holiday: the unit of the SIN notification clock."""
    return d.weekday() < 5 and d not in _england_bank_holidays(d.year)


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start``; ``start`` itself is never counted.

    ``start`` may itself be a weekend or holiday (an incident can happen on any day).
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    d = start
    while n > 0:
        d += timedelta(days=1)
        if is_working_day(d):
            n -= 1
    return d


def working_days_before(start: date, n: int) -> date:
    """The ``n``-th working day before ``start``; ``start`` itself is never counted (a rule counted
    back from a planned date: 7 working days before publication)."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    d = start
    while n > 0:
        d -= timedelta(days=1)
        if is_working_day(d):
            n -= 1
    return d


def _shift_working_days(start: date, n: int) -> date:
    """Forward for a positive ``n``, back for a negative one."""
    return add_working_days(start, n) if n >= 0 else working_days_before(start, -n)


def add_days(start: date, n: int) -> date:
    """``start`` plus ``n`` calendar days (negative ``n`` goes back)."""
    return start + timedelta(days=n)


def add_months(start: date, n: int) -> date:
    """Same day of the month ``n`` months on, clamped to that month's last day.

    So 31 January + 1 month is 28 (or 29) February rather than spilling into March.
    """
    months = start.year * 12 + (start.month - 1) + n
    year, month = divmod(months, 12)
    month += 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


# --- Stop periods -------------------------------------------------------------------------------


def stopped_days(periods: Iterable[StopPeriod], today: date) -> int:
    """Calendar days in the union of ``[stopped_on, resumed_on)`` periods.

    An open period (``resumed_on`` is None) counts up to ``today``, exclusive. Overlapping or
    back-to-back periods are merged so that no day extends a deadline twice.
    """
    spans: list[tuple[date, date]] = []
    for stopped_on, resumed_on in periods:
        end = today if resumed_on is None else resumed_on
        if resumed_on is not None and resumed_on < stopped_on:
            raise ValueError(f"stop period resumes ({resumed_on}) before it stops ({stopped_on})")
        if end > stopped_on:  # an open stop starting today or later covers no day yet
            spans.append((stopped_on, end))

    total = 0
    current_start: date | None = None
    current_end: date | None = None
    for span_start, span_end in sorted(spans):
        if current_end is not None and span_start <= current_end:
            current_end = max(current_end, span_end)
            continue
        if current_start is not None and current_end is not None:
            total += (current_end - current_start).days
        current_start, current_end = span_start, span_end
    if current_start is not None and current_end is not None:
        total += (current_end - current_start).days
    return total


def has_open_stop(periods: Iterable[StopPeriod]) -> bool:
    """True while any stop has not resumed: such a clock is ``stopped`` and shows no due date."""
    return any(resumed_on is None for _, resumed_on in periods)


# --- Clock state --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """What a page, API or reminder shows for one clock on one day."""

    name: str
    starts_on: date | None
    due: date | None
    status: str
    days_remaining: int | None
    days_late: int | None
    rag: str | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for the API: dates as ISO strings, missing values kept as None."""
        return {
            "name": self.name,
            "starts_on": self.starts_on.isoformat() if self.starts_on else None,
            "due": self.due.isoformat() if self.due else None,
            "status": self.status,
            "days_remaining": self.days_remaining,
            "days_late": self.days_late,
            "rag": self.rag,
        }


def clock_state(
    *,
    name: str,
    starts_on: date | None,
    due: date | None,
    ended_on: date | None,
    today: date,
    stopped: bool = False,
) -> Clock:
    """Status, days and RAG of one clock on ``today`` (SPEC section 3).

    A clock that was missed stays ``missed`` after the end event finally happens, but it is only
    ``red`` while that event is still outstanding.
    """
    if starts_on is None:
        return Clock(name, None, None, NOT_STARTED, None, None, None)
    if stopped:
        # While a stop is open the due date is unknown: it moves by one day per stopped day.
        return Clock(name, starts_on, None, STOPPED, None, None, None)
    if due is None:
        raise ValueError(f"clock {name!r} has started but has no due date")
    if ended_on is not None:
        if ended_on <= due:
            return Clock(name, starts_on, due, MET, None, None, None)
        return Clock(name, starts_on, due, MISSED, None, (ended_on - due).days, None)
    if today > due:
        return Clock(name, starts_on, due, MISSED, None, (today - due).days, rag_on(due, today))
    return Clock(name, starts_on, due, RUNNING, (due - today).days, None, rag_on(due, today))


def rag_on(due: date, today: date) -> str:
    """The RAG of something still to be done by `due`: red once overdue, amber within AMBER_DAYS."""
    remaining = (due - today).days
    if remaining < 0:
        return RED
    return AMBER if remaining <= AMBER_DAYS else GREEN


# --- Regimes ------------------------------------------------------------------------------------

_UNIT_WORDS = {
    "working_days": ("working day", "working days"),
    "days": ("day", "days"),
    "months": ("month", "months"),
}

_ADDERS = {
    "working_days": _shift_working_days,
    "days": add_days,
    "months": add_months,
}


@dataclass(frozen=True)
class ClockRule:
    """How one clock's due date follows from its start date, e.g. +5 working days."""

    name: str
    unit: Unit
    amount: int

    def __post_init__(self) -> None:
        if self.unit not in _ADDERS:
            raise ValueError(f"unknown unit {self.unit!r} for clock {self.name!r}")

    def apply(self, starts_on: date) -> date:
        """The due date before any stopped days are added."""
        return _ADDERS[self.unit](starts_on, self.amount)

    def reverse(self, due: date) -> date:
        """The rule read the other way round: the earliest start whose due date is `due` or later (for a
        rule counted back from a planned date, the earliest planned date an event on `due` allows).

        Counting the working days forward from a weekend or a bank holiday is not enough: a report sent
        on a Saturday is 7 working days before a publication only from the Monday, so the earliest start
        is the one `apply` itself says is due on or after `due`."""
        if self.amount > 0 and self.unit == "working_days":
            raise ValueError("working days cannot be counted back from a due date")
        start = _ADDERS[self.unit](due, -self.amount)
        day = timedelta(days=1)
        while self.apply(start) < due:
            start += day
        while self.apply(start - day) >= due:
            start -= day
        return start

    def words(self) -> str:
        """The rule in words: "5 working days", "1 month", "7 days before" (counted back)."""
        amount = abs(self.amount)
        unit = _UNIT_WORDS[self.unit][0 if amount == 1 else 1]
        return f"{amount} {unit}" + (" before" if self.amount < 0 else "")


# --- Durations in words -------------------------------------------------------------------------

_NUMBER_WORDS = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen"),
    *("nineteen", "twenty"),
)


def period_words(amount: int, unit: Unit = "days", *, spelt: bool = False, compound: bool = False) -> str:
    """A length of time in words: "7 days", "1 month"; `spelt`: "six months"; `compound`, before
    a noun: "six-month" (clock), "5-working-day". Pages write durations with this, never by hand."""
    amount = abs(amount)
    number = _NUMBER_WORDS[amount] if spelt and amount < len(_NUMBER_WORDS) else str(amount)
    singular, plural = _UNIT_WORDS[unit]
    if compound:
        return "-".join((number, *singular.split()))
    return f"{number} {singular if amount == 1 else plural}"


def days_words(days: int, *, spoken: bool = False) -> str:
    """A number of days in words: "7 days", "1 day"; `spoken`, as one says it: "a week", "2 weeks",
    "a day"."""
    if spoken and days and days % 7 == 0:
        return "a week" if days == 7 else f"{days // 7} weeks"
    if spoken and days == 1:
        return "a day"
    return period_words(days, "days")
