"""Request-wide rules for signed-in sessions: two factors, session limits, no caching."""

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control

SIGNED_IN_AT = "signed_in_at"


class SessionLimitsMiddleware:
    """End a session 12 hours after sign-in whatever its activity (idle expiry is the session's own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            started = datetime.fromisoformat(signed_in_at) if signed_in_at else None
            if started is None or timezone.now() - started > settings.SESSION_ABSOLUTE_LIMIT:
                logout(request)
                messages.info(request, "For your security you have been signed out. Sign in again to continue.")
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """A session signed in with a password alone reaches nothing: it is ended at once.

    Our own sign-in logs a user in only after their security code; this catches every other
    way in (the admin's own login form, a session made before a device was removed).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            logout(request)
            return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages may hold case details: no browser or proxy may keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            patch_cache_control(response, no_store=True, private=True)
        return response
