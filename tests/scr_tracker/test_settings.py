"""Configuration from the environment; production refuses to start unsafely."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scr_tracker.env import ConfigurationError, env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env_overrides=None, drop=()):
    drop = (*drop, "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_overrides or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "scr_tracker.settings.prod",
    "SECRET_KEY": "a-long-random-production-like-secret-key-0123456789-abcdefghijklmnop",
    "DATABASE_URL": "postgres://scr@db.invalid:5432/scr_tracker",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "ALLOWED_HOSTS": "scr-tracker.invalid",
}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_required_settings(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run_manage("check", env_overrides=env, drop=(missing, f"{missing}_FILE"))
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_starts_with_them():
    assert run_manage("check", env_overrides=PRODUCTION).returncode == 0


def test_production_passes_the_deployment_checklist_with_no_warnings(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("a-long-random-production-like-secret-key-0123456789-abcdefghijklmnop\n")
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={**PRODUCTION, "SECRET_KEY": "", "SECRET_KEY_FILE": str(key_file)},
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


PASSKEY_SETTINGS = (
    "from django.conf import settings; print(settings.OTP_WEBAUTHN_RP_ID, *settings.OTP_WEBAUTHN_ALLOWED_ORIGINS)"
)


def test_production_passkeys_belong_to_the_first_allowed_host():
    """Decision 0034: the relying party is the site's host name and the only origin its https address."""
    env = {**PRODUCTION, "ALLOWED_HOSTS": "scr.example.org,scr-tracker.invalid"}
    result = run_manage(
        "shell", "--no-imports", "-c", PASSKEY_SETTINGS, env_overrides=env, drop=("WEBAUTHN_RP_ID", "WEBAUTHN_ORIGINS")
    )
    assert result.stdout.split() == ["scr.example.org", "https://scr.example.org"], result.stderr


def test_production_passkey_settings_from_the_environment():
    env = {**PRODUCTION, "WEBAUTHN_RP_ID": "example.org", "WEBAUTHN_ORIGINS": "https://scr.example.org"}
    result = run_manage("shell", "--no-imports", "-c", PASSKEY_SETTINGS, env_overrides=env)
    assert result.stdout.split() == ["example.org", "https://scr.example.org"], result.stderr


def test_production_refuses_a_passkey_origin_without_https():
    env = {**PRODUCTION, "WEBAUTHN_ORIGINS": "http://scr-tracker.invalid"}
    result = run_manage("check", env_overrides=env)
    assert result.returncode != 0
    assert "otp_webauthn.E031" in result.stderr


def test_secret_from_a_file(tmp_path, monkeypatch):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SOMETHING_FILE", str(secret))
    monkeypatch.setenv("SOMETHING", "from-the-environment")
    assert env_str("SOMETHING") == "from-a-file"


def test_unreadable_secret_file_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("SOMETHING_FILE", "/nonexistent/secret")
    with pytest.raises(ConfigurationError, match="SOMETHING_FILE"):
        env_str("SOMETHING")


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("False", False), ("off", False)])
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG") is expected


def test_env_bool_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("FLAG", "perhaps")
    with pytest.raises(ConfigurationError):
        env_bool("FLAG")


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("NUMBER", "25")
    monkeypatch.setenv("HOSTS", " a.example, b.example ,,")
    assert env_int("NUMBER", 1) == 25
    assert env_list("HOSTS") == ["a.example", "b.example"]
    monkeypatch.setenv("NUMBER", "twenty")
    with pytest.raises(ConfigurationError):
        env_int("NUMBER", 1)


def test_database_and_broker_follow_the_environment():
    code = (
        "import django, os; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE']); print(s.CELERY_BROKER_URL); print(s.CACHES['default']['BACKEND'])"
    )
    base = {"DJANGO_SETTINGS_MODULE": "scr_tracker.settings.dev"}
    embedded = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}, **base},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert embedded[0] == "django.db.backends.sqlite3"
    assert embedded[1].startswith("sqla+sqlite:///")
    served = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            **base,
            "DATABASE_URL": "postgres://u:p@db.invalid:5432/scr",
            "REDIS_URL": "redis://cache.invalid:6379/0",
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert served == [
        "django.db.backends.postgresql",
        "redis://cache.invalid:6379/0",
        "django.core.cache.backends.redis.RedisCache",
    ]


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_connection_has_the_query_jit_off():
    """Issue 19: the JIT spent ~0.5 s compiling each case-list plan; every connection turns it off."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the JIT is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
