"""Words and tags for publication wherever it appears: states, modes, transitions and the delay."""

from django import template
from django.utils import timezone

from publication.choices import PublicationState
from publication.words import (
    STATE_COLOURS,
    delay_words,
    publication_action_words,
    publication_mode_words,
    publication_state_words,
    publication_status_words,
    publication_transition_words,
)
from scr_tracker.regimes import regime_of

register = template.Library()

for _words in (
    publication_action_words,
    publication_transition_words,
    publication_state_words,
    publication_status_words,
    publication_mode_words,
):
    register.filter(_words.__name__, _words)


@register.inclusion_tag("incidents/tags/state.html")
def publication_state_tag(value: str, regime=None) -> dict:
    return {"colour": STATE_COLOURS.get(value, "grey"), "text": publication_state_words(value, regime)}


@register.inclusion_tag("incidents/tags/state.html")
def publication_status_tag(publication) -> dict:
    """The publication's state as a tag, saying what it waits for once the panel's part is over."""
    words = publication_status_words(publication)
    waiting = publication.state == PublicationState.WITH_PANEL and words != publication_state_words(
        publication.state, regime_of(publication)
    )
    return {"colour": "blue" if waiting else STATE_COLOURS.get(publication.state, "grey"), "text": words}


@register.simple_tag
def publication_delay(signed_off_on, published_on, state) -> str:
    """Days from completion to publication for a list row, from its annotations (no query)."""
    if not signed_off_on or not state:
        return "Not applicable"
    if state == PublicationState.WITHHELD:
        return "Withheld"
    return delay_words(((published_on or timezone.localdate()) - signed_off_on).days, bool(published_on))
