"""The PDF reports: what each is of, who may ask for it, and what it shows (SPEC §6).

Each kind of report resolves its subject through the same permission-checked selectors as the
pages (another board's case is a 404 when the report is asked for, again when it is made, and
again when it is downloaded), then gathers what the workflow recorded into a template context.
Jobs are created here and rendered by `reports.tasks.render_report` after the transaction commits.
"""

import logging
import statistics
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Board
from accounts.selectors import board_for_user
from audit.timeline import timeline_rows
from incidents import selectors as incident_selectors
from incidents.choices import PostMortem
from incidents.models import Incident
from incidents.services import SIN_FIELDS
from incidents.words import clock_status_words, sin_rows
from incidents.words import clock_words as incident_clock_words
from incidents.words import state_words as incident_state_words
from incidents.words import transition_words as incident_transition_words
from panel import selectors as panel_selectors
from panel.choices import Outcome
from panel.services import submission_missing
from panel.words import event_value_words, submission_clock_words, submission_state_words, submission_transition_words
from publication.models import Publication
from reviews.choices import ActionStatus, DecisionKind
from reviews.models import Action, Decision, Recommendation, SeriousCaseReview
from reviews.selectors import review_of_incident, review_timeline
from reviews.words import (
    action_status_words,
    addressed_to_words,
    agency_words,
    methodology_words,
    review_state_words,
    review_transition_words,
    stop_reason_words,
)
from scr_tracker import clocks
from scr_tracker.clock_rows import with_clock

from .models import JobState, ReportJob, ReportKind

logger = logging.getLogger(__name__)

INCIDENT_CLOCKS = ("sin_notification", "initiation_decision", "scr_completion")
YEAR_MIN, YEAR_MAX = 2000, 2100


@dataclass(frozen=True)
class Subject:
    """What a report is of: the record (for the access event), its board, and how it is named."""

    record: object
    board: Board | None
    reference: str
    title: str
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ReportSpec:
    kind: str
    template: str
    resolve: Callable[[object, dict], Subject]
    context: Callable[[Subject, object, date], dict]


# --- Small pieces ---------------------------------------------------------------------------------


def _uuid_or_404(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError) as exc:
        raise Http404("Not found") from exc


def clock_label(name: str) -> str:
    return incident_clock_words(name) if name in INCIDENT_CLOCKS else submission_clock_words(name)


def clock_rows(clock_list) -> list[dict]:
    """Each clock in words, for a table: name, started, due, status, days left or late."""
    return [
        {
            "name": clock_label(clock.name),
            "starts_on": clock.starts_on,
            "due": clock.due,
            "status": clock_status_words(clock.status),
            "missed": clock.status == clocks.MISSED,
            "days_remaining": clock.days_remaining,
            "days_late": clock.days_late,
        }
        for clock in clock_list
    ]


def median_days(values: list[int]) -> float | None:
    """The median of whole days (the mean of the middle two for an even count); None when there are none."""
    return statistics.median(values) if values else None


def review_name(review: SeriousCaseReview) -> str:
    """A review is named by the cases it covers: "AAA-2026-001, AAA-2026-002"."""
    return ", ".join(incident.reference for incident in review.incidents.all()) or "No case"


# --- Case chronology --------------------------------------------------------------------------------


def case_subject(user, parameters: dict) -> Subject:
    incident = incident_selectors.incident_for_user(user, _uuid_or_404(parameters.get("incident")))
    return Subject(incident, incident.board, incident.reference, f"Case chronology of {incident.reference}")


def _visible_submissions(user, decisions):
    submissions = [d.submission for d in decisions if getattr(d, "submission", None)]
    if not user.is_board_user:
        # The panel reads only what the board has sent it, as on the case page.
        submissions = [s for s in submissions if s.first_submitted_on]
    return submissions


