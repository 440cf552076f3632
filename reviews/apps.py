from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Initiation decisions and Serious Case Reviews (SPEC §4.2, §4.3)."""

    name = "reviews"
