"""Running a named transition safely, for every record with a state machine (SPEC §4.0).

One function, `transition_run`, does what every transition needs: lock the row, check the
actor's role and the state inside `transaction.atomic()`, check the event date, call the
django-fsm transition, save, write the audit entry, and queue side effects with `on_commit`.
Services call it; pages and the API turn its exceptions into messages, 400, 403 or 409.
"""

import functools
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_save
from django.http import Http404
from django.utils import timezone
from django_fsm_log.backends import SimpleBackend
from django_fsm_log.backends import _pre_transition_callback as build_state_log
from django_fsm_log.models import StateLog

from audit.models import AuditEntry, hold_state_log, importing_now, last_event_on
from scr_tracker.clock_rows import clock_rows_sync


class TransitionError(Exception):
    """Base of every refusal; nothing has been saved when one is raised."""


class RoleNotPermitted(TransitionError):
    """The record is in the user's scope but their role may not run this transition (403)."""


class NotAllowedInState(TransitionError):
    """The record's state does not allow this transition (409)."""

    def __init__(self, name: str, state: str, allowed_from: Iterable[str]):
        self.name, self.state, self.allowed_from = name, state, sorted(allowed_from)
        super().__init__(f"{name} is not allowed from {state}")


class Blocked(TransitionError):
    """The state allows the transition but a rule blocks it now (409, with the reasons). A service that
    is not a django-fsm transition names the states it runs from in `allowed_from`."""

    def __init__(self, name: str, state: str, reasons: list[str], allowed_from: Iterable[str] | None = None):
        self.name, self.state, self.reasons = name, state, reasons
        self.allowed_from = sorted(allowed_from) if allowed_from is not None else None
        super().__init__("; ".join(reasons))


class InvalidInput(TransitionError):
    """Bad input: field name → messages (400)."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(str(errors))


# --- Declaring transitions --------------------------------------------------------------------


def roles(*allowed: str) -> Callable:
    """A django-fsm `permission=` that admits these roles; the service enforces it too."""

    def permitted(instance, user) -> bool:
        return bool(user and user.is_authenticated and user.is_active and user.role in allowed)

    permitted.roles = frozenset(allowed)
    return permitted


# While `transition_run` runs one transition, each condition's answer for its record is kept: the run
# asks them before the change, and django-fsm asks them again as it changes the state (a query each).
_CHECKED: ContextVar[dict | None] = ContextVar("conditions_checked", default=None)


def blocking(reason: str) -> Callable:
    """Mark a django-fsm condition with the sentence shown when it blocks a transition."""

    def decorate(condition: Callable) -> Callable:
        @functools.wraps(condition)
        def checked(record) -> bool:
            answers = _CHECKED.get()
            if answers is None:
                return condition(record)
            key = (id(record), condition)
            if key not in answers:
                answers[key] = condition(record)
            return answers[key]

        checked.blocked_reason = reason
        return checked

    return decorate


def _meta(record, name: str):
    method = getattr(record, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise ValueError(f"{type(record).__name__} has no transition {name!r}")
    return method, meta


def allowed_from(record, name: str) -> set[str]:
    _, meta = _meta(record, name)
    return set(meta.transitions)


def roles_for(record, name: str) -> frozenset[str]:
    _, meta = _meta(record, name)
    for spec in meta.transitions.values():
        permission = spec.permission
        return getattr(permission, "roles", frozenset())
    return frozenset()


def blocked_by(record, name: str, user=None) -> list[str]:
    """Why this user could not run this transition now; empty when they can."""
    _, meta = _meta(record, name)
    state = meta.field.get_state(record)
    reasons = []
    if user is not None and user.role not in roles_for(record, name):
        reasons.append("Your role cannot do this")
    if state not in meta.transitions:
        reasons.append(f"Not possible while the record is {state.replace('_', ' ')}")
        return reasons
    for condition in meta.transitions[state].conditions or ():
        if not condition(record):
            reasons.append(getattr(condition, "blocked_reason", "A rule blocks this now"))
    return reasons


def available_transitions(record, user, names: Iterable[str]) -> list[dict]:
    """SPEC §8 `available_transitions`: those this user's role could run from this state."""
    state = record.state
    out = []
    for name in names:
        if state in allowed_from(record, name) and user.role in roles_for(record, name):
            out.append({"name": name, "blocked_by": blocked_by(record, name, user)})
    return out


def transitions_now(record, user, names: Iterable[str]) -> list[str]:
    """The transitions this user can run now: what a page offers under "What you can do now".
    One the state allows but a rule blocks is not among them (the API still lists it, with why)."""
    return [step["name"] for step in available_transitions(record, user, names) if not step["blocked_by"]]


def waiting_on(record, user, names: Iterable[str]) -> list[str]:
    """Why the transitions this user's role could run from this state are blocked now, each reason once:
    what a page may explain, apart from the actions it offers."""
    reasons: list[str] = []
    for step in available_transitions(record, user, names):
        reasons += [reason for reason in step["blocked_by"] if reason not in reasons]
    return reasons


# --- Running one --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventFloor:
    """An event date may not be earlier than this (with the words to say why). The date is written
    where the message says `{date}`, else after it in brackets."""

    on: date | None
    message: str