def case_context(subject: Subject, user, today: date) -> dict:
    incident: Incident = subject.record
    decisions = incident_selectors.incident_decisions(incident)
    submissions = _visible_submissions(user, decisions)
    review = review_of_incident(user, incident)
    publication = getattr(review, "publication", None) if review else None
    if publication is not None and not user.is_board_user and publication.report_sent_on is None:
        publication = None  # the panel sees a publication once the final report is sent to it
    if publication is not None and publication.submission_id:
        submissions += _visible_submissions(user, [publication])  # a proposal not to publish in full

    events: list[tuple[date, str]] = [
        (incident.incident_on, "Incident"),
        (incident.la_aware_on, "Local authority aware"),
        (incident.ofsted_notified_on, "Ofsted notified"),
        (incident.received_on, "Serious incident notification received by the board"),
    ]
    if incident.post_mortem == PostMortem.COMPLETE:
        events.append((incident.post_mortem_on, "Post-mortem results known"))
    for decision in decisions:
        words = decision.get_decision_display()
        events.append((decision.subgroup_recommended_on, "Sub-group's recommendation made"))
        events.append(
            (
                decision.decided_on,
                f"Decision: {words}" + (" (following the panel's advice)" if decision.following_panel_advice else ""),
            )
        )
        if decision.decision == DecisionKind.INITIATE_SCR:
            events.append((decision.panel_notified_on, "Panel and Ofsted told of the initiation"))
    histories = []
    for submission in submissions:
        history = list(panel_selectors.submission_history(submission))
        rows = [{"event": event, "value": event_value_words(event.what, event.value)} for event in history]
        histories.append({"submission": submission, "history": history, "rows": rows})
        events.append((submission.first_submitted_on, "Sent to the national panel"))
        for row in rows:
            value = row["value"]
            events.append(
                (row["event"].event_date, f"{row['event'].get_what_display()}{': ' + value if value else ''}")
            )
    stops = []
    if review is not None:
        stops = list(review.stop_periods.order_by("stopped_on", "pk"))
        events.append((review.initiated_on, "Serious Case Review initiated"))
        for stop in stops:
            events.append((stop.stopped_on, f"Review clock stopped: {stop_reason_words(stop.reason).lower()}"))
            events.append((stop.resumed_on, "Review clock resumed"))
        events.append((review.signed_off_on, "Review signed off"))
    if publication is not None:
        events.append((publication.report_sent_on, "Final report sent to the panel"))
        events.append((publication.published_on, "Final report published"))
    chronology = sorted(((day, what) for day, what in events if day), key=lambda row: row[0])

    case_clocks = incident_selectors.incident_clocks(incident, decisions, today)
    for item in histories:
        case_clocks += panel_selectors.submission_clocks(item["submission"], item["history"], today=today)

    audit = [
        ("Case", row)
        for row in timeline_rows(
            incident_selectors.incident_timeline(incident),
            transition_words=incident_transition_words,
            state_words=incident_state_words,
        )
    ]
    for submission in submissions:
        audit += [
            ("Submission", row)
            for row in timeline_rows(
                panel_selectors.submission_timeline(submission),
                transition_words=submission_transition_words,
                state_words=submission_state_words,
            )
        ]
    if review is not None:
        audit += [
            ("Review", row)
            for row in timeline_rows(
                review_timeline(review), transition_words=review_transition_words, state_words=review_state_words
            )
        ]
    audit.sort(key=lambda pair: (pair[1].recorded_at, pair[1].event_date))

    values = {field: getattr(incident, field) for field in SIN_FIELDS}
    values.update(received_on=incident.received_on, ofsted_notified_on=incident.ofsted_notified_on)
    return {
        "incident": incident,
        "state": incident_state_words(incident.state),
        "details": sin_rows(values, [*SIN_FIELDS, "received_on", "ofsted_notified_on"]),
        "chronology": chronology,
        "clocks": clock_rows(case_clocks),
        "decisions": decisions,
        "histories": histories,
        "review": review,
        "review_state": review_state_words(review.state) if review else "",
        "methodology": methodology_words(review.methodology) if review and review.methodology else "",
        "stops": [{"stop": stop, "reason": stop_reason_words(stop.reason)} for stop in stops],
        "publication": publication,
        "audit": audit,
    }


