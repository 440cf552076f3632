from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """Deadline reminders, in-app notifications and iCalendar feeds (SPEC §5)."""

    name = "reminders"
