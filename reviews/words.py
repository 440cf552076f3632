"""A Serious Case Review in words: its states, transitions, clocks, stop reasons and actions (pages only)."""

from incidents.choices import Agency
from scr_tracker.regimes import Regime, clock_declaration
from scr_tracker.terms import lower_first, term

from .choices import ActionStatus, AddressedTo, Methodology, ReviewState, StopReason

TRANSITIONS = {
    "start": "Review commissioned",
    "stop_clock": "Review clock stopped",
    "resume_clock": "Review clock resumed",
    "begin_drafting": "Drafting the overview report",
    "sign_off": "Review signed off",
}

ACTIONS = {
    "start": "Commission the review",
    "stop_clock": "Stop the review clock",
    "resume_clock": "Resume the review clock",
    "begin_drafting": "Begin drafting the report",
    "sign_off": "Sign off the review",
}

ACTION_TRANSITIONS = {
    "begin": "Work started",
    "complete": "Action completed",
    "evidence_impact": "Impact evidenced",
    "withdraw": "Action withdrawn",
}

ACTION_ACTIONS = {
    "begin": "Start the action",
    "complete": "Complete the action",
    "evidence_impact": "Record evidence of impact",
    "withdraw": "Withdraw the action",
}

# A withdrawn record (issue 15) as the review's timeline names it, and the words of its states before and
# after (contributions, recommendations and documents have no state machine; an action's are its statuses).
WITHDRAWN_RECORDS = {
    "contribution": "Agency contribution request",
    "recommendation": "Recommendation",
    "action": "Action",
    "document": "Document",
}
WITHDRAWAL_STATES = {
    "requested": "Requested",
    "received": "Received",
    "recorded": "Recorded",
    "uploaded": "Uploaded",
}

# What the review's timeline says of a part as it was recorded (issue 17): one sentence each, from the record.
PART_RECORDED = {
    "contribution_requested": "Agency contribution requested from {agency_name}, due by {due_on}",
    "contribution_received": "Agency contribution received from {agency_name}",
    "recommendation_added": "Recommendation {number} added, addressed to {addressed_to}",
    "action_added": "Action added to recommendation {number}, owned by {owner} and due by {due_on}: {description}",
    "document_uploaded": "{kind} uploaded: {title} ({file_type})",
}

# A review's clocks, in their declarations' words (`scr_tracker.regimes`).
CLOCKS = ("scr_completion", "agency_contribution", "action_due")

STATE_COLOURS = {
    ReviewState.COMMISSIONING: "blue",
    ReviewState.IN_PROGRESS: "light-blue",
    ReviewState.DRAFTING: "purple",
    ReviewState.COMPLETED: "green",
}

ACTION_STATUS_COLOURS = {
    ActionStatus.OPEN: "grey",
    ActionStatus.IN_PROGRESS: "light-blue",
    ActionStatus.COMPLETED: "green",
    ActionStatus.IMPACT_EVIDENCED: "turquoise",
    ActionStatus.WITHDRAWN: "red",
}


# A decision in its case's words: "Initiate a Serious Case Review" or "… a local child safeguarding
# practice review" (the choices' labels are the first regime's, for the admin and the API's schema).
DECISIONS = {
    "initiate_scr": "Initiate a {review}",
    "not_initiate": "Do not initiate a {review}",
}


def decision_words(value: str, case) -> str:
    """A decision kind (`DecisionKind`) in the words of `case`'s regime (a case record or a Regime)."""
    words = DECISIONS.get(value)
    return words.format(review=term(case, "review")) if words else _fallback(value or "")


def _fallback(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _label(choices, value: str) -> str:
    return choices(value).label if value in choices.values else _fallback(value or "")


def review_transition_words(name: str) -> str:
    """What happened, for the audit timeline: "Review clock stopped"."""
    return TRANSITIONS.get(name, _fallback(name))


def review_action_words(name: str) -> str:
    """What a user does, for buttons and page titles: "Stop the review clock"."""
    return ACTIONS.get(name, _fallback(name))


def review_state_words(value: str) -> str:
    return _label(ReviewState, value)


def action_transition_words(name: str) -> str:
    return ACTION_TRANSITIONS.get(name, _fallback(name))


def action_action_words(name: str) -> str:
    """What a user does to an action: "Complete the action"."""
    return ACTION_ACTIONS.get(name, _fallback(name))


def action_status_words(value: str) -> str:
    return _label(ActionStatus, value)


def review_clock_words(name: str, regime: Regime | None = None) -> str:
    declared = clock_declaration(name, regime) if name in CLOCKS else None
    return declared.described if declared else _fallback(name)


def methodology_words(value: str) -> str:
    return _label(Methodology, value) if value else "Not chosen yet"


def stop_reason_words(value: str) -> str:
    return _label(StopReason, value)


def addressed_to_words(value: str) -> str:
    return _label(AddressedTo, value)


def agency_words(value: str) -> str:
    return _label(Agency, value)


def withdrawn_record_words(kind: str, record) -> str:
    """What the timeline says of a withdrawal: "Agency contribution request withdrawn: Fictional Constabulary"."""
    what = WITHDRAWN_RECORDS.get(kind, _fallback(kind))
    if record is None:
        return f"{what} withdrawn"
    name = {
        "contribution": lambda: record.agency_name,
        "recommendation": lambda: f"number {record.number}",
        "action": lambda: _shortened(record.description),
        "document": lambda: record.title,
    }.get(kind, lambda: "")()
    return f"{what} withdrawn: {name}" if name else f"{what} withdrawn"


def _shortened(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def withdrawal_state_words(value: str) -> str:
    return WITHDRAWAL_STATES.get(value) or action_status_words(value)


def _day(day) -> str:
    return f"{day:%-d %b %Y}"  # as the timeline writes every date


def contribution_requested_words(contribution) -> str:
    """ "Agency contribution requested from Fictional Constabulary, due by 20 Mar 2015"."""
    return PART_RECORDED["contribution_requested"].format(
        agency_name=contribution.agency_name, due_on=_day(contribution.due_on)
    )


def contribution_received_words(contribution) -> str:
    return PART_RECORDED["contribution_received"].format(agency_name=contribution.agency_name)


def recommendation_added_words(recommendation) -> str:
    """ "Recommendation 2 added, addressed to practitioners"."""
    return PART_RECORDED["recommendation_added"].format(
        number=recommendation.number, addressed_to=lower_first(addressed_to_words(recommendation.addressed_to))
    )


def action_added_words(action) -> str:
    """ "Action added to recommendation 1, owned by Designated nurse (Health) and due by 30 Jun 2015: Train …"."""
    agency = agency_words(action.owner_agency).split(" (", 1)[0]  # "Health", not its examples
    return PART_RECORDED["action_added"].format(
        number=action.recommendation.number,
        owner=f"{action.owner_person} ({agency})",
        due_on=_day(action.due_on),
        description=_shortened(action.description),
    )


def document_uploaded_words(document) -> str:
    """ "Overview report uploaded: Overview report, final draft (PDF)": its kind and title, never a link."""
    return PART_RECORDED["document_uploaded"].format(
        kind=document.get_kind_display(), title=document.title, file_type=document.file_type
    )
