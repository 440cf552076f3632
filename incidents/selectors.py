"""Every read of incidents that a page, the API or a task needs, narrowed to the user's scope."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Case,
    CharField,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractYear
from django.http import Http404

from accounts.selectors import board_records_for_user
from audit.models import AuditEntry
from incidents.choices import IncidentState, PostMortem
from panel.choices import SubmissionState
from panel.models import OPEN_STATES as SUBMISSION_OPEN_STATES
from panel.models import PanelSubmission
from publication.choices import FINISHED_STATES as PUBLICATION_FINISHED_STATES
from reviews.choices import DecisionKind
from reviews.models import Decision, SeriousCaseReview
from scr_tracker import clocks

from .models import Incident

RAG_VALUES = (clocks.RED, clocks.AMBER, clocks.GREEN)
FLAG_VALUES = ("premature", "late")


def _current_decision(field: str):
    latest = Decision.objects.filter(incident=OuterRef("pk")).order_by("-decided_on", "-pk")
    return Subquery(latest.values(field)[:1])


def _current_review(field: str):
    latest = SeriousCaseReview.objects.filter(incidents=OuterRef("pk")).order_by("-initiated_on", "-pk")
    return Subquery(latest.values(field)[:1])


def _report_to_panel_due():
    """A week before the planned publication date (SPEC §3 `report_to_panel`), as a date on every database."""
    days = clocks.WT2013.rules["report_to_panel"].amount  # negative: before the planned date
    shifted = ExpressionWrapper(F("current_planned_publication_on") + timedelta(days=days), output_field=DateField())
    return Cast(shifted, DateField())


def _current_submission(field: str):
    latest = PanelSubmission.objects.filter(decision__incident=OuterRef("pk")).order_by("-pk")
    return Subquery(latest.values(field)[:1])


def with_case_facts(queryset: QuerySet, today: date) -> QuerySet:
    """Annotate what lists and dashboards show: the current decision, the next deadline and its RAG.

    The next deadline is the due date of the clock the case is waiting on now; the RAG follows
    SPEC §3 (red overdue, amber within 7 days, green later).
    """
    first = Decision.objects.filter(incident=OuterRef("pk")).order_by("decided_on", "pk")
    qs = queryset.annotate(
        current_decision=_current_decision("decision"),
        current_decided_on=_current_decision("decided_on"),
        current_post_mortem=_current_decision("post_mortem_at_decision"),
        current_initiation_due=_current_decision("initiation_due_at_decision"),
        current_send_to_panel_due=_current_decision("send_to_panel_due"),
        current_scr_completion_due=_current_decision("scr_completion_due"),
        # The open review's own due date: extended by stopped days, empty while stopped or once signed off.
        current_review_due=_current_review("completion_due"),
        current_review_signed_off_on=_current_review("signed_off_on"),
        first_decided_on=Subquery(first.values("decided_on")[:1]),
        current_submitted_on=_current_submission("first_submitted_on"),
        current_submission_state=_current_submission("state"),
        current_information_due=_current_submission("information_due"),
        has_review=Exists(SeriousCaseReview.incidents.through.objects.filter(incident_id=OuterRef("pk"))),
        # Publication (SPEC §4.5): closing waits for it; the lists show the days from completion to it.
        has_unfinished_review=Exists(
            SeriousCaseReview.objects.filter(incidents=OuterRef("pk")).exclude(
                publication__state__in=PUBLICATION_FINISHED_STATES
            )
        ),
        current_published_on=_current_review("publication__published_on"),
        current_publication_state=_current_review("publication__state"),
        current_planned_publication_on=_current_review("publication__planned_publication_on"),
        current_report_sent_on=_current_review("publication__report_sent_on"),
        has_open_submission=Exists(
            PanelSubmission.objects.filter(decision__incident=OuterRef("pk"), state__in=SUBMISSION_OPEN_STATES)
        ),
    )
    qs = qs.annotate(
        next_due=Case(
            When(state=IncidentState.DRAFT, then=F("sin_notification_due")),
            When(
                state__in=[IncidentState.NOTIFIED, IncidentState.UNDER_CONSIDERATION],
                then=F("initiation_decision_due"),
            ),
            When(
                state=IncidentState.DECIDED,
                current_decision=DecisionKind.NOT_INITIATE,
                current_submitted_on__isnull=True,
                then=F("current_send_to_panel_due"),
            ),
            When(
                state=IncidentState.DECIDED,
                current_decision=DecisionKind.NOT_INITIATE,
                current_submission_state=SubmissionState.AWAITING_INFORMATION,
                then=F("current_information_due"),
            ),
            # Otherwise a sent submission waits on the panel, not on the board.
            When(state=IncidentState.DECIDED, current_decision=DecisionKind.NOT_INITIATE, then=None),
            # A signed-off review's publication: the final report is due with the panel a week before
            # the planned date, once one is planned and until the report is sent.
            When(
                state=IncidentState.DECIDED,
                has_review=True,
                current_review_signed_off_on__isnull=False,
                current_report_sent_on__isnull=True,
                current_planned_publication_on__isnull=False,
                then=_report_to_panel_due(),
            ),
            When(state=IncidentState.DECIDED, has_review=True, current_review_signed_off_on__isnull=False, then=None),
            When(state=IncidentState.DECIDED, has_review=True, then=F("current_review_due")),
            When(state=IncidentState.DECIDED, then=F("current_scr_completion_due")),
            default=None,
            output_field=DateField(),
        )
    )
    return qs.annotate(
        rag=Case(
            When(next_due__lt=today, then=Value(clocks.RED)),
            When(next_due__lte=today + timedelta(days=clocks.AMBER_DAYS), then=Value(clocks.AMBER)),
            When(next_due__isnull=False, then=Value(clocks.GREEN)),
            default=None,
            output_field=CharField(),
        ),
        premature=Q(current_post_mortem=PostMortem.PENDING),
        late=Q(current_decided_on__gt=F("current_initiation_due")),
    )


def panel_can_see(incidents: QuerySet) -> QuerySet:
    """Incidents the panel reaches through what links to them (SPEC §2): a submission the board has
    sent, or a notice that the board initiated a Serious Case Review."""
    sent = PanelSubmission.objects.filter(decision__incident=OuterRef("pk"), first_submitted_on__isnull=False)
    notice = Decision.objects.filter(
        incident=OuterRef("pk"), decision=DecisionKind.INITIATE_SCR, panel_notified_on__isnull=False
    )
    return incidents.filter(Q(Exists(sent)) | Q(Exists(notice)))


def incidents_for_user(user) -> QuerySet:
    """Board users: their board's incidents. Panel: those linked to what the board sent. Nobody else."""
    incidents = Incident.objects.select_related("board")
    if user.is_authenticated and user.is_active and user.is_panel_user:
        return panel_can_see(incidents)
    return board_records_for_user(user, incidents)


