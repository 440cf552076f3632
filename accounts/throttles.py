"""Limits on repeated requests: password resets per address and per client IP, the API per token.

The client IP is the one django-axes locks sign-in on (django-ipware with the settings'
TRUSTED_PROXY_COUNT), so every limit agrees on who the client is.
"""

import hashlib

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

RESET_LIMIT_MESSAGE = "Too many requests to reset a password. Wait an hour, then try again."


def client_ip(request) -> str:
    return get_client_ip_address(request) or ""


def _key(kind: str, value: str) -> str:
    # Hashed: the cache holds no email address or IP address in clear.
    return f"reset-limit:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def reset_request_allowed(request, email: str) -> bool:
    """Count one password-reset request for this address and this client IP, unless either has
    reached its hourly limit (then nothing is counted and the request is refused). The address
    counts whether or not it has an account, so the answer tells nothing about accounts."""
    window = int(settings.PASSWORD_RESET_LIMIT_WINDOW.total_seconds())
    counters = [
        (_key("address", email.strip().lower()), settings.PASSWORD_RESET_LIMIT_PER_ADDRESS),
        (_key("ip", client_ip(request)), settings.PASSWORD_RESET_LIMIT_PER_IP),
    ]
    counts = cache.get_many([key for key, _ in counters])
    if any(counts.get(key, 0) >= limit for key, limit in counters):
        return False
    for key, _ in counters:
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr: start a new window
            cache.set(key, 1, timeout=window)
    return True


class TokenRateThrottle(SimpleRateThrottle):
    """settings.API_RATE requests for each API token; a session counts as its user's own.
    Unauthenticated requests are refused before throttling, so they are not counted here."""

    scope = "token"

    def get_rate(self):
        # Read when the throttle is made (each request), not when DRF's settings were loaded.
        return settings.API_RATE

    def get_cache_key(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return None
        token_pk = getattr(request.auth, "pk", None)
        ident = f"token-{token_pk}" if token_pk is not None else f"user-{user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
