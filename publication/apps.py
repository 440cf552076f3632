from django.apps import AppConfig


class PublicationConfig(AppConfig):
    """Publication of completed reviews and non-publication proposals (SPEC §4.5)."""

    name = "publication"
