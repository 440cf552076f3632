"""Publication in words: its states, transitions, modes and the delay since completion (pages only)."""

from panel.choices import SubmissionState
from scr_tracker.regimes import regime_of

from .choices import PublicationMode, PublicationState
from .models import NOT_PUBLISH_OUTCOMES

TRANSITIONS = {
    "plan": "Publication date planned",
    "send_report": "Final report sent to the panel",
    "propose": "Publication other than in full proposed",
    "schedule": "Publication scheduled",
    "publish": "Report published",
    "withhold": "Report withheld",
    "take_down": "Report taken down",
}

ACTIONS = {
    "send_report": "Send the final report to the panel",
    "propose": "Propose not publishing in full",
    "schedule": "Schedule publication",
    "publish": "Record the publication",
    "withhold": "Withhold the report",
    "take_down": "Take the report down",
}

STATE_COLOURS = {
    PublicationState.AWAITING_REPORT: "grey",
    PublicationState.REPORT_SENT: "blue",
    PublicationState.WITH_PANEL: "purple",
    PublicationState.SCHEDULED: "light-blue",
    PublicationState.PUBLISHED: "green",
    PublicationState.WITHHELD: "orange",
    PublicationState.TAKEN_DOWN: "grey",
}


def _fallback(name: str) -> str:
    return name.replace("_", " ").capitalize()


def publication_transition_words(name: str) -> str:
    """What happened, for the timeline: "Report published"."""
    return TRANSITIONS.get(name, _fallback(name))


def publication_action_words(name: str) -> str:
    """What a user does, for buttons and page titles: "Record the publication"."""
    return ACTIONS.get(name, _fallback(name))


def publication_state_words(value: str, regime=None) -> str:
    """The state in words; a proposal the panel does not advise on (the case's `regime` says) is not with it."""
    if value == PublicationState.WITH_PANEL and regime is not None and not regime.panel_advises_on_publication:
        return "Proposed: not in full"
    return PublicationState(value).label if value in PublicationState.values else _fallback(value)


# What a publication still with the panel waits for once the panel's part is over: the board to act on
# the outcome (or, the proposal withdrawn, to publish in full), in the mode the outcome decides.
AFTER_THE_PANEL = {
    PublicationMode.FULL: "To be published in full",
    PublicationMode.ANONYMISED: "To be published anonymised",
    PublicationMode.SUMMARY_ONLY: "To be published as a summary only",
}
TO_BE_WITHHELD = "To be withheld"


def publication_status_words(publication) -> str:
    """The publication's state in words, as `publication_state_words`; while it is with the panel and
    the panel has closed the proposal (or the board withdrew it), what it now waits for."""
    submission = publication.submission if publication.state == PublicationState.WITH_PANEL else None
    if submission is not None and submission.state in (SubmissionState.CLOSED, SubmissionState.WITHDRAWN):
        if submission.state == SubmissionState.CLOSED and submission.outcome in NOT_PUBLISH_OUTCOMES:
            return TO_BE_WITHHELD
        return AFTER_THE_PANEL.get(publication.publication_mode_now(), publication_state_words(publication.state))
    return publication_state_words(publication.state, regime_of(publication))


def publication_mode_words(value: str) -> str:
    return PublicationMode(value).label if value in PublicationMode.values else _fallback(value)


def delay_words(days: int | None, published: bool) -> str:
    """Days from the review's completion to publication, in words."""
    if days is None:
        return "Not applicable: the report is not published"
    unit = "day" if days == 1 else "days"
    return f"{days} {unit}" if published else f"{days} {unit} so far"
