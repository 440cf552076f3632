"""docs/import.md documents the columns the import reads: its table is the script's, from COLUMNS."""

import importlib.util
from pathlib import Path

from imports.columns import COLUMNS
from imports.replay import NEEDS, PAIRS

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "import.md"


def _script():
    spec = importlib.util.spec_from_file_location("import_columns_table", ROOT / "scripts" / "import_columns_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_documented_table_is_the_scripts_output():
    script = _script()
    assert script.documented_table(DOC.read_text(encoding="utf-8")) == script.columns_table(), (
        "docs/import.md's column table is out of date: run .venv/bin/python scripts/import_columns_table.py --write"
    )


def test_the_table_has_every_column_in_the_files_order():
    rows = [line for line in _script().columns_table().splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == [column.name for column in COLUMNS]
    required = {row.split("`")[1] for row in rows if row.split("|")[2].strip() == "yes"}
    assert required == {column.name for column in COLUMNS if column.required}


def test_the_rules_between_cells_name_every_pair_and_need():
    """The prose section names each column of replay.PAIRS and replay.NEEDS (the rules it describes)."""
    text = DOC.read_text(encoding="utf-8")
    rules = text[text.index("## The rules between cells") : text.index("## Importing the same file again")]
    named = set()
    for pair in (*PAIRS, *((later, earlier) for later, earlier, _ in NEEDS)):
        for name in pair:
            short = name.removeprefix("submission_").removeprefix("proposal_")
            named.add(name if f"`{name}`" in rules else short)
    missing = sorted(name for name in named if f"`{name}`" not in rules)
    assert not missing, f"docs/import.md's rules between cells leave out {missing}"
