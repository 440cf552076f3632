"""Writing clocks as rows from the regime's declarations (SPEC §3 "Clocks are rows").

`clock_rows_sync(record)` recomputes every clock row of the record's case in the caller's
transaction: the transition runner calls it after every transition, and the services call it
after the events that are not transitions (a SIN logged, a contribution requested, a publication
date planned). A row starts when its start event's date is recorded, ends when its end event's
is, and is recomputed whenever an event it depends on changes: a stop, a resume, a corrected
event date or a changed planned date. Rows no event supports any more are removed (a withheld
report has no report-to-panel clock).

Records take part by declaring `clock_record` (the kind the declarations name), `clock_case`
(the incident whose regime they follow) and `clock_children()` (the records below them in the
case); a case may offer `clock_reading()`, a context in which it reads what its clocks share once.
This module imports no app.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, QuerySet, Subquery

from scr_tracker.clocks import clock_state, has_open_stop
from scr_tracker.models import ClockRow
from scr_tracker.regimes import ClockDeclaration, Regime

_FIELDS = (
    "starts_on",
    "due_on",
    "original_due_on",
    "ended_on",
    "stopped",
    "halted",
    "met_by_lapse",
    "case_deadline",
    "page",
    "page_public_id",
)


def resolve(record, path: str):
    """The value at a dotted path of attributes (None as soon as one step is missing)."""
    value = record
    for step in path.split("."):
        value = getattr(value, step, None)
        if value is None:
            return None
    return value


def _matches(record, conditions) -> bool:
    """Whether any field named in `conditions` holds one of the values given for it."""
    return any(resolve(record, name) in values for name, values in conditions.items())


def _applies(clock: ClockDeclaration, record) -> bool:
    if any(resolve(record, name) not in values for name, values in clock.applies_when.items()):
        return False
    return not _matches(record, clock.applies_unless)


def _first(record, paths: tuple[str, ...]) -> date | None:
    return next((value for value in (resolve(record, path) for path in paths) if value is not None), None)


def clock_values(clock: ClockDeclaration, regime: Regime, record) -> dict | None:
    """What the row of `clock` holds for `record` now, or None when the clock has not started."""
    if not _applies(clock, record):
        return None
    starts_on = _first(record, clock.starts.fields)
    if starts_on is None:
        return None
    counts_from = _first(record, clock.counts_from) if clock.counts_from else starts_on
    if counts_from is None:
        return None
    ends = [resolve(record, path) for path in clock.ends.fields]
    periods = (
        [(p.stopped_on, p.resumed_on) for p in resolve(record, clock.stop_periods).all()] if clock.stoppable else []
    )
    stopped = has_open_stop(periods)
    own_due = resolve(record, clock.due_field) if clock.due_field else None
    original_due_on = own_due if own_due is not None else regime.due(clock.name, counts_from)
    if stopped:
        due_on = None  # moves on by one day per stopped day until the clock resumes
    elif own_due is not None:
        due_on = own_due
    else:
        due_on = regime.due(clock.name, counts_from, periods)
    url_name, public_id_path = clock.page
    return {
        "starts_on": starts_on,
        "due_on": due_on,
        "original_due_on": original_due_on,
        "ended_on": max(ends) if all(e is not None for e in ends) else None,
        "stopped": stopped,
        "halted": _matches(record, clock.halted_when),
        "met_by_lapse": clock.met_by_lapse,
        "case_deadline": clock.case_deadline,
        "page": url_name,
        "page_public_id": resolve(record, public_id_path),
    }


def case_records(incident) -> Iterator:
    """The incident and every record below it that may carry a clock."""
    pending = [incident]
    while pending:
        record = pending.pop(0)
        yield record
        pending.extend(record.clock_children())


# The cases whose rows are to be recomputed, while recomputing is deferred (`clock_rows_deferred`).
_PENDING: ContextVar[dict | None] = ContextVar("clock_rows_pending", default=None)


@contextmanager
def clock_rows_deferred() -> Iterator[None]:
    """Recompute each case's rows once rather than after every event: inside, `clock_rows_sync` notes the
    case, and its rows are recomputed before any clock row is read here and when the block ends. An
    imported case replays a dozen events in a row (SPEC §8 "Import"); the rows it ends with are those of
    a recompute after every event, because each recompute reads the case as it is, not its history."""
    pending: dict = {}
    token = _PENDING.set(pending)
    try:
        yield
        clock_rows_flush()
    finally:
        _PENDING.reset(token)


def clock_rows_flush() -> None:
    """Recompute the rows of the cases a deferred block has noted (each read again, as it is now)."""
    pending = _PENDING.get()
    while pending:
        _, incident = pending.popitem()
        _sync(type(incident).objects.get(pk=incident.pk))


def _forget_read_clocks(record) -> None:
    # What the caller's record was read with is out of date now: its clocks are read again.
    for key in [k for k in record.__dict__ if k.startswith("clock_") or k == "attached_clock_rows"]:
        del record.__dict__[key]
    getattr(record, "_prefetched_objects_cache", {}).pop("clock_rows", None)


def clock_rows_sync(record) -> None:
    """Recompute the clock rows of `record`'s whole case from its regime (in the caller's transaction)."""
    pending = _PENDING.get()
    if pending is not None:
        incident = record.clock_case
        pending[incident.pk] = incident
        _forget_read_clocks(record)
        return
    _sync(record)
    _forget_read_clocks(record)


def _sync(record) -> None:
    incident = record.clock_case
    with getattr(incident, "clock_reading", nullcontext)():
        _sync_case(incident)


def _sync_case(incident) -> None:
    regime = incident.regime_rules
    existing = {
        (row.content_type_id, row.object_id, row.name): row for row in ClockRow.objects.filter(incident=incident)
    }
    wanted: set[tuple[int, int, str]] = set()
    creates = []
    updates = []
    for item in case_records(incident):
        content_type = ContentType.objects.get_for_model(type(item))
        review = getattr(item, "clock_review", None)
        for clock in regime.clocks_of(item.clock_record):
            values = clock_values(clock, regime, item)
            if values is None:
                continue
            key = (content_type.pk, item.pk, clock.name)
            wanted.add(key)
            row = existing.get(key)
            if row is None:
                creates.append(
                    ClockRow(
                        content_type=content_type,
                        object_id=item.pk,
                        name=clock.name,
                        regime=regime.code,
                        incident=incident,
                        review=review,
                        board_id=incident.board_id,
                        **values,
                    )
                )
            elif any(getattr(row, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(row, name, value)
                updates.append(row)
    if creates:
        ClockRow.objects.bulk_create(creates)
    if updates:
        ClockRow.objects.bulk_update(updates, _FIELDS)
    stale = [row.pk for key, row in existing.items() if key not in wanted]
    if stale:
        ClockRow.objects.filter(pk__in=stale).delete()


def clock_rows_rebuild() -> int:
    """Recompute the rows of every case (after a migration, or to check them); returns the cases done."""
    from django.apps import apps
    from django.db import transaction

    incidents = apps.get_model("incidents", "Incident").objects.select_related("board").order_by("pk")
    done = 0
    for incident in incidents.iterator():
        with transaction.atomic():
            clock_rows_sync(incident)
        done += 1
    return done


def attach_case_rows(incident, records) -> None:
    """Read every clock row of the case in one query and hand each of `records` its own."""
    clock_rows_flush()
    hand_out(ClockRow.objects.filter(Q(incident=incident) | Q(review__incidents=incident)).distinct(), records)


def hand_out(rows, records) -> None:
    """Give each of `records` its own rows among `rows` (read once for them all)."""
    by_record: dict[tuple[int, int], list[ClockRow]] = {}
    for row in rows:
        by_record.setdefault((row.content_type_id, row.object_id), []).append(row)
    for record in records:
        content_type = ContentType.objects.get_for_model(type(record))
        record.attached_clock_rows = by_record.get((content_type.pk, record.pk), [])


_LISTED = ("pk", "starts_on", "due_on", "original_due_on", "ended_on", "stopped", "met_by_lapse")


def with_clock(queryset: QuerySet, name: str) -> QuerySet:
    """Annotate each record of a list with its row of clock `name`, in the list's own query.

    While recomputing is deferred the list is left as it is: each record reads its row when one is
    first asked for (`clock_row` works a pending case's row out from the record), so that a service
    locking one record does not recompute its case's rows only to lock it."""
    if _PENDING.get() is not None:
        return queryset
    model = queryset.model._meta
    rows = ClockRow.objects.filter(
        content_type__app_label=model.app_label,
        content_type__model=model.model_name,
        object_id=OuterRef("pk"),
        name=name,
    )
    return queryset.annotate(**{f"clock_{name}_{column}": Subquery(rows.values(column)[:1]) for column in _LISTED})


def clock_row(record, name: str) -> ClockRow | None:
    """The row of clock `name` of `record` (None while not started), as every reader reads it."""
    if f"clock_{name}_pk" in record.__dict__:  # annotated by `with_clock`
        if record.__dict__[f"clock_{name}_pk"] is None:
            return None
        values = {column: record.__dict__[f"clock_{name}_{column}"] for column in _LISTED}
        return ClockRow(name=name, **values)
    # Rows handed over by `attach_case_rows`, else those a list prefetched as `clock_rows`, else one query.
    rows = record.__dict__.get("attached_clock_rows")
    if rows is None:
        pending = _PENDING.get()
        if pending and record.clock_case.pk in pending:
            return _row_now(record, name)
        clock_rows_flush()
        rows = record.clock_rows.all()
    return next((row for row in rows if row.name == name), None)


def _row_now(record, name: str) -> ClockRow | None:
    """While the case's rows wait to be recomputed: what `record`'s row of clock `name` will hold, worked
    out from the record as it is now (as `_sync` will), without writing the case's rows first."""
    regime = record.clock_case.regime_rules
    clock = regime.clock(name)
    if clock is None or clock.record != record.clock_record:
        return None
    values = clock_values(clock, regime, record)
    return None if values is None else ClockRow(name=name, regime=regime.code, **values)


def clock_of(record, name: str, today: date):
    """Clock `name` of `record` on `today`, read from its row (not started when it has none)."""
    row = clock_row(record, name)
    if row is None:
        return clock_state(name=name, starts_on=None, due=None, ended_on=None, today=today)
    return row.state(today)


def due_of(record, name: str) -> date | None:
    """The due date of clock `name` of `record`, from its row; None while not started or stopped."""
    row = clock_row(record, name)
    return row.due_on if row else None


def original_due_of(record, name: str) -> date | None:
    """The due date of clock `name` of `record` before any stopped days, from its row; None while not started."""
    row = clock_row(record, name)
    return row.original_due_on if row else None
