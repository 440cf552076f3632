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
        from scr_tracker.steps import case_steps_register

        from .queues import dashboard_queue, next_steps_of_cases

        # Every dashboard starts with what is waiting for the user, and the case lists say each case's next
        # move (accounts and incidents never import reminders).
        dashboard_section_register(dashboard_queue)
        case_steps_register(next_steps_of_cases)
