"""Reads of report jobs and of the data the reports show (SPEC §6)."""

import statistics
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import Board
from incidents.models import Incident
from publication.models import Publication
from reviews.choices import ActionStatus
from reviews.models import Action, Decision, Recommendation, SeriousCaseReview
from reviews.words import action_status_words, addressed_to_words, agency_words, review_state_words
from scr_tracker import clocks
from scr_tracker.clock_rows import with_clock

from .models import ReportJob

YEAR_MIN, YEAR_MAX = 2000, 2100


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


def median_days(values: list[int]) -> float | None:
    """The median of whole days (the mean of the middle two for an even count); None when there are none."""
    return statistics.median(values) if values else None


def review_name(review: SeriousCaseReview) -> str:
    """A review is named by the cases it covers: "AAA-2026-001, AAA-2026-002"."""
    return ", ".join(incident.reference for incident in review.incidents.all()) or "No case"


def submission_incident(submission):
    """The case a submission is about: through its decision, or (a proposal not to publish in full)
    through its publication's review."""
    if submission.decision_id:
        return submission.decision.incident
    publication = getattr(submission, "publication", None)
    return publication.review.decision.incident if publication is not None else None


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 4, 1), date(year + 1, 3, 31)


def _within(day, start, end) -> bool:
    return day is not None and start <= day <= end


def board_report(board: Board, year: int, today: date) -> dict:
    """A board's year, 1 April to 31 March: reviews initiated, completed and published, the delays,
    and the year's recommendations with the status of each of their actions (as it stands today).

    The year's recommendations are those recorded in it and those with an action live in it (made
    by its end and not completed before its start); the year's actions are those live in it. A
    recommendation whose actions were all done in earlier years is in those years' reports, not
    this one: the board's whole action plan is the action plan export."""
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
        if r.signed_off_on is None and r.completion_due() is not None and r.completion_due() < min(today, end)
    ]
    review_rows = [
        {
            "review": r,
            "name": review_name(r),
            "state": review_state_words(r.state),
            "clock": r.completion_clock(today),
            "days_to_sign_off": (r.signed_off_on - r.initiated_on).days if r.signed_off_on else None,
            "late": bool(r.signed_off_on and r.completion_due() and r.signed_off_on > r.completion_due()),
        }
        for r in reviews
        if r.signed_off_on is None or _within(r.initiated_on, start, end) or _within(r.signed_off_on, start, end)
    ]
    live = Action.objects.filter(created_on__lte=end).filter(Q(completed_on__isnull=True) | Q(completed_on__gte=start))
    actions = Prefetch("actions", queryset=with_clock(live.order_by("due_on", "pk"), "action_due"))
    recommendations = list(
        Recommendation.objects.filter(review__in=[r.pk for r in reviews])
        .filter(Q(created_at__date__range=(start, end)) | Exists(live.filter(recommendation=OuterRef("pk"))))
        .select_related("review")
        .prefetch_related("themes", actions)
        .order_by("review__initiated_on", "review_id", "number")
    )
    names = {r.pk: review_name(r) for r in reviews}
    # Withdrawn actions are in no report (the default manager leaves them out): no row of noughts for them.
    status_counts = dict.fromkeys((s for s in ActionStatus.values if s != ActionStatus.WITHDRAWN), 0)
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
            "completed_late": sum(1 for r in completed if r.signed_off_on > r.completion_due()),
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
