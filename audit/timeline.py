"""A record's audit entries as the rows of a timeline table, in words (shared by every case page)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from accounts.models import Role
from audit.models import CORRECT_DATE, CORRECT_FACT, NOTE, SYSTEM_ROLE, AuditEntry, NoteKind

CORRECTIONS = (CORRECT_DATE, CORRECT_FACT)


@dataclass(frozen=True)
class TimelineRow:
    event_date: date
    what: str
    change: str
    who: str
    role: str
    recorded_at: datetime
    reason: str
    corrected: str = ""  # when a later correction changed this entry's date: what it now is, and by whom
    subject: str = ""  # which of the record's parts it happened to, when not the record itself
    imported: str = ""  # an entry of a board's imported history: from which file and line


def _day(iso: str) -> str:
    try:
        return f"{date.fromisoformat(iso):%-d %b %Y}"
    except ValueError:
        return iso


def _field(name: str) -> str:
    return name.removesuffix("_on").replace("_", " ")


def timeline_rows(
    entries: Iterable[AuditEntry],
    *,
    transition_words: Callable[[str], str],
    state_words: Callable[[str], str],
    field_words: Callable[[str], str] = _field,
    value_words: Callable[[str, str], str] | None = None,
    subject: Callable[[AuditEntry], str] | None = None,
) -> list[TimelineRow]:
    """Each transition: when it happened, what, from which state to which (nothing when the state did not
    change), who in what role, when recorded, why.

    A correction is a row of its own (the field, the old and the new value, in `value_words(field,
    value)` when given, else as dates); the entry it corrects keeps its own date and says it was
    corrected, to what, by whom and when. `subject(entry)` names the part of the record an entry
    is about (an agency's contribution to a review).
    """
    words = value_words or (lambda field, value: _day(value))
    entries = list(entries)
    corrected_by = {entry.corrects_id: entry for entry in entries if entry.corrects_id is not None}
    rows = []
    for entry in entries:
        who = entry.actor.full_name if entry.actor_id else "Unknown"
        role = Role(entry.actor_role).label if entry.actor_role in Role.values else entry.actor_role
        if entry.actor_role == SYSTEM_ROLE:  # written by the service itself (the retention job), no person
            who, role = "SCR Tracker", "System"
        if entry.transition == NOTE:
            kind = NoteKind(entry.note_kind).label if entry.note_kind in NoteKind.values else "Note"
            what, change = f"Case note: {kind.lower()}", ""
        elif entry.transition in CORRECTIONS:
            what = f"Corrected: {field_words(entry.field)}"
            change = f"{words(entry.field, entry.old_value)} to {words(entry.field, entry.new_value)}"
        else:
            what = transition_words(entry.transition)
            # An event that leaves the state as it was (a clock stopped, a case joined) changes no state.
            same = entry.from_state == entry.to_state
            change = "" if same else f"{state_words(entry.from_state)} to {state_words(entry.to_state)}"
        later = corrected_by.get(entry.pk)
        corrected = ""
        if later is not None:
            by = later.actor.full_name if later.actor_id else "Unknown"
            to = words(later.field, later.new_value)
            corrected = f"Date corrected to {to} by {by} on {later.recorded_at:%-d %b %Y}"
        rows.append(
            TimelineRow(
                event_date=entry.event_date,
                what=what,
                change=change,
                who=who,
                role=role,
                recorded_at=entry.recorded_at,
                reason=entry.reason,
                corrected=corrected,
                subject=subject(entry) if subject else "",
                imported=f"Imported from {entry.imported_from}, line {entry.imported_line}"
                if entry.imported_from
                else "",
            )
        )
    return rows