# --- Panel submission pack ----------------------------------------------------------------------------


def submission_incident(submission):
    """The case a submission is about: through its decision, or (a proposal not to publish in full)
    through its publication's review."""
    if submission.decision_id:
        return submission.decision.incident
    publication = getattr(submission, "publication", None)
    return publication.review.decision.incident if publication is not None else None


def submission_subject(user, parameters: dict) -> Subject:
    submission = panel_selectors.submission_for_user(user, _uuid_or_404(parameters.get("submission")))
    incident = submission_incident(submission)
    reference = incident.reference if incident else submission.board.code
    return Subject(submission, submission.board, reference, f"Panel submission pack for {reference}")


def submission_context(subject: Subject, user, today: date) -> dict:
    submission = subject.record
    decision = submission.decision
    incident = submission_incident(submission)
    history = list(panel_selectors.submission_history(submission))
    publication = getattr(submission, "publication", None)
    details = []
    if incident is not None:
        values = {field: getattr(incident, field) for field in SIN_FIELDS}
        values.update(received_on=incident.received_on, ofsted_notified_on=incident.ofsted_notified_on)
        details = sin_rows(values, [*SIN_FIELDS, "received_on", "ofsted_notified_on"])
    return {
        "submission": submission,
        "state": submission_state_words(submission.state),
        "decision": decision,
        "incident": incident,
        "details": details,
        "history": [{"event": event, "value": event_value_words(event.what, event.value)} for event in history],
        "clocks": clock_rows(panel_selectors.submission_clocks(submission, history, today=today)),
        "missing": submission_missing(submission) if submission.state == "draft" else [],
        "publication": publication,
        "timeline": timeline_rows(
            panel_selectors.submission_timeline(submission),
            transition_words=submission_transition_words,
            state_words=submission_state_words,
        ),
    }


# --- Board annual report -----------------------------------------------------------------------------


def report_year(value) -> int:
    """The year a board report starts in (1 April to 31 March), or 404 for anything else."""
    try:
        year = int(value)
    except (TypeError, ValueError) as exc:
        raise Http404("Not found") from exc
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404("Not found")
    return year


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 4, 1), date(year + 1, 3, 31)


def board_subject(user, parameters: dict) -> Subject:
    # The annual report includes the action plan, which is the board's own (as on the pages).
    if not user.is_board_user:
        raise Http404("Not found")
    board = board_for_user(user, str(parameters.get("board", "")))
    year = report_year(parameters.get("year"))
    return Subject(
        board,
        board,
        f"{board.code} {year}-{str(year + 1)[2:]}",
        f"Annual Serious Case Review report {year} to {year + 1}",
        {"year": year},
    )


def _within(day, start, end) -> bool:
    return day is not None and start <= day <= end


