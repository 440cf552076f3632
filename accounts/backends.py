from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import QuerySet

# What every page's header needs loaded with the user, from the apps built on this one (the unread notifications
# of reminders): each registers a queryset function from its AppConfig.ready, so this module never imports them.
_user_annotations: list[Callable[[QuerySet], QuerySet]] = []


def user_annotation_register(annotate: Callable[[QuerySet], QuerySet]) -> None:
    """Load every signed-in user through `annotate(queryset)` too, in the same query."""
    if annotate not in _user_annotations:
        _user_annotations.append(annotate)


class EmailBackend(ModelBackend):
    """Django's password backend, loading the user's board and unread notifications with them (every
    page's header shows both)."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("board")
        for annotate in _user_annotations:
            users = annotate(users)
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
