from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """Deadline reminders, in-app notifications and iCalendar feeds (SPEC §5)."""

    name = "reminders"

    def ready(self):
        from accounts.backends import user_annotation_register
        from accounts.dashboard import dashboard_section_register

        # The services queue deliveries by task name; registering the tasks here makes the name known in every
        # process (web, management command, worker) without the services importing the tasks.
        from . import tasks  # noqa: F401
        from .selectors import with_unread_count

        # Every page's header shows the unread count: loaded with the user (accounts never imports reminders).
        user_annotation_register(with_unread_count)
        from .queues import dashboard_queue

        # Every dashboard starts with what is waiting for the user (accounts never imports reminders).
        dashboard_section_register(dashboard_queue)
