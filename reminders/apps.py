from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """Deadline reminders, in-app notifications and iCalendar feeds (SPEC §5)."""

    name = "reminders"

    def ready(self):
        # The services queue deliveries by task name; registering the tasks here makes the name known in every
        # process (web, management command, worker) without the services importing the tasks.
        from . import tasks  # noqa: F401
