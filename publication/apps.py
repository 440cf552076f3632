from django.apps import AppConfig


class PublicationConfig(AppConfig):
    """Publication of completed reviews and non-publication proposals (SPEC §4.5)."""

    name = "publication"

    def ready(self):
        # A signed-off review opens its publication: reviews sits below this app and never imports it.
        from reviews.services import REVIEW_SIGNED_OFF, follow_on_register

        from .services import publication_open_for_review

        follow_on_register(REVIEW_SIGNED_OFF, publication_open_for_review)
