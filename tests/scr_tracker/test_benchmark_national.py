"""scripts/benchmark_national.py runs end to end at --scale small (issue 19): it builds the data on a throwaway
PostgreSQL database of its own, serves it with gunicorn, signs in with both factors and measures every page and
single run of the table with wrk. It checks that every measurement ran, not that budgets are met (a benchmark)."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests.scr_tracker.conftest import need

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")

PAGES = (
    "sign-in page (floor, before)",
    "chair dashboard (large board B001)",
    "case list",
    "case list with a filter",
    "search (case list, a pseudonym's words)",
    "case page",
    "review page",
    "action plan",
    "statistics page (secretariat)",
    "statistics API, one year (secretariat)",
    "API incidents list as the panel",
    "panel dashboard",
    "secretariat dashboard",
    "submissions list (secretariat)",
    "CSV export of the case list (large board)",
    "CSV export of the action plan (large board)",
    "sign-in page (floor, after)",
)
SINGLES = (
    "statistics API, one year (single request)",
    "CSV export of the case list (single request)",
    "CSV export of the action plan (single request)",
    "chronology PDF (render_report)",
    "board annual report PDF (render_report)",
    "reminder sweep over the running clocks",
)


def database_exists(url: str, name: str) -> bool:
    params = conninfo_to_dict(url)
    params["dbname"] = "postgres"
    with psycopg.connect(make_conninfo(**params), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def test_the_small_benchmark_measures_every_row_and_drops_its_database():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        need("PostgreSQL (set DATABASE_URL)")
    if shutil.which("wrk") is None:
        need("wrk (scripts/install-system-packages.sh test)")
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    answer = subprocess.run(
        [PY, "scripts/benchmark_national.py", "--scale", "small", "--duration", "1s", "--check"],
        cwd=ROOT,
        env={**env, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    out = answer.stdout
    assert answer.returncode == 0, out[-3000:] + answer.stderr[-3000:]
    table = out[out.index("| page or API") :]
    for label in PAGES:
        line = next((row for row in table.splitlines() if row.startswith(f"| {label} ")), None)
        assert line is not None, f"no row for {label}"
        # req/s, p50 and p95 are figures, not the dash of a measurement that did not run.
        assert re.match(rf"\| {re.escape(label)}[^|]* \| [\d.]+ \| \d+ ms \| \d+ ms \|", line), line
    for label in SINGLES:
        line = next((row for row in table.splitlines() if row.startswith(f"| {label} ")), None)
        assert line is not None, f"no row for {label}"
        assert re.match(rf"\| {re.escape(label)} \| [\d.]+ s", line), line
        verdict = line.split("|")[4].strip()
        assert verdict in ("met", "not met") or verdict.startswith("not judged: "), line
    assert "did not run" not in out
    name = re.search(r"^Database (scr_bench_[0-9a-f]+);", out, re.MULTILINE).group(1)
    assert not database_exists(url, name)  # its own database is dropped at the end
