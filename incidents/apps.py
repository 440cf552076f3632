from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    """Serious incident notifications (SINs) and their state machine (SPEC §4.1)."""

    name = "incidents"

    def ready(self):
        # accounts sits below this app: its dashboard and demo take what this app adds through registries.
        from accounts.dashboard import dashboard_section_register
        from accounts.demo import demo_seeder_register

        from .dashboard import dashboard_cases
        from .demo import demo_seed

        dashboard_section_register(dashboard_cases)
        demo_seeder_register(demo_seed)
