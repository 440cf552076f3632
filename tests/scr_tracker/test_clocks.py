"""Statutory clocks (SPEC section 3): working days, month arithmetic, stops, status and regimes."""

from dataclasses import FrozenInstanceError, replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scr_tracker import clocks, regimes
from scr_tracker.clocks import (
    AMBER,
    GREEN,
    MET,
    MISSED,
    NOT_STARTED,
    RED,
    RUNNING,
    STOPPED,
    Clock,
    ClockRule,
    add_days,
    add_months,
    add_working_days,
    clock_state,
    has_open_stop,
    is_working_day,
    stopped_days,
)
from scr_tracker.regimes import REGIMES, WT2013, regime_by_code, regime_for

# No example database: the suite must not leave files behind, and the properties are cheap.
PROPERTY = settings(max_examples=150, deadline=None, database=None)

dates = st.dates(min_value=date(2013, 1, 1), max_value=date(2030, 12, 31))


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- is_working_day -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2014-12-19", True),  # Friday
        ("2014-12-20", False),  # Saturday
        ("2014-12-21", False),  # Sunday
        ("2014-12-22", True),  # Monday
    ],
)
def test_weekends_are_not_working_days(day, expected):
    assert is_working_day(d(day)) is expected


@pytest.mark.parametrize(
    "day",
    [
        # Christmas and New Year
        "2014-12-25",
        "2014-12-26",
        "2015-01-01",
        "2020-12-25",
        "2020-12-28",  # Boxing Day 2020 was a Saturday: substitute Monday
        "2021-12-27",  # 25 and 26 Dec 2021 were Saturday and Sunday: substitutes 27 and 28
        "2021-12-28",
        "2022-01-03",  # 1 Jan 2022 was a Saturday
        "2022-12-26",
        "2022-12-27",  # Christmas Day 2022 was a Sunday
        "2023-01-02",  # 1 Jan 2023 was a Sunday
        # Easter
        "2015-04-03",
        "2015-04-06",
        "2024-03-29",
        "2024-04-01",
        # Early May and spring bank holidays
        "2015-05-04",
        "2015-05-25",
        "2020-05-08",  # early May moved to Friday for VE Day
        "2022-06-02",  # spring bank holiday moved for the Platinum Jubilee
        "2024-05-06",
        "2024-05-27",
        # Summer bank holiday
        "2015-08-31",
        # One-off days
        "2022-06-03",  # Platinum Jubilee
        "2022-09-19",  # State funeral of Queen Elizabeth II
        "2023-05-08",  # Coronation of King Charles III
    ],
)
def test_england_bank_holidays_are_not_working_days(day):
    assert d(day).weekday() < 5
    assert not is_working_day(d(day))


@pytest.mark.parametrize(
    "day",
    [
        "2014-12-29",
        "2014-12-31",
        "2020-12-29",
        "2021-12-29",
        "2022-05-30",  # the usual spring bank holiday date, moved in 2022
        "2020-05-04",  # the usual early May date, moved in 2020
        "2023-01-03",
    ],
)
def test_ordinary_weekdays_near_holidays_are_working_days(day):
    assert is_working_day(d(day))


def test_holiday_lookup_is_cached_per_year():
    clocks._england_bank_holidays.cache_clear()
    year = [date(2019, 1, 1) + timedelta(days=offset) for offset in range(365)]
    for day in year:
        is_working_day(day)
    info = clocks._england_bank_holidays.cache_info()
    weekdays = sum(day.weekday() < 5 for day in year)  # weekends never need the lookup
    assert (info.misses, info.hits) == (1, weekdays - 1)


# --- add_working_days ---------------------------------------------------------------------------


