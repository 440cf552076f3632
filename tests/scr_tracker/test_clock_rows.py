"""Clocks as rows (SPEC §3): the rows hold exactly the clocks the workflow had before they were rows.

`clock_snapshot.json` was written from the clocks computed by the record methods before any
reader read the rows: the demo data's and a fixture's every clock, name, start, due and status,
on a fixed day. The rows, and what the pages read, must stay identical to it.
"""

import json
import os
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from incidents.choices import IncidentState
from scr_tracker.clock_rows import clock_rows_rebuild
from scr_tracker.models import ClockRow
from tests import workflow

from .clock_snapshot import case_clocks

SNAPSHOT = Path(__file__).with_name("clock_snapshot.json")
# A Wednesday in term time; the demo data's dates are relative to it.
DEMO_DAY = date(2015, 11, 4)
# After the fixture's dates, before some of its clocks are due.
FIXTURE_DAY = date(2015, 7, 15)


def _fixture_cases(chair, staff):
    for state in IncidentState.values:
        workflow.case_in(state, chair)
    incident = workflow.notified(chair)
    workflow.decide(chair, incident)
    workflow.reconsidered(chair, incident)
    workflow.proposed(chair)
    publication = workflow.report_sent(chair)
    from publication.services import publication_publish

    publication_publish(
        actor=chair, publication_id=publication.pk, event_date=date(2015, 6, 20), url="https://example.org/report"
    )
    # The panel asks twice for more information; the board answers the first request late.
    from panel.choices import Advice
    from panel.services import submission_provide_information
    from reviews.services import review_stop_clock

    incident = workflow.decide(chair, workflow.notified(chair)).incident
    submission = workflow.submit(chair, incident)
    workflow.advise(submission, Advice.FURTHER_INFORMATION_REQUESTED, on=date(2015, 2, 4))
    submission_provide_information(
        actor=chair, submission_id=submission.pk, event_date=date(2015, 3, 9), information="Fictional reply."
    )
    workflow.advise(submission, Advice.FURTHER_INFORMATION_REQUESTED, on=date(2015, 3, 20))
    # A review whose completion clock is stopped now.
    review = workflow.decide(chair, workflow.notified(chair), decision="initiate_scr").review
    review_stop_clock(actor=chair, review_id=review.pk, event_date=date(2015, 4, 1), reason="inquest")


def _row_clocks(today: date) -> dict[str, list]:
    out: dict[str, list] = {}
    for row in ClockRow.objects.select_related("incident").order_by("incident__reference", "pk"):
        clock = row.state(today)
        out.setdefault(row.incident.reference, []).append(
            [
                clock.name,
                clock.starts_on.isoformat(),
                clock.due.isoformat() if clock.due else None,
                clock.status,
                clock.days_late,
            ]
        )
    return out


def _without_records(snapshot: dict[str, list]) -> dict[str, list]:
    return {ref: sorted(row[1:] for row in rows) for ref, rows in snapshot.items() if rows}


def _check(key: str, today: date) -> None:
    shown = case_clocks(today)
    if os.environ.get("WRITE_CLOCK_SNAPSHOT"):
        stored = json.loads(SNAPSHOT.read_text()) if SNAPSHOT.exists() else {}
        stored[key] = shown
        SNAPSHOT.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n")
    expected = json.loads(SNAPSHOT.read_text())[key]
    assert shown == expected, "a page's clocks differ from the snapshot"
    rows = {ref: sorted(clocks) for ref, clocks in _row_clocks(today).items()}
    assert rows == _without_records(expected), "the rows differ from the clocks the pages had"


@pytest.mark.django_db
def test_demo_data_clocks_are_those_before_rows():
    with time_machine.travel(DEMO_DAY, tick=False):
        call_command("seed_demo")
        _check("demo", DEMO_DAY)
        assert ClockRow.objects.count() > 20


@pytest.mark.django_db
def test_fixture_clocks_are_those_before_rows(chair_a, staff_a):
    with time_machine.travel(FIXTURE_DAY, tick=False):
        _fixture_cases(chair_a, staff_a)
        _check("fixture", FIXTURE_DAY)


@pytest.mark.django_db
def test_rebuilding_the_rows_as_the_migration_does_changes_nothing():
    with time_machine.travel(DEMO_DAY, tick=False):
        call_command("seed_demo")
        before = sorted(
            ClockRow.objects.values_list("incident__reference", "name", "starts_on", "due_on", "ended_on", "stopped")
        )
        ClockRow.objects.all().delete()
        assert clock_rows_rebuild() > 0
        after = sorted(
            ClockRow.objects.values_list("incident__reference", "name", "starts_on", "due_on", "ended_on", "stopped")
        )
    assert after == before


# --- The runner keeps the rows in step with each event -------------------------------------------


def _row(incident, name):
    return ClockRow.objects.get(incident=incident, name=name)


