"""A closed case with a canary string in every text it can hold, built through the workflow's services: a
Serious Case Review with its terms, a stop, a contribution, a recommendation (corrected) and its action, an
uploaded document whose bytes hold the canary, a case note, a publication proposed not to be published,
the panel's advice, and the case closed. Then every text field of each of its records that no service
filled is set to the canary with a `save()` (so django-simple-history copies it too). All fictional."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from audit.models import NoteKind
from incidents.models import Incident
from incidents.selectors import incidents_for_user
from incidents.services import incident_close
from panel.choices import Advice
from panel.models import PanelSubmission, SubmissionEvent
from panel.services import submission_record_advice, submission_submit
from publication.models import Publication
from publication.services import publication_propose, publication_send_report, publication_withhold
from reviews import documents
from reviews.corrections import record_correct
from reviews.models import (
    Action,
    Contribution,
    Decision,
    Document,
    DocumentKind,
    Recommendation,
    SeriousCaseReview,
    StopPeriod,
    Theme,
)
from reviews.services import (
    action_add,
    action_begin,
    action_complete,
    action_evidence_impact,
    contribution_request,
    decision_record,
    recommendation_add,
    review_begin_drafting,
    review_resume_clock,
    review_sign_off,
    review_start,
    review_stop_clock,
    review_update_terms,
)
from scr_tracker.notes import note_add
from tests.reviews.test_documents import pdf
from tests.workflow import RATIONALE, notified, panel_member

CANARY = "Zqx7Canary-Fictional"
CLOSED_ON = date(2015, 9, 1)

# Text fields that are identifiers or values of a list, not case words: a reference, the regime's code,
# the server's stored name and digest, an advice's value.
IDENTIFIERS = {
    Incident: {"reference", "regime"},
    Document: {"stored_name", "sha256"},
    SubmissionEvent: {"value"},
}


def _on(day: date):
    return time_machine.travel(datetime.combine(day, time(10), tzinfo=ZoneInfo("Europe/London")), tick=False)


def _text(label: str) -> str:
    return f"{label} {CANARY}"


def canary_case(chair, staff) -> Incident:
    """The case, closed on CLOSED_ON."""
    with _on(date(2015, 1, 20)):
        incident = notified(chair, child_pseudonym=_text("Child"), outline=_text("Outline"))
    with _on(date(2015, 2, 3)):
        rationale = {limb: _text(limb) for limb in RATIONALE}
        decision = decision_record(
            actor=chair,
            incident_id=incident.pk,
            event_date=date(2015, 2, 3),
            decision="initiate_scr",
            rationale=rationale,
            alternative_review=_text("Alternative"),
        )
    review = decision.review
    with _on(date(2015, 2, 10)):
        review_start(
            actor=chair, review_id=review.pk, event_date=date(2015, 2, 10), methodology="silp", lead_reviewer=_text("L")
        )
        review_update_terms(
            actor=chair,
            review_id=review.pk,
            terms_of_reference=_text("Terms"),
            scope_from=None,
            scope_to=None,
            independence_statement=_text("Independence"),
            reason=_text("Terms changed"),
        )
    with _on(date(2015, 2, 20)):
        review_stop_clock(
            actor=chair, review_id=review.pk, event_date=date(2015, 2, 20), reason="other", detail=_text("Stop")
        )
    with _on(date(2015, 3, 2)):
        review_resume_clock(actor=chair, review_id=review.pk, event_date=date(2015, 3, 2))
        contribution_request(
            actor=chair,
            review_id=review.pk,
            agency="police",
            agency_name=_text("Agency"),
            author=_text("Author"),
            requested_on=date(2015, 3, 2),
            due_on=date(2015, 4, 1),
        )
        recommendation = recommendation_add(
            actor=chair,
            review_id=review.pk,
            text=_text("Recommendation"),
            addressed_to="practitioners",
            theme_ids=[Theme.objects.first().pk],
        )
        action = action_add(
            actor=chair,
            recommendation_id=recommendation.pk,
            description=_text("Action"),
            owner_agency="police",
            owner_person=_text("Owner"),
            due_on=date(2015, 5, 1),
        )
        record_correct(
            actor=chair,
            record="recommendation",
            record_id=recommendation.pk,
            field="text",
            new_value=_text("Recommendation, corrected"),
            reason=_text("Correction"),
        )
        documents.document_upload(
            actor=staff,
            review_id=review.pk,
            uploaded_file=SimpleUploadedFile(f"{CANARY}.pdf", pdf(f"({CANARY})".encode()), "application/pdf"),
            kind=DocumentKind.OVERVIEW_REPORT,
            title=_text("Overview"),
        )
        note_add(
            actor=chair,
            queryset=incidents_for_user(chair),
            pk=incident.pk,
            kind=NoteKind.CALL,
            happened_on=date(2015, 3, 2),
            text=_text("Note"),
        )
    with _on(date(2015, 4, 15)):
        action_begin(actor=chair, action_id=action.pk, event_date=date(2015, 4, 1))
        action_complete(actor=chair, action_id=action.pk, event_date=date(2015, 4, 15))
    with _on(date(2015, 5, 2)):
        action_evidence_impact(actor=chair, action_id=action.pk, event_date=date(2015, 5, 2), evidence=_text("E"))
    with _on(date(2015, 5, 10)):
        review_begin_drafting(actor=chair, review_id=review.pk, event_date=date(2015, 5, 10))
    with _on(date(2015, 6, 1)):
        review_sign_off(actor=chair, review_id=review.pk, event_date=date(2015, 6, 1), reason=_text("Sign-off"))
    publication = Publication.objects.get(review=review)
    with _on(date(2015, 6, 5)):
        publication_send_report(actor=chair, publication_id=publication.pk, event_date=date(2015, 6, 5))
    with _on(date(2015, 6, 8)):
        publication = publication_propose(
            actor=chair,
            publication_id=publication.pk,
            event_date=date(2015, 6, 8),
            mode="not_published",
            reasons=_text("Reasons"),
            independent_advice=_text("Advice"),
        )
        submission_submit(actor=chair, submission_id=publication.submission_id, event_date=date(2015, 6, 8))
    with _on(date(2015, 7, 1)):
        submission_record_advice(
            actor=panel_member(),
            submission_id=publication.submission_id,
            event_date=date(2015, 7, 1),
            advice=Advice.AGREE_NOT_PUBLISH,
            reasons=_text("Panel reasons"),
        )
    with _on(date(2015, 7, 10)):
        publication_withhold(
            actor=chair, publication_id=publication.pk, event_date=date(2015, 7, 10), reason=_text("Withheld")
        )
    with _on(CLOSED_ON):
        incident = incident_close(actor=chair, incident_id=incident.pk, event_date=CLOSED_ON, reason=_text("Close"))
        _fill_the_rest(incident)
    return incident


def text_fields(model) -> list[str]:
    """The model's text fields that hold words (no choices), identifiers aside."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and f.name not in IDENTIFIERS.get(model, set())
    ]


