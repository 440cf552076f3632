"""A record's audit entries as the rows of a timeline table, in words (shared by every case page)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from accounts.models import Role
from audit.models import AuditEntry


@dataclass(frozen=True)
class TimelineRow:
    event_date: date
    what: str
    change: str
    who: str
    role: str
    recorded_at: datetime
    reason: str


def timeline_rows(
    entries: Iterable[AuditEntry], *, transition_words: Callable[[str], str], state_words: Callable[[str], str]
) -> list[TimelineRow]:
    """Each transition: when it happened, what, from which state to which, who in what role, when recorded, why."""
    return [
        TimelineRow(
            event_date=entry.event_date,
            what=transition_words(entry.transition),
            change=f"{state_words(entry.from_state)} to {state_words(entry.to_state)}",
            who=entry.actor.full_name if entry.actor_id else "Unknown",
            role=Role(entry.actor_role).label if entry.actor_role in Role.values else entry.actor_role,
            recorded_at=entry.recorded_at,
            reason=entry.reason,
        )
        for entry in entries
    ]
