"""A regime is data (SPEC §3): a fictional third regime, declared here alone, runs its own clocks.

It is in force after today, with other amounts, one unit changed from days to working days, one
clock removed and one clock ending on another event. A case received under it gets those clocks
on its pages, in the API, in lists, reminders, the calendar feed and a PDF; a `wt2013` case
received before it keeps every clock it had. No workflow code knows of it.
"""

import io
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar
from pypdf import PdfReader

from reminders.sources import due_clocks
from reports.models import JobState, ReportKind
from reports.services import job_create, report_storage
from reports.tasks import render_report
from reviews.choices import DecisionKind
from reviews.services import review_begin_drafting, review_sign_off, review_start
from scr_tracker import regimes
from scr_tracker.clock_rows import clock_rows_rebuild
from scr_tracker.clocks import ClockRule
from scr_tracker.models import ClockRow
from scr_tracker.regimes import WT2013
from tests.api import incident_url, token_client
from tests.workflow import SIGN_OFF_REASON, decide, notified

WT = WT2013.clock


FICTIONAL = replace(
    WT2013,
    code="fictional2027",
    title="A fictional regime (tests only)",
    in_force_from=date(2016, 1, 1),
    decision_due_clock="",
    clocks=(
        # Another amount.
        replace(WT("sin_notification"), rule=ClockRule("sin_notification", "working_days", 3)),
        # `initiation_decision` is not a clock of this regime.
        # Days become working days.
        replace(
            WT("send_to_panel"),
            rule=ClockRule("send_to_panel", "working_days", 10),
            task="Send the decision to the panel within {duration}",
        ),
        WT("information_reply"),
        # Nine months, and the review is complete only once it is published.
        replace(
            WT("scr_completion"),
            rule=ClockRule("scr_completion", "months", 9),
            ends=regimes.Event("publish", "publication.published_on"),
        ),
        WT("agency_contribution"),
        WT("action_due"),
        replace(WT("report_to_panel"), rule=ClockRule("report_to_panel", "days", -10)),
        replace(WT("online_period"), rule=ClockRule("online_period", "months", 24)),
    ),
    # With no decision clock, the decision is expected two months after the SIN was received.
    steps=tuple(
        replace(step, clock="", expected=ClockRule("decision", "months", 2), expected_from="received_on")
        if step.clock == "initiation_decision"
        else step
        for step in WT2013.steps
    ),
)


def at(day: date, hour: int = 12):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Europe/London")), tick=False
    )


def _clocks_of(incident) -> list:
    rows = ClockRow.objects.filter(incident=incident).order_by("name")
    return list(rows.values_list("name", "regime", "starts_on", "due_on", "ended_on", "stopped"))


def _api_clocks(user, incident) -> list:
    response = token_client(user).get(incident_url(incident))
    assert response.status_code == 200
    return response.json()["clocks"]


@pytest.fixture
def cases(chair_a, monkeypatch):
    """A `wt2013` case of November 2015, then the third regime, then a case received under it."""
    with at(date(2015, 11, 20)):
        earlier = notified(
            chair_a,
            received_on=date(2015, 11, 9),
            ofsted_notified_on=date(2015, 11, 6),
            incident_on=date(2015, 11, 2),
            la_aware_on=date(2015, 11, 3),
        )
        decide(chair_a, earlier, decided_on=date(2015, 11, 16))
    with at(date(2016, 2, 15)):
        before = {"rows": _clocks_of(earlier), "api": _api_clocks(chair_a, earlier)}
    monkeypatch.setattr(regimes, "REGIMES", (*regimes.REGIMES, FICTIONAL))
    with at(date(2016, 2, 15)):
        later = notified(
            chair_a,
            received_on=date(2016, 2, 4),
            ofsted_notified_on=date(2016, 2, 4),
            incident_on=date(2016, 2, 1),
            la_aware_on=date(2016, 2, 2),
        )
        decide(chair_a, later, decided_on=date(2016, 2, 8))
        reviewed = notified(
            chair_a,
            received_on=date(2016, 2, 4),
            ofsted_notified_on=date(2016, 2, 4),
            incident_on=date(2016, 2, 1),
            la_aware_on=date(2016, 2, 2),
        )
        review = decide(chair_a, reviewed, decision=DecisionKind.INITIATE_SCR, decided_on=date(2016, 2, 8)).review
        review_start(
            actor=chair_a,
            review_id=review.pk,
            event_date=date(2016, 2, 9),
            methodology="silp",
            lead_reviewer="A. Reviewer (fictional)",
        )
        review_begin_drafting(actor=chair_a, review_id=review.pk, event_date=date(2016, 2, 10))
        review_sign_off(actor=chair_a, review_id=review.pk, event_date=date(2016, 2, 11), reason=SIGN_OFF_REASON)
    return {"earlier": earlier, "before": before, "later": later, "reviewed": reviewed, "review": review}


