#!/usr/bin/env python
"""Time the import of a board's history on PostgreSQL (a benchmark, not a test).

Creates the database named by DATABASE_URL afresh (dropping it first if it is there) through the
`postgres` maintenance database, migrates it, makes a fictional board with an active chair, writes
N fictional rows (`imports.fictional`, both regimes and every final state) as a CSV file, then times
`import_check` (the preview: replay everything, roll it back) and `import_apply` (the one pass that
`manage.py import_cases` runs: replay everything, keep it) and prints rows, seconds and cases per
minute for each. `--profile` imports the same rows once more into a second board under cProfile and
prints the 30 most expensive calls by cumulative time. The database is dropped at the end unless
`--keep`. All data is fictional.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scr_bench .venv/bin/python scripts/benchmark_import.py \
        [--rows 2000] [--seed 2015] [--profile] [--keep]
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from datetime import date
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/scr_bench"


def _maintenance(url: str) -> tuple[psycopg.Connection, str]:
    """A connection to the server's `postgres` database, and the name of the database to benchmark in."""
    params = conninfo_to_dict(url)
    name = params.get("dbname") or ""
    if not name or name == "postgres":
        raise SystemExit("DATABASE_URL must name a database of its own (it is dropped and created again)")
    params["dbname"] = "postgres"
    return psycopg.connect(**params, autocommit=True), name


def database_create(url: str) -> None:
    connection, name = _maintenance(url)
    with connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_drop(url: str) -> None:
    connection, name = _maintenance(url)
    with connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def board_with_chair(code: str):
    from accounts.models import Board, Region, Role, User

    board = Board.objects.create(
        code=code,
        name=f"Benchmarkshire {code} Safeguarding Children Board",
        region=Region.NORTH_EAST,
        active_from=date(2006, 4, 1),
    )
    chair = User.objects.create_user(
        f"chair.{code.lower()}@benchmark.example", role=Role.BOARD_CHAIR, board=board, full_name=f"Chair of {code}"
    )
    return board, chair


def timed(label: str, call, rows: int) -> tuple:
    started = time.perf_counter()
    run = call()
    seconds = time.perf_counter() - started
    cases = run.summary.get("cases", 0)
    print(f"{label:<14} {rows:>6} rows  {seconds:8.1f} s  {cases / seconds * 60:8.0f} cases/minute  ({run.state})")
    return run, seconds


def refused(run) -> str:
    lines = [f"{len(run.problems)} problem(s):"]
    lines += [f"  line {p['line']}, {p['column']}: {p['value']!r}: {p['message']}" for p in run.problems[:20]]
    return "\n".join(lines)


def benchmark(rows: int, seed: int, profile: bool) -> int:
    from django.core.management import call_command
    from django.db import connection

    from imports.fictional import fictional_rows
    from imports.models import ImportState
    from imports.services import import_apply, import_check, import_run_create
    from imports.spreadsheets import csv_bytes

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"Migrated in {time.perf_counter() - started:.1f} s")
    board, chair = board_with_chair("BENCH")
    content = csv_bytes(fictional_rows(rows, board_code=board.code, seed=seed))
    print(
        f"PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} CPU(s); "
        f"{rows} fictional rows, {len(content):,} bytes of CSV"
    )

    def run(state: str, step, code: str, who):
        created = import_run_create(actor=who, board=who.board, file_name=f"{code.lower()}.csv", content=content)
        result = step(actor=who, run_id=created.pk)
        if result.state != state:
            raise SystemExit(refused(result))
        return result

    timed("import_check", lambda: run(ImportState.CHECKED, import_check, board.code, chair), rows)
    timed("import_apply", lambda: run(ImportState.IMPORTED, import_apply, board.code, chair), rows)
    if profile:
        other, other_chair = board_with_chair("BENCHP")
        other_content = csv_bytes(fictional_rows(rows, board_code=other.code, seed=seed))
        created = import_run_create(actor=other_chair, board=other, file_name="benchp.csv", content=other_content)
        profiler = cProfile.Profile()
        profiler.enable()
        result = import_apply(actor=other_chair, run_id=created.pk)
        profiler.disable()
        if result.state != ImportState.IMPORTED:
            raise SystemExit(refused(result))
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print(f"\nimport_apply of {rows} rows under cProfile, top 30 by cumulative time:")
        print(out.getvalue())
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description="Time the import of a board's history on PostgreSQL.")
    parser.add_argument("--rows", type=int, default=2000, help="How many fictional cases (default 2000)")
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--profile", action="store_true", help="Profile one more import_apply (cProfile, top 30)")
    parser.add_argument("--keep", action="store_true", help="Leave the database in place at the end")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The import benchmark runs on PostgreSQL: DATABASE_URL=postgres://...")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scr_tracker.settings.test")
    database_create(url)
    try:
        import django

        django.setup()
        return benchmark(args.rows, args.seed, args.profile)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            database_drop(url)


if __name__ == "__main__":
    sys.exit(main())
