"""Words and tags for a Serious Case Review wherever it appears: states, clocks, stops and actions."""

from django import template
from django.utils.html import format_html

from reviews.correction_views import correct_url
from reviews.corrections import RECORDS
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


@register.simple_tag(takes_context=True)
def correct_link(context, record_name: str, record, field: str, what: str = ""):
    """The chair's "Correct" link for one recorded field of a review's record (nothing for anyone else,
    nor for a field with nothing recorded). `what` names the record for screen readers."""
    if not context.get("can_correct") or getattr(record, field, None) in (None, ""):
        return ""
    item = RECORDS[record_name].fields[field]
    hidden = f" {item.words}{': ' + what if what else ''}"
    return format_html(
        '<br><a class="govuk-link govuk-!-font-size-16" href="{}">Correct'
        '<span class="govuk-visually-hidden">{}</span></a>',
        correct_url(record_name, record.public_id, field),
        hidden,
    )