def test_spec_example_friday_before_christmas_2014():
    assert add_working_days(d("2014-12-19"), 5) == d("2014-12-30")


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2014-12-19", 0, "2014-12-19"),  # n=0 is the start itself
        ("2014-12-19", 1, "2014-12-22"),  # Friday + 1 skips the weekend
        ("2014-12-20", 1, "2014-12-22"),  # a Saturday start is allowed and not counted
        ("2014-12-21", 5, "2014-12-30"),
        ("2014-12-22", 5, "2014-12-31"),  # 25 and 26 Dec skipped
        ("2014-12-22", 6, "2015-01-02"),  # and 1 Jan
        ("2015-04-02", 1, "2015-04-07"),  # Easter 2015: Good Friday to Easter Monday skipped
        ("2024-03-28", 1, "2024-04-02"),  # Easter 2024
        ("2020-12-24", 1, "2020-12-29"),  # 25 Fri, 26 Sat, 27 Sun, 28 Mon substitute
        ("2020-12-24", 5, "2021-01-05"),  # 1 Jan 2021 skipped too
        ("2021-12-24", 1, "2021-12-29"),  # 27 and 28 Dec substitutes
        ("2021-12-24", 5, "2022-01-05"),  # 3 Jan 2022 substitute for New Year
        ("2022-12-23", 1, "2022-12-28"),  # 26 Mon and 27 Tue substitute
        ("2022-12-23", 5, "2023-01-04"),  # 2 Jan 2023 substitute
        ("2022-06-01", 1, "2022-06-06"),  # Jubilee Thursday and Friday
        ("2022-09-16", 1, "2022-09-20"),  # State funeral Monday
        ("2023-05-05", 1, "2023-05-09"),  # Coronation Monday
        ("2015-05-01", 1, "2015-05-05"),  # early May bank holiday
        ("2024-05-24", 1, "2024-05-28"),  # spring bank holiday
        ("2014-12-19", 10, "2015-01-07"),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(d(start), n) == d(expected)


def test_add_working_days_rejects_negative_n():
    # Counting back is `working_days_before` (a rule with a negative amount uses it).
    with pytest.raises(ValueError, match="n must be >= 0"):
        add_working_days(d("2014-12-19"), -1)


