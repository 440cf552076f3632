"""Fictional demo cases in every state, built through the services like real ones (`seed_demo`).

Dates are relative to today so that the clocks show a mix of on-time, due-soon, late and
premature cases whenever the demo is loaded. Every pseudonym and outline is invented.
"""

from datetime import date, timedelta

from django.utils import timezone

from incidents.models import Incident
from incidents.services import (
    incident_close,
    incident_create,
    incident_notify,
    incident_refer_to_subgroup,
    incident_withdraw,
)
from panel.choices import Advice
from panel.services import submission_record_advice, submission_submit
from reviews.choices import RATIONALE_LIMBS, DecisionKind
from reviews.services import decision_record

OUTLINE = "Fictional demo case. {what} No real child or family is described."


def _sin(today: date, *, days_ago: int, pseudonym: str, what: str, **overrides) -> dict:
    incident_on = today - timedelta(days=days_ago)
    data = {
        "child_pseudonym": pseudonym,
        "age_at_incident": 3,
        "sex": "not_known",
        "ethnicity": "not_known",
        "disability": "unknown",
        "child_status": ["known_to_agencies"],
        "nature": "death",
        "harm_types": ["neglect"],
        "regulation_5": ["abuse_or_neglect", "child_died"],
        "incident_on": incident_on,
        "la_aware_on": incident_on + timedelta(days=1),
        "post_mortem": "pending",
        "post_mortem_on": None,
        "police_investigation": "ongoing",
        "criminal_proceedings": "not_known",
        "agencies_involved": ["childrens_social_care", "health", "police"],
        "outline": OUTLINE.format(what=what),
    }
    data.update(overrides)
    return data


def _rationale(kind: str) -> dict:
    words = "supports" if kind == DecisionKind.INITIATE_SCR else "does not on its own support"
    return dict.fromkeys(
        RATIONALE_LIMBS, f"Demo rationale: the information on this limb {words} a Serious Case Review."
    )


def seed_demo_cases(chair, staff, panel_member) -> list[Incident]:
    """A board's demo cases, once: nothing is added if the board already has cases."""
    if Incident.objects.filter(board=chair.board).exists():
        return []
    today = timezone.localdate()
    made = []

    def notified(data, *, received_after: int, by=staff):
        incident = incident_create(actor=by, data=data)
        received = data["la_aware_on"] + timedelta(days=received_after)
        return incident_notify(actor=by, incident_id=incident.pk, event_date=received, ofsted_notified_on=received)

    # Logged today, not yet notified: the five-working-day clock is running.
    made.append(
        incident_create(
            actor=staff,
            data=_sin(
                today,
                days_ago=2,
                pseudonym="Child Apple",
                what="A toddler was admitted to hospital with injuries.",
                nature="serious_harm",
                post_mortem="not_applicable",
                harm_types=["physical"],
                regulation_5=["abuse_or_neglect", "serious_harm_and_concern"],
            ),
        )
    )
    # Notified ten days ago: the one-month decision clock is green.
    made.append(
        notified(_sin(today, days_ago=14, pseudonym="Child Birch", what="An infant died at home."), received_after=3)
    )
    # With the sub-group, and the decision is now overdue.
    late = notified(
        _sin(today, days_ago=45, pseudonym="Child Cedar", what="A child died after a house fire."), received_after=2
    )
    made.append(
        incident_refer_to_subgroup(
            actor=staff,
            incident_id=late.pk,
            event_date=late.received_on + timedelta(days=5),
            comment="Sub-group meets next week.",
        )
    )
    # Decided not to initiate, late and premature (post-mortem still pending).
    premature = notified(
        _sin(today, days_ago=70, pseudonym="Child Damson", what="A baby died unexpectedly."), received_after=2
    )
    decision_record(
        actor=chair,
        incident_id=premature.pk,
        event_date=premature.received_on + timedelta(days=40),
        decision=DecisionKind.NOT_INITIATE,
        rationale=_rationale(DecisionKind.NOT_INITIATE),
        subgroup_recommendation=DecisionKind.NOT_INITIATE,
        subgroup_recommended_on=premature.received_on + timedelta(days=30),
        alternative_review="A single-agency learning review by health partners.",
    )
    made.append(premature)
    # Decided to initiate, on time, after the post-mortem.
    on_time = notified(
        _sin(
            today,
            days_ago=60,
            pseudonym="Child Elm",
            what="A child died following neglect.",
            post_mortem="complete",
            post_mortem_on=today - timedelta(days=50),
        ),
        received_after=1,
    )
    decision_record(
        actor=chair,
        incident_id=on_time.pk,
        event_date=on_time.received_on + timedelta(days=20),
        decision=DecisionKind.INITIATE_SCR,
        rationale=_rationale(DecisionKind.INITIATE_SCR),
    )
    made.append(on_time)
    # Notified in error and withdrawn.
    withdrawn = notified(
        _sin(today, days_ago=30, pseudonym="Child Fir", what="Duplicate of an earlier notification."), received_after=1
    )
    made.append(
        incident_withdraw(
            actor=chair,
            incident_id=withdrawn.pk,
            event_date=withdrawn.received_on + timedelta(days=2),
            reason="Duplicate of an earlier notification from the same local authority.",
        )
    )
    # Decided long ago and closed.
    closed = notified(
        _sin(
            today,
            days_ago=200,
            pseudonym="Child Gorse",
            what="A teenager was seriously harmed.",
            nature="serious_harm",
            post_mortem="not_applicable",
            age_at_incident=15,
            harm_types=["physical", "emotional"],
            regulation_5=["abuse_or_neglect", "serious_harm_and_concern"],
        ),
        received_after=3,
    )
    decided = decision_record(
        actor=chair,
        incident_id=closed.pk,
        event_date=closed.received_on + timedelta(days=25),
        decision=DecisionKind.NOT_INITIATE,
        rationale=_rationale(DecisionKind.NOT_INITIATE),
    )
    submission = submission_submit(
        actor=staff, submission_id=decided.submission.pk, event_date=decided.decided_on + timedelta(days=7)
    )
    submission_record_advice(
        actor=panel_member,
        submission_id=submission.pk,
        event_date=decided.decided_on + timedelta(days=30),
        advice=Advice.AGREE,
        reasons="Demo advice: the panel agrees that the criteria for a Serious Case Review are not met.",
    )
    made.append(incident_close(actor=chair, incident_id=closed.pk, event_date=closed.received_on + timedelta(days=60)))
    return made


def demo_seed(people: dict) -> None:
    """The demo cases of the two boards with a chair and staff (registered from IncidentsConfig.ready)."""
    for board_name in ("northfield", "eastmere"):
        seed_demo_cases(
            people[f"chair@{board_name}.example"], people[f"staff@{board_name}.example"], people["member@panel.example"]
        )
