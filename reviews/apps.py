from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Initiation decisions and Serious Case Reviews (SPEC §4.2, §4.3)."""

    name = "reviews"

    def ready(self):
        # accounts sits below this app: its demo takes this app's demo work through a registry.
        from accounts.demo import demo_seeder_register

        from .demo import demo_seed

        demo_seeder_register(demo_seed)
