"""Closed cases anonymised at the end of their retention period (SPEC §9, SECURITY row 13, decision 0032).

A case (an incident) is closed when its `close` transition has run: under every regime that is the chair's
`close`, once its submission is settled and its review's publication has run its course. It is kept
`settings.RETENTION_YEARS` whole years after the effective date of that event (the `close` entry's event
date; a year from 29 February ends on 28 February), through the last day of the period, and anonymised by
the first run after it.

Anonymised means: every free text of the case and of its decisions, submissions, review (once every
incident the review covers is anonymised), contributions, recommendations, actions, documents and
publication is replaced, in the records and in their django-simple-history copies; the case's audit
entries lose their reasons and the text a correction named (dates and choices stay), its StateLog rows
their descriptions; the documents' files and any report PDF of the case still kept are deleted from the
private store (the document rows stay, so that counts stay). Dates, states, choices, counts and references
stay, so every statistic is the same after as before. One audit entry on the case, written by the system,
says it was done; a case with that entry is never touched again.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django_fsm_log.models import StateLog

from audit.models import ANONYMISE, SYSTEM_ROLE, AuditEntry, retention_erase
from incidents.choices import IncidentState
from incidents.models import Incident
from panel.models import PanelSubmission, SubmissionEvent
from publication.models import Publication
from reports.models import JobState, ReportJob
from reports.services import report_storage
from reviews.documents import document_storage
from reviews.models import (
    Action,
    Contribution,
    Decision,
    Document,
    Recommendation,
    SeriousCaseReview,
    StopPeriod,
)
from scr_tracker import clocks

ANONYMISED = "Anonymised"  # in a text that may not be empty (a case's outline, a recommendation)

# Each record's case words and what replaces them. Fields with choices, dates, numbers and references are
# not here: they are the counts and dates the statistics keep.
ERASED: dict[type[models.Model], dict[str, str]] = {
    Incident: {"child_pseudonym": ANONYMISED, "outline": ANONYMISED, "external_reference": ""},
    Decision: {"alternative_review": "", "rapid_review_summary": ""},  # and each limb's rationale
    PanelSubmission: {"covering_note": ""},
    SubmissionEvent: {"text": ANONYMISED},
    SeriousCaseReview: {"lead_reviewer": "", "independence_statement": "", "terms_of_reference": ""},
    StopPeriod: {"detail": ""},
    Contribution: {"agency_name": ANONYMISED, "author": "", "withdrawal_reason": ""},
    Recommendation: {"text": ANONYMISED, "withdrawal_reason": ""},
    Action: {"description": ANONYMISED, "owner_person": ANONYMISED, "evidence": ""},
    Document: {"title": ANONYMISED, "original_name": ANONYMISED, "withdrawal_reason": ""},
    # A mode other than `full` must keep some reasons and advice (the table's check constraint).
    Publication: {"reasons": ANONYMISED, "independent_advice": ANONYMISED, "board_response": "", "url": ""},
}


def _all(model: type[models.Model]) -> models.Manager:
    """Every row, withdrawn or not (`reviews.models.withdrawals`)."""
    return getattr(model, "all_objects", model._default_manager)


def kept_until(closed_on: date) -> date:
    """The last day a case closed on `closed_on` is kept."""
    return clocks.add_months(closed_on, 12 * settings.RETENTION_YEARS)


@dataclass(frozen=True)
class Anonymisation:
    """One case anonymised (or, in a dry run, to be): its reference, dates, and how many rows and files
    of each store it touches. Never any case text."""

    incident_id: int
    reference: str
    closed_on: date
    kept_until: date
    counts: dict[str, int]

    def as_dict(self) -> dict:
        return {
            "reference": self.reference,
            "closed_on": self.closed_on.isoformat(),
            "kept_until": self.kept_until.isoformat(),
            **self.counts,
        }


@dataclass
class RetentionRun:
    today: date
    dry_run: bool
    cases: list[Anonymisation] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "dry_run": self.dry_run,
            "retention_years": settings.RETENTION_YEARS,
            "cases": [case.as_dict() for case in self.cases],
        }


# --- Which cases ---------------------------------------------------------------------------------------


def _incident_entries():
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Incident), object_id=OuterRef("pk"))


def anonymised_entry(incident: Incident) -> AuditEntry | None:
    """The entry that says the case was anonymised, if it was."""
    return AuditEntry.objects.for_object(incident).filter(transition=ANONYMISE).first()


def expired_cases(today: date) -> list[tuple[int, str, date]]:
    """(id, reference, closed_on) of the closed cases past their retention period on `today`, not yet
    anonymised, oldest closure first."""
    closed_on = _incident_entries().filter(transition="close").events().order_by("-event_date").values("event_date")
    # No case closed after this day can have expired (a period counted back from today is at least as
    # long); the exact test, with the period's end clamped to a month's last day, is kept_until's.
    latest = clocks.add_months(today, -12 * settings.RETENTION_YEARS)
    rows = (
        Incident.objects.filter(state=IncidentState.CLOSED)
        .annotate(
            closed_on=Subquery(closed_on[:1]), anonymised=Exists(_incident_entries().filter(transition=ANONYMISE))
        )
        .filter(closed_on__lte=latest, anonymised=False)
        .order_by("closed_on", "pk")
        .values_list("pk", "reference", "closed_on")
    )
    return [(pk, reference, on) for pk, reference, on in rows if kept_until(on) < today]


# --- What a case holds ---------------------------------------------------------------------------------


@dataclass
class CaseRecords:
    """The rows of every record of one case that hold its words, by model, and its stored files."""

    ids: dict[type[models.Model], list[int]]
    document_files: list[str]
    report_jobs: list[tuple[int, str]]

    def entries(self) -> models.QuerySet:
        return AuditEntry.objects.filter(self._generic_key())

    def logs(self) -> models.QuerySet:
        return StateLog.objects.filter(self._generic_key())

    def _generic_key(self) -> Q:
        found = Q(pk__in=[])
        for model, pks in self.ids.items():
            if pks:
                found |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=pks)
        return found

    def history(self) -> list[tuple[models.QuerySet, dict[str, str]]]:
        """Each historical table's rows of these records, with what replaces their words."""
        found = []
        for model, pks in self.ids.items():
            if pks and hasattr(model, "history"):
                historical = model.history.model
                copied = {f.name for f in historical._meta.fields}  # a history may leave fields out
                values = {name: value for name, value in ERASED[model].items() if name in copied}
                found.append((historical.objects.filter(id__in=pks), values))
        return found

    def text_corrections(self) -> models.QuerySet:
        """The entries whose old and new values are a text: a correction of a field that is neither a date
        nor a choice (a recommendation's text, an action's owner). A date's or a choice's stays."""
        found = Q(pk__in=[])
        for model, pks in self.ids.items():
            if not pks:
                continue
            kept = [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateField) or f.choices]
            found |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=pks) & ~Q(field__in=kept)
        return AuditEntry.objects.filter(found).filter(~Q(old_value="") | ~Q(new_value=""))