@pytest.mark.django_db
def test_a_refused_event_leaves_the_rows_as_they_were(chair_a):
    from incidents.services import incident_notify
    from scr_tracker.transitions import InvalidInput

    with time_machine.travel(FIXTURE_DAY, tick=False):
        incident = workflow.draft(chair_a)
        before = list(ClockRow.objects.filter(incident=incident).values())
        with pytest.raises(InvalidInput):
            # Before the authority knew of it: refused, so no clock starts or ends.
            incident_notify(
                actor=chair_a, incident_id=incident.pk, event_date=date(2015, 1, 1), ofsted_notified_on=None
            )
        assert list(ClockRow.objects.filter(incident=incident).values()) == before
        assert [row["name"] for row in before] == ["sin_notification"]


@pytest.mark.django_db
def test_a_stop_empties_the_due_date_and_the_resume_moves_it_on(chair_a):
    from reviews.services import review_resume_clock, review_stop_clock

    with time_machine.travel(FIXTURE_DAY, tick=False):
        review = workflow.decide(chair_a, workflow.notified(chair_a), decision="initiate_scr").review
        incident = review.decision.incident
        assert _row(incident, "scr_completion").due_on == date(2015, 8, 2)  # 2 February + 6 months
        review_stop_clock(actor=chair_a, review_id=review.pk, event_date=date(2015, 3, 2), reason="inquest")
        stopped = _row(incident, "scr_completion")
        assert (stopped.stopped, stopped.due_on) == (True, None)
        review_resume_clock(actor=chair_a, review_id=review.pk, event_date=date(2015, 3, 12))
        resumed = _row(incident, "scr_completion")
        assert (resumed.stopped, resumed.due_on) == (False, date(2015, 8, 12))  # ten stopped days


@pytest.mark.django_db
def test_a_withdrawn_case_waits_for_nothing(chair_a):
    from incidents.services import incident_withdraw
    from reminders.sources import due_clocks

    with time_machine.travel(FIXTURE_DAY, tick=False):
        incident = workflow.draft(chair_a)
        assert [d.reference for d in due_clocks(limit=None)] == [incident.reference]
        incident_withdraw(actor=chair_a, incident_id=incident.pk, event_date=FIXTURE_DAY, reason="A duplicate")
        assert _row(incident, "sin_notification").halted
        assert list(due_clocks(limit=None)) == []


@pytest.mark.django_db
def test_a_new_planned_date_moves_the_report_to_panel_clock(chair_a):
    from publication.services import publication_plan

    with time_machine.travel(FIXTURE_DAY, tick=False):
        review = workflow.completed_review(chair_a)
        incident = review.decision.incident
        assert not ClockRow.objects.filter(incident=incident, name="report_to_panel").exists()
        publication_plan(actor=chair_a, publication_id=review.publication.pk, planned_publication_on=date(2015, 9, 1))
        assert _row(incident, "report_to_panel").due_on == date(2015, 8, 25)
        publication_plan(actor=chair_a, publication_id=review.publication.pk, planned_publication_on=date(2015, 9, 30))
        assert _row(incident, "report_to_panel").due_on == date(2015, 9, 23)


# --- Deferred recomputing (an import's rows, SPEC §8 "Import") ------------------------------------


@pytest.mark.django_db
def test_inside_a_deferred_block_a_read_is_what_the_recompute_writes(chair_a):
    """A due date read while the case's rows wait is worked out from the record as it is now; it equals
    the row written when the block ends, and lists lock and read records without recomputing first."""
    from incidents.selectors import incidents_for_user
    from incidents.services import incident_notify
    from reviews.selectors import reviews_for_user
    from scr_tracker.clock_rows import clock_rows_deferred, due_of

    with time_machine.travel(FIXTURE_DAY, tick=False):
        incident = workflow.draft(chair_a)
        review = workflow.decide(chair_a, workflow.notified(chair_a), decision="initiate_scr").review
        with clock_rows_deferred():
            incident_notify(
                actor=chair_a, incident_id=incident.pk, event_date=date(2015, 1, 9), ofsted_notified_on=date(2015, 1, 8)
            )
            # The SIN's receipt starts the decision clock, but its row is not written yet.
            assert not ClockRow.objects.filter(incident=incident, name="initiation_decision").exists()
            read = incidents_for_user(chair_a).get(pk=incident.pk)
            due_inside = due_of(read, "initiation_decision")
            assert due_inside is not None
            assert not ClockRow.objects.filter(incident=incident, name="initiation_decision").exists()
            # A list is not annotated with rows that may be out of date; its records read theirs when asked.
            listed = reviews_for_user(chair_a).get(pk=review.pk)
            assert not any(key.startswith("clock_scr_completion_") for key in listed.__dict__)
            assert due_of(listed, "scr_completion") == date(2015, 8, 2)
        assert _row(incident, "initiation_decision").due_on == due_inside
        # Outside a deferred block a list carries its rows again.
        assert "clock_scr_completion_due_on" in reviews_for_user(chair_a).get(pk=review.pk).__dict__
