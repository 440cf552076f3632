"""Faults, against a real Redis (a throwaway redis-server of the test's own), real Celery workers
and PostgreSQL (SECURITY rows 17-19): two sweeps at once, a worker killed mid-delivery, and the
broker unreachable. Each (reminder, recipient) email must arrive exactly once.

Run with DATABASE_URL pointing at PostgreSQL (`.ci/run` does); on SQLite these skip.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import date
from pathlib import Path
from unittest import mock

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from reminders import services
from reminders.models import EmailStatus, Notification, Reminder
from tests.factories import StaffFactory
from tests.reminders.conftest import at
from tests.reminders.mailbox import sent_messages
from tests.scr_tracker.conftest import free_port, need
from tests.scr_tracker.test_celery_worker import database_url_for_worker
from tests.workflow import draft

ROOT = Path(__file__).resolve().parents[2]
MONDAY = date(2015, 3, 2)

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres_only():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        need("PostgreSQL (set DATABASE_URL): SQLite serialises writers and proves nothing here")


def wait_until(predicate, timeout: float = 60, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class RedisServer:
    """A redis-server of this test's own on a free port, which the test may stop and start."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            need("redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def listening():
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return True
            except OSError:
                return False

        wait_until(listening, 10, "redis-server to listen")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server():
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture
def mailbox(tmp_path) -> Path:
    directory = tmp_path / "mailbox"
    directory.mkdir()
    return directory


def worker_env(redis_url: str, mailbox: Path, tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        DJANGO_SETTINGS_MODULE="scr_tracker.settings.dev",
        DATABASE_URL=database_url_for_worker(tmp_path),
        REDIS_URL=redis_url,
        SCR_VAR_DIR=str(tmp_path),
        EMAIL_BACKEND="tests.reminders.mailbox.MailboxBackend",
        REMINDER_TEST_MAILBOX=str(mailbox),
        PYTHONPATH=str(ROOT),
    )
    return env


@pytest.fixture
def workers(redis_server, mailbox, tmp_path):
    """start(pool=..., **settings) -> a real Celery worker on the test's Redis, with any extra settings
    as environment variables; all are stopped at the end."""
    started = []

    def start(*, pool: str = "solo", concurrency: int = 1, **settings):
        if redis_server.process is None:
            redis_server.start()
        name = f"worker-{uuid.uuid4().hex[:8]}"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "scr_tracker",
                "worker",
                f"--pool={pool}",
                f"--concurrency={concurrency}",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{name}@%h",
            ],
            cwd=ROOT,
            env={**worker_env(redis_server.url, mailbox, tmp_path), **settings},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


@pytest.fixture
def producer(redis_server):
    # Not the current app: the suite's own tasks keep going to its in-memory broker.
    client = Celery("probe", broker=redis_server.url, set_as_current=False)
    yield client
    client.close()


def sweep_on(producer, day: date):
    return producer.send_task("reminders.sweep", kwargs={"on": day.isoformat()})


def pending() -> int:
    return Notification.objects.filter(email_status=EmailStatus.PENDING).count()


def assert_each_notification_emailed_once(mailbox: Path, *, settle: float = 3.0):
    """Every notification's email in the mailbox exactly once, still so after waiting a while."""
    expected = sorted(f"{n.reminder_id}/{n.pk}" for n in Notification.objects.all())
    wait_until(lambda: len(sent_messages(mailbox)) >= len(expected) and pending() == 0, 90, "the emails")
    time.sleep(settle)  # a duplicate would arrive now
    assert sorted(sent_messages(mailbox)) == expected
    assert not Notification.objects.exclude(email_status=EmailStatus.SENT).exists()


@pytest.fixture
def three_sins(staff_a, chair_a):
    """Three draft SINs of board A, due in seven days, each reminding two members of staff."""
    StaffFactory(board=staff_a.board, email="staff.two@test.example", full_name="Second Staff of A")
    with at(MONDAY, hour=6):
        return [draft(staff_a, incident_on=date(2015, 2, 27), la_aware_on=MONDAY) for _ in range(3)]


# --- Two sweeps at once ---------------------------------------------------------------------------


