"""No regime is named outside its declarations (SPEC §3 "Regimes are data", STYLE point 5).

Every `code` in `scr_tracker.regimes.REGIMES` may appear in the project's source (Python and
templates) only in `scr_tracker/regimes.py`: code elsewhere asks the case's regime what it declares,
so adding a regime or correcting one changes no workflow code. Tests, migrations, documentation and
third-party or built files are not the project's source.
"""

import re
from pathlib import Path

from scr_tracker.regimes import REGIMES

ROOT = Path(__file__).resolve().parents[2]
DECLARATIONS = ROOT / "scr_tracker" / "regimes.py"

SOURCE_SUFFIXES = (".py", ".html", ".txt")
# Directories that are not the project's source, wherever they are.
EXCLUDED_NAMES = {".venv", "node_modules", "migrations", "__pycache__", ".git", ".hypothesis"}
# Directories excluded by their path from the root.
EXCLUDED_PATHS = (Path("tests"), Path("docs"), Path("static") / "build")


def code_pattern(codes) -> re.Pattern:
    # Case-insensitive: a declaration's Python name (WT2018) outside its module names the regime too.
    return re.compile(r"\b(?:" + "|".join(re.escape(code) for code in codes) + r")\b", re.IGNORECASE)


def source_files(root: Path = ROOT) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if not path.is_file() or path.suffix not in SOURCE_SUFFIXES:
            continue
        relative = path.relative_to(root)
        if EXCLUDED_NAMES & set(relative.parts):
            continue
        if any(relative.is_relative_to(excluded) for excluded in EXCLUDED_PATHS):
            continue
        found.append(path)
    return sorted(found)


def hits(paths, pattern: re.Pattern, root: Path = ROOT) -> list[str]:
    out = []
    for path in paths:
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            for match in pattern.finditer(line):
                out.append(f"{path.relative_to(root)}:{number}: {match.group(0)!r}")
    return out


def test_every_regime_has_a_code():
    codes = [regime.code for regime in REGIMES]
    assert len(codes) >= 3 and all(codes) and len(set(codes)) == len(codes)


def test_the_scan_reads_the_projects_source_and_nothing_else():
    names = {str(path.relative_to(ROOT)) for path in source_files()}
    assert {"scr_tracker/regimes.py", "incidents/models.py", "panel/services.py", "manage.py"} <= names
    assert any(name.startswith("templates/") and name.endswith(".html") for name in names)
    assert not any(name.startswith(("tests/", "docs/", "static/build/")) for name in names)
    assert not any("/migrations/" in name or name.startswith((".venv/", "node_modules/")) for name in names)


def test_the_declarations_hold_every_code():
    pattern = code_pattern([regime.code for regime in REGIMES])
    found = {match.lower() for match in pattern.findall(DECLARATIONS.read_text())}
    assert found == {regime.code for regime in REGIMES}


def test_the_scan_finds_a_code_typed_elsewhere(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text('if incident.regime == "wt2018":\n    pass\n')
    (tmp_path / "app" / "page.html").write_text("{% if case.regime == 'WT2023' %}x{% endif %}\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text('CODE = "wt2018"\n')
    (tmp_path / "app" / "migrations").mkdir()
    (tmp_path / "app" / "migrations" / "0001_initial.py").write_text('DEFAULT = "wt2013"\n')
    (tmp_path / "app" / "notes.py").write_text("# wt20189 and xwt2018 are other words\n")
    found = hits(source_files(tmp_path), code_pattern(["wt2013", "wt2018", "wt2023"]), tmp_path)
    assert found == ["app/page.html:1: 'WT2023'", "app/views.py:1: 'wt2018'"]


def test_no_regime_code_outside_the_declarations():
    pattern = code_pattern([regime.code for regime in REGIMES])
    found = hits([path for path in source_files() if path != DECLARATIONS], pattern)
    assert not found, "Regime codes outside scr_tracker/regimes.py (ask the case's regime instead):\n" + "\n".join(
        found
    )
