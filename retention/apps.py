from django.apps import AppConfig


class RetentionConfig(AppConfig):
    """Closed cases anonymised at the end of their retention period (SPEC §9, SECURITY row 13)."""

    name = "retention"

    def ready(self):
        # Beat queues the job by task name: registering the task here makes the name known in every process.
        from . import tasks  # noqa: F401
