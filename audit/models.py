"""Audit entries written in the same transaction as the change they describe (SPEC §4.0).

Every transition writes one entry beside django-fsm-log's StateLog row: the StateLog keeps the
state history django-fsm-log knows about; the entry adds what the workflow needs (the actor's
role, the board, the event date, the reason). Entries are never edited or deleted.

Append-only twice over: the models refuse a change or a removal in Python (`AppendOnlyError`), and on
PostgreSQL a trigger of each table (django-pgtrigger, installed by this app's migrations) refuses any
UPDATE or DELETE whoever sends it: raw SQL, a queryset that bypasses ours, a cascade. The same
triggers guard django-fsm-log's StateLog table, declared on a proxy (`AppendOnlyStateLog`), the way
pgtrigger installs triggers on a model another app owns. On SQLite they do not apply (pgtrigger's
migrations skip any other database) and the Python guards stand alone. TRUNCATE fires no row trigger:
the test suite's flush still works.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date

import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone
from django_fsm_log.models import StateLog
from simple_history.signals import pre_create_historical_record


class AppendOnlyError(RuntimeError):
    """Audit rows are never changed or removed, through the app or the admin."""


def append_only_triggers() -> list[pgtrigger.Protect]:
    """The database's refusal of every UPDATE and every DELETE of a table's rows (PostgreSQL only).

    Two triggers, not one, so that a job that must rewrite text (anonymisation, SPEC §9) can be let
    through for updates alone, by name, with `pgtrigger.ignore`, and deletes stay refused."""
    return [
        pgtrigger.Protect(name="refuse_update", operation=pgtrigger.Update),
        pgtrigger.Protect(name="refuse_delete", operation=pgtrigger.Delete),
    ]


CORRECT_DATE = "correct_date"  # an event's date corrected: the entry `corrects` the event's entry
CORRECT_FACT = "correct_fact"  # a fact typed by mistake corrected (not an event of the record)
NOTE = "note"  # a case note: a contact, meeting or call logged on the case (not an event of its workflow)
LEAD_OFFICER = "set_lead_officer"  # the case's lead officer chosen or changed (not an event of its workflow)
ANONYMISE = "anonymise"  # a closed case anonymised under the retention rule (SPEC §9; not an event of its workflow)
NOT_EVENTS = (CORRECT_FACT, NOTE, LEAD_OFFICER, ANONYMISE)
# Refused on an anonymised case: text written after the retention job would be kept for ever (SPEC §9).
ANONYMISED_CASE_REFUSAL = "This case was anonymised under the retention rule: nothing more can be written on it"
SYSTEM_ROLE = "system"  # the actor role of an entry the service writes by itself, with no person (`actor` empty)


class NoteKind(models.TextChoices):
    CONTACT = "contact", "Contact"
    MEETING = "meeting", "Meeting"
    CALL = "call", "Phone call"
    EMAIL = "email", "Email or letter"
    OTHER = "other", "Other"


@dataclass(frozen=True)
class ImportMark:
    """Where an imported entry came from: the file's name and the line of its row (SPEC §8 "Import").

    `latest` remembers, for the row's records, the date of each one's latest event (see
    `last_event_on`): a row replays a dozen events on the same few records. `pending` holds the row's
    entries, `pending_logs` django-fsm-log's StateLog rows they point at and `pending_history`
    django-simple-history's rows of the records' versions, until its end, when each kind is written in
    one statement."""

    file_name: str
    line: int
    latest: dict = field(default_factory=dict, compare=False, repr=False)
    pending: list = field(default_factory=list, compare=False, repr=False)
    pending_logs: list = field(default_factory=list, compare=False, repr=False)
    pending_history: list = field(default_factory=list, compare=False, repr=False)


_IMPORTING: ContextVar[ImportMark | None] = ContextVar("importing", default=None)


def importing_now() -> bool:
    """True inside an import's row (`importing`)."""
    return _IMPORTING.get() is not None


def hold_state_log(log: StateLog) -> None:
    """Keep a StateLog row of an import's row (`importing`) to be written with the row's entries."""
    _IMPORTING.get().pending_logs.append(log)


@contextmanager
def importing(file_name: str, line: int) -> Iterator[None]:
    """Every entry written inside is marked as imported from this file and line; the actor is the
    importing user, as for any entry. They are written together when the row's replay ends (in its
    transaction); a row that fails writes none."""
    mark = ImportMark(file_name, line)
    token = _IMPORTING.set(mark)
    try:
        yield
        _write_pending(mark)
    finally:
        _IMPORTING.reset(token)


def _write_pending(mark: ImportMark) -> None:
    if mark.pending_logs:
        StateLog.objects.bulk_create(mark.pending_logs)  # first: the entries point at them
        mark.pending_logs.clear()
    if mark.pending:
        AuditEntry.objects.bulk_create(mark.pending)
        mark.pending.clear()
    by_model: dict[type, list] = {}
    for version in mark.pending_history:
        by_model.setdefault(type(version), []).append(version)
    for model, versions in by_model.items():
        model.objects.bulk_create(versions)
    mark.pending_history.clear()


