"""PostgreSQL down (SECURITY row 19, issue 18): a clean 503 page and a JSON 503, with Retry-After; no
traceback, no SQL, no partial write; logged once at error level.

Against the test's own throwaway cluster (initdb on a free port in a temporary directory), never the
machine's: the service runs in a subprocess pointed at it (tests/scr_tracker/database_down_probe.py),
which loses the cluster in the middle of a write's transaction."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory

from scr_tracker.errors import RETRY_AFTER_SECONDS, server_error
from tests.scr_tracker.throwaway_postgres import ThrowawayCluster

ROOT = Path(__file__).resolve().parents[2]

# What must never be in the body of an answer: a traceback, SQL, the driver's words.
LEAKS = ("Traceback", "OperationalError", "InterfaceError", "psycopg", "SELECT", "INSERT", "UPDATE", "127.0.0.1")


def probe(phase: str, cluster: ThrowawayCluster, **extra: str) -> dict:
    env = {
        **os.environ,
        **extra,
        "DATABASE_URL": cluster.url,
        "DJANGO_SETTINGS_MODULE": "scr_tracker.settings.test",
        "PROBE_STOP": json.dumps(cluster.stop_command()),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.scr_tracker.database_down_probe", phase],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, f"the probe's {phase} failed:\n{done.stdout}\n{done.stderr}"
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def outage():
    """Migrate the throwaway cluster, lose it in a write, and start it again: the answers and what it holds."""
    cluster = ThrowawayCluster()
    try:
        cluster.create()
        cluster.start()
        report = probe("down", cluster)
        assert not cluster.is_running(), "the probe stopped the cluster in the middle of its write"
        cluster.start()
        report["after"] = probe("check", cluster, PROBE_SESSION=report["session"], PROBE_PAGE=report["page"])
        yield report
    finally:
        cluster.destroy()
        assert not cluster.root.exists()


pytestmark = pytest.mark.postgres


def test_the_write_works_while_the_database_is_up(outage):
    assert outage["control"] == {"status": 302, "state": "notified"}
    assert outage["page_up"] == 200


@pytest.mark.parametrize("name", ["page_get", "page_post"])
def test_a_page_answers_the_services_own_503_page(outage, name):
    answer = outage[name]
    assert answer["status"] == 503
    assert answer["content_type"].startswith("text/html")
    assert answer["retry_after"] == str(RETRY_AFTER_SECONDS)
    assert '<h1 class="govuk-heading-l">Sorry, the service is unavailable</h1>' in answer["body"]
    assert not [leak for leak in LEAKS if leak in answer["body"]]


@pytest.mark.parametrize("name", ["api_get", "api_post"])
def test_the_api_answers_a_json_503(outage, name):
    answer = outage[name]
    assert answer["status"] == 503
    assert answer["content_type"] == "application/json"
    assert answer["retry_after"] == str(RETRY_AFTER_SECONDS)
    assert json.loads(answer["body"]) == {"detail": "The service is unavailable. Try again later."}


@pytest.mark.parametrize("name", ["page_post", "page_get", "api_get", "api_post"])
def test_each_is_logged_once_at_error_level(outage, name):
    (record,) = outage[name]["logged"]
    assert (record["level"], record["logger"]) == ("ERROR", "django.request")
    assert record["message"].startswith("Service Unavailable: /")
    assert record["exception"] in {"django.db.utils.OperationalError", "django.db.utils.InterfaceError"}


@pytest.mark.parametrize("name", ["page_post", "page_get", "api_get", "api_post"])
def test_the_session_is_neither_saved_nor_ended(outage, name):
    assert outage[name]["cookies_set"] == []


def test_the_same_session_reads_the_page_once_the_database_is_back(outage):
    assert outage["after"]["page_again"] == 200


def test_nothing_of_the_lost_write_was_kept(outage):
    """The notification's state log, case row and audit entry were written in its transaction when the
    cluster went: none of them is there once it is back, and nothing else was written after."""
    before, after = outage["before"], dict(outage["after"])
    assert after.pop("page_again") == 200
    assert after == before
    assert (after["cut_state"], after["cut_ofsted_notified_on"]) == ("draft", "None")
    assert (after["cut_state_logs"], after["cut_audit_entries"]) == (0, 0)


def test_any_other_error_is_still_the_500_page(rf: RequestFactory):
    try:
        raise ValueError("not the database")
    except ValueError:
        response = server_error(rf.get("/api/v1/incidents/"))
    assert response.status_code == 500
    assert "Retry-After" not in response
