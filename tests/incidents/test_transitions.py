"""Every incident transition from each allowed state, refused from every other, with its audit entry."""

from datetime import date

import pytest
import time_machine
from django.http import Http404

from audit.models import AppendOnlyError, AuditEntry
from incidents.choices import IncidentState
from incidents.models import Incident
from incidents.services import (
    incident_close,
    incident_notify,
    incident_reconsider,
    incident_refer_to_subgroup,
    incident_withdraw,
)
from reviews.choices import DecisionKind
from reviews.models import Decision
from reviews.services import decision_record
from scr_tracker.transitions import InvalidInput, NotAllowedInState, RoleNotPermitted
from tests.workflow import RATIONALE, case_in, settle_submission

TODAY = date(2015, 3, 2)
EVENT = date(2015, 2, 20)  # after every event case_in records, before TODAY


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def run(name, actor, incident, event_date=EVENT):
    """Call the service for transition `name` with a valid payload."""
    common = {"actor": actor, "incident_id": incident.pk, "event_date": event_date}
    if name == "notify":
        return incident_notify(**common, ofsted_notified_on=date(2015, 1, 8))
    if name == "refer_to_subgroup":
        return incident_refer_to_subgroup(**common, comment="Sub-group meets on Thursday")
    if name == "record_decision":
        return decision_record(**common, decision=DecisionKind.INITIATE_SCR, rationale=RATIONALE)
    if name == "reconsider":
        return incident_reconsider(**common, reason="Post-mortem results received")
    if name == "withdraw":
        return incident_withdraw(**common, reason="Duplicate of another notification")
    if name == "close":
        if incident.state == "decided":
            settle_submission(incident, actor if actor.is_chair else incident.created_by)
        return incident_close(**common)
    raise ValueError(name)


# transition → (states it runs from, state it leads to, roles that may run it)
TABLE = {
    "notify": ({"draft"}, "notified", {"board_staff", "board_chair"}),
    "refer_to_subgroup": ({"notified"}, "under_consideration", {"board_staff", "board_chair"}),
    "record_decision": ({"notified", "under_consideration"}, "decided", {"board_chair"}),
    "reconsider": ({"decided"}, "under_consideration", {"board_chair"}),
    "withdraw": ({"draft", "notified", "under_consideration"}, "withdrawn", {"board_chair"}),
    "close": ({"decided"}, "closed", {"board_chair"}),
}
CASES = [(name, state) for name in TABLE for state in IncidentState.values]


@pytest.mark.parametrize(("name", "state"), CASES)
def test_each_transition_from_each_state(chair_a, name, state):
    incident = case_in(state, chair_a)
    sources, target, _ = TABLE[name]
    entries_before = AuditEntry.objects.for_object(incident).count()
    if state in sources:
        run(name, chair_a, incident)
        incident = Incident.objects.get(pk=incident.pk)
        assert incident.state == target
        entry = AuditEntry.objects.for_object(incident).order_by("-pk").first()
        assert (entry.transition, entry.from_state, entry.to_state) == (name, state, target)
        assert (entry.actor, entry.actor_role, entry.event_date) == (chair_a, "board_chair", EVENT)
        assert entry.board == chair_a.board
        assert entry.state_log is not None and entry.state_log.by == chair_a
        assert entry.state_log.transition == name
        assert AuditEntry.objects.for_object(incident).count() == entries_before + 1
    else:
        with pytest.raises(NotAllowedInState) as refused:
            run(name, chair_a, incident)
        assert refused.value.state == state
        assert set(refused.value.allowed_from) == sources
        assert Incident.objects.get(pk=incident.pk).state == state
        assert AuditEntry.objects.for_object(incident).count() == entries_before


@pytest.mark.parametrize("name", [n for n, (_, _, who) in TABLE.items() if "board_staff" not in who])
def test_chair_only_transitions_refuse_staff(chair_a, staff_a, name):
    sources, _, _ = TABLE[name]
    incident = case_in(sorted(sources)[0], chair_a)
    before = AuditEntry.objects.for_object(incident).count()
    with pytest.raises(RoleNotPermitted):
        run(name, staff_a, incident)
    assert AuditEntry.objects.for_object(incident).count() == before
    assert Incident.objects.get(pk=incident.pk).state == incident.state


