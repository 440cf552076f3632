"""The Celery wiring, proved by a real worker process taking a task from a real Redis."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings

from scr_tracker.celery import app
from scr_tracker.tasks import health_check

ROOT = Path(__file__).resolve().parents[2]


def database_url_for_worker(tmp_path) -> str:
    """Point the worker at the same kind of database the suite uses."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.postgresql":
        return f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return ""  # SQLite: the worker uses its own file under SCR_VAR_DIR


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_health_check_runs_on_a_real_worker(redis_url, tmp_path):
    queue = f"health-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        DJANGO_SETTINGS_MODULE="scr_tracker.settings.dev",
        REDIS_URL=redis_url,
        SCR_VAR_DIR=str(tmp_path),
    )
    database_url = database_url_for_worker(tmp_path)
    if database_url:
        env["DATABASE_URL"] = database_url
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "scr_tracker",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # A client of its own, as any producer would be: the test settings' broker is in memory.
    client = Celery("probe", broker=redis_url, backend=redis_url, set_as_current=False)
    try:
        result = client.send_task("scr_tracker.health_check", queue=queue)
        outcome = result.get(timeout=60)
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
        client.close()
    assert outcome["database"] == "ok", output
    assert outcome["worker"]
    assert "scr_tracker.health_check" in output
    assert "succeeded" in output


def test_task_is_registered_and_configured_for_safe_redelivery():
    assert "scr_tracker.health_check" in app.tasks
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.timezone == "Europe/London"


@pytest.mark.django_db
def test_health_check_reaches_the_database():
    assert health_check.apply().get()["database"] == "ok"