def board_report(board: Board, year: int, today: date) -> dict:
    """A board's year, 1 April to 31 March: reviews initiated, completed and published, the delays,
    and every recommendation with the status of each of its actions (as it stands today)."""
    start, end = year_bounds(year)
    incidents = Prefetch("incidents", queryset=Incident.objects.order_by("reference"))
    reviews = list(
        with_clock(SeriousCaseReview.objects.filter(board=board, initiated_on__lte=end), "scr_completion")
        .select_related("decision")
        .prefetch_related(incidents, "stop_periods")
        .order_by("initiated_on", "pk")
    )
    publications = list(
        Publication.objects.filter(review__board=board, published_on__range=(start, end))
        .select_related("review")
        .prefetch_related(Prefetch("review__incidents", queryset=Incident.objects.order_by("reference")))
        .order_by("published_on", "pk")
    )
    decisions = list(
        Decision.objects.filter(incident__board=board, decided_on__range=(start, end))
        .select_related("incident")
        .order_by("decided_on", "pk")
    )
    sins = Incident.objects.filter(board=board, received_on__range=(start, end)).count()
    initiated = [r for r in reviews if _within(r.initiated_on, start, end)]
    completed = [r for r in reviews if _within(r.signed_off_on, start, end)]
    overdue = [
        r
        for r in reviews
        if r.signed_off_on is None and r.completion_due is not None and r.completion_due < min(today, end)
    ]
    review_rows = [
        {
            "review": r,
            "name": review_name(r),
            "state": review_state_words(r.state),
            "clock": r.completion_clock(today),
            "days_to_sign_off": (r.signed_off_on - r.initiated_on).days if r.signed_off_on else None,
            "late": bool(r.signed_off_on and r.completion_due and r.signed_off_on > r.completion_due),
        }
        for r in reviews
        if r.signed_off_on is None or _within(r.initiated_on, start, end) or _within(r.signed_off_on, start, end)
    ]
    actions = Prefetch("actions", queryset=with_clock(Action.objects.order_by("due_on", "pk"), "action_due"))
    recommendations = list(
        Recommendation.objects.filter(review__in=[r.pk for r in reviews])
        .select_related("review")
        .prefetch_related("themes", actions)
        .order_by("review__initiated_on", "review_id", "number")
    )
    names = {r.pk: review_name(r) for r in reviews}
    status_counts = dict.fromkeys(ActionStatus.values, 0)
    recommendation_rows = []
    overdue_actions = 0
    for recommendation in recommendations:
        action_rows = []
        for action in recommendation.actions.all():
            status_counts[action.status] += 1
            clock = action.clock(today)
            overdue_actions += clock.status == clocks.MISSED and action.completed_on is None
            action_rows.append(
                {
                    "action": action,
                    "status": action_status_words(action.status),
                    "owner": agency_words(action.owner_agency),
                    "overdue": clock.status == clocks.MISSED and action.completed_on is None,
                }
            )
        recommendation_rows.append(
            {
                "recommendation": recommendation,
                "review": names.get(recommendation.review_id, ""),
                "addressed_to": addressed_to_words(recommendation.addressed_to),
                "themes": ", ".join(theme.name for theme in recommendation.themes.all()),
                "actions": action_rows,
            }
        )
    return {
        "board": board,
        "year": year,
        "start": start,
        "end": end,
        "figures": {
            "sins": sins,
            "decisions": len(decisions),
            "initiated": len(initiated),
            "completed": len(completed),
            "published": len(publications),
            "late_decisions": sum(1 for d in decisions if d.late),
            "premature_decisions": sum(1 for d in decisions if d.premature),
            "completed_late": sum(1 for r in completed if r.signed_off_on > r.completion_due),
            "overdue_reviews": len(overdue),
            "recommendations": len(recommendations),
            "actions": sum(status_counts.values()),
            "overdue_actions": overdue_actions,
        },
        "delays": {
            "incident_to_decision": median_days([d.delay_days for d in decisions]),
            "initiation_to_sign_off": median_days([(r.signed_off_on - r.initiated_on).days for r in completed]),
            "sign_off_to_publication": median_days(
                [(p.published_on - p.review.signed_off_on).days for p in publications if p.review.signed_off_on]
            ),
        },
        "action_status": [(action_status_words(status), count) for status, count in status_counts.items()],
        "reviews": review_rows,
        "decisions": decisions,
        "publications": [{"publication": p, "name": review_name(p.review)} for p in publications],
        "recommendations": recommendation_rows,
        "today": today,
    }


def board_context(subject: Subject, user, today: date) -> dict:
    return board_report(subject.board, subject.options["year"], today)


# --- National statistics ------------------------------------------------------------------------------


def _period(parameters: dict) -> tuple[date, date]:
    """The period asked for, as the statistics page sent it (YYYY-MM-DD, from no later than to), or 404."""
    try:
        start, end = date.fromisoformat(str(parameters.get("from"))), date.fromisoformat(str(parameters.get("to")))
    except ValueError as exc:
        raise Http404("Not found") from exc
    if start > end or start.year < YEAR_MIN or end.year > YEAR_MAX:
        raise Http404("Not found")
    return start, end


