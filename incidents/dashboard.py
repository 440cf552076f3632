"""The case part of the dashboard (registered from IncidentsConfig.ready, see accounts.dashboard)."""

from datetime import date

from accounts.dashboard import dashboard_shows
from scr_tracker.steps import case_steps

from .selectors import open_cases_by_deadline

# How many open cases the dashboard shows before "see all cases".
DASHBOARD_CASES = 10


def with_next_steps(user, cases, today: date) -> list:
    """The cases, each with `next_step`: its next move, whoever holds it (None: nothing is due)."""
    cases = list(cases)
    steps = case_steps(user, [case.pk for case in cases], today)
    for case in cases:
        case.next_step = steps.get(case.pk)
    return cases


def dashboard_cases(user, today: date) -> dict:
    """A board user's open cases, the nearest next move first (statutory or expected), the first few."""
    if not user.is_board_user:
        return {}
    cases = with_next_steps(user, open_cases_by_deadline(user, today=today), today)
    # A case waiting on an expected step (the chair's response to advice) sorts by that date too.
    cases.sort(key=lambda case: case.next_step.sort_key if case.next_step else (True, date.max, ""))
    return {"cases": dashboard_shows(cases[:DASHBOARD_CASES]), "open_cases": len(cases)}