def _hold_history(sender, history_instance, **kwargs) -> None:
    """Inside an import's row, django-simple-history's row of a record's version is made as it would be
    (its date, user and values, at the save it records) and written with the row's others at its end."""
    mark = _IMPORTING.get()
    if mark is not None:
        mark.pending_history.append(history_instance)
        history_instance.save = _written_at_the_rows_end


def _note_new_record(sender, instance, created, **kwargs) -> None:
    """A record made inside an import's row has no event before the row's own (none to read back)."""
    mark = _IMPORTING.get()
    if created and mark is not None and sender is not AuditEntry:
        mark.latest.setdefault((ContentType.objects.get_for_model(sender).pk, instance.pk), None)


class AuditQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk)

    def events(self):
        """The entries that say when something happened, each event once with its effective date:
        no corrected entry (a later correction holds its date), no correction of a fact and no case note."""
        return self.exclude(transition__in=NOT_EVENTS).filter(corrections__isnull=True)

    def readable_by(self, user):
        """What this user may read of a record's entries: case notes are the board's own log."""
        return self if user.is_board_user else self.exclude(transition=NOTE)

    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted")


class AuditEntry(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    board = models.ForeignKey("accounts.Board", null=True, on_delete=models.PROTECT, related_name="+")
    transition = models.CharField(max_length=64)
    from_state = models.CharField(max_length=64)
    to_state = models.CharField(max_length=64)
    event_date = models.DateField(help_text="When it really happened")
    recorded_at = models.DateTimeField(default=timezone.now, help_text="When it was recorded here")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=32)
    reason = models.TextField(blank=True)
    state_log = models.OneToOneField(StateLog, null=True, on_delete=models.PROTECT, related_name="audit_entry")
    # A correction (SPEC §4.0, §8 "Corrections") is an entry of its own naming the field, the old
    # and the new value; one that corrects an event's date points at the entry it corrects, so
    # the original stays, marked corrected. The effective entry of an event is the one that no
    # later correction points at.
    corrects = models.ForeignKey("self", null=True, on_delete=models.PROTECT, related_name="corrections")
    field = models.CharField(max_length=64, blank=True)
    old_value = models.TextField(blank=True)  # a corrected text may be long (a recommendation)
    new_value = models.TextField(blank=True)
    # An entry written by an import of the board's history (the actor is the importing user).
    imported_from = models.CharField(max_length=255, blank=True)
    imported_line = models.PositiveIntegerField(null=True, blank=True)
    # A case note's kind (the note's text is its `reason`, the day it happened its `event_date`).
    note_kind = models.CharField(max_length=16, choices=NoteKind.choices, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "recorded_at"])]
        verbose_name_plural = "audit entries"
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.transition}: {self.from_state} → {self.to_state} on {self.event_date}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit entries cannot be changed")
        mark = _IMPORTING.get()
        if mark is None:
            super().save(*args, **kwargs)
            return
        if not self.imported_from:
            self.imported_from, self.imported_line = mark.file_name, mark.line
        if self.corrects is None:
            mark.pending.append(self)  # written with the row's others when it ends (`importing`)
        else:
            _write_pending(mark)  # the entry it corrects, first
            super().save(*args, **kwargs)
        _remember_event(mark.latest, self)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted")


def _remember_event(latest: dict, entry: AuditEntry) -> None:
    key = (entry.content_type_id, entry.object_id)
    if key not in latest:
        return  # not asked for yet: the first question reads it from the entries
    if entry.transition in NOT_EVENTS:
        return
    if entry.corrects_id is not None:
        del latest[key]  # a corrected date: read again
        return
    known = latest[key]
    latest[key] = entry.event_date if known is None else max(known, entry.event_date)


def last_event_on(record) -> date | None:
    """The effective date of the record's latest event (None before its first).

    Inside an import, each row's answer is remembered and kept up to date as its entries are written,
    instead of read again before each event."""
    mark = _IMPORTING.get()
    key = (ContentType.objects.get_for_model(type(record)).pk, record.pk)
    if mark is not None and key in mark.latest:
        return mark.latest[key]
    if mark is not None:
        _write_pending(mark)  # the row's entries so far, to be read with the others
    entry = AuditEntry.objects.for_object(record).events().order_by("-event_date").only("event_date").first()
    on = entry.event_date if entry else None
    if mark is not None:
        mark.latest[key] = on
    return on


def is_anonymised(case) -> bool:
    """Whether the retention job has anonymised this case (an incident): it then takes no new text."""
    return AuditEntry.objects.for_object(case).filter(transition=ANONYMISE).exists()


