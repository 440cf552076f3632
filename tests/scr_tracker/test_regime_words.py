"""Durations in words come from the declarations (decision 0019): change a rule, the words follow."""

from dataclasses import replace
from datetime import date

import pytest
from django.template import Context, Template

from incidents.words import clock_words
from panel.words import submission_clock_words
from reminders.words import clock_words as reminder_words
from reviews.words import review_clock_words
from scr_tracker.clocks import ClockRule, days_words, period_words
from scr_tracker.regimes import WT2013, Regime, record_clock, regime_of


def regime_with(name: str, unit: str, amount: int) -> Regime:
    """WT2013 with one clock's rule changed: a stand-in for a later regime."""
    clocks = tuple(
        replace(clock, rule=ClockRule(name, unit, amount)) if clock.name == name else clock for clock in WT2013.clocks
    )
    return replace(WT2013, code="test", in_force_from=date(2030, 1, 1), clocks=clocks)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (period_words(6, "months"), "6 months"),
        (period_words(6, "months", spelt=True), "six months"),
        (period_words(1, "months", spelt=True, compound=True), "one-month"),
        (period_words(5, "working_days", compound=True), "5-working-day"),
        (period_words(-7, "days"), "7 days"),
        (period_words(30, "days", spelt=True), "30 days"),
        (days_words(1), "1 day"),
        (days_words(7), "7 days"),
        (days_words(7, spoken=True), "a week"),
        (days_words(14, spoken=True), "2 weeks"),
        (days_words(1, spoken=True), "a day"),
        (days_words(10, spoken=True), "10 days"),
    ],
)
def test_lengths_in_words(words, expected):
    assert words == expected


def test_a_declaration_writes_its_rule_into_its_words():
    report = WT2013.clock("report_to_panel")
    assert report.duration == "7 days before"
    assert report.length() == "7 days"
    assert report.phrase == "at least 7 days before publication"
    assert WT2013.clock("online_period").reminder == (
        "The published report completes its 12 months online (the chair may then take it down)"
    )
    assert WT2013.clock("agency_contribution").length() == ""


def test_the_words_modules_follow_the_regime_given():
    later = regime_with("scr_completion", "months", 9)
    assert review_clock_words("scr_completion", WT2013) == (
        "Complete the Serious Case Review (6 months from the decision, plus stopped days)"
    )
    # With no regime given, the latest regime's words: an LCSPR runs to its publication.
    assert review_clock_words("scr_completion") == (
        "Complete and publish the local child safeguarding practice review "
        "(6 months from the decision, plus stopped days, to publication)"
    )
    assert review_clock_words("scr_completion", later) == (
        "Complete the Serious Case Review (9 months from the decision, plus stopped days)"
    )
    assert clock_words("scr_completion", later) == review_clock_words("scr_completion", later)
    later = regime_with("send_to_panel", "working_days", 10)
    words = submission_clock_words("send_to_panel", later)
    assert words == "Send to the national panel (10 working days from the decision)"
    later = regime_with("online_period", "months", 24)
    assert reminder_words("online_period", later).startswith("The published report completes its 24 months online")


def test_words_modules_keep_their_fallbacks():
    assert clock_words("information_reply") == "Information reply"
    assert review_clock_words("no_such_clock") == "No such clock"
    assert reminder_words("no_such_clock") == "No such clock"


class Case:
    def __init__(self, regime):
        self.regime_rules = regime

    @property
    def clock_case(self):
        return self


class Record:
    def __init__(self, case):
        self.clock_case = case


def test_a_record_takes_its_cases_regime():
    later = regime_with("report_to_panel", "days", -10)
    record = Record(Case(later))
    assert regime_of(record) is later
    assert regime_of(later) is later
    assert record_clock("report_to_panel", record).phrase == "at least 10 days before publication"
    assert record_clock("report_to_panel", today=date(2015, 1, 1)).phrase == "at least 7 days before publication"
    with pytest.raises(LookupError):
        record_clock("no_such_clock")


def test_the_template_tags_write_the_records_regime_or_todays():
    later = regime_with("scr_completion", "months", 9)
    template = Template(
        "{% load regime_words %}"
        '{% clock_duration "scr_completion" record spelt=True as length %}{{ length|capfirst }};'
        '{% clock_duration "scr_completion" spelt=True compound=True %};'
        '{% clock_rule "report_to_panel" record %};'
        '{% clock_phrase "report_to_panel" %}'
    )
    assert template.render(Context({"record": Record(Case(later))})) == (
        "Nine months;six-month;7 days before;at least 7 working days before publication"
    )  # with no record, the regime in force today
    assert template.render(Context({})).startswith("Six months;")
