from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """National statistics, PDF reports and CSV/XLSX exports (SPEC §6, §7)."""

    name = "reports"

    def ready(self):
        # The services queue jobs by task name; registering the tasks here makes the name known in every
        # process (web, management command, worker) without the services importing the tasks.
        from . import tasks  # noqa: F401
