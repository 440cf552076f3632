"""Fictional demo cases in every state and work for the panel (`seed_demo`): meetings, and submissions at
different stages, built through the services like real ones.

Dates are relative to today so that the clocks show a mix of on-time, due-soon, late and
premature cases whenever the demo is loaded. Every pseudonym and outline is invented. The cases live here, not
in incidents, because their decisions and the panel's advice are made through reviews' and this app's services.
"""

from datetime import timedelta

from django.utils import timezone

from incidents.demo import _sin
from incidents.models import Incident
from incidents.services import (
    incident_close,
    incident_create,
    incident_notify,
    incident_refer_to_subgroup,
    incident_withdraw,
)
from reviews.choices import DecisionKind
from reviews.demo import _rationale, seed_demo_review
from reviews.services import decision_record

from .choices import Advice
from .models import PanelMeeting, PanelSubmission
from .services import meeting_create, submission_record_advice, submission_schedule, submission_submit


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


def seed_demo_panel(*, secretariat, member, chair, staff) -> None:
    """Once: last month's meeting (with minutes), next month's, and the chair's board's submissions
    sent, scheduled and disagreed with, so every panel page has something to show."""
    if PanelMeeting.objects.exists():
        return
    today = timezone.localdate()
    last = meeting_create(
        actor=secretariat,
        meets_on=today - timedelta(days=20),
        members_present=[member, secretariat],
        minutes="Demo minutes: the panel considered the submissions on the agenda.",
    )
    upcoming = meeting_create(actor=secretariat, meets_on=today + timedelta(days=10))

    # The board's draft non-initiation submission: sent, and on next month's agenda.
    draft = PanelSubmission.objects.filter(board=chair.board, state="draft").order_by("pk").first()
    if draft is not None:
        sent_on = max(draft.decision.decided_on, today - timedelta(days=3))
        submission_submit(actor=staff, submission_id=draft.pk, event_date=sent_on)
        submission_schedule(actor=secretariat, submission_id=draft.pk, event_date=today, meeting_id=upcoming.pk)

    # A case the panel disagreed with last month: waiting for the chair's response.
    data = _sin(
        today,
        days_ago=90,
        pseudonym="Child Hazel",
        what="A child was seriously harmed by a carer.",
        nature="serious_harm",
        post_mortem="not_applicable",
        age_at_incident=7,
        harm_types=["physical"],
        regulation_5=["abuse_or_neglect", "serious_harm_and_concern"],
    )
    incident = incident_create(actor=staff, data=data)
    received = data["la_aware_on"] + timedelta(days=2)
    incident_notify(actor=staff, incident_id=incident.pk, event_date=received, ofsted_notified_on=received)
    decision = decision_record(
        actor=chair,
        incident_id=incident.pk,
        event_date=received + timedelta(days=20),
        decision=DecisionKind.NOT_INITIATE,
        rationale=_rationale(DecisionKind.NOT_INITIATE),
    )
    submission = submission_submit(
        actor=staff, submission_id=decision.submission.pk, event_date=decision.decided_on + timedelta(days=5)
    )
    submission_schedule(
        actor=secretariat,
        submission_id=submission.pk,
        event_date=last.meets_on - timedelta(days=7),
        meeting_id=last.pk,
    )
    submission_record_advice(
        actor=member,
        submission_id=submission.pk,
        event_date=last.meets_on,
        advice=Advice.DISAGREE,
        reasons="Demo advice: the panel considers that agencies' joint working should be reviewed.",
    )


def demo_seed(people: dict) -> None:
    """Each demo board's cases and its review's work, then the panel's meetings and the Eastmere board's
    submissions (registered from PanelConfig.ready)."""
    for board_name in ("northfield", "eastmere"):
        chair, staff = people[f"chair@{board_name}.example"], people[f"staff@{board_name}.example"]
        seed_demo_cases(chair, staff, people["member@panel.example"])
        seed_demo_review(chair=chair, staff=staff)
    seed_demo_panel(
        secretariat=people["secretariat@panel.example"],
        member=people["member@panel.example"],
        chair=people["chair@eastmere.example"],
        staff=people["staff@eastmere.example"],
    )
