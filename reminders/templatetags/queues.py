"""Words and colours for the steps of "waiting for you"."""

from datetime import date

from django import template

from scr_tracker import clocks

register = template.Library()

_COLOURS = {clocks.RED: "red", clocks.AMBER: "yellow", clocks.GREEN: "green"}


@register.filter
def rag_colour(rag: str | None) -> str:
    """The GOV.UK tag colour of a RAG ("grey" without a date)."""
    return _COLOURS.get(rag, "grey")


@register.filter
def waited(step, today: date) -> str:
    """How long a step has waited since the record came to it: "61 days"."""
    if step.waiting_since is None:
        return ""
    return clocks.days_words((today - step.waiting_since).days)