def check_event_date(record, event_date: date | None, floors: Iterable[EventFloor] = ()) -> dict[str, list[str]]:
    if event_date is None:
        return {"event_date": ["Enter the date it happened"]}
    today = timezone.localdate()
    if event_date > today:
        return {"event_date": ["The date it happened must be today or in the past"]}
    # The specific rules first: their words say more than "the previous event".
    candidates = [f for f in floors if f.on is not None]
    previous = last_event_on(record)
    if previous:
        candidates.append(EventFloor(previous, "The date cannot be before the case's previous event"))
    for floor in candidates:
        if event_date < floor.on:
            on = f"{floor.on:%-d %B %Y}"
            message = floor.message.replace("{date}", on) if "{date}" in floor.message else f"{floor.message} ({on})"
            return {"event_date": [message]}
    return {}


# The StateLog rows django-fsm-log writes while a transition runs: its own is handed to the audit entry
# as it is written, rather than read back (a query an event, and an import replays thousands).
_STATE_LOGS: ContextVar[list | None] = ContextVar("state_logs", default=None)


def _note_state_log(sender, instance, created, **kwargs) -> None:
    written = _STATE_LOGS.get()
    if created and written is not None:
        written.append(instance)


post_save.connect(_note_state_log, sender=StateLog, dispatch_uid="transitions_note_state_log")


class _HeldStateLogs:
    """Where django-fsm-log writes a StateLog row inside an import's row: the row is made as it would be,
    handed to the transition's audit entry, and written with the row's entries at its end."""

    @staticmethod
    def create(**values) -> StateLog:
        log = StateLog(**values)
        hold_state_log(log)
        written = _STATE_LOGS.get()
        if written is not None:
            written.append(log)
        return log


class StateLogStorage(SimpleBackend):
    """django-fsm-log's storage (`DJANGO_FSM_LOG_STORAGE_METHOD`): its own simple one, but inside an
    import's row the StateLog rows are held and written together (SPEC §8 "Import")."""

    @staticmethod
    def post_transition_callback(sender, instance, name, source, target, **kwargs):
        if not importing_now():
            return SimpleBackend.post_transition_callback(sender, instance, name, source, target, **kwargs)
        # django-fsm-log's own builder of the row (its by, description and states), with our manager.
        return build_state_log(sender, instance, name, source, target, _HeldStateLogs, **kwargs)


def _state_log_of(record, name: str) -> StateLog | None:
    content_type = ContentType.objects.get_for_model(type(record))
    return (
        StateLog.objects.filter(content_type=content_type, object_id=record.pk, transition=name).order_by("-pk").first()
    )


def atomic():
    """`transaction.atomic()` for a service's writes. Inside an import's row it takes no savepoint of its own:
    the row is one savepoint, and any refusal ends the row's replay and rolls the whole row back at once, so
    a savepoint an event (two statements each) would only be released (SPEC §8 "Import")."""
    return transaction.atomic(savepoint=not importing_now())


def transition_run(
    *,
    queryset: QuerySet,
    pk,
    name: str,
    actor,
    event_date: date | None,
    reason: str = "",
    floors: Callable[[object], Iterable[EventFloor]] = lambda record: (),
    validate: Callable[[object], dict[str, list[str]]] = lambda record: {},
    before: Callable[[object], None] = lambda record: None,
    after: Callable[[object], None] = lambda record: None,
    on_commit: Callable[[object], None] | None = None,
    board_of: Callable[[object], object] = lambda record: getattr(record, "board", None),
    kwargs: dict | None = None,
):
    """Run transition `name` on the record `pk` of `queryset` (already narrowed to the actor's scope).

    `validate` returns field errors for the payload; `before` sets the event's fields on the
    locked record; `after` writes dependent rows once the new state is saved. Raises Http404 when
    the record is not in scope, and a TransitionError when refused; nothing is saved then.
    """
    with atomic():
        try:
            record = queryset.select_for_update(of=("self",)).get(pk=pk)
        except queryset.model.DoesNotExist as exc:
            raise Http404("Not found") from exc
        if actor.role not in roles_for(record, name):
            raise RoleNotPermitted(f"A {actor.get_role_display().lower()} cannot {name.replace('_', ' ')}")
        sources = allowed_from(record, name)
        if record.state not in sources:
            raise NotAllowedInState(name, record.state, sources)
        method, _ = _meta(record, name)
        checked = _CHECKED.set({})
        try:
            reasons = blocked_by(record, name)
            if reasons:
                raise Blocked(name, record.state, reasons)
            errors = {**check_event_date(record, event_date, floors(record)), **validate(record)}
            if errors:
                raise InvalidInput(errors)
            from_state = record.state
            before(record)
            written: list[StateLog] = []
            token = _STATE_LOGS.set(written)
            try:
                method(by=actor, description=reason or None, **(kwargs or {}))
            finally:
                _STATE_LOGS.reset(token)
        finally:
            _CHECKED.reset(checked)
        record.save()
        state_log = next(
            (log for log in reversed(written) if str(log.object_id) == str(record.pk) and log.transition == name),
            None,
        ) or _state_log_of(record, name)
        AuditEntry.objects.create(
            record=record,
            board=board_of(record),
            transition=name,
            from_state=from_state,
            to_state=record.state,
            event_date=event_date,
            actor=actor,
            actor_role=actor.role,
            reason=reason or "",
            state_log=state_log,
        )
        after(record)
        if hasattr(record, "clock_case"):
            # The clocks this event starts, ends or moves, from the case's regime (SPEC §3).
            clock_rows_sync(record)
        if on_commit is not None:
            transaction.on_commit(lambda: on_commit(record))
    return record
