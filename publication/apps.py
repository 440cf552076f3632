from django.apps import AppConfig


class PublicationConfig(AppConfig):
    """Publication of completed reviews and non-publication proposals (SPEC §4.5)."""

    name = "publication"

    def ready(self):
        # The apps below this one never import it: what it adds to them, it registers here.
        from accounts.demo import demo_seeder_register
        from reviews.services import REVIEW_SIGNED_OFF, follow_on_register

        from .demo import demo_seed
        from .services import publication_open_for_review

        follow_on_register(REVIEW_SIGNED_OFF, publication_open_for_review)  # a signed-off review
        demo_seeder_register(demo_seed)