def test_a_case_received_under_it_has_its_clocks(chair_a, cases):
    later, reviewed = cases["later"], cases["reviewed"]
    later.refresh_from_db()
    assert later.regime == "fictional2027"
    assert _clocks_of(later) == [
        # Ten working days from Monday 8 February: Monday 22 February.
        ("send_to_panel", "fictional2027", date(2016, 2, 8), date(2016, 2, 22), None, False),
        # Three working days from Tuesday 2 February: Friday 5 February; notified on the 4th.
        ("sin_notification", "fictional2027", date(2016, 2, 2), date(2016, 2, 5), date(2016, 2, 4), False),
    ]
    # Nine months from the decision, and signing off does not end it: publication does.
    (completion,) = ClockRow.objects.filter(incident=reviewed, name="scr_completion")
    assert (completion.due_on, completion.ended_on) == (date(2016, 11, 8), None)
    # No publication date planned yet: the report-to-panel clock has not started.
    assert not ClockRow.objects.filter(incident=reviewed, name="report_to_panel").exists()
    with at(date(2016, 2, 15)):
        names = [clock["name"] for clock in _api_clocks(chair_a, later)]
        assert names == ["sin_notification", "send_to_panel"]
        send = _api_clocks(chair_a, later)[1]
        assert (send["due"], send["status"], send["days_remaining"]) == ("2016-02-22", "running", 7)
        review_clock = token_client(chair_a).get(reverse("api:review-detail", args=[cases["review"].public_id]))
        assert review_clock.json()["clocks"][0]["due"] == "2016-11-08"
        assert review_clock.json()["clocks"][0]["status"] == "running"


def test_its_clocks_show_on_pages_lists_reminders_the_feed_and_a_pdf(
    client, sign_in, chair_a, staff_a, cases, django_capture_on_commit_callbacks
):
    later = cases["later"]
    with at(date(2016, 2, 15)):
        sign_in(chair_a)
        page = client.get(reverse("incidents:case", args=[later.public_id])).text
        table = page[page.index('id="clocks"') :]
        table = table[: table.index("</table>")]
        assert "22 Feb 2016" in table and "5 Feb 2016" in table
        assert "Initiation decision" not in table
        # Its words are written from its own rules.
        assert "SIN notification (3 working days from the local authority becoming aware)" in table
        assert "Send to the national panel (10 working days from the decision)" in table
        # The case list's next deadline is the send-to-panel clock of the regime.
        listed = client.get(reverse("incidents:list")).text
        row = listed[listed.index(later.reference) :]
        assert "22 Feb 2016" in row[: row.index("</tr>")]
        # Reminders and the calendar feed.
        due = [(d.clock, d.due) for d in due_clocks(limit=date(2016, 3, 1)) if d.reference == later.reference]
        assert due == [("send_to_panel", date(2016, 2, 22))]
        response = sign_in(staff_a).post(reverse("reminders:calendar_create"))
        start = response.text.index('id="calendar-address">') + len('id="calendar-address">')
        feed = response.text[start : response.text.index("</code>", start)]
        client.logout()
        events = Calendar.from_ical(client.get(feed).content).walk("VEVENT")
        ours = [(e.decoded("DTSTART"), str(e["SUMMARY"])) for e in events if later.reference in str(e["SUMMARY"])]
        assert ours == [
            (date(2016, 2, 22), f"{later.reference}: Send the decision to the panel within 10 working days")
        ]
        # The earlier case's entry keeps its own regime's words.
        earlier = cases["earlier"].reference
        theirs = [str(e["SUMMARY"]) for e in events if earlier in str(e["SUMMARY"])]
        assert theirs == [f"{earlier}: Send the decision not to initiate to the national panel"]
        # The case chronology PDF.
        with django_capture_on_commit_callbacks(execute=False):
            job = job_create(
                user=chair_a, kind=ReportKind.CASE_CHRONOLOGY, parameters={"incident": str(later.public_id)}
            )
        render_report(job.pk)
        job.refresh_from_db()
        assert job.state == JobState.READY, job.error
        with report_storage().open(job.stored_name, "rb") as handle:
            text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
        text = " ".join(text.split())  # table cells wrap
        assert "22 Feb 2016 Running 7 days left" in text and "Initiation decision" not in text
        assert "SIN notification (3 working days from the local authority becoming aware)" in text
        assert text.count("Send to the national panel (10 working days from the decision)") == 1


