"""Every read of incidents that a page, the API or a task needs, narrowed to the user's scope."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Case,
    CharField,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.http import Http404

from accounts.selectors import board_records_for_user, reads_as_panel
from audit.models import AuditEntry
from incidents.choices import IncidentState, PostMortem
from panel.models import OPEN_STATES as SUBMISSION_OPEN_STATES
from panel.models import PanelSubmission
from publication.choices import FINISHED_STATES as PUBLICATION_FINISHED_STATES
from reviews.choices import DecisionKind
from reviews.models import Decision, SeriousCaseReview
from scr_tracker import clocks
from scr_tracker.clock_rows import attach_case_rows, clock_of, clock_rows_flush
from scr_tracker.models import ClockRow

from .models import Incident

RAG_VALUES = (clocks.RED, clocks.AMBER, clocks.GREEN)
FLAG_VALUES = ("premature", "late")


def _current_decision(field: str):
    latest = Decision.objects.filter(incident=OuterRef("pk")).order_by("-decided_on", "-pk")
    return Subquery(latest.values(field)[:1])


def _current_review(field: str):
    latest = SeriousCaseReview.objects.filter(incidents=OuterRef("pk")).order_by("-initiated_on", "-pk")
    return Subquery(latest.values(field)[:1])


def _next_case_clock(field: str):
    """The running clock the case waits on that is due first (its rows, and those of a review it is
    part of, a sibling's included): the case's next deadline (SPEC §3 "Clocks are rows")."""
    clock_rows_flush()
    running = ClockRow.objects.filter(
        Q(incident=OuterRef("pk")) | Q(review__incidents=OuterRef("pk")),
        case_deadline=True,
        ended_on__isnull=True,
        halted=False,
        due_on__isnull=False,
    ).order_by("due_on", "pk")
    return Subquery(running.values(field)[:1])


def with_case_facts(queryset: QuerySet, today: date) -> QuerySet:
    """Annotate what lists and dashboards show: the current decision, the next deadline and its RAG.

    The next deadline is the due date of the clock the case is waiting on now; the RAG follows
    SPEC §3 (red overdue, amber within `clocks.AMBER_DAYS`, green later).
    """
    qs = queryset.annotate(
        current_decision=_current_decision("decision"),
        current_decided_on=_current_decision("decided_on"),
        current_post_mortem=_current_decision("post_mortem_at_decision"),
        current_initiation_due=_current_decision("initiation_due_at_decision"),
        current_review_signed_off_on=_current_review("signed_off_on"),
        has_review=Exists(SeriousCaseReview.incidents.through.objects.filter(incident_id=OuterRef("pk"))),
        # Publication (SPEC §4.5): closing waits for it; the lists show the days from completion to it.
        has_unfinished_review=Exists(
            SeriousCaseReview.objects.filter(incidents=OuterRef("pk")).exclude(
                publication__state__in=PUBLICATION_FINISHED_STATES
            )
        ),
        current_published_on=_current_review("publication__published_on"),
        current_publication_state=_current_review("publication__state"),
        has_open_submission=Exists(
            PanelSubmission.objects.filter(decision__incident=OuterRef("pk"), state__in=SUBMISSION_OPEN_STATES)
        ),
    )
    qs = qs.annotate(
        # A closed or withdrawn case waits for nothing.
        next_due=Case(
            When(state__in=[IncidentState.WITHDRAWN, IncidentState.CLOSED], then=None),
            default=_next_case_clock("due_on"),
            output_field=DateField(),
        ),
        next_clock=Case(
            When(state__in=[IncidentState.WITHDRAWN, IncidentState.CLOSED], then=None),
            default=_next_case_clock("name"),
            output_field=CharField(),
        ),
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
    if reads_as_panel(user):
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
    sort: str = ""


# The case list's orders, by the `sort` its column headings ask for (newest first when none is given).
CASE_SORTS = {
    "newest": ("-created_at", "-pk"),
    "reference": ("reference", "pk"),
    "child": ("child_pseudonym", "reference"),
    "state": ("state", "reference"),
    "deadline": (F("next_due").asc(nulls_last=True), "reference"),
    "incident": ("-incident_on", "-pk"),
}


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
        words = filters.q.strip()
        qs = qs.filter(
            Q(reference__icontains=words) | Q(child_pseudonym__icontains=words) | Q(outline__icontains=words)
        )
    return qs.order_by(*CASE_SORTS.get(filters.sort, CASE_SORTS["newest"]))


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
    records = [incident]
    for decision in decisions:
        records.extend(r for r in (getattr(decision, "submission", None), decision.covering_review) if r is not None)
    attach_case_rows(incident, records)
    result = [clock_of(incident, clock.name, today) for clock in incident.regime_rules.clocks_of("incident")]
    if decisions:
        # Once a review is open its own completion clock counts: extended by stopped days, ended by sign-off.
        result.extend(decisions[-1].clocks(today))
    if incident.state == IncidentState.WITHDRAWN:
        # A withdrawn case waits for nothing: only the clocks it actually met or missed remain.
        result = [c for c in result if c.status in (clocks.MET, clocks.MISSED) and c.rag is None]
    return result
