from django.apps import AppConfig


class PanelConfig(AppConfig):
    """The national panel: submissions, meetings, advice and boards' responses (SPEC §4.4)."""

    name = "panel"