def statistics_subject(user, parameters: dict) -> Subject:
    """All boards' figures for the panel, a board's own for its chair and staff (as on the statistics page)."""
    from .statistics_views import statistics_scope

    try:
        board = statistics_scope(user)
    except PermissionDenied as exc:
        raise Http404("Not found") from exc
    start, end = _period(parameters)
    whose = board.code if board else "National"
    period = f"{start:%-d %B %Y} to {end:%-d %B %Y}"
    return Subject(
        None,
        board,
        f"{whose} statistics {start:%Y-%m-%d} to {end:%Y-%m-%d}",
        f"Statistics for {board.name}, {period}" if board else f"National statistics, {period}",
        {"from": start, "to": end},
    )


def statistics_context(subject: Subject, user, today: date) -> dict:
    from .charts import charts_for
    from .statistics import national_statistics

    start, end = subject.options["from"], subject.options["to"]
    figures = national_statistics(date_from=start, date_to=end, board=subject.board)
    return {
        "board": subject.board,
        "statistics": figures,
        "outcome_rows": {
            key: [(Outcome(outcome).label, count) for outcome, count in figures[key].items()]
            for key in ("non_initiation_not_agreed", "non_publication_outcomes")
        },
        "charts": charts_for(date_from=start, date_to=end, board=subject.board, statistics=figures),
    }


# --- The registry, jobs --------------------------------------------------------------------------------

SPECS: dict[str, ReportSpec] = {
    ReportKind.CASE_CHRONOLOGY: ReportSpec(
        ReportKind.CASE_CHRONOLOGY, "reports/pdf/case_chronology.html", case_subject, case_context
    ),
    ReportKind.SUBMISSION_PACK: ReportSpec(
        ReportKind.SUBMISSION_PACK, "reports/pdf/submission_pack.html", submission_subject, submission_context
    ),
    ReportKind.BOARD_ANNUAL: ReportSpec(
        ReportKind.BOARD_ANNUAL, "reports/pdf/board_annual.html", board_subject, board_context
    ),
    ReportKind.NATIONAL_STATISTICS: ReportSpec(
        ReportKind.NATIONAL_STATISTICS,
        "reports/pdf/national_statistics.html",
        statistics_subject,
        statistics_context,
    ),
}


def spec_for(kind: str) -> ReportSpec:
    try:
        return SPECS[kind]
    except KeyError as exc:
        raise Http404("No such report") from exc


def job_create(*, user, kind: str, parameters: dict) -> ReportJob:
    """Ask for a report: checked against the user's scope now (404 outside it), made after commit."""
    from .tasks import queue_render  # the task module imports this one

    subject = spec_for(kind).resolve(user, parameters)
    with transaction.atomic():
        job = ReportJob.objects.create(
            kind=kind,
            parameters=parameters,
            title=subject.title,
            reference=subject.reference,
            requested_by=user,
            board=subject.board,
        )
        transaction.on_commit(lambda: queue_render(job.pk))
    return job


def jobs_for_user(user) -> QuerySet[ReportJob]:
    """A user's own jobs: nobody else's, whatever their role."""
    if not (user.is_authenticated and user.is_active):
        return ReportJob.objects.none()
    return ReportJob.objects.filter(requested_by=user)


def job_for_user(user, public_id) -> ReportJob:
    try:
        return jobs_for_user(user).get(public_id=public_id)
    except ReportJob.DoesNotExist as exc:
        raise Http404("Not found") from exc


def job_subject(job: ReportJob, user) -> Subject:
    """The job's subject, re-checked against the user's scope as it is now (404 if it has gone)."""
    if job.board_id is not None and user.is_board_user and job.board_id != user.board_id:
        raise Http404("Not found")
    return spec_for(job.kind).resolve(user, job.parameters)


def mark_failed(job_id: int, message: str) -> None:
    """A job that cannot be made says why; a finished job is left as it is."""
    ReportJob.objects.filter(pk=job_id, state__in=[JobState.QUEUED, JobState.RUNNING]).update(
        state=JobState.FAILED, error=message[:300], finished_at=timezone.now()
    )
