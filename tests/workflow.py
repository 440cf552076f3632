"""Cases in every state, built through the workflow's own services (so audit rows exist too).

`case_in(state, chair)` returns an incident of the chair's board in that state; dates are
fixed relative to `base` so clocks are predictable under frozen time.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine

from incidents.choices import IncidentState
from incidents.models import Incident
from incidents.services import (
    incident_close,
    incident_create,
    incident_notify,
    incident_reconsider,
    incident_refer_to_subgroup,
    incident_withdraw,
)
from panel.choices import Advice
from panel.models import PanelSubmission
from panel.services import meeting_create, submission_record_advice, submission_submit
from reviews.choices import RATIONALE_LIMBS, DecisionKind
from reviews.services import decision_record

RATIONALE = {limb: f"Fictional test rationale for {limb}." for limb in RATIONALE_LIMBS}


def sin_data(**overrides) -> dict:
    data = {
        "child_pseudonym": "Child T",
        "age_at_incident": 4,
        "sex": "female",
        "ethnicity": "not_known",
        "disability": "unknown",
        "child_status": ["child_in_need_plan"],
        "nature": "death",
        "harm_types": ["neglect"],
        "regulation_5": ["abuse_or_neglect", "child_died"],
        "incident_on": date(2015, 1, 5),
        "la_aware_on": date(2015, 1, 6),
        "post_mortem": "pending",
        "post_mortem_on": None,
        "police_investigation": "ongoing",
        "criminal_proceedings": "not_known",
        "agencies_involved": ["police", "health"],
        "outline": "A fictional outline for testing.",
    }
    data.update(overrides)
    return data


def draft(actor, **overrides) -> Incident:
    return incident_create(actor=actor, data=sin_data(**overrides))


def notified(actor, received_on=date(2015, 1, 9), ofsted_notified_on=date(2015, 1, 8), **overrides) -> Incident:
    incident = draft(actor, **overrides)
    return incident_notify(
        actor=actor, incident_id=incident.pk, event_date=received_on, ofsted_notified_on=ofsted_notified_on
    )


def decide(chair, incident, decision=DecisionKind.NOT_INITIATE, decided_on=date(2015, 2, 2), **kwargs):
    return decision_record(
        actor=chair,
        incident_id=incident.pk,
        event_date=decided_on,
        decision=decision,
        rationale=RATIONALE,
        **kwargs,
    )


def case_in(state: str, chair, **overrides) -> Incident:
    """An incident of the chair's board in `state`, reached the way users reach it."""
    if state == IncidentState.DRAFT:
        return draft(chair, **overrides)
    incident = notified(chair, **overrides)
    if state == IncidentState.NOTIFIED:
        return incident
    if state == IncidentState.UNDER_CONSIDERATION:
        return incident_refer_to_subgroup(actor=chair, incident_id=incident.pk, event_date=date(2015, 1, 12))
    if state == IncidentState.WITHDRAWN:
        return incident_withdraw(actor=chair, incident_id=incident.pk, event_date=date(2015, 1, 12), reason="Duplicate")
    decide(chair, incident)
    incident.refresh_from_db()
    if state == IncidentState.DECIDED:
        return incident
    if state == IncidentState.CLOSED:
        settle_submission(incident, chair)
        return incident_close(actor=chair, incident_id=incident.pk, event_date=date(2015, 2, 5))
    raise ValueError(state)


def panel_member():
    from accounts.models import User
    from tests.factories import PanelMemberFactory

    return User.objects.filter(email="workflow.panel@test.example").first() or PanelMemberFactory(
        email="workflow.panel@test.example", full_name="Workflow Panel Member"
    )


def submission_of(incident) -> PanelSubmission | None:
    return PanelSubmission.objects.filter(decision__incident=incident).order_by("-pk").first()


def submit(chair, incident, on=date(2015, 2, 3)) -> PanelSubmission:
    submission = submission_of(incident)
    return submission_submit(actor=chair, submission_id=submission.pk, event_date=on)


def advise(submission, advice=Advice.AGREE, on=date(2015, 2, 4), member=None, **kwargs) -> PanelSubmission:
    return submission_record_advice(
        actor=member or panel_member(),
        submission_id=submission.pk,
        event_date=on,
        advice=advice,
        reasons="Fictional panel reasons.",
        **kwargs,
    )


