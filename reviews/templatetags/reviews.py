"""Words and tags for a Serious Case Review wherever it appears: states, clocks, stops and actions."""

from django import template

from reviews.words import (
    ACTION_STATUS_COLOURS,
    STATE_COLOURS,
    action_action_words,
    action_status_words,
    action_transition_words,
    addressed_to_words,
    agency_words,
    decision_words,
    methodology_words,
    review_action_words,
    review_clock_words,
    review_state_words,
    review_transition_words,
    stop_reason_words,
)

register = template.Library()

for _words in (
    review_action_words,
    review_transition_words,
    review_state_words,
    review_clock_words,
    action_action_words,
    action_transition_words,
    action_status_words,
    methodology_words,
    stop_reason_words,
    addressed_to_words,
    agency_words,
):
    register.filter(_words.__name__, _words)


@register.inclusion_tag("incidents/tags/state.html")
def review_state_tag(value: str) -> dict:
    return {"colour": STATE_COLOURS.get(value, "grey"), "text": review_state_words(value)}


@register.inclusion_tag("incidents/tags/state.html")
def action_status_tag(value: str) -> dict:
    return {"colour": ACTION_STATUS_COLOURS.get(value, "grey"), "text": action_status_words(value)}


@register.inclusion_tag("reviews/tags/clock.html")
def clock_summary(clock) -> dict:
    """A clock in a table cell: its status and days in words, then its RAG tag (never colour alone)."""
    return {"clock": clock}


@register.filter
def review_title(review) -> str:
    """The cases a review covers, by reference (its incidents, prefetched by the pages' selectors)."""
    return ", ".join(incident.reference for incident in review.incidents.all()) or "No case linked"


@register.filter
def decision_of_case(decision) -> str:
    """A decision in its case's words: `{{ decision|decision_of_case }}`."""
    return decision_words(decision.decision, decision.incident)


@register.filter
def recommendation_of_case(decision) -> str:
    """The sub-group's recommendation of a decision, in its case's words."""
    return decision_words(decision.subgroup_recommendation, decision.incident)


@register.filter
def national_review_words(decision) -> str:
    """Whether the partners recommend a national review: "Yes", "No", or "Not answered" (a decision
    following the panel's advice, or one recorded under a regime that does not ask)."""
    recommended = decision.national_review_recommended
    if recommended is None:
        return "Not answered"
    return "Yes" if recommended else "No"
