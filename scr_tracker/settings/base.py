"""Settings shared by every environment. Environment-specific files import * from here."""

import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from scr_tracker.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Local state for the embedded defaults (SQLite database, Celery broker file, uploads).
VAR_DIR = Path(env_str("SCR_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_forms_gds",
    "simple_history",
    "django_fsm_log",
    "pgtrigger",
    "rest_framework",
    "drf_spectacular",
    "accounts",
    "audit",
    "incidents",
    "reviews",
    "panel",
    "publication",
    "reminders",
    "reports",
    "imports",
    "retention",
    "scr_tracker",
]

MIDDLEWARE = [
    "audit.middleware.RequestIdMiddleware",
    # Outside every other: it sees each 403 and 404, the user included (set further in).
    "audit.middleware.AccessRefusalMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Right inside the sessions: a lost database's 503 does not read the session again (decision 0029).
    "scr_tracker.errors.DatabaseLostMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last: it turns a lockout signal into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "scr_tracker.urls"
WSGI_APPLICATION = "scr_tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.service",
                "reminders.context_processors.notifications",
            ],
        },
    },
]

# --- Database: PostgreSQL in production and CI, a SQLite file when DATABASE_URL is unset.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's query JIT compiles every plan it estimates as expensive, and our case lists'
        # plans are estimated so: compiling costs about half a second a query and saves nothing on
        # queries that run in milliseconds (issue 19's measurements; decision 0025).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "scr_tracker.sqlite3",
            # Wait for the other writer (web or worker) instead of failing at once.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- django-fsm-log: its simple storage, except that an import's row writes its StateLog rows together.
DJANGO_FSM_LOG_STORAGE_METHOD = "scr_tracker.transitions.StateLogStorage"

# --- Redis: Celery broker and cache when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL")

if not DATABASE_URL or not REDIS_URL:
    # The embedded defaults keep their SQLite files here; a fresh clone has no var/ yet.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "scr",
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# An import's progress: written by the worker inside the import's transaction (where the database would
# not show it), read by the page, so it lives outside the database and is shared by the web and worker
# processes: Redis, or files under VAR_DIR for the embedded default.
CACHES["progress"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "scr-progress"}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "progress-cache"),
    }
)

# --- Celery: Redis when REDIS_URL is set, else kombu's SQLAlchemy transport on a SQLite file,
# so `make run` needs no server at all.
CELERY_BROKER_URL = REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
CELERY_RESULT_BACKEND = REDIS_URL or f"db+sqlite:///{VAR_DIR / 'celery-results.sqlite3'}"
# Apps' tasks modules are autodiscovered; the service-wide ones are named here.
CELERY_IMPORTS = ["scr_tracker.tasks"]
CELERY_TIMEZONE = "Europe/London"
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged only once it has finished, and a worker that dies mid-task hands it
# back to the queue: tasks are written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Pages must not hang when the broker is down: give up quickly and let the sweep catch up.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The reminder sweep runs daily at REMINDER_TIME, London time (Celery's timezone above), so it
# keeps to the hour across both clock changes; a missed run is caught up when beat starts again
# (its schedule file records the last run), and the sweep itself scans for due-and-unsent.
REMINDER_TIME = env_str("REMINDER_TIME", "07:00")
if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", REMINDER_TIME):
    raise ImproperlyConfigured(f"REMINDER_TIME must be HH:MM (24-hour London time), not {REMINDER_TIME!r}")
