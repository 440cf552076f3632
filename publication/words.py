"""Publication in words: its states, transitions, modes and the delay since completion (pages only)."""

from .choices import PublicationMode, PublicationState

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


def publication_mode_words(value: str) -> str:
    return PublicationMode(value).label if value in PublicationMode.values else _fallback(value)


def delay_words(days: int | None, published: bool) -> str:
    """Days from the review's completion to publication, in words."""
    if days is None:
        return "Not applicable: the report is not published"
    unit = "day" if days == 1 else "days"
    return f"{days} {unit}" if published else f"{days} {unit} so far"
