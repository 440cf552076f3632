from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Django's password backend, loading the user's board and unread notifications with them (every
    page's header shows both)."""

    def get_user(self, user_id):
        from reminders.selectors import with_unread_count  # the header's unread count, in the same query

        user = with_unread_count(get_user_model()._default_manager.select_related("board")).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
