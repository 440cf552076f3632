"""Every write of the reminders app: the sweep that records reminders, the email of one
notification, reading, email choices and the calendar address."""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from celery import current_app
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import BOARD_ROLES, Role, User
from scr_tracker.clocks import is_working_day

from .models import CalendarFeed, EmailStatus, Notification, Reminder, ReminderPreference, SweepLock
from .sources import DueClock, sources
from .stages import FIRST_REMINDER_DAYS, is_overdue_stage, next_working_day, stage_for

logger = logging.getLogger(__name__)

SWEEP = "reminders"
# Emails still unsent after this many attempts, or reminders older than this, are left to the app.
MAX_EMAIL_ATTEMPTS = 5
RESEND_WINDOW_DAYS = 14
# The task that emails reminders (reminders.tasks.deliver_reminders): one message carries up to
# DELIVER_CHUNK reminder ids, because each message costs a broker round trip and the sweep of a
# national service queues tens of thousands (issue 19: 73% of a 20,000-clock sweep was one
# message per reminder).
DELIVER_TASK = "reminders.deliver"
DELIVER_CHUNK = 100


@dataclass(frozen=True)
class Planned:
    """A reminder the sweep means to record, and who receives it."""

    due_clock: DueClock
    stage: str
    recipients: tuple[tuple[int, bool], ...]  # (user id, as chair)


@dataclass
class SweepResult:
    swept_on: date
    locked: bool = False
    dry_run: bool = False
    planned: list[Planned] = field(default_factory=list)
    created: int = 0
    notifications: int = 0
    queued: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "swept_on": self.swept_on.isoformat(),
            "locked": self.locked,
            "dry_run": self.dry_run,
            "reminders_created": self.created,
            "notifications_created": self.notifications,
            "deliveries_queued": len(self.queued),
        }


def _recipients(source, due_clock: DueClock, stage: str, people: dict[int, list[tuple[int, str]]]):
    """The board's people responsible for the clock; overdue reminders also go to the chair.

    A board without anyone in the responsible role is reminded through its chair, so that no
    reminder goes nowhere.
    """
    board_people = people.get(due_clock.board_id, [])
    chairs = [pk for pk, role in board_people if role == Role.BOARD_CHAIR]
    chosen: dict[int, bool] = {pk: False for pk, role in board_people if role in source.responsible(due_clock.regime)}
    if not chosen:
        chosen = dict.fromkeys(chairs, False)
    if is_overdue_stage(stage):
        for pk in chairs:
            chosen.setdefault(pk, True)  # True: sent to them as the chair, because it is overdue
    return tuple(sorted(chosen.items()))


def reminders_plan(today: date) -> list[Planned]:
    """What the sweep would record on `today`: the current stage of every running clock due within
    the reminder window, with its recipients, less what is already recorded. Reads only."""
    if not is_working_day(today):
        return []  # reminders go out on working days (reminders.stages)
    # The window reaches past a weekend or bank holiday ahead (stages look ahead over them).
    limit = next_working_day(today) - timedelta(days=1) + timedelta(days=FIRST_REMINDER_DAYS)
    staged: list[tuple[object, DueClock, str]] = []
    for source in sources().values():
        clocks = list(source.due_clocks(limit=limit, today=today))
        if not clocks:
            continue
        recorded = set(
            Reminder.objects.filter(clock=source.clock, object_id__in=[c.object_id for c in clocks]).values_list(
                "object_id", "stage", "due_on"
            )
        )
        for due_clock in clocks:
            stage = stage_for(due_clock.due, today, overdue=source.overdue)
            if stage and (due_clock.object_id, stage, due_clock.due) not in recorded:
                staged.append((source, due_clock, stage))
    if not staged:
        return []
    people: dict[int, list[tuple[int, str]]] = {}
    for pk, board_id, role in User.objects.filter(
        is_active=True, role__in=[r.value for r in BOARD_ROLES], board_id__in={d.board_id for _, d, _ in staged}
    ).values_list("pk", "board_id", "role"):
        people.setdefault(board_id, []).append((pk, role))
    return [Planned(d, stage, _recipients(source, d, stage, people)) for source, d, stage in staged]


def _pending_reminder_ids(today: date) -> list[int]:
    """Reminders with an email still to send: new ones, and those a lost worker or a down broker left."""
    return sorted(
        set(
            Notification.objects.filter(
                email_status=EmailStatus.PENDING,
                email_attempts__lt=MAX_EMAIL_ATTEMPTS,
                reminder__swept_on__gte=today - timedelta(days=RESEND_WINDOW_DAYS),
            ).values_list("reminder_id", flat=True)
        )
    )


