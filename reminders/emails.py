"""The reminder email: plain GOV.UK style, text and HTML, with the case reference and the
deadline only; everything else is behind sign-in."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from scr_tracker.regimes import regime_for

from .selectors import reminder_regime
from .stages import is_overdue_stage, when_words
from .words import clock_words


def reminder_email(notification) -> EmailMultiAlternatives:
    """One person's email for one reminder (each recipient gets their own: no shared To list)."""
    reminder, user = notification.reminder, notification.recipient
    today = timezone.localdate()
    site = settings.SITE_URL.rstrip("/")
    regime = reminder_regime(reminder)  # the case's own words, as in the calendar feed
    context = {
        "full_name": user.full_name,
        "reference": reminder.reference,
        "deadline": clock_words(reminder.clock, regime),
        "chair": (regime or regime_for(today)).term("chair"),
        "due_on": reminder.due_on,
        "when": when_words(reminder.due_on, today),
        "overdue": is_overdue_stage(reminder.stage) and reminder.due_on < today,
        "as_chair": notification.as_chair,
        "notifications_url": site + reverse("reminders:list"),
        "settings_url": site + reverse("reminders:settings"),
        "service_name": settings.SERVICE_NAME,
    }
    subject = render_to_string("emails/reminder_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("emails/reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"X-SCR-Reminder": f"{reminder.pk}/{notification.pk}"},
    )
    message.attach_alternative(render_to_string("emails/reminder.html", context), "text/html")
    return message
