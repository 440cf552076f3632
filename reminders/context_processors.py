from .selectors import unread_count


def notifications(request) -> dict:
    """The header's unread count. The sign-in backend loads it with the user (no query of its own);
    a user loaded another way costs one count query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = getattr(user, "unread_notifications", None)
    return {"unread_notifications": unread_count(user) if count is None else count}
