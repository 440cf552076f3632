"""Words and tags for the panel's work wherever it appears: states, outcomes, history and clocks."""

from django import template

from panel.words import (
    OUTCOME_COLOURS,
    STATE_COLOURS,
    event_value_words,
    kind_words,
    outcome_adds_to_state,
    outcome_words,
    submission_action_words,
    submission_clock_words,
    submission_state_words,
    submission_transition_words,
)

register = template.Library()

for _words in (
    submission_action_words,
    submission_transition_words,
    submission_state_words,
    submission_clock_words,
    outcome_words,
    kind_words,
):
    register.filter(_words.__name__, _words)


@register.inclusion_tag("incidents/tags/state.html")
def submission_state_tag(value: str) -> dict:
    return {"colour": STATE_COLOURS.get(value, "grey"), "text": submission_state_words(value)}


@register.inclusion_tag("incidents/tags/state.html")
def outcome_tag(value: str, case=None) -> dict:
    """The outcome as a tag; with `case` (the submission), in its case's words."""
    return {"colour": OUTCOME_COLOURS.get(value, "grey"), "text": outcome_words(value, case)}


@register.filter
def outcome_of_case(submission) -> str:
    """A submission's outcome in its case's words: `{{ submission|outcome_of_case }}`."""
    return outcome_words(submission.outcome, submission)


@register.filter
def outcome_adds(submission) -> bool:
    """Whether the submission's outcome says more than its state: `{% if submission|outcome_adds %}`."""
    return outcome_adds_to_state(submission.state, submission.outcome)


@register.simple_tag
def event_value(event) -> str:
    """A history row's value in words."""
    return event_value_words(event.what, event.value)
