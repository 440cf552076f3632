"""Notification pages: the list with unread marks, email choices and the private calendar address;
and the calendar feed itself, reached by its secret address rather than by signing in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import access_record_many
from incidents.models import Incident
from panel.models import PanelSubmission
from publication.models import Publication
from reviews.models import Action, Contribution, SeriousCaseReview
from scr_tracker.regimes import regime_by_code, regime_for

from . import selectors, services
from .feeds import deadlines_calendar
from .forms import ReminderChoicesForm
from .models import CalendarFeed
from .queues import queue_for
from .sources import source_for
from .stages import stage_words, when_words
from .words import SCHEDULE, clock_words

PER_PAGE = 25


# The kinds of record a clock belongs to (`clock_record`), by the name the regimes' declarations use.
CLOCK_RECORDS = {
    model.clock_record: model
    for model in (Incident, PanelSubmission, SeriousCaseReview, Contribution, Action, Publication)
}


def _clock_record(reminder):
    """The record a reminder's clock belongs to, as a bare instance (its kind and pk: no query)."""
    source = source_for(reminder.clock)
    model = CLOCK_RECORDS.get(source.declaration().record) if source else None
    if model is None:
        return None
    record = model(pk=reminder.object_id)
    record.reminded_board_id = reminder.board_id
    return record


def _board_of_reminded(record) -> int:
    return record.reminded_board_id


@require_GET
def notification_list(request):
    """The user's reminders, newest first; unread ones marked."""
    page = Paginator(selectors.notifications_for_user(request.user), PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = []
    for notification in page.object_list:
        reminder = notification.reminder
        source = source_for(reminder.clock)
        regime = regime_by_code(notification.regime) if notification.regime else None
        rows.append(
            {
                "notification": notification,
                "reminder": reminder,
                "deadline": clock_words(reminder.clock, regime),
                "chair": (regime or regime_for(today)).term("chair"),
                "stage": stage_words(reminder.stage),
                "when": when_words(reminder.due_on, today),
                "href": source.url(reminder.link_public_id) if source else "",
            }
        )
    # Each notification names the record its clock belongs to (its reference and deadline): one event each.
    shown = [_clock_record(notification.reminder) for notification in page.object_list]
    access_record_many(request=request, records=[r for r in shown if r is not None], board_of=_board_of_reminded)
    return render(
        request,
        "reminders/notification_list.html",
        {
            "page": page,
            "rows": rows,
            "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "unread": sum(1 for row in rows if row["notification"].read_at is None),
            "schedule": SCHEDULE,
        },
    )


@require_GET
def waiting(request):
    """Everything waiting for the user, and what the records they can see wait on from others."""
    if not (request.user.is_board_user or request.user.is_panel_user):
        raise Http404("Not found")
    today = timezone.localdate()
    queue = queue_for(request.user, today=today)
    access_record_many(request=request, records=[step.record for step in (*queue.mine, *queue.others)])
    return render(request, "reminders/waiting.html", {"queue": queue, "today": today})


@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read")
    return redirect("reminders:list")


def _settings_page(request, form, *, new_feed_url: str = "", status: int = 200):
    feed = selectors.calendar_feed_of(request.user) if request.user.is_board_user else None
    return render(
        request,
        "reminders/settings.html",
        {"form": form, "feed": feed, "new_feed_url": new_feed_url, "can_subscribe": request.user.is_board_user},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def reminder_settings(request):
    """Which reminders the user also gets by email, and their calendar address."""
    if request.method == "POST":
        form = ReminderChoicesForm(request.POST)
        if not form.is_valid():
            return _settings_page(request, form, status=400)
        services.reminder_preference_update(user=request.user, choices=form.choices())
        messages.success(request, "Your reminder choices have been saved")
        return redirect("reminders:settings")
    preference = selectors.preference_for(request.user)
    return _settings_page(request, ReminderChoicesForm(initial=ReminderChoicesForm.initial_for(preference)))


def _board_user_or_404(user) -> None:
    if not user.is_board_user:
        raise Http404("Not found")


@require_POST
def calendar_create(request):
    """A new private calendar address, shown once on this page; any earlier address stops working."""
    _board_user_or_404(request.user)
    token = services.calendar_feed_create(user=request.user)
    url = request.build_absolute_uri(reverse("reminders:calendar", args=[token]))
    preference = selectors.preference_for(request.user)
    return _settings_page(
        request, ReminderChoicesForm(initial=ReminderChoicesForm.initial_for(preference)), new_feed_url=url
    )


@require_POST
def calendar_revoke(request):
    _board_user_or_404(request.user)
    if services.calendar_feed_revoke(user=request.user):
        messages.success(request, "Your calendar address has been turned off. Calendars using it will stop updating.")
    return redirect("reminders:settings")


@login_not_required  # a calendar program cannot sign in: the secret address is the key
@require_GET
def calendar_feed(request, token: str):
    """The deadlines of the address owner's own board, as iCalendar; 404 once revoked."""
    user = selectors.feed_user(token)
    if user is None:
        raise Http404("Not found")
    CalendarFeed.objects.filter(user=user).update(last_fetched_at=timezone.now())
    today = timezone.localdate()
    deadlines = selectors.deadlines_for_user(user, today=today)
    planned = selectors.planned_publications_for_user(user, today=today)
    body = deadlines_calendar(deadlines, now=timezone.now(), planned=planned)
    # One event per case the feed names (by a deadline of it) and per planned publication, for the
    # address's owner: the program that fetched it signs in as nobody.
    shown = [Incident(pk=d.incident_id, board_id=d.board_id) for d in deadlines if d.incident_id]
    shown += [Publication(pk=pk) for pk, *_ in planned]
    access_record_many(request=request, records=shown, user=user, board_of=lambda record: user.board_id)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # A file to a browser (SECURITY row 9); calendar programs that subscribe ignore the header.
    response["Content-Disposition"] = 'attachment; filename="scr-tracker-deadlines.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
