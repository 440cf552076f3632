from django.apps import AppConfig


class PanelConfig(AppConfig):
    """The national panel: submissions, meetings, advice and boards' responses (SPEC §4.4)."""

    name = "panel"

    def ready(self):
        # A decision not to initiate opens its submission: reviews sits below this app and never imports it.
        from reviews.services import DECISION_NOT_TO_INITIATE, follow_on_register

        from .services import submission_open_for_decision

        follow_on_register(DECISION_NOT_TO_INITIATE, submission_open_for_decision)
