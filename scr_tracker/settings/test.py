"""Settings for the test suite: DATABASE_URL/REDIS_URL from CI when given, fast hashing."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"  # noqa: S105 - the test suite only
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests never reach a broker unless they start one themselves (see tests/scr_tracker).
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = "cache+memory://"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "progress": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "progress"},
}
# Limits the suite never reaches by accident; their own tests set low ones.
API_RATE = None  # DRF: no rate, no counting
PASSWORD_RESET_LIMIT_PER_ADDRESS = 1000
PASSWORD_RESET_LIMIT_PER_IP = 1000
