from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    """Serious incident notifications (SINs) and their state machine (SPEC §4.1)."""

    name = "incidents"

    def ready(self):
        # accounts sits below this app: its dashboard takes the open cases through a registry.
        from accounts.dashboard import dashboard_section_register

        from .dashboard import dashboard_cases

        dashboard_section_register(dashboard_cases)
