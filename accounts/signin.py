"""The two steps of signing in: a password, then a security code (SECURITY row 6).

Between the steps the session holds only who passed the password and when; nobody is
signed in until the code matches. A pending step expires after five minutes.
"""

from base64 import b32encode
from datetime import datetime, timedelta

import segno
from django.contrib.auth import get_user_model, login
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import SIGNED_IN_AT

PENDING_USER = "pending_sign_in_user"
PENDING_BACKEND = "pending_sign_in_backend"
PENDING_AT = "pending_sign_in_at"
PENDING_LIMIT = timedelta(minutes=5)
NEXT = "sign_in_next"  # where to go once signed in (checked again by safe_next when used)


def start_pending_sign_in(request, user) -> None:
    """Remember that this user passed the password step. A new session id guards against fixation."""
    request.session.cycle_key()
    request.session[PENDING_USER] = user.pk
    request.session[PENDING_BACKEND] = user.backend
    request.session[PENDING_AT] = timezone.now().isoformat()


def pending_user(request):
    """The user part-way through signing in, or None if there is none or it has expired."""
    user_id = request.session.get(PENDING_USER)
    started = request.session.get(PENDING_AT)
    if user_id is None or started is None:
        return None
    if timezone.now() - datetime.fromisoformat(started) > PENDING_LIMIT:
        clear_pending(request)
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        user.backend = request.session[PENDING_BACKEND]
    return user


def safe_next(request, candidate: str | None) -> str | None:
    """Where to go after signing in, if it is on this site."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def clear_pending(request) -> None:
    for key in (PENDING_USER, PENDING_BACKEND, PENDING_AT):
        request.session.pop(key, None)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def unconfirmed_device(user) -> TOTPDevice:
    """The device being set up: the same secret on every visit until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def check_code(device: TOTPDevice, code: str) -> tuple[bool, str | None]:
    """Verify a code, honouring django-otp's throttling. A code is accepted once only."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return False, "Too many incorrect codes. Wait a minute, then enter the newest code from your app."
    if device.verify_token(code):
        return True, None
    return False, "The security code is not correct. Enter the newest code from your app."


def complete_sign_in(request, user, device) -> None:
    """Both factors passed (a TOTP device or a passkey): sign in with a fresh session id and start the 12-hour limit."""
    clear_pending(request)
    login(request, user)
    otp_login(request, device)
    request.session[SIGNED_IN_AT] = timezone.now().isoformat()


def device_secret(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app (base32, in groups of four)."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def device_qr_svg(device: TOTPDevice) -> str:
    """An inline SVG QR code of the otpauth URL (no script, no external request)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR code for your authenticator app")
