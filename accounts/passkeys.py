"""Passkeys (WebAuthn, django-otp-webauthn) beside the authenticator app's codes (SECURITY row 6,
decision 0034).

The rule: a panel member, secretariat or administrator who has a passkey signs in with it, and their
authenticator app's codes are accepted only if they chose to keep them as a way in when the passkey is
lost (`User.totp_recovery`). Board users keep their codes; a passkey is optional for them.

The package's ceremony views are used, narrowed: registering needs a fully signed-in user (every page's
rules: sign-in, both factors); authenticating answers only for the person who has just passed the
password step, never passwordless, and ends in our own sign-in (new session id, the 12-hour limit).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from accounts import services, signin
from accounts.models import Role, User
from accounts.signals import sign_in_code_failed

PASSKEY_REQUIRED_ROLES = (Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT, Role.ADMINISTRATOR)
DEFAULT_NAME = "Passkey"
NAME_MAX_LENGTH = 64  # django-otp's Device.name

TOTP_REFUSED = (
    "Security codes from an authenticator app are not accepted for your account because you have a passkey. "
    "Use your passkey to sign in."
)


# --- The rule


def passkeys_of(user: User):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def has_passkey(user: User) -> bool:
    return passkeys_of(user).exists()


def passkey_required(user: User) -> bool:
    """A panel member, secretariat or administrator with a passkey must sign in with it."""
    return user.role in PASSKEY_REQUIRED_ROLES and has_passkey(user)


def may_choose_recovery(user: User) -> bool:
    """Whether the codes-as-recovery choice means anything for this person's role."""
    return user.role in PASSKEY_REQUIRED_ROLES


def totp_accepted(user: User) -> bool:
    """Whether a code from the authenticator app may finish this person's sign-in."""
    return not passkey_required(user) or user.totp_recovery


# --- Changes, each audited in its own transaction (accounts.services._audit)


def _audit(user: User, *, actor: User, transition: str, from_state: str, to_state: str, reason: str) -> None:
    services._audit(
        record=user,
        board=user.board,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        reason=reason,
    )


def clean_name(name: str) -> str:
    return " ".join((name or "").split())[:NAME_MAX_LENGTH]


@transaction.atomic
def passkey_rename(passkey: WebAuthnCredential, *, name: str, actor: User) -> WebAuthnCredential:
    old = passkey.name
    passkey.name = clean_name(name) or DEFAULT_NAME
    passkey.save(update_fields=["name"])
    if old != passkey.name:
        _audit(
            passkey.user,
            actor=actor,
            transition="rename_passkey",
            from_state="",
            to_state="",
            reason=f"Passkey \u201c{old}\u201d renamed \u201c{passkey.name}\u201d",
        )
    return passkey


@transaction.atomic
def passkey_remove(passkey: WebAuthnCredential, *, actor: User) -> None:
    user = passkey.user
    name = passkey.name
    passkey.delete()
    _audit(
        user,
        actor=actor,
        transition="remove_passkey",
        from_state="",
        to_state="",
        reason=f"Passkey \u201c{name}\u201d removed",
    )


@transaction.atomic
def totp_recovery_set(user: User, *, accepted: bool, actor: User) -> bool:
    """Record the person's choice; False when it was already so (nothing written)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.totp_recovery == accepted:
        return False
    user.totp_recovery = accepted
    user.save(update_fields=["totp_recovery"])
    _audit(
        user,
        actor=actor,
        transition="set_totp_recovery",
        from_state="codes accepted" if not accepted else "passkey only",
        to_state="codes accepted" if accepted else "passkey only",
        reason="Security codes kept as a way to sign in without the passkey"
        if accepted
        else "Security codes no longer accepted once a passkey is registered",
    )
    return True


def own_passkey_or_404(user: User, pk: int) -> WebAuthnCredential:
    """One of the signed-in person's passkeys; anyone else's is 404."""
    return get_object_or_404(WebAuthnCredential, pk=pk, user=user, confirmed=True)


# --- The ceremonies


class PasskeyHelper(WebAuthnHelper):
    """The package's helper, with our passkey names and an audit entry for each new passkey."""

    def create_credential(self, user, response, parsed_credential, original_data):
        credential = super().create_credential(user, response, parsed_credential, original_data)
        credential.name = DEFAULT_NAME
        return credential

    def register_complete(self, user, state, data):
        with transaction.atomic():
            credential = super().register_complete(user, state, data)
            _audit(
                user,
                actor=user,
                transition="add_passkey",
                from_state="",
                to_state="",
                reason=f"Passkey \u201c{credential.name}\u201d added",
            )
        return credential


class PasskeyRegistrationBegin(BeginCredentialRegistrationView):
    """For a signed-in person with both factors only: unlike the sign-in ceremony these views are not
    `login_not_required`, so the sign-in and two-factor middleware refuse everyone else before them."""


class PasskeyRegistrationComplete(CompleteCredentialRegistrationView):
    """As `PasskeyRegistrationBegin`; the helper names the new passkey and audits it."""


class _PendingUserMixin:
    """The person part-way through signing in (password passed), never a signed-in one nor nobody."""

    def get_user(self):
        if self.request.user.is_authenticated:
            return None
        return signin.pending_user(self.request)

    def check_can_authenticate(self):
        user = self.get_user()
        if user is None or not has_passkey(user):
            raise exceptions.NotAuthenticated(detail="Sign in with your email address and password first.")


@method_decorator(login_not_required, name="dispatch")
class PasskeyAuthenticationBegin(_PendingUserMixin, BeginCredentialAuthenticationView):
    """The challenge, listing only the pending person's passkeys."""


@method_decorator(login_not_required, name="dispatch")
class PasskeyAuthenticationComplete(_PendingUserMixin, CompleteCredentialAuthenticationView):
    def handle_exception(self, exc):
        # A passkey that failed for the person part-way through signing in is a failed sign-in step,
        # recorded as a wrong code is (audit.SignInFailure); a refusal of anyone else is not a sign-in.
        user = self.get_user()
        if user is not None and has_passkey(user):
            sign_in_code_failed.send(sender=type(user), request=self.request, user=user, passkey=True)
        return super().handle_exception(exc)

    def complete_auth(self, device):
        user = self.get_user()  # the helper has checked that the passkey is this person's
        self._next = signin.safe_next(self.request, self.request.session.pop(signin.NEXT, None))
        signin.complete_sign_in(self.request, user, device)

    def get_success_url(self):
        return self._next or resolve_url(settings.LOGIN_REDIRECT_URL)


def script_config(request) -> dict:
    """What the package's scripts read from the page (a JSON data block, not a script): our URLs."""
    return {
        "autocompleteLoginFieldSelector": None,
        "nextFieldSelector": "input[name='next']",
        "csrfToken": get_token(request),
        "beginAuthenticationUrl": reverse("accounts:passkey_sign_in_begin"),
        "completeAuthenticationUrl": reverse("accounts:passkey_sign_in_complete"),
        "beginRegistrationUrl": reverse("accounts:passkey_register_begin"),
        "completeRegistrationUrl": reverse("accounts:passkey_register_complete"),
    }