@pytest.mark.parametrize("name", [n for n, (_, _, who) in TABLE.items() if "board_staff" in who])
def test_staff_may_run_their_transitions(chair_a, staff_a, name):
    sources, target, _ = TABLE[name]
    incident = case_in(sorted(sources)[0], chair_a)
    run(name, staff_a, incident)
    assert Incident.objects.get(pk=incident.pk).state == target
    assert AuditEntry.objects.for_object(incident).last().actor_role == "board_staff"


@pytest.mark.parametrize("name", list(TABLE))
@pytest.mark.parametrize("outsider", ["chair_b", "staff_b", "panel_member", "secretariat", "administrator"])
def test_outside_the_board_the_case_does_not_exist(request, chair_a, name, outsider):
    sources, _, _ = TABLE[name]
    incident = case_in(sorted(sources)[0], chair_a)
    user = request.getfixturevalue(outsider)
    with pytest.raises((Http404, RoleNotPermitted)) as refused:
        run(name, user, incident)
    # A board user of another board may hold the role, yet the case is simply not found.
    if user.is_board_user and user.role in TABLE[name][2]:
        assert refused.type is Http404
    assert Incident.objects.get(pk=incident.pk).state == sorted(sources)[0]


class TestEventDates:
    def test_future_event_date_refused(self, chair_a):
        incident = case_in("notified", chair_a)
        with pytest.raises(InvalidInput) as refused:
            run("refer_to_subgroup", chair_a, incident, event_date=date(2015, 3, 3))
        assert "today or in the past" in refused.value.errors["event_date"][0]

    def test_before_the_previous_event_refused(self, chair_a):
        incident = case_in("notified", chair_a)  # received 9 January
        with pytest.raises(InvalidInput) as refused:
            run("refer_to_subgroup", chair_a, incident, event_date=date(2015, 1, 8))
        assert "previous event" in refused.value.errors["event_date"][0]
        assert Incident.objects.get(pk=incident.pk).state == "notified"

    def test_notify_not_before_the_local_authority_was_aware(self, chair_a):
        incident = case_in("draft", chair_a)  # aware 6 January
        with pytest.raises(InvalidInput) as refused:
            incident_notify(
                actor=chair_a, incident_id=incident.pk, event_date=date(2015, 1, 5), ofsted_notified_on=date(2015, 1, 6)
            )
        assert "before the local authority was aware" in refused.value.errors["event_date"][0]

    def test_ofsted_date_required_and_sane(self, chair_a):
        incident = case_in("draft", chair_a)
        for ofsted, message in [(None, "Enter the date"), (date(2015, 1, 1), "before the local authority")]:
            with pytest.raises(InvalidInput) as refused:
                incident_notify(actor=chair_a, incident_id=incident.pk, event_date=EVENT, ofsted_notified_on=ofsted)
            assert message in refused.value.errors["ofsted_notified_on"][0]
        assert Incident.objects.get(pk=incident.pk).state == "draft"

    def test_missing_event_date(self, chair_a):
        incident = case_in("notified", chair_a)
        with pytest.raises(InvalidInput) as refused:
            run("refer_to_subgroup", chair_a, incident, event_date=None)
        assert refused.value.errors["event_date"] == ["Enter the date it happened"]

    def test_reason_required_for_withdraw_and_reconsider(self, chair_a):
        incident = case_in("notified", chair_a)
        with pytest.raises(InvalidInput) as refused:
            incident_withdraw(actor=chair_a, incident_id=incident.pk, event_date=EVENT, reason="  ")
        assert refused.value.errors == {"reason": ["Enter the reason"]}


def test_reconsider_then_a_new_decision_becomes_current(chair_a):
    incident = case_in("decided", chair_a)
    run("reconsider", chair_a, incident, event_date=date(2015, 2, 10))
    decision_record(
        actor=chair_a,
        incident_id=incident.pk,
        event_date=date(2015, 2, 20),
        decision=DecisionKind.INITIATE_SCR,
        rationale=RATIONALE,
    )
    decisions = list(Decision.objects.filter(incident=incident).order_by("decided_on"))
    assert [d.decision for d in decisions] == ["not_initiate", "initiate_scr"]
    assert list(Decision.objects.current()) == [decisions[-1]]


def test_audit_entries_cannot_be_changed_or_deleted(chair_a):
    incident = case_in("notified", chair_a)
    entry = AuditEntry.objects.for_object(incident).get()
    entry.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def test_state_cannot_be_assigned_directly(chair_a):
    incident = case_in("draft", chair_a)
    with pytest.raises(AttributeError):
        incident.state = "closed"
