"""The chair's initiation decision: what it needs, what it records, who may make it."""

from datetime import date

import pytest
import time_machine

from audit.models import AuditEntry
from incidents.models import Incident
from reviews.choices import RATIONALE_LIMBS, DecisionKind
from reviews.models import Decision
from reviews.services import decision_record
from scr_tracker.transitions import InvalidInput, RoleNotPermitted
from tests.workflow import RATIONALE, case_in


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(date(2015, 3, 2), tick=False):
        yield


def record(chair, incident, **overrides):
    payload = {"event_date": date(2015, 2, 2), "decision": DecisionKind.INITIATE_SCR, "rationale": RATIONALE}
    payload.update(overrides)
    return decision_record(actor=chair, incident_id=incident.pk, **payload)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"decision": "maybe"}, "decision", "Select whether to initiate"),
        ({"decision": None}, "decision", "Select whether to initiate"),
        ({"rationale": {}}, "rationale", "Enter the rationale for"),
        ({"rationale": {**RATIONALE, RATIONALE_LIMBS[0]: "  "}}, "rationale", "Enter the rationale for"),
        ({"rationale": {**RATIONALE, "extra": "x"}}, "rationale", "and nothing else"),
        ({"rationale": "just text"}, "rationale", "each limb"),
        ({"subgroup_recommendation": "perhaps"}, "subgroup_recommendation", "Select the sub-group"),
        ({"subgroup_recommended_on": date(2015, 1, 20)}, "subgroup_recommended_on", "only with the sub-group"),
        (
            {"subgroup_recommendation": "initiate_scr", "subgroup_recommended_on": date(2015, 2, 3)},
            "subgroup_recommended_on",
            "before the decision",
        ),
        (
            {"decision": DecisionKind.NOT_INITIATE, "panel_notified_on": date(2015, 2, 3)},
            "panel_notified_on",
            "only of a decision to initiate",
        ),
        ({"panel_notified_on": date(2015, 2, 1)}, "panel_notified_on", "before the decision"),
        ({"event_date": date(2015, 1, 8)}, "event_date", "before the SIN was received"),
    ],
)
def test_bad_decisions_are_refused_field_by_field_and_nothing_is_saved(chair_a, overrides, field, message):
    incident = case_in("notified", chair_a)
    with pytest.raises(InvalidInput) as refused:
        record(chair_a, incident, **overrides)
    assert message in " ".join(refused.value.errors[field])
    assert Decision.objects.count() == 0
    assert Incident.objects.get(pk=incident.pk).state == "notified"
    assert AuditEntry.objects.for_object(incident).count() == 1


def test_only_the_chair_decides(chair_a, staff_a):
    incident = case_in("under_consideration", chair_a)
    with pytest.raises(RoleNotPermitted):
        record(staff_a, incident)
    assert Decision.objects.count() == 0


def test_the_decision_keeps_what_it_was_made_on(chair_a):
    incident = case_in("under_consideration", chair_a)
    decision = record(
        chair_a,
        incident,
        subgroup_recommendation=DecisionKind.INITIATE_SCR,
        subgroup_recommended_on=date(2015, 1, 30),
        alternative_review="",
        panel_notified_on=date(2015, 2, 4),
    )
    assert decision.decided_on == date(2015, 2, 2)
    assert decision.rationale == RATIONALE
    assert decision.subgroup_recommendation == "initiate_scr"
    assert decision.panel_notified_on == date(2015, 2, 4)
    assert decision.following_panel_advice is False
    assert decision.recorded_by == chair_a
    assert decision.post_mortem_at_decision == "pending" and decision.premature
    assert decision.incident_on == date(2015, 1, 5) and decision.delay_days == 28
    entry = AuditEntry.objects.for_object(incident).last()
    assert entry.transition == "record_decision" and entry.reason == "Initiate a Serious Case Review"