def test_a_rule_counted_back_in_working_days_skips_weekends_and_bank_holidays():
    # Wed 31 May 2023 - 7 working days: back over the spring bank holiday (29 May) and a weekend.
    rule = ClockRule("report_to_panel", "working_days", -7)
    assert rule.apply(d("2023-05-31")) == d("2023-05-19")
    assert clocks.working_days_before(d("2023-05-31"), 0) == d("2023-05-31")
    with pytest.raises(ValueError, match="n must be >= 0"):
        clocks.working_days_before(d("2023-05-31"), -1)


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end], counted one day at a time."""
    return sum(is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


@PROPERTY
@given(start=dates, n=st.integers(min_value=1, max_value=40))
def test_add_working_days_lands_on_a_working_day(start, n):
    assert is_working_day(add_working_days(start, n))


@PROPERTY
@given(start=dates, n=st.integers(min_value=0, max_value=40))
def test_add_working_days_strictly_increases_with_n(start, n):
    assert add_working_days(start, n + 1) > add_working_days(start, n)


@PROPERTY
@given(start=dates, n=st.integers(min_value=0, max_value=40))
def test_add_working_days_counts_exactly_n_working_days(start, n):
    result = add_working_days(start, n)
    assert working_days_between(start, result) == n
    # ...and no earlier day would do: the day before the result has one fewer.
    if n:
        assert working_days_between(start, result - timedelta(days=1)) == n - 1


# --- add_days / add_months ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2015-01-31", 14, "2015-02-14"),
        ("2015-12-25", 14, "2016-01-08"),
        ("2016-02-28", 1, "2016-02-29"),
        ("2016-03-07", -7, "2016-02-29"),
        ("2015-03-01", 0, "2015-03-01"),
    ],
)
def test_add_days(start, n, expected):
    assert add_days(d(start), n) == d(expected)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2015-01-15", 1, "2015-02-15"),
        ("2015-01-31", 1, "2015-02-28"),
        ("2016-01-31", 1, "2016-02-29"),  # leap year
        ("2024-01-31", 1, "2024-02-29"),  # leap year
        ("2100-01-31", 1, "2100-02-28"),  # divisible by 100: not leap
        ("2000-01-31", 1, "2000-02-29"),  # divisible by 400: leap
        ("2014-08-31", 6, "2015-02-28"),
        ("2015-08-31", 6, "2016-02-29"),
        ("2023-08-31", 6, "2024-02-29"),
        ("2015-03-31", 1, "2015-04-30"),
        ("2015-05-31", 1, "2015-06-30"),
        ("2015-12-31", 1, "2016-01-31"),  # crosses the year, no clamping needed
        ("2015-07-15", 6, "2016-01-15"),
        ("2016-02-29", 12, "2017-02-28"),  # online period from a leap day
        ("2016-02-29", 48, "2020-02-29"),
        ("2015-06-30", 0, "2015-06-30"),
        ("2015-03-31", -1, "2015-02-28"),  # negative n goes back, clamped the same way
        ("2016-03-31", -1, "2016-02-29"),
        ("2015-01-15", -1, "2014-12-15"),
        ("2015-01-31", -13, "2013-12-31"),
    ],
)
def test_add_months(start, n, expected):
    assert add_months(d(start), n) == d(expected)


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


@PROPERTY
@given(start=dates, n=st.integers(min_value=-60, max_value=60))
def test_add_months_moves_exactly_n_months_and_never_past_the_day(start, n):
    result = add_months(start, n)
    assert month_index(result) - month_index(start) == n
    assert result.day <= start.day
    if result.day < start.day:  # clamped, so it must be the month's last day
        assert (result + timedelta(days=1)).day == 1


@PROPERTY
@given(
    start=dates,
    a=st.integers(min_value=-36, max_value=36),
    b=st.integers(min_value=-36, max_value=36),
)
def test_add_months_composes_when_not_clamped(start, a, b):
    middle = add_months(start, a)
    if middle.day == start.day:
        assert add_months(middle, b) == add_months(start, a + b)
    if start.day <= 28:
        assert add_months(middle, b) == add_months(start, a + b)


# --- stopped_days / has_open_stop ---------------------------------------------------------------

TODAY = d("2015-06-30")


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        ([], 0),
        ([(d("2015-03-01"), d("2015-03-11"))], 10),  # single, half-open
        ([(d("2015-03-01"), d("2015-03-01"))], 0),  # resumed the day it stopped
        ([(d("2015-03-01"), d("2015-03-11")), (d("2015-03-05"), d("2015-03-15"))], 14),
        ([(d("2015-03-01"), d("2015-03-31")), (d("2015-03-10"), d("2015-03-20"))], 30),  # nested
        ([(d("2015-03-01"), d("2015-03-11")), (d("2015-03-11"), d("2015-03-21"))], 20),  # touching
        ([(d("2015-03-01"), d("2015-03-11")), (d("2015-03-01"), d("2015-03-11"))], 10),  # same
        ([(d("2015-03-11"), d("2015-03-21")), (d("2015-03-01"), d("2015-03-11"))], 20),  # unsorted
        ([(d("2015-03-01"), d("2015-03-11")), (d("2015-04-01"), d("2015-04-03"))], 12),  # apart
        ([(d("2015-06-20"), None)], 10),  # open: counts up to today, exclusive
        ([(d("2015-06-30"), None)], 0),  # opened today: no day lost yet
        ([(d("2015-07-05"), None)], 0),  # opened in the future: nothing yet
        ([(d("2015-06-01"), d("2015-06-25")), (d("2015-06-20"), None)], 29),  # open overlaps
        ([(d("2015-06-25"), d("2015-07-10"))], 15),  # closed periods ignore today
    ],
)
def test_stopped_days(periods, expected):
    assert stopped_days(periods, TODAY) == expected


def test_stopped_days_accepts_any_iterable():
    periods = ((d("2015-03-01"), d("2015-03-02")) for _ in range(3))
    assert stopped_days(periods, TODAY) == 1


def test_stopped_days_rejects_a_period_that_resumes_before_it_stops():
    with pytest.raises(ValueError, match="before it stops"):
        stopped_days([(d("2015-03-11"), d("2015-03-01"))], TODAY)


def test_has_open_stop():
    assert not has_open_stop([])
    assert not has_open_stop([(d("2015-03-01"), d("2015-03-11"))])
    assert has_open_stop([(d("2015-03-01"), d("2015-03-11")), (d("2015-04-01"), None)])


period = st.tuples(
    st.integers(min_value=0, max_value=30),
    st.one_of(st.none(), st.integers(min_value=0, max_value=12)),
)


@PROPERTY
@given(raw=st.lists(period, max_size=6), today_offset=st.integers(min_value=0, max_value=45))
def test_stopped_days_is_the_size_of_the_union_of_days(raw, today_offset):
    base = d("2015-03-01")
    today = base + timedelta(days=today_offset)
    periods = [
        (base + timedelta(days=s), None if length is None else base + timedelta(days=s + length)) for s, length in raw
    ]
    covered: set[date] = set()
    for stopped_on, resumed_on in periods:
        end = today if resumed_on is None else resumed_on
        covered.update(stopped_on + timedelta(days=i) for i in range((end - stopped_on).days))
    assert stopped_days(periods, today) == len(covered)
    assert has_open_stop(periods) == any(r is None for _, r in periods)


# --- clock_state --------------------------------------------------------------------------------

START = d("2015-01-10")
DUE = d("2015-02-10")


def state(*, today, ended_on=None, starts_on=START, due=DUE, stopped=False) -> Clock:
    return clock_state(
        name="initiation_decision",
        starts_on=starts_on,
        due=due,
        ended_on=ended_on,
        today=today,
        stopped=stopped,
    )


def test_not_started_when_start_event_missing():
    clock = state(starts_on=None, due=None, today=DUE)
    assert clock == Clock("initiation_decision", None, None, NOT_STARTED, None, None, None)


def test_not_started_ignores_any_due_date_given():
    assert state(starts_on=None, today=DUE).due is None


def test_stopped_shows_no_due_date_or_days():
    clock = state(today=d("2015-03-01"), stopped=True)
    assert clock == Clock("initiation_decision", START, None, STOPPED, None, None, None)


@pytest.mark.parametrize(
    ("today", "remaining", "rag"),
    [
        (START, 31, GREEN),
        (DUE - timedelta(days=9), 9, GREEN),
        (DUE - timedelta(days=8), 8, GREEN),
        (DUE - timedelta(days=7), 7, AMBER),
        (DUE - timedelta(days=1), 1, AMBER),
        (DUE, 0, AMBER),  # the due day itself is still on time
    ],
)
def test_running_days_remaining_and_rag(today, remaining, rag):
    clock = state(today=today)
    assert (clock.status, clock.days_remaining, clock.days_late, clock.rag) == (
        RUNNING,
        remaining,
        None,
        rag,
    )
    assert clock.due == DUE


@pytest.mark.parametrize(("late", "today_offset"), [(1, 1), (20, 20)])
def test_missed_while_end_event_outstanding_is_red(late, today_offset):
    clock = state(today=DUE + timedelta(days=today_offset))
    assert (clock.status, clock.days_remaining, clock.days_late, clock.rag) == (
        MISSED,
        None,
        late,
        RED,
    )


@pytest.mark.parametrize(
    "ended_on",
    [START, DUE - timedelta(days=1), DUE],  # ended exactly on the due date is met
)
def test_met_when_end_event_on_or_before_due(ended_on):
    for today in (ended_on, DUE, DUE + timedelta(days=100)):
        clock = state(today=today, ended_on=ended_on)
        assert (clock.status, clock.days_remaining, clock.days_late, clock.rag) == (
            MET,
            None,
            None,
            None,
        )


@pytest.mark.parametrize(("ended_offset", "late"), [(1, 1), (30, 30)])
def test_missed_stays_missed_after_the_late_event_with_days_late_frozen(ended_offset, late):
    ended_on = DUE + timedelta(days=ended_offset)
    for today in (ended_on, ended_on + timedelta(days=365)):
        clock = state(today=today, ended_on=ended_on)
        assert (clock.status, clock.days_remaining, clock.days_late, clock.rag) == (
            MISSED,
            None,
            late,
            None,  # no longer overdue: the event has happened
        )


def test_started_clock_without_due_date_is_an_error():
    with pytest.raises(ValueError, match="has no due date"):
        state(due=None, today=DUE)


def test_clock_as_dict():
    clock = state(today=DUE - timedelta(days=3))
    assert clock.as_dict() == {
        "name": "initiation_decision",
        "starts_on": "2015-01-10",
        "due": "2015-02-10",
        "status": "running",
        "days_remaining": 3,
        "days_late": None,
        "rag": "amber",
    }
    assert state(starts_on=None, due=None, today=DUE).as_dict() == {
        "name": "initiation_decision",
        "starts_on": None,
        "due": None,
        "status": "not_started",
        "days_remaining": None,
        "days_late": None,
        "rag": None,
    }


def test_clock_is_frozen():
    clock = state(today=DUE)
    with pytest.raises(FrozenInstanceError):
        clock.status = MET  # type: ignore[misc]


def test_status_and_rag_values_are_the_api_strings():
    assert (NOT_STARTED, RUNNING, STOPPED, MET, MISSED) == (
        "not_started",
        "running",
        "stopped",
        "met",
        "missed",
    )
    assert (RED, AMBER, GREEN) == ("red", "amber", "green")


@PROPERTY
@given(
    starts_on=st.one_of(st.none(), dates),
    due=dates,
    ended_on=st.one_of(st.none(), dates),
    today=dates,
    stopped=st.booleans(),
)
def test_clock_state_invariants(starts_on, due, ended_on, today, stopped):
    clock = clock_state(name="x", starts_on=starts_on, due=due, ended_on=ended_on, today=today, stopped=stopped)
    assert clock.status in {NOT_STARTED, RUNNING, STOPPED, MET, MISSED}
    assert clock.starts_on == starts_on
    # At most one of the day counts, and only where the spec defines it.
    assert clock.days_remaining is None or clock.days_late is None
    assert (clock.days_remaining is not None) == (clock.status == RUNNING)
    assert (clock.days_late is not None) == (clock.status == MISSED)
    if clock.days_remaining is not None:
        assert clock.days_remaining >= 0
    if clock.days_late is not None:
        assert clock.days_late >= 1
    # RAG only while the clock is live: running, or missed with the end event outstanding.
    if clock.status == RUNNING:
        assert clock.rag == (AMBER if clock.days_remaining <= 7 else GREEN)
    elif clock.status == MISSED and ended_on is None:
        assert clock.rag == RED
    else:
        assert clock.rag is None
    assert (clock.due is None) == (clock.status in {NOT_STARTED, STOPPED})
    assert set(clock.as_dict()) == {
        "name",
        "starts_on",
        "due",
        "status",
        "days_remaining",
        "days_late",
        "rag",
    }


# --- Regimes ------------------------------------------------------------------------------------


def test_wt2013_rules():
    assert WT2013.code == "wt2013"
    assert WT2013.in_force_from == d("2013-04-15")
    assert {name: (rule.unit, rule.amount) for name, rule in WT2013.rules.items()} == {
        "sin_notification": ("working_days", 5),
        "initiation_decision": ("months", 1),
        "send_to_panel": ("days", 14),
        "information_reply": ("months", 1),
        "scr_completion": ("months", 6),
        "report_to_panel": ("days", -7),
        "online_period": ("months", 12),
    }
    assert all(name == rule.name for name, rule in WT2013.rules.items())


@pytest.mark.parametrize(
    ("name", "starts_on", "expected"),
    [
        ("sin_notification", "2014-12-19", "2014-12-30"),  # the spec example
        ("initiation_decision", "2015-01-31", "2015-02-28"),
        ("send_to_panel", "2015-01-31", "2015-02-14"),
        ("information_reply", "2016-01-31", "2016-02-29"),
        ("scr_completion", "2015-08-31", "2016-02-29"),
        ("report_to_panel", "2015-06-05", "2015-05-29"),  # a week before planned publication
        ("online_period", "2016-02-29", "2017-02-28"),
    ],
)
def test_wt2013_due_dates(name, starts_on, expected):
    assert WT2013.due(name, d(starts_on)) == d(expected)


def test_due_extends_by_closed_stopped_days():
    periods = [(d("2015-03-01"), d("2015-03-11")), (d("2015-03-05"), d("2015-03-15"))]
    assert WT2013.due("scr_completion", d("2015-01-15"), periods) == d("2015-07-29")  # 15 Jul + 14


def test_due_with_an_open_stop_needs_today():
    periods = [(d("2015-03-01"), None)]
    with pytest.raises(ValueError, match="open stop"):
        WT2013.due("scr_completion", d("2015-01-15"), periods)
    due = WT2013.due("scr_completion", d("2015-01-15"), periods, today=d("2015-03-11"))
    assert due == d("2015-07-25")


def test_due_rejects_a_clock_the_regime_does_not_compute():
    with pytest.raises(KeyError):
        WT2013.due("agency_contribution", d("2015-01-15"))


def test_regime_rules_cannot_be_changed():
    with pytest.raises(TypeError):
        WT2013.rules["sin_notification"] = ClockRule("sin_notification", "days", 1)  # type: ignore[index]
    with pytest.raises(FrozenInstanceError):
        WT2013.code = "other"  # type: ignore[misc]


def test_rule_with_unknown_unit_is_rejected():
    with pytest.raises(ValueError, match="unknown unit"):
        ClockRule("sin_notification", "weeks", 1)  # type: ignore[arg-type]


def test_rule_declared_for_another_clock_is_rejected():
    with pytest.raises(ValueError, match="declared for clock"):
        replace(WT2013.clock("sin_notification"), rule=ClockRule("b", "days", 1))


def test_a_clock_declared_twice_is_rejected():
    with pytest.raises(ValueError, match="declares a clock twice"):
        replace(WT2013, clocks=(*WT2013.clocks, WT2013.clocks[0]))


def test_a_step_due_by_an_undeclared_clock_is_rejected():
    with pytest.raises(ValueError, match="step due by an undeclared clock"):
        replace(WT2013, clocks=tuple(c for c in WT2013.clocks if c.name != "scr_completion"))


def test_a_clock_needs_a_rule_or_its_own_due_date():
    with pytest.raises(ValueError, match="needs a rule"):
        replace(WT2013.clock("sin_notification"), rule=None)


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (ClockRule("a", "working_days", 5), "5 working days"),
        (ClockRule("a", "working_days", 1), "1 working day"),
        (ClockRule("a", "months", 1), "1 month"),
        (ClockRule("a", "months", 6), "6 months"),
        (ClockRule("a", "days", 14), "14 days"),
        (ClockRule("a", "days", -7), "7 days before"),
    ],
)
def test_a_rule_is_written_in_words(rule, words):
    assert rule.words() == words


def test_wt2013_clocks_are_described_from_their_rules():
    described = {clock.name: clock.described for clock in WT2013.clocks}
    assert described["sin_notification"] == "SIN notification (5 working days from the local authority becoming aware)"
    assert described["scr_completion"] == (
        "Complete the Serious Case Review (6 months from the decision, plus stopped days)"
    )
    assert described["report_to_panel"] == "Final report to the national panel (at least 7 days before publication)"
    assert described["online_period"] == "Published report online (at least 12 months from publication)"


def test_regimes_are_ordered_by_date_with_unique_codes():
    dates_in_force = [regime.in_force_from for regime in REGIMES]
    assert dates_in_force == sorted(dates_in_force)
    assert len({regime.code for regime in REGIMES}) == len(REGIMES)
    assert REGIMES[0] is WT2013


@pytest.mark.parametrize(
    ("received_on", "code"),
    [
        # Before the first regime there is nothing else to apply, so the first one is used.
        ("2010-01-01", "wt2013"),
        ("2013-04-14", "wt2013"),
        ("2013-04-15", "wt2013"),
        ("2018-06-28", "wt2013"),
        ("2018-06-29", "wt2018"),
        ("2023-12-14", "wt2018"),
        ("2023-12-15", "wt2023"),
        ("2030-01-01", "wt2023"),
    ],
)
def test_regime_for_the_day_the_sin_was_received(received_on, code):
    assert regime_for(d(received_on)).code == code


def test_regime_by_code():
    assert regime_by_code("wt2013") is WT2013
    assert regime_by_code("wt2018").in_force_from == d("2018-06-29")
    with pytest.raises(KeyError):
        regime_by_code("wt2099")


def test_regime_is_hashable():
    assert {WT2013: 1}[WT2013] == 1


# A made-up later regime: different rules, in force from a date, added by appending to REGIMES.
LATER = replace(
    WT2013,
    code="later",
    title="A later regime",
    in_force_from=d("2030-06-29"),
    decision_due_clock="initiation_decision",
    clocks=(
        replace(WT2013.clock("sin_notification"), rule=ClockRule("sin_notification", "working_days", 15)),
        replace(WT2013.clock("initiation_decision"), rule=ClockRule("initiation_decision", "days", 15)),
        WT2013.clock("scr_completion"),
    ),
    # Its steps are those whose clocks it keeps.
    steps=tuple(step for step in WT2013.steps if step.clock in ("", "sin_notification", "initiation_decision")),
)

WT2013_CASES = [
    ("sin_notification", d("2014-12-19")),
    ("initiation_decision", d("2015-01-31")),
    ("send_to_panel", d("2015-01-31")),
    ("scr_completion", d("2015-08-31")),
    ("online_period", d("2016-02-29")),
]


def test_later_regime_is_added_by_appending_to_regimes_alone(monkeypatch):
    before = {(name, start): regime_for(start).due(name, start) for name, start in WT2013_CASES}
    monkeypatch.setattr(regimes, "REGIMES", (*regimes.REGIMES, LATER))

    assert regime_for(d("2030-06-28")).code == "wt2023"
    assert regime_for(d("2030-06-29")) is LATER
    assert regime_for(d("2035-01-01")) is LATER
    assert regime_for(d("2010-01-01")) is WT2013
    assert regime_by_code("later") is LATER
    assert regime_by_code("wt2013") is WT2013

    # A case keeps the regime of the date its SIN was received, so its due dates do not move.
    after = {(name, start): regime_for(start).due(name, start) for name, start in WT2013_CASES}
    assert after == before
    assert regime_by_code("wt2013").due("sin_notification", d("2014-12-19")) == d("2014-12-30")
    # The later regime computes its own rules for cases received under it.
    assert regime_for(d("2031-01-03")).due("sin_notification", d("2031-01-03")) == d("2031-01-24")
    # A clock the later regime dropped is simply not computed by it.
    with pytest.raises(KeyError):
        LATER.due("send_to_panel", d("2031-01-03"))
