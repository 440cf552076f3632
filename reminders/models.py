"""Deadline reminders (SPEC §5): the outbox of reminders, each person's notifications, their
email choices and their private calendar feed."""

import hashlib
import secrets

from django.conf import settings
from django.db import models

# Stages of a clock's reminders: a week before, the day before, the day, then weekly while overdue
# (`overdue_w1`, `overdue_w2`, …; see reminders.stages).
STAGE_MAX_LENGTH = 16


class Reminder(models.Model):
    """One reminder of one clock at one stage for one due date: recorded once, whoever sweeps.

    The unique constraint is the "exactly once": a second sweep (or a second beat) finds the row
    already there. A changed due date (a resumed review clock) is a different row, so it gets its
    own reminders.
    """

    clock = models.CharField(max_length=32, help_text="The SPEC §3 clock name")
    object_id = models.BigIntegerField(help_text="Primary key of the record the clock belongs to")
    stage = models.CharField(max_length=STAGE_MAX_LENGTH)
    due_on = models.DateField()
    board = models.ForeignKey("accounts.Board", on_delete=models.PROTECT, related_name="+")
    # What the reminder may show: the case reference, never case details.
    reference = models.CharField(max_length=32)
    link_public_id = models.UUIDField(null=True, help_text="The record whose page the notification links to")
    swept_on = models.DateField(help_text="The London date of the sweep that recorded it")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-swept_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["clock", "object_id", "stage", "due_on"], name="reminder_once_per_stage"),
        ]
        indexes = [models.Index(fields=["clock", "object_id"], name="reminder_clock_object")]

    def __str__(self) -> str:
        return f"{self.clock} {self.stage} due {self.due_on} ({self.reference})"

    @property
    def is_overdue(self) -> bool:
        return self.stage.startswith("overdue")


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    NOT_WANTED = "not_wanted", "Not wanted (the person's choice)"
    NOT_SENT = "not_sent", "Not sent (the person can no longer sign in)"


class Notification(models.Model):
    """A reminder as one person receives it: always in the app, by email when they choose.

    Unique per (reminder, recipient), so each (clock, stage, due date, recipient) is notified once;
    the email is claimed under a row lock and marked sent in the same transaction.
    """

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    as_chair = models.BooleanField(default=False, help_text="Sent to the chair because the clock is overdue")
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=16, choices=EmailStatus.choices, default=EmailStatus.PENDING, db_index=True
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["reminder", "recipient"], name="notification_once_per_recipient"),
        ]
        indexes = [
            # The header's unread count: one index range per user.
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.reminder} for user {self.recipient_id}"


class ReminderPreference(models.Model):
    """Which reminders a person also wants by email; in the app they see them all."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference")
    email_d7 = models.BooleanField(default=True, verbose_name="Due in 7 days")
    email_d1 = models.BooleanField(default=True, verbose_name="Due tomorrow")
    email_d0 = models.BooleanField(default=True, verbose_name="Due today")
    email_overdue = models.BooleanField(default=True, verbose_name="Overdue (then weekly)")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Reminder choices of user {self.user_id}"

    def wants_email(self, stage: str) -> bool:
        if stage.startswith("overdue"):
            return self.email_overdue
        return bool(getattr(self, f"email_{stage}", True))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A person's private iCalendar address. Only a digest of the secret is stored, so the database
    alone cannot be used to read anyone's deadlines; revoking deletes the row."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of user {self.user_id}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def digest(token: str) -> str:
        return _digest(token)


class SweepLock(models.Model):
    """One row per named sweep, locked while it runs so that two beats cannot sweep at once."""

    name = models.CharField(max_length=32, unique=True)
    last_swept_on = models.DateField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
