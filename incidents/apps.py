from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    """Serious incident notifications (SINs) and their state machine (SPEC §4.1)."""

    name = "incidents"