def _enqueue(reminder_ids: list[int]) -> None:
    """Queue the deliveries in chunks of DELIVER_CHUNK reminders, on one producer connection. A
    broker that is down is logged, not raised: the notifications are already in the app, and the
    next sweep queues what is still unsent."""
    # By name: reminders.tasks imports these services, never the reverse (RemindersConfig.ready registers it).
    deliver = current_app.tasks[DELIVER_TASK]
    chunks = [reminder_ids[i : i + DELIVER_CHUNK] for i in range(0, len(reminder_ids), DELIVER_CHUNK)]
    if not chunks:
        return
    try:
        with current_app.producer_or_acquire() as producer:
            for chunk in chunks:
                deliver.apply_async(args=chunk, producer=producer)
    except Exception:  # kombu/redis raise their own errors when the broker is unreachable
        logger.warning("Broker unreachable: reminder deliveries left for the next sweep (%d in all)", len(reminder_ids))


def reminders_sweep(*, today: date, dry_run: bool = False) -> SweepResult:
    """Record today's reminders, each (clock, stage, due date, recipient) once, and queue their emails.

    Holds the sweep's lock row for the whole transaction: a second sweep at the same moment (two
    beats, or a sweep run by hand) finds it taken and does nothing. The unique constraints stand
    behind the lock. Deliveries are queued only after the records are committed.
    """
    result = SweepResult(swept_on=today, dry_run=dry_run)
    try:
        with transaction.atomic():
            SweepLock.objects.get_or_create(name=SWEEP)
    except IntegrityError:
        pass  # created by the other sweep just now
    with transaction.atomic():
        lock = SweepLock.objects.select_for_update(skip_locked=True).filter(name=SWEEP).first()
        if lock is None:
            result.locked = True
            return result
        result.planned = reminders_plan(today)
        if dry_run:
            return result
        reminders = Reminder.objects.bulk_create(
            [
                Reminder(
                    clock=p.due_clock.clock,
                    object_id=p.due_clock.object_id,
                    stage=p.stage,
                    due_on=p.due_clock.due,
                    board_id=p.due_clock.board_id,
                    reference=p.due_clock.reference[:32],
                    link_public_id=p.due_clock.link_public_id,
                    swept_on=today,
                )
                for p in result.planned
            ]
        )
        notifications = Notification.objects.bulk_create(
            [
                Notification(reminder=reminder, recipient_id=user_id, as_chair=as_chair)
                for reminder, p in zip(reminders, result.planned, strict=True)
                for user_id, as_chair in p.recipients
            ]
        )
        result.created, result.notifications = len(reminders), len(notifications)
        lock.last_swept_on = today
        lock.last_finished_at = timezone.now()
        lock.save(update_fields=["last_swept_on", "last_finished_at"])
        result.queued = _pending_reminder_ids(today)
        queued = list(result.queued)
        transaction.on_commit(lambda: _enqueue(queued))
    return result


def _wants_email(user: User, stage: str) -> bool:
    preference = ReminderPreference.objects.filter(user=user).first()
    return preference.wants_email(stage) if preference else True


def notification_email_send(*, notification_id: int) -> str:
    """Email one notification, at most once: claimed under a row lock, marked sent in the same
    transaction. A worker that dies mid-send rolls the claim back, so the email is tried again.

    Returns the notification's email status afterwards, or "busy" when another worker holds it.
    """
    from .emails import reminder_email

    # Counted in its own transaction, so attempts that crash still count towards the limit.
    Notification.objects.filter(pk=notification_id, email_status=EmailStatus.PENDING).update(
        email_attempts=F("email_attempts") + 1
    )
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("reminder", "recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            return "busy"
        if notification.email_status != EmailStatus.PENDING:
            return notification.email_status
        user, reminder = notification.recipient, notification.reminder
        if not user.is_active or user.board_id != reminder.board_id:
            notification.email_status = EmailStatus.NOT_SENT
        elif not _wants_email(user, reminder.stage):
            notification.email_status = EmailStatus.NOT_WANTED
        else:
            reminder_email(notification).send()
            notification.email_status = EmailStatus.SENT
            notification.emailed_at = timezone.now()
        notification.save(update_fields=["email_status", "emailed_at"])
        return notification.email_status


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def reminder_preference_update(*, user: User, choices: dict[str, bool]) -> ReminderPreference:
    preference, _ = ReminderPreference.objects.get_or_create(user=user)
    for name in ("email_d7", "email_d1", "email_d0", "email_overdue"):
        setattr(preference, name, bool(choices.get(name)))
    preference.save()
    return preference


def calendar_feed_create(*, user: User) -> str:
    """A new private calendar address for the user; any earlier one stops working. Returns the
    secret, which is shown once and stored only as a digest."""
    token = CalendarFeed.new_token()
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user).delete()
        CalendarFeed.objects.create(user=user, token_digest=CalendarFeed.digest(token))
    return token


def calendar_feed_revoke(*, user: User) -> bool:
    deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)
