"""The panel part of the dashboard (registered from PanelConfig.ready, see accounts.dashboard)."""

from datetime import date

from accounts.dashboard import dashboard_shows

from . import selectors


def dashboard_submissions(user, today: date) -> dict:
    """A board user's open submissions; for the panel, the next meeting and what waits on it."""
    context = {}
    if user.is_board_user:
        context["submissions"] = dashboard_shows(selectors.open_submissions(user))
    if user.is_panel_user:
        meeting = selectors.next_meeting(user, today=today)
        context["next_meeting"] = meeting
        context["agenda"] = dashboard_shows(selectors.agenda(meeting)) if meeting else []
        context["information_overdue"] = dashboard_shows(
            selectors.information_overdue(user, today=today).order_by("information_due", "pk")
        )
        # Each list only on the dashboard that shows it: every one read here is an access event per row.
        if user.is_secretariat:
            context["to_schedule"] = dashboard_shows(selectors.submissions_to_schedule(user))
        else:
            context["awaiting_advice"] = dashboard_shows(
                selectors.awaiting_advice(user).order_by("first_submitted_on", "pk")
            )
            context["awaiting_view"] = dashboard_shows(
                selectors.awaiting_panel_view(user).order_by("first_submitted_on", "pk")
            )
    return context
