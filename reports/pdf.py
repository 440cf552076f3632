"""HTML to PDF with WeasyPrint, fetching nothing but the app's own static files (SECURITY row 15).

WeasyPrint fetches whatever a document points at (`file://`, `http://169.254.169.254/`, an
`@import`, a `<link rel=attachment>` it would embed in the PDF) unless its URL fetcher says no.
`StaticOnlyFetcher` says no to everything except a file of the app's own static assets, named
by its path under STATIC_URL on the app's internal base URL, with a known type and a size cap,
read from the staticfiles finders (or STATIC_ROOT), never following a redirect. `data:` URLs are
refused too: our templates do not use them, and user text never becomes markup (it is escaped),
so refusing them costs nothing and keeps "fetches nothing" simple to check.
"""

import logging
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# The base URL documents are rendered with: `{% static %}` paths resolve against it. `.invalid`
# (RFC 2606) can never be a real host, so nothing resolved against it can reach the network.
BASE_URL = "https://scr-tracker.invalid/"
STATIC_TYPES = {".css", ".png", ".jpg", ".jpeg", ".svg", ".woff", ".woff2", ".ttf", ".otf"}
MAX_STATIC_BYTES = 2 * 1024 * 1024


class ReportTooLarge(Exception):
    """The report's HTML is larger than REPORT_MAX_HTML_BYTES: rendering it would take too much memory."""


class FetchRefused(ValueError):
    """The fetcher will not fetch this URL; WeasyPrint leaves the resource out and carries on."""


class StaticOnlyFetcher(URLFetcher):
    """Serves the app's static files by URL; refuses everything else and remembers what it refused."""

    def __init__(self):
        super().__init__(allowed_protocols=("https",), allow_redirects=False, timeout=1)
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        try:
            path = self.static_file(url)
        except FetchRefused:
            self.refused.append(url)
            logger.warning("PDF rendering: refused to fetch a URL (scheme %s)", urlsplit(url).scheme or "none")
            raise
        self.served.append(url)
        content_type, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type or "application/octet-stream"})

    def static_file(self, url: str) -> Path:
        """The file a URL names among the app's static files, or FetchRefused."""
        parts = urlsplit(url)
        base = urlsplit(BASE_URL)
        static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or parts.query or parts.username:
            raise FetchRefused("Only the app's own static files are fetched")
        path = unquote(parts.path)
        if not path.startswith(static_prefix) or "\\" in path or "\x00" in path:
            raise FetchRefused("Only the app's own static files are fetched")
        relative = posixpath.normpath(path.removeprefix(static_prefix))
        if relative.startswith(("..", "/")) or relative == "." or Path(relative).suffix.lower() not in STATIC_TYPES:
            raise FetchRefused("Not a static file of a type reports use")
        found = finders.find(relative)
        if found is None and settings.STATIC_ROOT:
            candidate = Path(settings.STATIC_ROOT) / relative
            found = str(candidate) if candidate.is_file() else None
        if not found:
            raise FetchRefused("No such static file")
        file = Path(found).resolve()
        roots = [Path(root).resolve() for root in _static_roots()]
        if not any(file.is_relative_to(root) for root in roots) or not file.is_file():
            raise FetchRefused("Outside the static files")
        if file.stat().st_size > MAX_STATIC_BYTES:
            raise FetchRefused("Static file too large for a report")
        return file


def _static_roots() -> list[str]:
    roots = [str(entry[1] if isinstance(entry, tuple | list) else entry) for entry in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(str(settings.STATIC_ROOT))
    # App static folders (admin and the like), as the app-directories finder knows them.
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(str(location))
    return roots


def render_html(template_name: str, context: dict, *, reference: str) -> str:
    """The report's HTML: the template with the running header's reference and when it was made."""
    return render_to_string(
        template_name,
        {**context, "reference": reference, "generated_at": timezone.localtime(), "marking": "OFFICIAL-SENSITIVE"},
    )


def html_to_pdf(html: str, *, url_fetcher: URLFetcher | None = None) -> tuple[bytes, int]:
    """(the PDF's bytes, its number of pages); nothing is fetched but static files, nothing attached.

    WeasyPrint's memory grows with the document, so the document's size is capped before layout
    (a cap on the process's address space would make GLib abort the worker rather than fail).
    """
    if len(html.encode("utf-8")) > settings.REPORT_MAX_HTML_BYTES:
        raise ReportTooLarge(f"{len(html)} characters")
    fetcher = url_fetcher or StaticOnlyFetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher, media_type="print").render()
    return document.write_pdf(attachments=[]), len(document.pages)


def render_pdf(
    template_name: str, context: dict, *, reference: str, url_fetcher: URLFetcher | None = None
) -> tuple[bytes, int]:
    return html_to_pdf(render_html(template_name, context, reference=reference), url_fetcher=url_fetcher)