_reminder_hour, _reminder_minute = REMINDER_TIME.split(":")
CELERY_BEAT_SCHEDULE: dict = {
    "reminders-daily-sweep": {
        "task": "reminders.sweep",
        "schedule": crontab(hour=int(_reminder_hour), minute=int(_reminder_minute)),
    },
}
# PDF reports (reports.tasks.render_report): past the soft limit the job fails with a message;
# the hard limit ends the worker's child whatever WeasyPrint is doing.
REPORT_SOFT_TIME_LIMIT = env_int("REPORT_SOFT_TIME_LIMIT", 120)
REPORT_TIME_LIMIT = env_int("REPORT_TIME_LIMIT", 150)
# WeasyPrint's memory grows with the document: a report's HTML larger than this is refused (a
# board's 53-page annual report with 50 reviews and 450 actions is about 0.2 MB).
REPORT_MAX_HTML_BYTES = env_int("REPORT_MAX_HTML_BYTES", 4 * 1024 * 1024)
# A finished PDF is deleted this many days after it was made (it holds case content); the hourly
# sweep also fails jobs that no worker finished within an hour, so no page waits for ever.
REPORT_KEEP_DAYS = env_int("REPORT_KEEP_DAYS", 7)
CELERY_BEAT_SCHEDULE["reports-hourly-purge"] = {"task": "reports.purge_reports", "schedule": crontab(minute=20)}
# Retention (SPEC §9, decision 0032): a closed case is kept this many whole years after the day it was
# closed, then anonymised by the daily job (free text, pseudonym and documents removed; counts and dates
# kept). It runs at 02:30 London time, away from the reminder sweep; `manage.py anonymise_expired
# --dry-run` lists what it would do.
RETENTION_YEARS = env_int("RETENTION_YEARS", 15)
if RETENTION_YEARS < 1:
    raise ImproperlyConfigured(f"RETENTION_YEARS must be 1 or more, not {RETENTION_YEARS}")
CELERY_BEAT_SCHEDULE["retention-daily-anonymise"] = {
    "task": "retention.anonymise_expired",
    "schedule": crontab(hour=2, minute=30),
}

# --- Authentication
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.EmailBackend",
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "accounts:signed_out"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour

# Sessions: stored in the database so that deactivating a user can end them; 30 minutes idle
# (the expiry moves on with every request), 12 hours at most from sign-in.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_LIMIT = timedelta(hours=12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "scr_session"
CSRF_COOKIE_HTTPONLY = True

# django-axes: five failed sign-ins for one email address from one client IP address, whether or
# not the address has an account (so the response tells nothing), lock that pair for 30 minutes.
# A pair, not either alone: failures for other addresses from the chair's IP, or for the chair's
# address from elsewhere, never lock the chair out where they are.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# The client's IP address (sign-in lockout, password-reset limits), found by django-ipware. With
# TRUSTED_PROXY_COUNT = 0 it is REMOTE_ADDR and X-Forwarded-For is never read: anyone can send one.
# Behind N proxies that each append the address they were reached from to X-Forwarded-For (nginx's
# $proxy_add_x_forwarded_for), the client is the Nth entry from the right: entries to its left are
# whatever the client sent. django-ipware counts the proxies after the client in the header, one
# fewer than the proxies in front of gunicorn (the last one is REMOTE_ADDR), and, not strict, it
# allows the client's own entries on the left.


def client_ip_settings(trusted_proxy_count: int) -> dict:
    """django-axes' django-ipware settings for this many trusted proxies in front of gunicorn."""
    if trusted_proxy_count < 0:
        raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
    if trusted_proxy_count == 0:
        return {"AXES_IPWARE_META_PRECEDENCE_ORDER": ("REMOTE_ADDR",), "AXES_IPWARE_PROXY_COUNT": None}
    return {
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
        "AXES_IPWARE_PROXY_COUNT": trusted_proxy_count - 1,
    }


TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
_client_ip = client_ip_settings(TRUSTED_PROXY_COUNT)
AXES_IPWARE_META_PRECEDENCE_ORDER = _client_ip["AXES_IPWARE_META_PRECEDENCE_ORDER"]
AXES_IPWARE_PROXY_COUNT = _client_ip["AXES_IPWARE_PROXY_COUNT"]
AXES_IPWARE_PROXY_ORDER = "left-most"
IPWARE_STRICT = False

# Password reset: at most this many requests an hour for one email address and from one client IP
# address, counted whether or not the address has an account.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 3)
PASSWORD_RESET_LIMIT_PER_IP = env_int("PASSWORD_RESET_LIMIT_PER_IP", 20)
PASSWORD_RESET_LIMIT_WINDOW = timedelta(hours=1)

# django-otp: TOTP codes, single use (the device remembers the last time step it accepted).
OTP_TOTP_ISSUER = "SCR Tracker"
OTP_TOTP_THROTTLE_FACTOR = 1

