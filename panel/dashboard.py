"""The panel part of the dashboard (registered from PanelConfig.ready, see accounts.dashboard)."""

from datetime import date

from . import selectors


def dashboard_submissions(user, today: date) -> dict:
    """A board user's open submissions; for the panel, the next meeting and what waits on it."""
    context = {}
    if user.is_board_user:
        context["submissions"] = selectors.open_submissions(user)
    if user.is_panel_user:
        meeting = selectors.next_meeting(user, today=today)
        context["next_meeting"] = meeting
        context["agenda"] = list(selectors.agenda(meeting)) if meeting else []
        context["awaiting_advice"] = selectors.awaiting_advice(user).order_by("first_submitted_on", "pk")
        context["awaiting_view"] = selectors.awaiting_panel_view(user).order_by("first_submitted_on", "pk")
        context["information_overdue"] = selectors.information_overdue(user, today=today).order_by(
            "information_due", "pk"
        )
        context["to_schedule"] = selectors.submissions_to_schedule(user)
    return context
