"""A case in words: a SIN's answers (check your answers, the case page), states, transitions and clocks."""

from collections.abc import Mapping
from datetime import date

from accounts.models import Role
from scr_tracker import clocks
from scr_tracker.regimes import Regime, clock_declaration
from scr_tracker.terms import capital

from .choices import (
    Agency,
    ChildStatus,
    CriminalProceedings,
    Disability,
    Ethnicity,
    HarmType,
    IncidentState,
    Nature,
    PoliceInvestigation,
    PostMortem,
    Regulation5,
    Sex,
)

LABELS = {
    "child_pseudonym": "Pseudonym",
    "age_at_incident": "Age at the incident",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
    "child_status": "Child's status",
    "nature": "Nature of the incident",
    "harm_types": "Types of harm",
    "regulation_5": "Regulation 5 criteria",
    "incident_on": "Date of the incident",
    "la_aware_on": "Local authority aware",
    "post_mortem": "Post-mortem",
    "post_mortem_on": "Post-mortem results known",
    "police_investigation": "Police investigation",
    "criminal_proceedings": "Criminal proceedings",
    "agencies_involved": "Agencies involved",
    "outline": "Outline of what happened",
    "received_on": "SIN received by the board",
    "ofsted_notified_on": "Ofsted notified",
}

CHOICES = {
    "sex": Sex,
    "ethnicity": Ethnicity,
    "disability": Disability,
    "child_status": ChildStatus,
    "nature": Nature,
    "harm_types": HarmType,
    "regulation_5": Regulation5,
    "post_mortem": PostMortem,
    "police_investigation": PoliceInvestigation,
    "criminal_proceedings": CriminalProceedings,
    "agencies_involved": Agency,
}

EMPTY = {
    "child_status": "None of these",
    "agencies_involved": "None recorded",
    "post_mortem_on": "Not applicable",
    "received_on": "Not yet received",
    "ofsted_notified_on": "Not yet recorded",
}


def _words(field: str, value):
    choices = CHOICES.get(field)
    if isinstance(value, list):
        return [choices(v).label if choices and v in choices.values else str(v) for v in value] or EMPTY.get(field, "")
    if value is None or value == "":
        return EMPTY.get(field, "Not given")
    if choices is not None and value in choices.values:
        return choices(value).label
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    if field == "age_at_incident":
        return "Under 1 year" if value == 0 else f"{value} year{'' if value == 1 else 's'}"
    return str(value)


def case_labels(regime: Regime) -> dict[str, str]:
    """The labels that name the case's bodies, in its regime's words."""
    return {
        "received_on": f"SIN received by the {regime.term('board_short')}",
        "ofsted_notified_on": f"{capital(regime.term('notified'))} notified",
    }


def sin_rows(values: Mapping, fields, regime: Regime | None = None) -> list[dict]:
    """Summary-list rows for these fields: {"field", "label", "value", "many"} (`many`: a list to show
    as one); with `regime`, the labels that name a body are in its words."""
    labels = {**LABELS, **(case_labels(regime) if regime is not None else {})}
    rows = []
    for field in fields:
        value = _words(field, values.get(field))
        rows.append({"field": field, "label": labels[field], "value": value, "many": isinstance(value, list)})
    return rows


# --- States, transitions and clocks ------------------------------------------------------------

TRANSITIONS = {
    "notify": "SIN received and notified",
    "refer_to_subgroup": "Referred to the sub-group",
    "record_decision": "Decision recorded",
    "reconsider": "Decision reopened",
    "withdraw": "Case withdrawn",
    "close": "Case closed",
    "anonymise": "Anonymised under the retention rule",
}

ACTIONS = {
    "notify": "Record the notification",
    "refer_to_subgroup": "Refer to the sub-group",
    "record_decision": "Record the decision",
    "reconsider": "Reconsider the decision",
    "withdraw": "Withdraw the case",
    "close": "Close the case",
}

# The clocks a case page describes, in their declarations' words (`scr_tracker.regimes`).
CLOCKS = (
    "sin_notification",
    "initiation_decision",
    "rapid_review",
    "send_to_panel",
    "scr_completion",
    "report_to_panel",
    "online_period",
)

CLOCK_STATUSES = {
    clocks.NOT_STARTED: "Not started",
    clocks.RUNNING: "Running",
    clocks.STOPPED: "Stopped",
    clocks.MET: "Met",
    clocks.MISSED: "Missed",
}


def _fallback(name: str) -> str:
    return name.replace("_", " ").capitalize()


def transition_words(name: str) -> str:
    """What happened, for the timeline: "Decision recorded"."""
    return TRANSITIONS.get(name, _fallback(name))


def action_words(name: str) -> str:
    """What a user does, for buttons and page titles: "Record the decision"."""
    return ACTIONS.get(name, _fallback(name))


def state_words(value: str) -> str:
    return IncidentState(value).label if value in IncidentState.values else _fallback(value)


def role_words(value: str) -> str:
    return Role(value).label if value in Role.values else value


def clock_words(name: str, regime: Regime | None = None) -> str:
    """A clock with its rule: "Initiation decision (1 month from the SIN being received)"."""
    declared = clock_declaration(name, regime) if name in CLOCKS else None
    return declared.described if declared else _fallback(name)


def clock_status_words(status: str) -> str:
    return CLOCK_STATUSES.get(status, status)


# --- Which rules a case follows (SPEC §10) ------------------------------------------------------


def _on(day: date) -> str:
    return f"{day:%-d %B %Y}"


def rules_statement(
    regime: Regime,
    *,
    notified: bool,
    decision_due: date | None = None,
    met: bool = False,
    notification_due: date | None = None,
) -> str:
    """Which regime's rules a case follows and the clock its decision runs on, in the regime's words.

    Once the SIN is received the regime is fixed and the clock's row gives its due date ("This case
    follows Working Together 2018: the rapid review is due by 18 January 2023"). Before, the date
    the local authority became aware puts the case under a regime, and the clock that recording
    the notification will start is described from its declaration.
    """
    clock = regime.clock(regime.decision_due_clock)
    if notified:
        if clock is None or decision_due is None:
            return f"This case follows {regime.title}."
        verb = "was" if met else "is"
        return f"This case follows {regime.title}: the {clock.title.lower()} {verb} due by {_on(decision_due)}."
    notification = regime.clock("sin_notification")
    parts = [f"The dates entered put this case under {regime.title}"]
    if notification_due is not None:
        parts.append(f"the notification is due by {_on(notification_due)}")
    elif notification is not None:
        parts.append(f"the notification is due within {notification.phrase}")
    said = "; ".join(parts)
    if clock is None:
        return f"{said}."
    return f"{said}. Recording the notification starts the {clock.title.lower()} clock: {clock.phrase}."