class AccessEvent(models.Model):
    """Someone looked at (or downloaded, or exported) a case record (SECURITY row 10).

    Who, in what role and board, which record, what they did, when, and the request id that
    ties it to the server's logs. Never any case content.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        DOWNLOAD = "download", "Downloaded"
        EXPORT = "export", "Exported"

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    board = models.ForeignKey("accounts.Board", null=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    user_role = models.CharField(max_length=32)
    user_board = models.ForeignKey("accounts.Board", null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    at = models.DateTimeField(default=timezone.now)
    request_id = models.CharField(max_length=32, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"]), models.Index(fields=["user", "at"])]
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.content_type_id}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Access events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Access events cannot be deleted")


class AccessRefusal(models.Model):
    """A signed-in person was refused something (SECURITY row 10): a 404 for a record out of their
    scope or not there at all (the two are not told apart, to them or here), or a 403.

    What was asked for is the request's path (public ids only: no personal data in URLs, row 9) and
    the route's name; never a query string or a body. Written by `AccessRefusalMiddleware` for every
    such response, whichever view or selector refused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    user_role = models.CharField(max_length=32)
    user_board = models.ForeignKey("accounts.Board", null=True, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    route = models.CharField(max_length=100, blank=True, help_text="The URL pattern's name, if one matched")
    status = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)
    request_id = models.CharField(max_length=32, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["user", "at"])]
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.user_id} refused {self.status} {self.method} {self.path}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Refused access rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Refused access rows cannot be deleted")


class SignInFailure(models.Model):
    """A failed sign-in, kept for good (SECURITY rows 7 and 10): django-axes' own attempt rows are
    removed by the next success, these never are.

    The email as typed (normalised) and whether it named an account are for investigation only:
    nothing of them reaches the person signing in. Never a password or a code."""

    class Step(models.TextChoices):
        PASSWORD = "password", "Email and password"
        SECOND_FACTOR = "second_factor", "Security code"
        PASSKEY = "passkey", "Passkey"
        LOCKED_OUT = "locked_out", "Locked out after too many failures"

    at = models.DateTimeField(default=timezone.now)
    step = models.CharField(max_length=16, choices=Step.choices)
    email = models.CharField(max_length=254, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=32, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["email", "at"]), models.Index(fields=["ip_address", "at"])]
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.step} failed at {self.at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Failed sign-in rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Failed sign-in rows cannot be deleted")

    @property
    def matched_account(self) -> bool:
        """Whether the email named an account (for investigation only: never shown to the person)."""
        return self.account_id is not None


class AppendOnlyStateLog(StateLog):
    """django-fsm-log's StateLog table, append-only in the database too: the proxy only carries the
    triggers (a model of another app gets its triggers from a proxy in ours, so that the migration
    that installs them is ours). Nothing reads or writes through it.

    A StateLog's `by` is SET_NULL when its user is deleted, an UPDATE the trigger refuses: people are
    deactivated, never deleted (SPEC §2, decision 0027), and a user who made a transition is already
    kept by `AuditEntry.actor` (PROTECT) before any SQL is sent."""

    class Meta:
        proxy = True
        verbose_name = "state log (append-only)"
        triggers = append_only_triggers()


# The retention job's one way through the append-only guards (SPEC §9, decision 0032): updates of these
# tables' rows, by the triggers' names; their `refuse_delete` triggers, and AccessEvent's, stay on.
RETENTION_TRIGGERS = ("audit.AuditEntry:refuse_update", "audit.AppendOnlyStateLog:refuse_update")
RETENTION_ERASABLE = frozenset({"reason", "old_value", "new_value"})


def retention_erase(*, entries: models.QuerySet, logs: models.QuerySet, **values: str) -> tuple[int, int]:
    """Rewrite the case words of a case's audit entries and StateLog rows at the end of its retention period:
    the entries' `values` (only `reason`, `old_value`, `new_value`) and the logs' descriptions.

    The one sanctioned rewrite of the append-only tables, for the retention job alone: it must run inside the
    job's transaction, lifts the PostgreSQL triggers' refusal of updates by name for these statements only,
    and goes round the Python guard (`AuditQuerySet.update`) for the named text fields alone. Dates, states,
    actors and the rows themselves stay as they are. Returns (entries, logs) changed."""
    unknown = set(values) - RETENTION_ERASABLE
    if unknown:
        raise AppendOnlyError(f"Retention may erase only {sorted(RETENTION_ERASABLE)}, not {sorted(unknown)}")
    if not connection.in_atomic_block:
        raise AppendOnlyError("Retention rewrites audit rows only inside its own transaction")
    if entries.model is not AuditEntry or logs.model is not StateLog:
        raise AppendOnlyError("Retention rewrites audit entries and state logs only")
    with pgtrigger.ignore(*RETENTION_TRIGGERS):
        changed = models.QuerySet.update(entries, **values) if values else 0  # round AuditQuerySet.update
        logged = logs.exclude(description=None).update(description=None)
    return changed, logged


def _written_at_the_rows_end(*args, **kwargs) -> None:
    """The save of a held version: it is written by `_write_pending`."""


models.signals.post_save.connect(_note_new_record, dispatch_uid="audit_note_new_record_in_import")
pre_create_historical_record.connect(_hold_history, dispatch_uid="audit_hold_history_in_import")