def _reviews_to_anonymise(incident: Incident) -> list[int]:
    """The case's reviews whose every other incident is anonymised already: a review of siblings keeps its
    words until the last of them is anonymised."""
    incident_type = ContentType.objects.get_for_model(Incident)
    ready = []
    for review in SeriousCaseReview.objects.filter(incidents=incident).prefetch_related("incidents"):
        others = {sibling.pk for sibling in review.incidents.all()} - {incident.pk}
        done = AuditEntry.objects.filter(content_type=incident_type, object_id__in=others, transition=ANONYMISE)
        if done.values("object_id").distinct().count() == len(others):
            ready.append(review.pk)
    return ready


def case_records(incident: Incident) -> CaseRecords:
    """Every record of the case that holds its words (reviews: once every incident they cover is expired)."""
    review_ids = _reviews_to_anonymise(incident)
    recommendation_ids = list(_all(Recommendation).filter(review__in=review_ids).values_list("pk", flat=True))
    publication_ids = list(Publication.objects.filter(review__in=review_ids).values_list("pk", flat=True))
    submission_ids = list(
        PanelSubmission.objects.filter(
            Q(decision__incident=incident) | Q(publication__pk__in=publication_ids)
        ).values_list("pk", flat=True)
    )
    documents = list(_all(Document).filter(review__in=review_ids).values_list("pk", "stored_name"))
    ids = {
        Incident: [incident.pk],
        Decision: list(Decision.objects.filter(incident=incident).values_list("pk", flat=True)),
        PanelSubmission: submission_ids,
        SubmissionEvent: list(
            SubmissionEvent.objects.filter(submission__in=submission_ids).values_list("pk", flat=True)
        ),
        SeriousCaseReview: review_ids,
        StopPeriod: list(StopPeriod.objects.filter(review__in=review_ids).values_list("pk", flat=True)),
        Contribution: list(_all(Contribution).filter(review__in=review_ids).values_list("pk", flat=True)),
        Recommendation: recommendation_ids,
        Action: list(_all(Action).filter(recommendation__in=recommendation_ids).values_list("pk", flat=True)),
        Document: [pk for pk, _ in documents],
        Publication: publication_ids,
    }
    # A case's PDFs (its chronology, its submission pack) are kept a few days only (`reports.services.
    # jobs_purge`); one still kept is deleted now.
    jobs = ReportJob.objects.filter(reference=incident.reference, state=JobState.READY).exclude(stored_name="")
    return CaseRecords(
        ids=ids,
        document_files=[name for _, name in documents],
        report_jobs=list(jobs.values_list("pk", "stored_name")),
    )


