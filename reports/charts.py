"""Charts of the national statistics, drawn on the server as SVG (SPEC §6, §7).

Pure drawing functions (`bar_chart`) take labels and numbers and return markup: a `<title>` and
`<desc>` named by `aria-labelledby`, every value written as text beside its bar, no script, no
styles and no external references (so the page's CSP and WeasyPrint's deny-all fetcher are both
content), colours from the GOV.UK palette. Each `Chart` carries its table too, shown beside the
picture as the text alternative. `charts_for` counts what the charts need in the database: a
fixed handful of grouped and filtered counts, whatever the number of cases (and of whichever regimes).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncQuarter, TruncYear
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Board
from incidents.choices import Nature
from panel.choices import Outcome

from .statistics import (
    NATURES,
    NON_INITIATION_NOT_AGREED,
    NON_PUBLICATION_OUTCOMES,
    Period,
    days_between,
    decisions_in,
    initiations_in,
    national_statistics,
    publications_in,
    rapid_review_met,
    rapid_reviews_of,
    sign_offs_in,
    sins_in,
)

# GOV.UK Design System colours: text, a light rule, and two series colours distinct in lightness.
TEXT = "#0b0c0c"
RULE = "#b1b4b6"
BLUE = "#1d70b8"
GREEN = "#00703c"
PURPLE = "#4c2c92"

WIDTH = 720
LABEL_WIDTH = 260
BAR_AREA = 360
BAR_HEIGHT = 20
GAP = 14
FONT_SIZE = 16
# The app's font (the pages' and the PDFs'), not the SVG default serif.
FONT_FAMILY = "Arial, 'Liberation Sans', Helvetica, sans-serif"
MAX_QUARTERS = 16  # beyond four years a row a quarter is too long to read: a row a year instead

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip


@dataclass(frozen=True)
class Series:
    name: str
    colour: str


@dataclass(frozen=True)
class Chart:
    """One chart: its title, the SVG picture, and the same numbers as a table (`columns`, `rows`)."""

    slug: str
    title: str
    description: str
    svg: SafeString
    columns: tuple[str, ...]
    rows: list[tuple]


# --- Drawing ------------------------------------------------------------------------------------


def _text(x: float, y: float, content: str, *, anchor: str = "start", weight: str = "normal") -> str:
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{FONT_SIZE}" fill="{TEXT}" text-anchor="{anchor}" '
        f'font-weight="{weight}" dominant-baseline="middle">{escape(content)}</text>'
    )


def bar_chart(
    *,
    slug: str,
    title: str,
    description: str,
    categories: list[str],
    series: list[Series],
    values: list[list[int]],
) -> SafeString:
    """Horizontal bars: a group of one bar per series for each category, each bar with its value.

    `values[i][j]` is category i, series j. Bars are scaled to the largest value; a zero is drawn
    as its number alone. A legend names the series when there is more than one.
    """
    if any(len(row) != len(series) for row in values) or len(values) != len(categories):
        raise ValueError("values must be one row per category, one number per series")
    largest = max((value for row in values for value in row), default=0) or 1
    legend_height = (BAR_HEIGHT + GAP) if len(series) > 1 else 0
    group_height = len(series) * BAR_HEIGHT + GAP
    height = legend_height + max(len(categories), 1) * group_height + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" focusable="false" font-family="{FONT_FAMILY}" '
        f'aria-labelledby="{slug}-title {slug}-desc">',
        f'<title id="{slug}-title">{escape(title)}</title>',
        f'<desc id="{slug}-desc">{escape(description)}</desc>',
    ]
    if len(series) > 1:
        x = LABEL_WIDTH
        for one in series:
            parts.append(
                f'<rect x="{x}" y="{GAP // 2}" width="{BAR_HEIGHT}" height="{BAR_HEIGHT}" fill="{one.colour}"/>'
            )
            parts.append(_text(x + BAR_HEIGHT + 6, GAP // 2 + BAR_HEIGHT / 2, one.name))
            x += BAR_HEIGHT + 16 + len(one.name) * 9
    top = legend_height + GAP // 2
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{top}" x2="{LABEL_WIDTH}" y2="{height - GAP // 2}" '
        f'stroke="{RULE}" stroke-width="1"/>'
    )
    for i, (category, row) in enumerate(zip(categories, values, strict=True)):
        y = top + i * group_height
        parts.append(_text(LABEL_WIDTH - 10, y + len(series) * BAR_HEIGHT / 2, category, anchor="end"))
        for j, (one, value) in enumerate(zip(series, row, strict=True)):
            bar_y = y + j * BAR_HEIGHT
            length = round(BAR_AREA * value / largest)
            if length:
                parts.append(
                    f'<rect x="{LABEL_WIDTH}" y="{bar_y + 2}" width="{length}" height="{BAR_HEIGHT - 4}" '
                    f'fill="{one.colour}"/>'
                )
            parts.append(_text(LABEL_WIDTH + length + 6, bar_y + BAR_HEIGHT / 2, str(value), weight="bold"))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


# --- What the charts count ----------------------------------------------------------------------


def quarters(date_from: date, date_to: date) -> list[tuple[date, str]]:
    """The calendar quarters the period touches (which are also the financial year's quarters)."""
    start = date(date_from.year, 3 * ((date_from.month - 1) // 3) + 1, 1)
    found = []
    while start <= date_to:
        end_month = start.month + 2
        found.append((start, f"{MONTHS[start.month - 1][:3]} to {MONTHS[end_month - 1][:3]} {start.year}"))
        start = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    return found


def years(date_from: date, date_to: date) -> list[tuple[date, str]]:
    return [(date(year, 1, 1), str(year)) for year in range(date_from.year, date_to.year + 1)]


def _by(queryset, field: str, trunc) -> dict[date, int]:
    rows = queryset.annotate(bucket=trunc(field)).order_by().values("bucket").annotate(n=Count("pk"))
    # TruncQuarter of a DateField is a date on every backend we run.
    return {row["bucket"]: row["n"] for row in rows}


def _buckets(period: Period):
    """The period's rows: calendar quarters, or years when there would be too many quarters."""
    buckets = quarters(period.date_from, period.date_to)
    if len(buckets) > MAX_QUARTERS:
        return years(period.date_from, period.date_to), TruncYear, "year"
    return buckets, TruncQuarter, "quarter"


def _bars(slug: str, title: str, description: str, rows: list[tuple], series: list[Series], columns: tuple) -> Chart:
    """A bar chart of `rows` (a label, then one value per series), with its table."""
    svg = bar_chart(
        slug=slug,
        title=title,
        description=description,
        categories=[row[0] for row in rows],
        series=series,
        values=[list(row[1:]) for row in rows],
    )
    return Chart(slug=slug, title=title, description=description, svg=svg, columns=columns, rows=rows)


def sins_and_scrs_chart(period: Period) -> Chart:
    buckets, trunc, word = _buckets(period)
    sins = _by(sins_in(period), "ofsted_notified_on", trunc)
    scrs = _by(initiations_in(period), "decided_on", trunc)
    rows = [(label, sins.get(start, 0), scrs.get(start, 0)) for start, label in buckets]
    # Cases of every regime: a local review is a Serious Case Review or a local child safeguarding
    # practice review, whichever the case's regime holds.
    title = f"SINs and local reviews initiated by {word}"
    description = (
        f"Serious incident notifications (by the date they were notified) and local reviews initiated "
        f"(Serious Case Reviews and local child safeguarding practice reviews, by the date of the decision), "
        f"each {word} of the period. "
        f"{sum(row[1] for row in rows)} SINs and {sum(row[2] for row in rows)} local reviews in all."
    )
    return _bars(
        "sins-and-scrs",
        title,
        description,
        rows,
        [Series("SINs", BLUE), Series("Local reviews initiated", PURPLE)],
        (word.capitalize(), "SINs", "Local reviews initiated"),
    )


def sins_by_nature_chart(counts: dict[str, int]) -> Chart:
    """The period's SINs by nature, from the figures (no query of its own)."""
    # The label without its explanation in brackets, which is too long beside a bar.
    rows = [(Nature(nature).label.split(" (")[0], counts[nature]) for nature in NATURES]
    title = "SINs by nature"
    description = f"{sum(counts.values())} serious incident notifications in the period, by what happened to the child."
    return _bars("sins-by-nature", title, description, rows, [Series("SINs", BLUE)], ("Nature", "SINs"))


def rapid_reviews_chart(period: Period) -> Chart:
    """Rapid reviews received by the Panel each quarter (or year), and how many were on time: one query."""
    buckets, trunc, word = _buckets(period)
    counted = (
        rapid_reviews_of(period)
        .annotate(bucket=trunc("first_submitted_on"))
        .order_by()
        .values("bucket")
        .annotate(n=Count("pk"), met=Count("pk", filter=Q(rapid_review_met())))
    )
    by_bucket = {row["bucket"]: (row["n"], row["met"]) for row in counted}
    rows = [(label, *by_bucket.get(start, (0, 0))) for start, label in buckets]
    title = f"Rapid reviews received and on time by {word}"
    description = (
        f"Rapid reviews received by the Child Safeguarding Practice Review Panel (by the date each was first "
        f"sent), and how many of them were on time (the decision recorded and the rapid review sent by its due "
        f"date), each {word} of the period. {sum(row[1] for row in rows)} received, "
        f"{sum(row[2] for row in rows)} on time."
    )
    return _bars(
        "rapid-reviews",
        title,
        description,
        rows,
        [Series("Received", BLUE), Series("On time", GREEN)],
        (word.capitalize(), "Received", "On time"),
    )


def _outcome_chart(*, slug: str, title: str, what: str, counts: dict[str, int]) -> Chart:
    rows = [(Outcome(outcome).label, count) for outcome, count in counts.items()]
    description = f"{sum(counts.values())} {what} considered by the panel in the period, by their outcome now."
    return _bars(slug, title, description, rows, [Series("Cases", GREEN)], ("Outcome", "Cases"))


@dataclass(frozen=True)
class Delay:
    slug: str
    title: str
    what: str
    # Upper bounds (days, inclusive) of each bucket but the last, which is "more than" the last bound.
    bounds: tuple[int, ...]


DELAYS = (
    Delay(
        "incident-to-decision",
        "Days from incident to initiation decision",
        "decisions made in the period",
        (30, 60, 90, 180),
    ),
    Delay(
        "decision-to-completion",
        "Days from initiation to sign-off",
        "reviews signed off in the period",
        (182, 365, 547, 730),
    ),
    Delay(
        "completion-to-publication",
        "Days from sign-off to publication",
        "reports published in the period",
        (30, 90, 180, 365),
    ),
)


def bucket_labels(bounds: tuple[int, ...]) -> list[str]:
    labels, low = [], 0
    for high in bounds:
        labels.append(f"{low} to {high} days")
        low = high + 1
    labels.append(f"More than {bounds[-1]} days")
    return labels


def _histogram(queryset, later: str, earlier: str, bounds: tuple[int, ...]) -> list[int]:
    """How many rows fall in each bucket of days, counted in one query."""
    edges = [timedelta(days=bound) for bound in bounds]
    counts = {}
    low = None
    for i, high in enumerate(edges):
        condition = Q(delay__lte=high) if low is None else Q(delay__gt=low, delay__lte=high)
        counts[f"b{i}"] = Count("pk", filter=condition)
        low = high
    counts[f"b{len(edges)}"] = Count("pk", filter=Q(delay__gt=low))
    result = queryset.annotate(delay=days_between(later, earlier)).aggregate(**counts)
    return [result[f"b{i}"] for i in range(len(edges) + 1)]


def delay_charts(period: Period) -> list[Chart]:
    sources = {
        "incident-to-decision": (decisions_in(period), "decided_on", "incident_on"),
        "decision-to-completion": (sign_offs_in(period), "signed_off_on", "initiated_on"),
        "completion-to-publication": (publications_in(period), "published_on", "review__signed_off_on"),
    }
    charts = []
    for delay in DELAYS:
        queryset, later, earlier = sources[delay.slug]
        counts = _histogram(queryset, later, earlier, delay.bounds)
        labels = bucket_labels(delay.bounds)
        description = f"How many {delay.what} took each number of days: {sum(counts)} in all."
        charts.append(
            Chart(
                slug=delay.slug,
                title=delay.title,
                description=description,
                svg=bar_chart(
                    slug=delay.slug,
                    title=delay.title,
                    description=description,
                    categories=labels,
                    series=[Series("Cases", BLUE)],
                    values=[[count] for count in counts],
                ),
                columns=("Days", "Cases"),
                rows=list(zip(labels, counts, strict=True)),
            )
        )
    return charts


def charts_for(
    *, date_from: date, date_to: date, board: Board | None = None, statistics: dict | None = None
) -> list[Chart]:
    """Every chart of the national statistics for the period (one board's, or all boards').

    Pass `statistics` (from `national_statistics` for the same period and board) to reuse its
    outcome counts; otherwise they are counted again.
    """
    period = Period(date_from, date_to, board)
    if statistics is None:
        statistics = national_statistics(date_from=date_from, date_to=date_to, board=board)
    non_initiation = {Outcome.AGREED.value: statistics["non_initiation_agreed"]}
    non_initiation.update({str(o): statistics["non_initiation_not_agreed"][str(o)] for o in NON_INITIATION_NOT_AGREED})
    non_publication = {str(o): statistics["non_publication_outcomes"][str(o)] for o in NON_PUBLICATION_OUTCOMES}
    return [
        sins_and_scrs_chart(period),
        sins_by_nature_chart(statistics["sins_by_nature"]),
        rapid_reviews_chart(period),
        _outcome_chart(
            slug="non-initiation-outcomes",
            title="Panel advice on decisions not to initiate an SCR",
            what="decisions not to initiate",
            counts=non_initiation,
        ),
        _outcome_chart(
            slug="non-publication-outcomes",
            title="Panel advice on proposals not to publish in full",
            what="proposals not to publish in full",
            counts=non_publication,
        ),
        *delay_charts(period),
    ]
