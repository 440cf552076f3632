"""No page, words module or form types a duration (SPEC §3, decision 0019).

Statutory durations are written from the regime declarations (`scr_tracker/regimes.py`), and the
RAG and reminder windows from their modules' constants, so correcting a number in one place
corrects every page that says it. This test reads the templates and the string literals of the
modules that hold page words, and fails with file:line for each duration typed there.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

NUMBER = (
    r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|twenty|twenty-one|twenty-eight|thirty|several|a few"
)
UNIT = r"(?:(?:working|calendar|clear)[- ])?(?:day|week|fortnight|month)s?"
# "14 days", "a week", "six months", "5 working days", "12-month", "one year"; not dates such as
# "27 3 2016", nor a child's age ("under 1 year old") or a reporting year ("choose a year").
DURATION = re.compile(
    rf"(?<!under )\b(?:(?:{NUMBER}|an?)[- ]{UNIT}|(?:{NUMBER})[- ]years?)\b(?! old)",
    re.IGNORECASE,
)

# Where page words live. The declarations and the arithmetic that reads them are the one place a
# duration may be written; so is this test.
PYTHON_GLOBS = (
    "*/words.py",
    "*/forms.py",
    "*/views.py",
    "*/emails.py",
    "*/pages.py",
    "*/stages.py",
    "*/services.py",
    "*/api.py",
    "reports/*.py",
)
TEMPLATE_SUFFIXES = (".html", ".txt")


def docstring_nodes(tree: ast.AST) -> set[int]:
    """ids of the docstring constants: they explain code, no page shows them."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def python_hits(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    skip = docstring_nodes(tree)
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            for match in DURATION.finditer(node.value):
                hits.append(f"{path.relative_to(ROOT)}:{node.lineno}: {match.group(0)!r}")
    return hits


def template_hits(path: Path) -> list[str]:
    hits = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        for match in DURATION.finditer(line):
            hits.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)!r}")
    return hits


def python_files() -> list[Path]:
    return sorted({path for pattern in PYTHON_GLOBS for path in ROOT.glob(pattern) if ".venv" not in path.parts})


def template_files() -> list[Path]:
    return sorted(path for path in (ROOT / "templates").rglob("*") if path.suffix in TEMPLATE_SUFFIXES)


def test_the_pattern_matches_durations_and_not_dates():
    durations = ("14 days", "5 working days", "six months", "a week", "once a week", "fourteen days", "12-month")
    for text in (*durations, "one-month clock", "1 year from publication", "a fortnight"):
        assert DURATION.search(text), text
    not_durations = ("For example, 27 3 2016", "27 March 2016", "a weekend", "today", "Monday", "day 3")
    for text in (*not_durations, "a baby under 1 year old", "Under 1 year", "4 years old", "Choose a year"):
        assert not DURATION.search(text), text


def test_the_scan_reads_the_page_words():
    names = {str(path.relative_to(ROOT)) for path in python_files()}
    assert {"incidents/words.py", "incidents/forms.py", "publication/views.py", "reports/exports.py"} <= names
    assert any(path.name == "case_list.html" for path in template_files())


def test_no_duration_literal_in_templates_words_modules_or_forms():
    hits = [hit for path in template_files() for hit in template_hits(path)]
    hits += [hit for path in python_files() for hit in python_hits(path)]
    assert not hits, "Durations typed outside the declarations (render them from the rule):\n" + "\n".join(hits)