def _counts(records: CaseRecords) -> dict[str, int]:
    return {
        "records": sum(len(pks) for pks in records.ids.values()),
        "history_rows": sum(rows.count() for rows, _ in records.history()),
        "audit_entries": records.entries().count(),
        "state_logs": records.logs().count(),
        "files": len(records.document_files) + len(records.report_jobs),
    }


# --- The job -------------------------------------------------------------------------------------------


def anonymise_expired(*, today: date, dry_run: bool = False) -> RetentionRun:
    """Anonymise every closed case past its retention period on `today`, each in its own transaction; with
    `dry_run`, only say which and how many rows and files each would touch. Safe to run twice, and at once."""
    run = RetentionRun(today=today, dry_run=dry_run)
    for incident_id, _reference, _closed_on in expired_cases(today):
        done = case_plan(incident_id, today) if dry_run else case_anonymise(incident_id, today)
        if done is not None:
            run.cases.append(done)
    return run


def case_plan(incident_id: int, today: date) -> Anonymisation | None:
    """What anonymising the case would touch, changing nothing."""
    incident = Incident.objects.get(pk=incident_id)
    closed_on = _closed_on(incident)
    records = case_records(incident)
    return Anonymisation(incident.pk, incident.reference, closed_on, kept_until(closed_on), _counts(records))


def _closed_on(incident: Incident) -> date:
    return AuditEntry.objects.for_object(incident).filter(transition="close").events().latest("event_date").event_date


def case_anonymise(incident_id: int, today: date) -> Anonymisation | None:
    """Anonymise one expired case; None when it is not (or no longer) due: already anonymised by another
    run, or not closed past its period."""
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(pk=incident_id, state=IncidentState.CLOSED).first()
        if incident is None or anonymised_entry(incident) is not None:
            return None
        closed_on = _closed_on(incident)
        until = kept_until(closed_on)
        if until >= today:
            return None
        records = case_records(incident)
        counts = _counts(records)
        _erase(records)
        AuditEntry.objects.create(
            record=incident,
            board_id=incident.board_id,
            transition=ANONYMISE,
            from_state=incident.state,
            to_state=incident.state,
            event_date=today,
            actor=None,
            actor_role=SYSTEM_ROLE,
            reason=(
                f"Anonymised under the retention rule: closed on {closed_on.isoformat()}, "
                f"kept until {until.isoformat()} (RETENTION_YEARS={settings.RETENTION_YEARS})"
            ),
        )
        # Last, inside the transaction: should anything above fail, the next run does it all again (a file
        # already gone is no error), and no file outlives a committed anonymisation.
        _delete_files(records)
    return Anonymisation(incident.pk, incident.reference, closed_on, until, counts)


def _erase(records: CaseRecords) -> None:
    for model, pks in records.ids.items():
        if pks and ERASED[model]:
            _all(model).filter(pk__in=pks).update(**ERASED[model])
    for decision in Decision.objects.filter(pk__in=records.ids[Decision]).only("pk", "rationale"):
        rationale = decision.rationale if isinstance(decision.rationale, dict) else {}
        Decision.objects.filter(pk=decision.pk).update(rationale=dict.fromkeys(rationale, ""))
    for rows, values in records.history():
        rows.update(**values, history_change_reason=None)
    retention_erase(entries=records.text_corrections(), logs=StateLog.objects.none(), old_value="", new_value="")
    retention_erase(entries=records.entries().exclude(reason=""), logs=records.logs(), reason="")


def _delete_files(records: CaseRecords) -> None:
    documents = document_storage()
    for name in records.document_files:
        documents.delete(name)
    reports = report_storage()
    for pk, name in records.report_jobs:
        reports.delete(name)
        ReportJob.objects.filter(pk=pk).update(state=JobState.EXPIRED, stored_name="", size=None)
