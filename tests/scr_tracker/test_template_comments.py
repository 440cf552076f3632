"""A `{# ... #}` comment must close on its own line: Django prints one that spans lines on the page."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
UNCLOSED = re.compile(r"\{#(?!.*#\})")
SUFFIXES = (".html", ".txt")  # pages, PDFs and emails (an email's text part prints it as well)


def test_a_comment_that_spans_lines_is_caught():
    assert UNCLOSED.search("{# No timed refresh (WCAG 2.2.1): without JavaScript")
    assert UNCLOSED.search("{# one #} and {# another that goes on")
    assert not UNCLOSED.search("{# closed on its line #}")


def test_no_template_comment_spans_lines():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(p for p in TEMPLATES.rglob("*") if p.suffix in SUFFIXES)
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if UNCLOSED.search(line)
    ]
    assert found == [], "use {% comment %} for these: " + ", ".join(found)
