from django.apps import AppConfig


class PanelConfig(AppConfig):
    """The national panel: submissions, meetings, advice and boards' responses (SPEC §4.4)."""

    name = "panel"

    def ready(self):
        # The apps below this one never import it: what it adds to them, it registers here.
        from accounts.dashboard import dashboard_section_register
        from accounts.demo import demo_seeder_register
        from reviews.services import DECISION_FOR_PANEL, follow_on_register

        from .dashboard import dashboard_submissions
        from .demo import demo_seed
        from .services import submission_open_for_decision

        follow_on_register(DECISION_FOR_PANEL, submission_open_for_decision)  # as the case's regime opens
        dashboard_section_register(dashboard_submissions)
        demo_seeder_register(demo_seed)
