"""What the signed-in home page shows from the apps built on this one (SPEC §8).

accounts sits below every workflow app (docs/decisions/0018-import-layers.md): each app registers a section
from its AppConfig.ready, `section(user, today) -> dict` of template context (empty when the role sees none of
it), and the dashboard view adds them up without importing the apps.
"""

from collections.abc import Callable
from contextvars import ContextVar
from datetime import date

_sections: list[Callable[[object, date], dict]] = []

# What the sections of one dashboard read, for the others to reuse (see `dashboard_reads`).
_READS: ContextVar[dict | None] = ContextVar("dashboard_reads", default=None)
# The case records the sections of one dashboard show (see `dashboard_shows`).
_SHOWN: ContextVar[list | None] = ContextVar("dashboard_shown", default=None)


def dashboard_section_register(section: Callable[[object, date], dict]) -> None:
    if section not in _sections:
        _sections.append(section)


def dashboard_sections(user, today: date, shown: list | None = None) -> dict:
    """The registered sections' context for this user, in the order the apps were made ready; the case
    records they show are added to `shown` (each section says which, `dashboard_shows`)."""
    context: dict = {}
    token = _READS.set({})
    shown_token = _SHOWN.set(shown if shown is not None else [])
    try:
        for section in _sections:
            context.update(section(user, today))
    finally:
        _READS.reset(token)
        _SHOWN.reset(shown_token)
    return context


def dashboard_shows(records) -> list:
    """A section shows these case records (their access events, written by the dashboard in one go);
    the records, as a list, for the section's context. Outside a dashboard, only the list."""
    records = list(records)
    shown = _SHOWN.get()
    if shown is not None:
        shown.extend(records)
    return records


def dashboard_reads() -> dict | None:
    """While one dashboard is put together, a place where its sections keep what more than one of them
    reads (the user's open records), keyed by what was read; None outside a dashboard."""
    return _READS.get()
