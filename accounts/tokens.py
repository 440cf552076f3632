"""Personal API tokens (SPEC §8): made, revoked and checked here; stored as a SHA-256 only.

The secret is `scr_` and 43 URL-safe characters (256 random bits). Its first characters are kept
as a display prefix; the rest of the secret is never stored. A request sends
`Authorization: Token <secret>`; the token is found by the secret's hash (a unique index), so
nothing is compared character by character against a stored secret.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts.models import ApiToken, User
from accounts.signals import api_token_created, api_token_revoked, user_deactivated

KEYWORD = "Token"
SECRET_PREFIX = "scr_"  # noqa: S105 (a label, not a secret)
PREFIX_LENGTH = len(SECRET_PREFIX) + 6
# last_used_at is written at most this often per token, so a busy client costs one UPDATE a minute.
LAST_USED_EVERY = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str, actor: User | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it and its secret, which is never available again."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=secret[:PREFIX_LENGTH], key_hash=hash_secret(secret)
    )
    api_token_created.send(sender=ApiToken, token=token, actor=actor, reason="")
    return token, secret


@transaction.atomic
def token_revoke(token: ApiToken, *, actor: User | None = None, reason: str = "") -> bool:
    """Revoke one token (locked, so two revocations write one entry). False if it already was."""
    token = ApiToken.objects.select_for_update(of=("self",)).select_related("user__board").get(pk=token.pk)
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    api_token_revoked.send(sender=ApiToken, token=token, actor=actor, reason=reason)
    return True


def tokens_revoke_all(user: User, *, actor: User | None = None, reason: str = "") -> int:
    """Revoke every active token of `user`; how many were revoked."""
    return sum(token_revoke(t, actor=actor, reason=reason) for t in ApiToken.objects.active().filter(user=user))


@receiver(user_deactivated, dispatch_uid="accounts.tokens.revoke_on_deactivation")
def _revoke_on_deactivation(sender, user, **kwargs):
    # Inside the transaction that deactivated the account: reactivation does not revive them.
    tokens_revoke_all(user, reason="Account deactivated")


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <secret>`; 401 with `WWW-Authenticate: Token` when it is wrong or missing."""

    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != KEYWORD.lower().encode():
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        try:
            secret = auth[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid token header.") from None
        digest = hash_secret(secret)
        token = ApiToken.objects.select_related("user").filter(key_hash=digest, revoked_at__isnull=True).first()
        if token is None or not hmac.compare_digest(token.key_hash, digest) or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid token.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request):
        return KEYWORD


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The schema's security scheme for personal tokens."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A personal API token, sent as "Token <secret>".',
        }
