"""Production: refuses to start without SECRET_KEY; HTTPS-only cookies, HSTS, manifest statics."""

from scr_tracker.env import env_bool, env_int, env_list, env_required, env_str

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_required("SECRET_KEY")
# Production never falls back to the embedded defaults (SQLite files, in-process cache) or to
# localhost-only hosts: each of these must be configured.
env_required("DATABASE_URL")
env_required("REDIS_URL")
env_required("ALLOWED_HOSTS")

# Passkeys (decision 0034): the relying party is the site's own host name, WEBAUTHN_RP_ID or else the
# first ALLOWED_HOSTS entry, and the only origin is its https:// address unless WEBAUTHN_ORIGINS names others.
OTP_WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID", ALLOWED_HOSTS[0].lstrip("."))
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ORIGINS", [f"https://{OTP_WEBAUTHN_RP_ID}"])

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# The TLS-terminating proxy in front of gunicorn sets this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
