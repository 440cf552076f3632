"""The panel's work in words: submission states, transitions, history and outcomes (pages only)."""

from scr_tracker.regimes import Regime, clock_declaration
from scr_tracker.terms import term

from .choices import Advice, BoardResponse, Outcome, PanelView, SubmissionKind, SubmissionState
from .models import SubmissionEvent

TRANSITIONS = {
    "submit": "Sent to the panel",
    "schedule": "Scheduled for a panel meeting",
    "record_advice": "Panel's advice recorded",
    "provide_information": "Further information provided",
    "record_board_response": "Board's response recorded",
    "record_panel_view": "Panel's view recorded",
    "withdraw": "Submission withdrawn",
}

ACTIONS = {
    "submit": "Check and send to the panel",
    "schedule": "Schedule for a meeting",
    "record_advice": "Record the panel's advice",
    "provide_information": "Provide further information",
    "record_board_response": "Record the board's response",
    "record_panel_view": "Record the panel's view",
    "withdraw": "Withdraw the submission",
}

# Short names for lists and tables; the choices' labels are the full sentences.
KINDS = {
    SubmissionKind.NON_INITIATION: "Not to initiate",
    SubmissionKind.NON_PUBLICATION: "Not to publish",
    SubmissionKind.RAPID_REVIEW: "Rapid review",
}

# A submission's clocks, in their declarations' words (`scr_tracker.regimes`).
CLOCKS = ("send_to_panel", "information_reply", "rapid_review")

STATE_COLOURS = {
    SubmissionState.DRAFT: "grey",
    SubmissionState.SUBMITTED: "blue",
    SubmissionState.SCHEDULED: "light-blue",
    SubmissionState.AWAITING_INFORMATION: "yellow",
    SubmissionState.AWAITING_BOARD_RESPONSE: "yellow",
    SubmissionState.AWAITING_PANEL_VIEW: "purple",
    SubmissionState.CLOSED: "green",
    SubmissionState.WITHDRAWN: "grey",
}

OUTCOME_COLOURS = {
    Outcome.NOT_YET_ADVISED: "grey",
    Outcome.AWAITING_INFORMATION: "yellow",
    Outcome.AGREED: "green",
    Outcome.NATIONAL_REVIEW: "turquoise",
    Outcome.PENDING_BOARD_RESPONSE: "yellow",
    Outcome.SCR_INITIATED_AFTER_ADVICE: "turquoise",
    Outcome.ADVICE_NOT_ACCEPTED: "red",
    Outcome.PENDING_PANEL_VIEW: "purple",
    Outcome.SATISFIED_AFTER_EXPLANATION: "green",
    Outcome.AGREED_NOT_PUBLISH: "green",
    Outcome.AGREED_ANONYMOUS: "green",
    Outcome.AGREED_SUMMARY: "green",
    Outcome.DISAGREED_PUBLISHED: "turquoise",
    Outcome.DISAGREED_NOT_PUBLISHED: "red",
}

VALUES = {
    SubmissionEvent.What.ADVICE: Advice,
    SubmissionEvent.What.BOARD_RESPONSE: BoardResponse,
    SubmissionEvent.What.PANEL_VIEW: PanelView,
}

# How a recorded value reads in the history: the choices' labels are written as options to pick.
EVENT_VALUES = {
    BoardResponse.ACCEPTED: "Accepted the panel's advice",
    BoardResponse.FURTHER_EXPLANATION: "Gave the panel a further explanation",
    BoardResponse.NOT_ACCEPTED: "Did not accept the panel's advice",
}


def _fallback(name: str) -> str:
    return name.replace("_", " ").capitalize()


def submission_transition_words(name: str) -> str:
    """What happened, for the audit timeline: "Scheduled for a panel meeting"."""
    return TRANSITIONS.get(name, _fallback(name))


def submission_action_words(name: str) -> str:
    """What a user does, for buttons and page titles: "Record the panel's advice"."""
    return ACTIONS.get(name, _fallback(name))


def submission_state_words(value: str) -> str:
    return SubmissionState(value).label if value in SubmissionState.values else _fallback(value)


# Outcomes that name the local review, in the words of the submission's case (the labels are the first regime's).
CASE_OUTCOMES = {Outcome.SCR_INITIATED_AFTER_ADVICE: "{review_short} initiated after advice"}


def outcome_words(value: str, case=None) -> str:
    """An outcome in words; with `case` (a case record or a Regime), in its regime's words. The
    case is read only for an outcome that names the review, so a list pays nothing for the others."""
    if case is not None and value in CASE_OUTCOMES:
        return CASE_OUTCOMES[value].format(review_short=term(case, "review_short"))
    return Outcome(value).label if value in Outcome.values else _fallback(value)


# Outcomes that only say again what the submission's state says: it waits for the step its state names.
STATE_OUTCOMES = {
    SubmissionState.DRAFT: Outcome.NOT_YET_ADVISED,
    SubmissionState.SUBMITTED: Outcome.NOT_YET_ADVISED,
    SubmissionState.SCHEDULED: Outcome.NOT_YET_ADVISED,
    SubmissionState.AWAITING_INFORMATION: Outcome.AWAITING_INFORMATION,
    SubmissionState.AWAITING_BOARD_RESPONSE: Outcome.PENDING_BOARD_RESPONSE,
    SubmissionState.AWAITING_PANEL_VIEW: Outcome.PENDING_PANEL_VIEW,
}


def outcome_adds_to_state(state: str, outcome: str) -> bool:
    """Whether the outcome says more than the state beside it ("Pending the board's response" does not,
    beside "Awaiting the board's response")."""
    return STATE_OUTCOMES.get(state) != outcome


def kind_words(value: str) -> str:
    return KINDS.get(value, _fallback(value))


def submission_clock_words(name: str, regime: Regime | None = None) -> str:
    declared = clock_declaration(name, regime) if name in CLOCKS else None
    return declared.described if declared else _fallback(name)


def event_value_words(what: str, value: str) -> str:
    """A history row's value in words: the advice, the board's response or the panel's view."""
    if not value:
        return ""
    if value in EVENT_VALUES and what == SubmissionEvent.What.BOARD_RESPONSE:
        return EVENT_VALUES[value]
    choices = VALUES.get(what)
    if choices is not None and value in choices.values:
        return choices(value).label
    return _fallback(value)