def settle_submission(incident, chair) -> None:
    """Take an open non-initiation submission to `agreed`, so that the incident can be closed."""
    submission = submission_of(incident)
    if submission is not None and submission.state == "draft":
        advise(submit(chair, incident))


def reconsidered(chair, incident, on=date(2015, 2, 3)) -> Incident:
    return incident_reconsider(actor=chair, incident_id=incident.pk, event_date=on, reason="New information")


def later(days: int, start=date(2015, 1, 12)) -> date:
    return start + timedelta(days=days)


# --- Reviews signed off and their publication (SPEC §4.5) ---------------------------------------

SIGNED_OFF_ON = date(2015, 6, 1)
SIGN_OFF_REASON = "The overview report is held by the board (fictional)"
REPORT_SENT_ON = date(2015, 6, 5)


def overview_report(actor, review):
    """A fictional overview report on the review, so that it signs off without giving a reason (the row
    only: no bytes are stored, so it cannot be downloaded)."""
    from uuid import uuid4

    from reviews.models import Document, DocumentKind, DocumentType

    return Document.objects.create(
        review=review,
        kind=DocumentKind.OVERVIEW_REPORT,
        title="Overview report (fictional)",
        original_name="overview-report.pdf",
        stored_name=uuid4().hex,
        content_type=DocumentType.PDF,
        size=1,
        sha256="0" * 64,
        uploaded_by=actor,
    )


def completed_review(chair, signed_off_on=SIGNED_OFF_ON, **overrides):
    """A Serious Case Review of the chair's board, signed off (which opens its publication)."""
    from reviews.services import review_begin_drafting, review_sign_off, review_start

    review = decide(chair, notified(chair, **overrides), decision=DecisionKind.INITIATE_SCR).review
    review_start(
        actor=chair,
        review_id=review.pk,
        event_date=date(2015, 2, 10),
        methodology="silp",
        lead_reviewer="A. Reviewer (fictional)",
    )
    review_begin_drafting(actor=chair, review_id=review.pk, event_date=date(2015, 5, 1))
    # No overview report is uploaded here, so the sign-off gives its reason (reviews.services.review_sign_off).
    return review_sign_off(actor=chair, review_id=review.pk, event_date=signed_off_on, reason=SIGN_OFF_REASON)


def report_sent(chair, on=REPORT_SENT_ON, planned_publication_on=None, **overrides):
    """The publication of a completed review whose final report has gone to the panel."""
    from publication.services import publication_send_report

    review = completed_review(chair, **overrides)
    return publication_send_report(
        actor=chair,
        publication_id=review.publication.pk,
        event_date=on,
        planned_publication_on=planned_publication_on,
    )


def proposed(chair, mode="summary_only", on=date(2015, 6, 8), send=True, **overrides):
    """A publication with the panel: the chair proposed `mode`; the submission is sent unless `send` is False."""
    from publication.services import publication_propose

    publication = report_sent(chair, **overrides)
    publication = publication_propose(
        actor=chair,
        publication_id=publication.pk,
        event_date=on,
        mode=mode,
        reasons="Fictional reasons: the family's circumstances.",
        independent_advice="Fictional independent advice: publication would put a named sibling at serious risk.",
    )
    if send:
        submission_submit(actor=chair, submission_id=publication.submission_id, event_date=on)
    return type(publication).objects.select_related("submission").get(pk=publication.pk)


def meeting_arranged(secretariat, meets_on: date, **kwargs):
    """A panel meeting arranged on the day it meets (a meeting is arranged for today or later), so that
    tests frozen after it can have one already held."""
    with time_machine.travel(datetime.combine(meets_on, time(9), tzinfo=ZoneInfo("Europe/London")), tick=False):
        return meeting_create(actor=secretariat, meets_on=meets_on, **kwargs)


def final_report_reached_panel(review, on=REPORT_SENT_ON):
    """Mark the review's final report as sent to the panel (the row only, for tests of what the panel
    reads): its contributions, recommendations and documents reach the panel then (decision 0026)."""
    from publication.models import Publication

    Publication.objects.update_or_create(review=review, defaults={"report_sent_on": on})
    return review
