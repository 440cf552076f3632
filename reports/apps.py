from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """National statistics, PDF reports and CSV/XLSX exports (SPEC §6, §7)."""

    name = "reports"
