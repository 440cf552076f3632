"""Fictional demo work for the panel (`seed_demo`): meetings, and submissions at different stages."""

from datetime import timedelta

from django.utils import timezone

from incidents.demo import _rationale, _sin
from incidents.services import incident_create, incident_notify
from reviews.choices import DecisionKind
from reviews.services import decision_record

from .choices import Advice
from .models import PanelMeeting, PanelSubmission
from .services import meeting_create, submission_record_advice, submission_schedule, submission_submit


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
    """The panel's meetings and the Eastmere board's submissions (registered from PanelConfig.ready)."""
    seed_demo_panel(
        secretariat=people["secretariat@panel.example"],
        member=people["member@panel.example"],
        chair=people["chair@eastmere.example"],
        staff=people["staff@eastmere.example"],
    )
