"""A `{# ... #}` comment must close on its own line: Django prints one that spans lines on the page."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
UNCLOSED = re.compile(r"\{#(?!.*#\})")


def test_no_template_comment_spans_lines():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if UNCLOSED.search(line)
    ]
    assert found == [], "use {% comment %} for these: " + ", ".join(found)
