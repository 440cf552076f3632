"""The case part of the dashboard (registered from IncidentsConfig.ready, see accounts.dashboard)."""

from datetime import date

from .selectors import open_cases_by_deadline


def dashboard_cases(user, today: date) -> dict:
    """A board user's open cases, nearest deadline first."""
    return {"cases": open_cases_by_deadline(user, today=today)} if user.is_board_user else {}
