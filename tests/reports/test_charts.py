"""The statistics charts: accessible, self-contained SVG and the numbers of the table beside it."""

from datetime import date

import pytest
from defusedxml import ElementTree

from reports.charts import BLUE, Series, bar_chart, bucket_labels, charts_for, quarters
from reports.statistics import national_statistics
from tests.reports.test_statistics import FROM, TO, constructed_period, frozen  # noqa: F401 - fixtures

SVG = "{http://www.w3.org/2000/svg}"


def test_bar_chart_is_accessible_and_self_contained():
    svg = bar_chart(
        slug="example",
        title="Example <chart>",
        description="Two & two",
        categories=['<script>alert("x")</script>', "Second"],
        series=[Series("One", BLUE), Series("Two", "#00703c")],
        values=[[3, 0], [1, 6]],
    )
    root = ElementTree.fromstring(str(svg))  # well-formed XML
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "example-title example-desc"
    assert root.find(f"{SVG}title").text == "Example <chart>"
    assert root.find(f"{SVG}desc").text == "Two & two"
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert texts == ["One", "Two", '<script>alert("x")</script>', "3", "0", "Second", "1", "6"]
    assert "<script" not in svg
    for forbidden in ("style=", "href", "url(", "<image", "<foreignObject"):
        assert forbidden not in svg
    # The largest value has the full bar; a zero has none, only its number.
    widths = sorted(int(rect.get("width")) for rect in root.iter(f"{SVG}rect") if rect.get("height") == "16")
    assert widths == [60, 180, 360]


def test_bar_chart_refuses_values_that_do_not_match():
    with pytest.raises(ValueError, match="one row per category"):
        bar_chart(slug="x", title="x", description="x", categories=["a"], series=[Series("s", BLUE)], values=[])


def test_quarters_of_a_financial_year_and_of_a_part_quarter():
    assert [label for _, label in quarters(FROM, TO)] == [
        "Apr to Jun 2014",
        "Jul to Sep 2014",
        "Oct to Dec 2014",
        "Jan to Mar 2015",
    ]
    assert quarters(date(2014, 12, 31), date(2015, 1, 1)) == [
        (date(2014, 10, 1), "Oct to Dec 2014"),
        (date(2015, 1, 1), "Jan to Mar 2015"),
    ]


def test_bucket_labels():
    assert bucket_labels((30, 60)) == ["0 to 30 days", "31 to 60 days", "More than 60 days"]


def test_charts_of_the_constructed_period(constructed_period, django_assert_num_queries):  # noqa: F811
    statistics = national_statistics(date_from=FROM, date_to=TO)
    with django_assert_num_queries(6):  # three by-quarter counts, three histograms (figures given)
        charts = charts_for(date_from=FROM, date_to=TO, statistics=statistics)
    by_slug = {chart.slug: chart for chart in charts}
    assert list(by_slug) == [
        "sins-and-scrs",
        "sins-by-nature",
        "rapid-reviews",
        "non-initiation-outcomes",
        "non-publication-outcomes",
        "incident-to-decision",
        "decision-to-completion",
        "completion-to-publication",
    ]
    assert by_slug["sins-and-scrs"].rows == [
        ("Apr to Jun 2014", 8, 2),
        ("Jul to Sep 2014", 1, 1),
        ("Oct to Dec 2014", 1, 0),
        ("Jan to Mar 2015", 2, 1),
    ]
    assert by_slug["sins-by-nature"].rows == [("Death", 12), ("Serious harm", 0), ("Other", 0)]
    # Every case of this period is of the 2013/2015 regime: no rapid reviews in any quarter.
    assert [row[1:] for row in by_slug["rapid-reviews"].rows] == [(0, 0)] * 4
    assert by_slug["non-initiation-outcomes"].rows == [
        ("Panel agreed", 1),
        ("SCR initiated after advice", 1),
        ("Awaiting information", 1),
        ("Panel satisfied after explanation", 1),
        ("Advice not accepted", 2),
        ("Pending the board's response", 1),
        ("Pending the panel's view", 1),
    ]
    assert by_slug["incident-to-decision"].rows == [
        ("0 to 30 days", 3),
        ("31 to 60 days", 9),
        ("61 to 90 days", 2),
        ("91 to 180 days", 0),
        ("More than 180 days", 0),
    ]
    assert [count for _, count in by_slug["decision-to-completion"].rows] == [3, 2, 0, 0, 0]  # 1 83 171; 259 360
    assert [count for _, count in by_slug["completion-to-publication"].rows] == [1, 3, 0, 0, 0]  # 19; 37 50 51
    assert by_slug["non-publication-outcomes"].rows == [
        ("Panel agreed not to publish", 1),
        ("Panel agreed anonymous publication", 0),
        ("Panel agreed a summary only", 1),
        ("Panel disagreed; published", 1),
        ("Panel disagreed; not published", 0),
        ("Awaiting information", 0),
        ("Pending the board's response", 0),
    ]
    for chart in charts:
        root = ElementTree.fromstring(str(chart.svg))
        assert root.find(f"{SVG}title").text == chart.title
        assert len(chart.columns) == len(chart.rows[0])


def test_a_long_period_is_charted_by_year(db):
    charts = charts_for(date_from=date(2015, 4, 1), date_to=date(2026, 3, 31))
    assert [row[0] for row in charts[0].rows] == [str(year) for year in range(2015, 2027)]
    assert charts[0].columns[0] == "Year"