def _fill_the_rest(incident: Incident) -> None:
    """Every text field of the case's records that still lacks the canary gets it, by a save (a history row
    too, where the record has a history)."""
    reviews = SeriousCaseReview.objects.filter(incidents=incident)
    submissions = PanelSubmission.objects.filter(publication__review__in=reviews)
    groups = [
        Incident.objects.filter(pk=incident.pk),
        Decision.objects.filter(incident=incident),
        reviews,
        StopPeriod.objects.filter(review__in=reviews),
        Contribution.all_objects.filter(review__in=reviews),
        Recommendation.all_objects.filter(review__in=reviews),
        Action.all_objects.filter(recommendation__review__in=reviews),
        Document.all_objects.filter(review__in=reviews),
        Publication.objects.filter(review__in=reviews),
        submissions,
        SubmissionEvent.objects.filter(submission__in=submissions),
    ]
    for rows in groups:
        assert rows.exists(), rows.model
        for record in rows:
            changed = [name for name in text_fields(type(record)) if CANARY not in (getattr(record, name) or "")]
            for name in changed:
                value = f"https://example.invalid/{CANARY}" if name == "url" else _text(name)
                setattr(record, name, value)
            if isinstance(record, Decision):
                record.rationale = {limb: _text(limb) for limb in RATIONALE}
                changed.append("rationale")
            if changed:
                record.save()