def test_a_wt2013_case_received_before_it_keeps_every_clock(chair_a, cases):
    earlier = cases["earlier"]
    earlier.refresh_from_db()
    assert earlier.regime == "wt2013"
    with at(date(2016, 2, 15)):
        assert _clocks_of(earlier) == cases["before"]["rows"]
        assert _api_clocks(chair_a, earlier) == cases["before"]["api"]
        # Even when every case's rows are recomputed with the third regime in place.
        clock_rows_rebuild()
        assert _clocks_of(earlier) == cases["before"]["rows"]
        assert _api_clocks(chair_a, earlier) == cases["before"]["api"]
    names = [row[0] for row in cases["before"]["rows"]]
    assert "initiation_decision" in names


def test_a_wt2013_reply_date_cannot_move_when_a_later_regime_exists(chair_a, cases, panel_member, monkeypatch):
    """The panel's default reply date follows the case's regime, not the one in force on the advice date."""
    from panel.choices import Advice
    from tests.workflow import advise, submit

    # The later regime gives five days for a reply.
    quicker = replace(WT("information_reply"), rule=ClockRule("information_reply", "days", 5))
    later = replace(FICTIONAL, clocks=tuple(quicker if c.name == "information_reply" else c for c in FICTIONAL.clocks))
    monkeypatch.setattr(regimes, "REGIMES", (WT2013, later))
    with at(date(2016, 2, 15)):
        submission = submit(chair_a, cases["earlier"], on=date(2016, 2, 1))
        advise(submission, Advice.FURTHER_INFORMATION_REQUESTED, on=date(2016, 2, 5), member=panel_member)
        submission.refresh_from_db()
        # One month from 5 February under wt2013, not five days.
        assert submission.information_due == date(2016, 3, 5)
        (row,) = ClockRow.objects.filter(object_id=submission.pk, name="information_reply")
        assert row.due_on == date(2016, 3, 5)


def test_its_steps_follow_its_declarations(chair_a, cases, monkeypatch):
    """With no decision clock, its declared expected time says when a decision is expected."""
    from reminders.queues import queue_for

    monkeypatch.setattr(regimes, "REGIMES", (*regimes.REGIMES, FICTIONAL))
    with at(date(2016, 2, 15)):
        waiting = notified(
            chair_a,
            received_on=date(2016, 2, 4),
            ofsted_notified_on=date(2016, 2, 4),
            incident_on=date(2016, 2, 1),
            la_aware_on=date(2016, 2, 2),
        )
        steps = [s for s in queue_for(chair_a, today=date(2016, 2, 15)).mine if s.record.pk == waiting.pk]
    assert [(s.action, s.due_words, s.statutory) for s in steps] == [
        ("Decide whether to initiate a Serious Case Review", "Expected by 4 April 2016", False)
    ]
