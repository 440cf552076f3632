"""Reminders of the two publication clocks: the final report to the panel 7 days before the
planned publication date, and the end of the 12 months a published report stays online."""

from datetime import date

import pytest
from django.urls import reverse
from icalendar import Calendar

from publication.services import publication_plan, publication_publish, publication_send_report
from tests.reminders.conftest import at, received
from tests.workflow import completed_review, report_sent


@pytest.fixture
def awaiting_report(chair_a, staff_a):
    with at(date(2015, 7, 1), hour=6):
        publication = completed_review(chair_a).publication
        # The clock starts when the board plans a date, before the report is sent.
        return publication_plan(actor=staff_a, publication_id=publication.pk, planned_publication_on=date(2015, 7, 20))


def test_report_to_panel_is_due_a_week_before_the_planned_date(awaiting_report, sweep, staff_a, chair_a):
    due = date(2015, 7, 13)
    sweep(date(2015, 7, 3))  # Friday, ten days ahead: nothing yet
    sweep(date(2015, 7, 6))
    sweep(date(2015, 7, 14))
    with at(date(2015, 7, 15), hour=6):
        publication_send_report(actor=chair_a, publication_id=awaiting_report.pk, event_date=date(2015, 7, 15))
    sweep(date(2015, 7, 21))  # a week overdue, but the report has gone: silent
    assert received(staff_a) == [("report_to_panel", "d7", due), ("report_to_panel", "overdue_w1", due)]
    assert received(chair_a) == [("report_to_panel", "overdue_w1", due)]


@pytest.fixture
def published(chair_a):
    with at(date(2015, 7, 1), hour=6):
        publication = report_sent(chair_a)
        return publication_publish(
            actor=chair_a, publication_id=publication.pk, event_date=date(2015, 6, 15), url="https://example.test/scr"
        )


def test_online_period_reminds_the_chair_before_it_ends_and_never_after(published, sweep, chair_a, staff_a):
    due = date(2016, 6, 15)
    for day in (date(2016, 6, 7), date(2016, 6, 8), date(2016, 6, 14), date(2016, 6, 15), date(2016, 6, 16)):
        sweep(day)
    sweep(date(2016, 7, 15))
    assert received(chair_a) == [("online_period", s, due) for s in ("d7", "d1", "d0")]
    assert received(staff_a) == []


def test_feed_shows_the_end_of_the_online_period_until_it_passes(published, client, sign_in, chair_a):
    with at(date(2016, 6, 1), hour=9):
        response = sign_in(chair_a).post(reverse("reminders:calendar_create"))
        start = response.text.index('id="calendar-address">') + len('id="calendar-address">')
        url = response.text[start : response.text.index("</code>", start)]
        (event,) = Calendar.from_ical(client.get(url).content).walk("VEVENT")
    assert event.decoded("DTSTART") == date(2016, 6, 15)
    assert "12 months online" in str(event["SUMMARY"])
    with at(date(2016, 6, 16), hour=9):
        assert Calendar.from_ical(client.get(url).content).walk("VEVENT") == []


def test_the_feed_links_each_event_and_carries_the_planned_publication_date(awaiting_report, client, sign_in, chair_a):
    from django.conf import settings

    with at(date(2015, 7, 2), hour=9):
        response = sign_in(chair_a).post(reverse("reminders:calendar_create"))
        start = response.text.index('id="calendar-address">') + len('id="calendar-address">')
        url = response.text[start : response.text.index("</code>", start)]
        found = {str(e["SUMMARY"]): e for e in Calendar.from_ical(client.get(url).content).walk("VEVENT")}
    page = settings.SITE_URL.rstrip("/") + reverse("publication:publication", args=[awaiting_report.public_id])
    reference = awaiting_report.review.decision.incident.reference
    planned = found[f"{reference}: planned publication of the final report"]
    assert planned.decoded("DTSTART") == date(2015, 7, 20) and str(planned["URL"]) == page
    report = next(e for summary, e in found.items() if "final report to the national panel" in summary.lower())
    assert report.decoded("DTSTART") == date(2015, 7, 13) and str(report["URL"]) == page
    assert all(str(e["URL"]).startswith(settings.SITE_URL) for e in found.values())
