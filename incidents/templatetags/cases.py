"""Words and tags for a case wherever it appears: states, transitions, clocks, RAG and flags."""

from django import template

from incidents.choices import IncidentState, Regulation5
from incidents.words import (
    action_words,
    clock_status_words,
    clock_words,
    role_words,
    state_words,
    transition_words,
)
from scr_tracker import clocks

register = template.Library()

for _words in (transition_words, action_words, state_words, role_words, clock_words, clock_status_words):
    register.filter(_words.__name__, _words)

RAG = {
    clocks.RED: ("red", "Red: overdue"),
    clocks.AMBER: ("yellow", "Amber: due soon"),
    clocks.GREEN: ("green", "Green: on track"),
}

STATE_COLOURS = {
    IncidentState.DRAFT: "grey",
    IncidentState.NOTIFIED: "blue",
    IncidentState.UNDER_CONSIDERATION: "light-blue",
    IncidentState.DECIDED: "purple",
    IncidentState.WITHDRAWN: "grey",
    IncidentState.CLOSED: "grey",
}


@register.filter
def days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


@register.inclusion_tag("incidents/tags/state.html")
def state_tag(value: str) -> dict:
    return {"colour": STATE_COLOURS.get(value, "grey"), "text": state_words(value)}


@register.inclusion_tag("incidents/tags/rag.html")
def rag_tag(rag: str | None) -> dict:
    colour, text = RAG.get(rag, (None, None))
    return {"colour": colour, "text": text}


@register.inclusion_tag("incidents/tags/flags.html")
def case_flags(case, decision=None) -> dict:
    """Premature, late and delay: from the current decision, or from a list row's annotations."""
    if decision is not None:
        premature, late, delay = decision.premature, decision.late, decision.delay_days
    else:
        decided_on = getattr(case, "current_decided_on", None)
        premature = bool(getattr(case, "premature", False)) and decided_on is not None
        late = bool(getattr(case, "late", False))
        delay = (decided_on - case.incident_on).days if decided_on else None
    return {"premature": premature, "late": late, "delay": delay}


@register.filter
def rationale_rows(decision) -> list[tuple[str, str]]:
    """The decision's rationale against each limb of regulation 5, in the regulation's order."""
    rationale = decision.rationale or {}
    rows = [(limb.label, rationale[limb.value]) for limb in Regulation5 if limb.value in rationale]
    others = [key for key in rationale if key not in Regulation5.values]
    rows += [(key.replace("_", " ").capitalize(), rationale[key]) for key in others]
    return rows
