"""Ending a person's access at once when their account is deactivated (SECURITY row 5).

`User.save` calls `access_end` inside the transaction that turns `is_active` off, whatever path
did it. The person's sessions are found through the keys recorded at sign-in (`UserSession`),
their open invitations are withdrawn, and `accounts.signals.user_deactivated` tells the apps
above (API tokens) to end the rest.
"""

from importlib import import_module

from django.conf import settings
from django.utils import timezone

from accounts.models import Invitation, UserSession
from accounts.signals import user_deactivated


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def sessions_end(user, *, keep: str | None = None) -> int:
    """Delete every session this person signed in with (but `keep`, the one in use, if given)."""
    rows = UserSession.objects.filter(user=user)
    if keep:
        rows = rows.exclude(session_key=keep)
    keys = list(rows.values_list("session_key", flat=True))
    store = _session_store()
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def access_end(user) -> None:
    """The account was just deactivated: end its sessions and invitations, then tell the apps above."""
    sessions_end(user)
    Invitation.objects.filter(user=user).open_at(timezone.now()).update(revoked_at=timezone.now())
    user_deactivated.send(sender=type(user), user=user)


def session_record(sender, request, user, **kwargs) -> None:
    """`user_logged_in`: remember the session key, so deactivation can end this session."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    UserSession.objects.update_or_create(session_key=session.session_key, defaults={"user": user})


def session_forget(sender, request, user, **kwargs) -> None:
    """`user_logged_out`: the session is flushed; its key is no longer worth keeping."""
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()
