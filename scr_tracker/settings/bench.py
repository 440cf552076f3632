"""scripts/benchmark_national.py: production's settings served over plain HTTP on 127.0.0.1.

What differs from prod.py, and why: no HTTPS redirect, HSTS or secure-only cookies (wrk speaks HTTP to
127.0.0.1); static files named without a manifest (no collectstatic for a throwaway run); no API rate (20
connections on one session would be refused after 600 requests a minute); emails kept in memory; Celery's
broker in memory, so the reminder sweep queues its deliveries for real without reaching a shared broker or
worker. Everything else (DEBUG off, the middleware, the session in the database saved on every request,
PostgreSQL with the JIT off, the password hasher) is production's.
"""

from scr_tracker.env import env_str

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", "benchmark-only-key-for-a-throwaway-database")
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
API_RATE = None
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = "cache+memory://"
# A run's cache keys apart from any other process on the same Redis.
if REDIS_URL:
    for _cache in CACHES.values():
        if "KEY_PREFIX" in _cache:
            _cache["KEY_PREFIX"] = env_str("SCR_BENCH_CACHE_PREFIX", "scr-bench") + "-" + _cache["KEY_PREFIX"]
