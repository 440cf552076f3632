"""Case notes: a dated, attributed log of contacts, meetings and calls on a case or its review.

A note is an audit entry of its own kind (`audit.models.NOTE`): who wrote it, in what role, the day
it happened, its kind and its text. It shows in the record's timeline and the case chronology, and
it is never an event of the workflow (no transition's date is checked against it). Only the board's
own people write notes; the panel does not read them.
"""

from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from audit.models import ANONYMISED_CASE_REFUSAL, NOTE, AuditEntry, NoteKind, is_anonymised
from scr_tracker.transitions import InvalidInput, RoleNotPermitted

NOTE_MAX_LENGTH = 4000
BOARD_ROLES = ("board_chair", "board_staff")


def note_check(record, *, kind: str | None, happened_on: date | None, text: str | None) -> dict[str, list[str]]:
    """Every problem with a note at once, each by its field."""
    errors: dict[str, list[str]] = {}
    if is_anonymised(record.clock_case):
        return {"text": [ANONYMISED_CASE_REFUSAL]}
    if kind not in NoteKind.values:
        errors["kind"] = ["Select what kind of note it is"]
    if happened_on is None:
        errors["happened_on"] = ["Enter the date it happened"]
    elif happened_on > timezone.localdate():
        errors["happened_on"] = ["The date it happened must be today or in the past"]
    else:
        case = record.clock_case
        if case.la_aware_on and happened_on < min(case.incident_on, case.la_aware_on):
            errors["happened_on"] = [f"The date cannot be before the incident ({case.incident_on:%-d %B %Y})"]
    text = (text or "").strip()
    if not text:
        errors["text"] = ["Enter the note"]
    elif len(text) > NOTE_MAX_LENGTH:
        errors["text"] = [f"The note must be {NOTE_MAX_LENGTH:,} characters or fewer"]
    return errors


def note_add(*, actor, queryset: QuerySet, pk, kind: str, happened_on: date | None, text: str) -> AuditEntry:
    """Write a note on the record `pk` of `queryset` (already narrowed to the actor's scope)."""
    with transaction.atomic():
        try:
            record = queryset.get(pk=pk)
        except queryset.model.DoesNotExist as exc:
            raise Http404("Not found") from exc
        if actor.role not in BOARD_ROLES:
            raise RoleNotPermitted("Only the board's chair and staff write case notes")
        errors = note_check(record, kind=kind, happened_on=happened_on, text=text)
        if errors:
            raise InvalidInput(errors)
        return AuditEntry.objects.create(
            record=record,
            board_id=record.board_id,
            transition=NOTE,
            from_state=record.state,
            to_state=record.state,
            event_date=happened_on,
            actor=actor,
            actor_role=actor.role,
            reason=text.strip(),
            note_kind=kind,
        )