def test_two_sweeps_at_the_same_moment_record_each_reminder_once(three_sins):
    """In-process, two threads released together: the second finds the sweep's lock taken."""
    real_plan = services.reminders_plan

    def slow_plan(today):
        time.sleep(0.5)  # hold the lock long enough for the other sweep to arrive
        return real_plan(today)

    barrier, results, errors = threading.Barrier(2), [], []

    def run():
        try:
            barrier.wait()
            results.append(services.reminders_sweep(today=MONDAY))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    with mock.patch.object(services, "reminders_plan", slow_plan), mock.patch.object(services, "_enqueue"):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert errors == []
    assert sorted(r.locked for r in results) == [False, True]
    assert Reminder.objects.count() == 3
    assert Notification.objects.count() == 6


def test_two_sweeps_on_two_real_workers_email_each_reminder_once(three_sins, workers, producer, mailbox):
    workers()
    workers()
    first, second = sweep_on(producer, MONDAY), sweep_on(producer, MONDAY)
    wait_until(lambda: Reminder.objects.count() == 3 and pending() == 0, 90, "both sweeps and their deliveries")
    assert_each_notification_emailed_once(mailbox)
    assert len(sent_messages(mailbox)) == 6
    assert first.id != second.id


# --- A worker killed mid-delivery --------------------------------------------------------------


def test_a_worker_killed_mid_send_loses_no_email_and_duplicates_none(staff_a, chair_a, workers, producer, mailbox):
    StaffFactory(board=staff_a.board, email="staff.two@test.example", full_name="Second Staff of A")
    with at(MONDAY, hour=6):
        draft(staff_a, incident_on=date(2015, 2, 27), la_aware_on=MONDAY)
    (mailbox / "hold").touch()
    worker = workers(pool="prefork", concurrency=1)
    sweep_on(producer, MONDAY)
    wait_until((mailbox / "holding").exists, 90, "the delivery to reach the mail server")
    child = int((mailbox / "holding").read_text())
    assert child != worker.pid
    os.kill(child, signal.SIGKILL)  # the process sending the email dies mid-send
    time.sleep(1.5)
    assert sent_messages(mailbox) == []
    assert pending() == 2  # the claim died with the process: nothing is marked sent
    (mailbox / "hold").unlink()
    # task_reject_on_worker_lost hands the delivery back to the queue; the new child sends it.
    assert_each_notification_emailed_once(mailbox)
    # The next day's sweep finds nothing new and nothing unsent.
    sweep_on(producer, date(2015, 3, 3))
    time.sleep(3)
    assert len(sent_messages(mailbox)) == 2


# --- The broker unreachable -------------------------------------------------------------------

OFFLINE_SCRIPT = """
import json, sys, time
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.core.management import call_command
from django.test import Client
from accounts.models import User
from tests.conftest import sign_in_with_both_factors

started = time.monotonic()
call_command("send_reminders", "--date", sys.argv[1])
sweep_seconds = time.monotonic() - started
client = sign_in_with_both_factors(Client(), User.objects.get(email="staff.a@test.example"))
pages = {}
for url in ("/", "/notifications/", "/notifications/settings/", "/cases/"):
    started = time.monotonic()
    response = client.get(url)
    pages[url] = [response.status_code, round(time.monotonic() - started, 3)]
print(json.dumps({"sweep_seconds": round(sweep_seconds, 3), "pages": pages}))
"""


def test_with_the_broker_down_pages_work_and_the_next_sweep_catches_up(
    three_sins, redis_server, workers, producer, mailbox, tmp_path
):
    # Redis is not running: the web settings point at a port where nothing listens.
    script = tmp_path / "offline.py"
    script.write_text(OFFLINE_SCRIPT)
    completed = subprocess.run(
        [sys.executable, str(script), MONDAY.isoformat()],
        cwd=ROOT,
        env=worker_env(redis_server.url, mailbox, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    print("broker down:", report)  # the figures, with -s
    assert report["sweep_seconds"] < 15
    assert all(status == 200 for status, _ in report["pages"].values()), report
    assert all(seconds < 5 for _, seconds in report["pages"].values()), report
    assert "Broker unreachable" in completed.stderr
    # Recorded and in the app, but not emailed.
    assert Reminder.objects.count() == 3
    assert pending() == 6
    assert sent_messages(mailbox) == []

    # The broker comes back; the next sweep (the same day, run again) sends what was left.
    redis_server.start()
    workers()
    sweep_on(producer, MONDAY)
    assert_each_notification_emailed_once(mailbox)
    assert Reminder.objects.count() == 3
