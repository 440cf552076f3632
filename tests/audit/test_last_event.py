"""The date of a record's latest event, which no new event may precede (SPEC §4.0), and the StateLog row
each transition's audit entry points at."""

from datetime import date

import pytest
import time_machine
from django_fsm_log.models import StateLog

from audit.models import CORRECT_DATE, CORRECT_FACT, NOTE, AuditEntry, importing, last_event_on
from tests import workflow

TODAY = date(2015, 7, 15)


def _entry(record, actor, on: date, transition: str = "refer_to_subgroup", corrects=None) -> AuditEntry:
    return AuditEntry.objects.create(
        record=record,
        board=record.board,
        transition=transition,
        from_state=record.state,
        to_state=record.state,
        event_date=on,
        actor=actor,
        actor_role=actor.role,
        corrects=corrects,
    )


@pytest.mark.django_db
def test_inside_an_import_the_latest_event_is_remembered_and_kept_up_to_date(chair_a, django_assert_num_queries):
    with time_machine.travel(TODAY, tick=False):
        incident = workflow.notified(chair_a)
    received = last_event_on(incident)
    assert received == date(2015, 1, 9)
    with importing("history.csv", 2):
        assert last_event_on(incident) == received
        with django_assert_num_queries(0):
            assert last_event_on(incident) == received  # remembered
        latest = _entry(incident, chair_a, date(2015, 2, 2))
        with django_assert_num_queries(0):
            assert last_event_on(incident) == date(2015, 2, 2)  # kept up to date as entries are written
        assert not AuditEntry.objects.for_object(incident).filter(event_date=date(2015, 2, 2)).exists()
        _entry(incident, chair_a, date(2015, 1, 20))
        _entry(incident, chair_a, date(2015, 3, 1), transition=CORRECT_FACT)  # a fact, not an event
        _entry(incident, chair_a, date(2015, 3, 2), transition=NOTE)  # a case note, not an event
        assert last_event_on(incident) == date(2015, 2, 2)
        _entry(incident, chair_a, date(2015, 1, 25), transition=CORRECT_DATE, corrects=latest)
        # A corrected date is read again from the entries: the correction's date holds.
        assert last_event_on(incident) == date(2015, 1, 25)
    # The row's entries are all written when it ends.
    assert AuditEntry.objects.for_object(incident).filter(imported_line=2).count() == 5
    # Each row of an import remembers its own; outside one, every question reads the entries.
    with importing("history.csv", 3), django_assert_num_queries(1):
        assert last_event_on(incident) == date(2015, 1, 25)
    with django_assert_num_queries(1):
        assert last_event_on(incident) == date(2015, 1, 25)


@pytest.mark.django_db
def test_each_transitions_entry_points_at_its_own_state_log(chair_a):
    with time_machine.travel(TODAY, tick=False):
        first = workflow.notified(chair_a)
        second = workflow.notified(chair_a)
        workflow.decide(chair_a, second)
    for incident in (first, second):
        for entry in AuditEntry.objects.for_object(incident).exclude(state_log=None):
            log = StateLog.objects.get(pk=entry.state_log_id)
            assert (int(log.object_id), log.transition) == (incident.pk, entry.transition)
            assert (log.source_state, log.state) == (entry.from_state, entry.to_state)
    assert AuditEntry.objects.for_object(second).filter(transition="record_decision").exclude(state_log=None).exists()