@dataclass(frozen=True)
class CaseFilters:
    state: str = ""
    nature: str = ""
    year: int | None = None
    rag: str = ""
    flag: str = ""
    q: str = ""


def incident_list(user, *, today: date, filters: CaseFilters = CaseFilters()) -> QuerySet:
    """The case list: the user's cases with their facts, filtered, newest first."""
    qs = with_case_facts(incidents_for_user(user), today)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.nature:
        qs = qs.filter(nature=filters.nature)
    if filters.year:
        qs = qs.annotate(incident_year=ExtractYear("incident_on")).filter(incident_year=filters.year)
    if filters.rag:
        qs = qs.filter(rag=filters.rag)
    if filters.flag in FLAG_VALUES:
        qs = qs.filter(**{filters.flag: True})
    if filters.q:
        qs = qs.filter(reference__icontains=filters.q.strip())
    return qs.order_by("-created_at", "-pk")


def open_cases_by_deadline(user, *, today: date) -> QuerySet:
    """A chair's dashboard: the board's open cases, nearest deadline first (none last)."""
    qs = with_case_facts(incidents_for_user(user), today).exclude(
        state__in=[IncidentState.WITHDRAWN, IncidentState.CLOSED]
    )
    return qs.order_by(F("next_due").asc(nulls_last=True), "reference")


def incident_for_user(user, public_id) -> Incident:
    """One incident in the user's scope (404 otherwise), with its facts for the case page."""
    try:
        return incidents_for_user(user).select_related("created_by").get(public_id=public_id)
    except Incident.DoesNotExist as exc:
        raise Http404("Not found") from exc


def incident_decisions(incident: Incident) -> list[Decision]:
    return list(
        incident.decisions.select_related("recorded_by", "submission", "review", "joined_review")
        .prefetch_related("review__stop_periods", "joined_review__stop_periods")
        .order_by("decided_on", "pk")
    )


def incident_timeline(incident: Incident) -> QuerySet[AuditEntry]:
    """Every transition of the case: who, their role, when recorded, the event date, the reason."""
    return AuditEntry.objects.for_object(incident).select_related("actor").order_by("recorded_at", "pk")


def incident_clocks(incident: Incident, decisions: list[Decision], today: date) -> list[clocks.Clock]:
    """The case's clocks (SPEC §3): notification, decision, and those the current decision started."""
    first_decided_on = decisions[0].decided_on if decisions else None
    result = [
        incident.sin_notification_clock(today),
        incident.initiation_decision_clock(today, first_decided_on),
    ]
    if decisions:
        # Once a review is open its own completion clock counts: extended by stopped days, ended by sign-off.
        result.extend(decisions[-1].clocks(today))
    if incident.state == IncidentState.WITHDRAWN:
        # A withdrawn case waits for nothing: only the clocks it actually met or missed remain.
        result = [c for c in result if c.status in (clocks.MET, clocks.MISSED) and c.rag is None]
    return result