# django-otp-webauthn: passkeys as the second factor, beside TOTP (decision 0034). Never passwordless:
# a passkey is checked only after the password step. The relying party ID is the site's host name
# (a passkey works only there and on its subdomains); the origins are the exact scheme://host[:port]
# the browser shows. Outside production both default to the first ALLOWED_HOSTS entry and SITE_URL.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "accounts.passkeys.PasskeyHelper"
OTP_WEBAUTHN_RP_NAME = "SCR Tracker"
OTP_WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID", ALLOWED_HOSTS[0].lstrip(".") if ALLOWED_HOSTS else "localhost")
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ORIGINS", [env_str("SITE_URL", "http://localhost:8000").rstrip("/")])
OTP_WEBAUTHN_TIMEOUT_SECONDS = 120

# --- Email
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SCR Tracker <no-reply@scr-tracker.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation: dates are London dates.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files, served by WhiteNoise (no CDN).
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production, WhiteNoise serves straight from STATICFILES_DIRS (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Uploaded documents (SECURITY row 14): private storage, outside the static files and under no
# URL; they reach a browser only through the permission-checked download view.
PRIVATE_DOCUMENTS_ROOT = Path(env_str("PRIVATE_DOCUMENTS_ROOT", str(VAR_DIR / "private-documents")))
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)
# A board's history imported from a spreadsheet (SPEC §8 "Import"): the file's size and rows.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 5_000)
# The upload page's check and import run on a worker. The hard limit stays under Redis's visibility timeout
# (an hour), so a long import is never handed to a second worker while the first still runs it.
IMPORT_SOFT_TIME_LIMIT = env_int("IMPORT_SOFT_TIME_LIMIT", 50 * 60)
IMPORT_TIME_LIMIT = env_int("IMPORT_TIME_LIMIT", 55 * 60)
# Form fields other than files (the upload view caps the file itself while it arrives).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# An upload larger than this is spooled to a temporary file rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# --- Forms: GOV.UK Design System markup.
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- Security headers. CSP allows no inline script and no framing.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.tokens.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # One API token (or one signed-in user's session) makes at most API_RATE requests; past it,
    # 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttles.TokenRateThrottle"],
}
API_RATE = env_str("API_RATE", "600/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "SCR Tracker API",
    "DESCRIPTION": "Serious Case Review workflow for Local Safeguarding Children Boards and the national panel.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "scr_tracker.api.document_strict_input",
        "scr_tracker.api.document_blank_filters",
    ],
    # One name per choice set that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "DecisionKindEnum": "reviews.choices.DecisionKind",
        # Incidents and submissions both have a `state`: the incidents' keeps its first name.
        "StateEnum": "incidents.choices.IncidentState",
        "SubmissionStateEnum": "panel.choices.SubmissionState",
        "SubmissionKindEnum": "panel.choices.SubmissionKind",
        "BoardResponseEnum": "panel.choices.BoardResponse",
        "PanelViewEnum": "panel.choices.PanelView",
        # Reviews have a `state` too, actions a `status` (as clocks do); contributions and actions
        # name agencies from the incidents' list.
        "ReviewStateEnum": "reviews.choices.ReviewState",
        "ActionStatusEnum": "reviews.choices.ActionStatus",
        "AgencyEnum": "incidents.choices.Agency",
        "StatusEnum": ["not_started", "running", "stopped", "met", "missed"],  # a clock's (SPEC §3)
    },
}

# --- Service
SERVICE_NAME = "SCR Tracker"
SERVICE_PHASE = env_str("SERVICE_PHASE", "Beta")
# Where emails link to (they are sent by the worker, outside any request).
SITE_URL = env_str("SITE_URL", "http://localhost:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request bodies and template context never reach the logs.
        "django.request": {"level": "ERROR"},
        "django.security.DisallowedHost": {"level": "ERROR"},
        # WeasyPrint reports every step of a render at INFO; only its warnings matter.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        # The upload checks' libraries (decision 0012) say at INFO what they open, for each upload.
        "olevba": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
    },
}
