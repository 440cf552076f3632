"""Reads of the reminders app: a person's notifications and deadlines, scoped to themselves and
their own board."""

from datetime import date

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from accounts.models import User
from publication.choices import FINISHED_STATES
from publication.models import Publication
from scr_tracker.models import ClockRow
from scr_tracker.regimes import Regime, regime_by_code

from .models import CalendarFeed, Notification, ReminderPreference
from .sources import DueClock, due_clocks


def notifications_for_user(user: User) -> QuerySet[Notification]:
    """The user's own notifications about their current board's clocks, newest first, with their
    reminder (one query a page). Someone who moves to another board no longer sees the old one's."""
    return (
        Notification.objects.filter(recipient=user, reminder__board_id=user.board_id)
        .select_related("reminder")
        .annotate(regime=Subquery(_regime_of_clock(OuterRef("reminder__clock"), OuterRef("reminder__object_id"))))
        .order_by("-created_at", "-pk")
    )


def _regime_of_clock(clock, object_id) -> QuerySet:
    # A clock's name says which kind of record it belongs to, so name and id find its row.
    return ClockRow.objects.filter(name=clock, object_id=object_id).values("regime")[:1]


def reminder_regime(reminder) -> Regime | None:
    """The regime of the case a reminder is about, for its words; None if its clock row is gone."""
    found = list(_regime_of_clock(reminder.clock, reminder.object_id))
    return regime_by_code(found[0]["regime"]) if found else None


def unread_count(user: User) -> int:
    return notifications_for_user(user).filter(read_at__isnull=True).count()


def preference_for(user: User) -> ReminderPreference:
    """The user's email choices; everything on until they choose (not saved until then)."""
    return ReminderPreference.objects.filter(user=user).first() or ReminderPreference(user=user)


def calendar_feed_of(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_user(token: str) -> User | None:
    """The active user whose calendar address this is, or None."""
    feed = (
        CalendarFeed.objects.select_related("user", "user__board")
        .filter(token_digest=CalendarFeed.digest(token), user__is_active=True)
        .first()
    )
    return feed.user if feed else None


def deadlines_for_user(user: User, *, today: date) -> list[DueClock]:
    """Every running clock of the user's own board, by due date; nothing for anyone without a board."""
    if not (user.is_active and user.is_board_user):
        return []
    deadlines = due_clocks(limit=None, board_id=user.board_id, today=today)
    return sorted(deadlines, key=lambda d: (d.due, d.reference, d.clock))


def planned_publications_for_user(user: User, *, today: date) -> list[tuple]:
    """The user's board's publications planned for today or later and not yet published, for the calendar:
    (id, case reference, planned date, page path)."""
    if not (user.is_active and user.is_board_user):
        return []
    planned = (
        Publication.objects.filter(review__board_id=user.board_id, planned_publication_on__gte=today)
        .exclude(state__in=FINISHED_STATES)
        .values_list("pk", "review__decision__incident__reference", "planned_publication_on", "public_id")
        .order_by("planned_publication_on", "pk")
    )
    return [
        (pk, reference, on, reverse("publication:publication", args=[public_id]))
        for pk, reference, on, public_id in planned
    ]


def with_unread_count(users: QuerySet[User]) -> QuerySet[User]:
    """Users annotated with `unread_notifications`, so the header's count costs no query of its own."""
    counted = (
        Notification.objects.filter(
            recipient=OuterRef("pk"), reminder__board_id=OuterRef("board_id"), read_at__isnull=True
        )
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return users.annotate(unread_notifications=Coalesce(Subquery(counted, output_field=IntegerField()), 0))
