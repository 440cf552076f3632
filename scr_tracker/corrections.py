"""What every correction shares (SPEC §4.0, §8 "Corrections"): the chair corrects a recorded event
date or a fact typed by mistake, with a reason, and the correction is itself an audit entry.

Each app declares what of its records can be corrected (`Correctable`) and the event-date rules a
new value must keep; this module checks what every correction asks (a value, a different one, a
reason), writes the audit entry and recomputes the record's clock rows. An event's date points at
the entry it corrects (its own, or the latest correction of it), which stays in the timeline,
marked corrected; a fact's correction stands on its own.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from audit.models import ANONYMISED_CASE_REFUSAL, CORRECT_DATE, CORRECT_FACT, AuditEntry, is_anonymised

from .clock_rows import clock_rows_sync
from .terms import lower_first
from .transitions import InvalidInput, RoleNotPermitted

CHAIR_ONLY = "Only the board's chair can correct what was recorded"

DATE, TEXT, LINE, CHOICE = "date", "text", "line", "choice"


@dataclass(frozen=True)
class Correctable:
    """A field of a record that the chair may correct."""

    field: str
    label: str  # as the form's question and the timeline say it ("The date the contribution is due")
    kind: str = DATE  # DATE, TEXT (a paragraph), LINE (a short line) or CHOICE
    event: str | None = None  # the transition whose date it is, when it is an event's date
    choices: tuple[tuple[str, str], ...] = ()  # for CHOICE: value, words
    past_only: bool = True  # for DATE: a date that has happened (a due date need not have)

    @property
    def words(self) -> str:
        """The label inside a sentence: "the date the contribution is due"."""
        return lower_first(self.label)


def field_words(items: dict[str, "Correctable"]) -> Callable[[str], str]:
    """How a timeline names a corrected field of these (`audit.timeline.timeline_rows`' `field_words`)."""
    return lambda field: items[field].words if field in items else field.replace("_", " ")


def on(day: date) -> str:
    return f"{day:%-d %B %Y}"


def stored(value) -> str:
    """A value as the audit entry keeps it: a date as ISO, anything else as text."""
    return value.isoformat() if isinstance(value, date) else str(value)


def value_words(item: Correctable, value) -> str:
    if isinstance(value, date):
        return on(value)
    if item.kind == CHOICE:
        return dict(item.choices).get(value, str(value))
    return str(value)


def correction_errors(item: Correctable, old, new, reason: str) -> dict[str, list[str]]:
    """What every correction asks, by field: a new value, other than the one recorded, and a reason."""
    errors: dict[str, list[str]] = {}
    if isinstance(new, str):
        new = new.strip()
    if new in (None, ""):
        errors["new_value"] = ["Enter the correct date" if item.kind == DATE else f"Enter {item.label.lower()}"]
    elif old in (None, ""):
        errors["new_value"] = [f"There is no {'date' if item.kind == DATE else 'value'} recorded yet to correct"]
    elif new == old:
        what = "a date" if item.kind == DATE else "something"
        errors["new_value"] = [f"Enter {what} other than the one recorded ({value_words(item, old)})"]
    elif item.kind == DATE and item.past_only and new > timezone.localdate():
        errors["new_value"] = ["The date must be today or in the past"]
    elif item.kind == CHOICE and new not in dict(item.choices):
        errors["new_value"] = [f"Select {item.label.lower()}"]
    if not (reason or "").strip():
        errors["reason"] = ["Enter the reason for the correction"]
    return errors


def event_neighbours(record, item: Correctable, old: date) -> tuple[date | None, date | None]:
    """The dates of the record's events just before and just after the event `item` dates, `old` (its
    effective entries, the event itself and its own corrections left out; another event's correction is that
    event's date now): what a corrected date lies between."""
    itself = Q(transition=item.event) | Q(transition=CORRECT_DATE, field=item.field)
    others = AuditEntry.objects.for_object(record).events().exclude(itself)
    before = others.filter(event_date__lte=old).order_by("-event_date").values_list("event_date", flat=True).first()
    after = others.filter(event_date__gt=old).order_by("event_date").values_list("event_date", flat=True).first()
    return before, after


def correction_check(item: Correctable, old, new, reason: str, rules: Callable[[], list[str]]) -> None:
    """Refuse the correction (InvalidInput by field) unless it has a new value, other than the one recorded,
    that keeps the record's rules (`rules()`, what it would break in words), and a reason."""
    errors = correction_errors(item, old, new, reason)
    if "new_value" not in errors:
        broken = rules()
        if broken:
            errors["new_value"] = broken
    if errors:
        raise InvalidInput(errors)


def correction_write(
    *, actor, record, board, state: str, item: Correctable, old, new, reason: str, audited=None
) -> AuditEntry:
    """Set the record's field to `new`, save it, write the correction's audit entry and recompute its clock rows.

    The entry is on `audited` when the field's events are another record's (a decision's date is an event
    of its case), else on the record. The caller has locked the record and checked the value
    (`correction_errors`, its own rules).
    """
    audited = record if audited is None else audited
    if is_anonymised(getattr(audited, "clock_case", audited)):
        raise InvalidInput({"new_value": [ANONYMISED_CASE_REFUSAL]})
    corrects = None
    if item.event:
        # The event's effective entry: its own, or the latest correction of its date (a case may have several
        # decisions: the one dated as the value corrected).
        corrects = (
            AuditEntry.objects.for_object(audited)
            .events()
            .filter(Q(transition=item.event) | Q(transition=CORRECT_DATE, field=item.field), event_date=old)
            .last()
        )
    new = new.strip() if isinstance(new, str) else new
    setattr(record, item.field, new)
    record.save(update_fields=[item.field])
    entry = AuditEntry.objects.create(
        record=audited,
        board=board,
        transition=CORRECT_DATE if corrects is not None else CORRECT_FACT,
        from_state=state,
        to_state=state,
        event_date=new if corrects is not None else timezone.localdate(),
        actor=actor,
        actor_role=actor.role,
        reason=reason.strip(),
        corrects=corrects,
        field=item.field,
        old_value=stored(old),
        new_value=stored(new),
    )
    if getattr(record, "clock_record", None):  # a record with clocks of its own, or children with them
        clock_rows_sync(record)
    return entry


def correction_run(
    *,
    actor,
    records: QuerySet,
    pk: int,
    item: Correctable,
    new_value,
    reason: str,
    rules: Callable[[object], list[str]],
    board_of: Callable[[object], object] = lambda record: record.board,
    after: Callable[[object], None] | None = None,
):
    """One correction, whole: lock the record among `records` (the actor's scope: 404 outside it), refuse
    anyone but a board's chair, check the value against `rules(record)`, write it with its audit entry,
    then `after(record)` in the same transaction (what else follows the value)."""
    with transaction.atomic():
        record = records.select_for_update(of=("self",)).filter(pk=pk).first()
        if record is None:
            raise Http404("Not found")
        if not (actor.is_board_user and actor.is_chair):
            raise RoleNotPermitted(CHAIR_ONLY)
        old = getattr(record, item.field)
        correction_check(item, old, new_value, reason, lambda: rules(record))
        correction_write(
            actor=actor,
            record=record,
            board=board_of(record),
            state=getattr(record, "state", "") or "",
            item=item,
            old=old,
            new=new_value,
            reason=reason,
        )
        if after is not None:
            after(record)
    return record
