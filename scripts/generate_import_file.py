#!/usr/bin/env python
"""Write a fictional import file (docs/import.md): a board's history in both regimes and every final
state, for trying the import, its tests and the benchmark. Nothing in it is about a real child.

    .venv/bin/python scripts/generate_import_file.py --rows 2000 --board NFD --format csv --out var/history.csv
    .venv/bin/python manage.py import_cases var/history.csv --board NFD --dry-run
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scr_tracker.settings.dev")

import django

django.setup()

from imports.fictional import fictional_rows  # noqa: E402
from imports.spreadsheets import csv_bytes, xlsx_bytes  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2000, help="How many cases (default 2000)")
    parser.add_argument("--board", default="", help="The board's code for the 'board' column (default: empty)")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="csv (default) or xlsx")
    parser.add_argument("--out", required=True, help="The file to write")
    parser.add_argument("--seed", type=int, default=2015, help="The same seed writes the same file (default 2015)")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    rows = fictional_rows(args.rows, board_code=args.board.upper(), seed=args.seed)
    content = csv_bytes(rows) if args.format == "csv" else xlsx_bytes(rows)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    print(f"Wrote {len(rows)} fictional rows to {out} ({len(content):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
