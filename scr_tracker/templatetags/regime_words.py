"""Clock durations in a page's words, written from the regime declarations (decision 0019).

A page about one record passes it (or its regime) and gets the words of its case's regime; a page
with no case yet (a list's introduction) passes nothing and gets the regime in force today.
"""

from django import template
from django.utils import timezone

from scr_tracker import terms
from scr_tracker.regimes import ClockDeclaration, Regime, record_clock, regime_for, regime_of

register = template.Library()


def declared(name: str, record=None) -> ClockDeclaration:
    return record_clock(name, record or None, today=timezone.localdate())


@register.simple_tag
def clock_duration(name: str, record=None, *, spelt: bool = False, compound: bool = False) -> str:
    """The rule's length: "14 days", "six months" (`spelt`), "six-month" (`compound`)."""
    return declared(name, record).length(spelt=spelt, compound=compound)


@register.simple_tag
def clock_rule(name: str, record=None) -> str:
    """The rule with its direction: "7 days before" for a clock counted back."""
    return declared(name, record).duration


@register.simple_tag
def clock_phrase(name: str, record=None) -> str:
    """The declared words with the rule written out: "at least 7 days before publication"."""
    return declared(name, record).phrase


@register.filter
def regime(record) -> Regime:
    """The regime of a record's case, for the words filters: `{{ name|clock_words:regime }}`."""
    return regime_of(record)


@register.filter
def term(record, key: str) -> str:
    """A word of the record's case's regime (`regimes.TERMS`): `{{ review|term:"review" }}` is
    "Serious Case Review" or "local child safeguarding practice review", as the case's rules say."""
    return terms.term(record, key)


@register.filter
def term_title(record, key: str) -> str:
    """The same word with a capital first letter, to begin a heading or a sentence."""
    return terms.term_title(record, key)


@register.filter
def told_of_initiation(record) -> str:
    """Who is told of a decision to initiate, in the record's case's words."""
    return terms.told_of_initiation(record)


@register.simple_tag
def regime_in_force() -> Regime:
    """The regime in force today, for a page with no case yet: `{% regime_in_force as regime %}`."""
    return regime_for(timezone.localdate())
