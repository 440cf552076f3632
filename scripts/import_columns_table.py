#!/usr/bin/env python
"""Print the import's column table (docs/import.md) from `imports.columns.COLUMNS`, so the documented
layout is the one the import reads. `--write` puts it in docs/import.md between its marker comments;
tests/imports/test_docs.py fails when the two differ.

    .venv/bin/python scripts/import_columns_table.py [--write]
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "import.md"
BEGIN = "<!-- columns: written by scripts/import_columns_table.py, do not edit by hand -->"
END = "<!-- end of columns -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _allowed(column) -> str:
    from imports.columns import CHOICES, DATE, INT

    if column.kind == DATE:
        return "`YYYY-MM-DD` or `DD/MM/YYYY`"
    if column.kind == INT:
        return "digits only"
    labels = dict(column.choices.choices) if column.choices else {}
    shown = []
    for value in column.allowed:
        label = str(labels.get(value, ""))
        same = label.replace(" ", "_").lower() == str(value).lower()
        shown.append(f"`{value}`" if not label or same else f"`{value}` “{label}”")
    return ("any of, with `;` between: " if column.kind == CHOICES else "") + ", ".join(shown)


def columns_table() -> str:
    """The markdown table of every column, in the file's order."""
    from imports.columns import COLUMNS

    lines = [
        "| Column | Required | Kind | What it holds | Allowed values |",
        "|---|---|---|---|---|",
    ]
    for column in COLUMNS:
        cells = (f"`{column.name}`", "yes" if column.required else "", column.kind, column.words, _allowed(column))
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def documented_table(text: str) -> str:
    """The table as docs/import.md has it, between the markers."""
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[start:end].strip("\n") + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description="Print the import's column table from imports.columns.")
    parser.add_argument("--write", action="store_true", help=f"Replace the table in {DOC.relative_to(ROOT)}")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scr_tracker.settings.dev")
    import django

    django.setup()
    table = columns_table()
    if not args.write:
        sys.stdout.write(table)
        return 0
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    DOC.write_text(f"{text[:start]}\n{table}{text[end:]}", encoding="utf-8")
    print(f"Wrote the table of {table.count(chr(10)) - 2} columns to {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
