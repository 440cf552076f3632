"""National statistics for a period (SPEC §7, §10): the figures of the panel's annual report.

Every figure is counted by the database (`aggregate` with filtered counts, `Exists` subqueries,
medians fetched as the middle one or two rows of an ordered slice), so the number of queries
is the same for ten cases or ten thousand. Counts use the event dates recorded on the records
(decision dates, the first advice in a submission's history, `report_sent_on`, …), never the
dates rows were created. `board=None` counts every board; a `Board` counts that board only.

How each key is defined, and why, is in docs/decisions/0016-national-statistics.md.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from accounts.models import Board
from incidents.choices import IncidentState, Nature, PostMortem
from incidents.models import Incident
from panel.choices import Advice, Outcome, SubmissionKind
from panel.models import PanelSubmission, SubmissionEvent
from publication.models import Publication
from reviews.choices import DecisionKind
from reviews.models import Decision, SeriousCaseReview
from scr_tracker.models import ClockRow

NON_INITIATION_NOT_AGREED = (
    Outcome.SCR_INITIATED_AFTER_ADVICE,
    Outcome.AWAITING_INFORMATION,
    Outcome.SATISFIED_AFTER_EXPLANATION,
    Outcome.ADVICE_NOT_ACCEPTED,
    Outcome.PENDING_BOARD_RESPONSE,
    Outcome.PENDING_PANEL_VIEW,
)
NON_PUBLICATION_OUTCOMES = (
    Outcome.AGREED_NOT_PUBLISH,
    Outcome.AGREED_ANONYMOUS,
    Outcome.AGREED_SUMMARY,
    Outcome.DISAGREED_PUBLISHED,
    Outcome.DISAGREED_NOT_PUBLISHED,
    Outcome.AWAITING_INFORMATION,
    Outcome.PENDING_BOARD_RESPONSE,
)
# Every nature a SIN can have under any regime (a regime without `other` simply counts none).
NATURES = tuple(str(nature) for nature in Nature)
# The incident clock a rapid review is on time by (SPEC §10): its name, as the API writes it.
RAPID_REVIEW_CLOCK = "rapid_review"
KEYS = (
    "from",
    "to",
    "sins",
    "sins_by_nature",
    "scrs_initiated",
    "rapid_reviews_received",
    "rapid_reviews_on_time_pct",
    "national_reviews",
    "non_initiation_considered",
    "non_initiation_agreed",
    "non_initiation_agreed_pct",
    "non_initiation_not_agreed",
    "final_reports_received",
    "non_publication_considered",
    "non_publication_outcomes",
    "boards_contacted_panel",
    "boards_not_contacted_panel",
    "boards_never_contacted_panel",
    "delays",
)
DELAY_KEYS = (
    "incident_to_decision_median_days",
    "decision_to_completion_median_days",
    "completion_to_publication_median_days",
    "premature_decisions_pct",
)


# --- Pure arithmetic ----------------------------------------------------------------------------


def percentage(part: int, whole: int) -> int | None:
    """100 * part / whole, rounded half up to a whole number (86 of 107 is 80); None when whole is 0."""
    if not whole:
        return None
    return int((Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def median_of_middle(middle: list[int], count: int) -> int | float | None:
    """The median from the middle row (odd count) or the mean of the middle two (even count)."""
    if count == 0:
        return None
    if count % 2:
        return middle[0]
    total = middle[0] + middle[1]
    return total // 2 if total % 2 == 0 else total / 2


def middle_slice(count: int) -> slice:
    """Which rows of the ordered values hold the median: one for an odd count, two for an even."""
    return slice((count - 1) // 2, count // 2 + 1)


# --- Querysets of the period --------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The period's dates and the board it is for (None: every board)."""

    date_from: date
    date_to: date
    board: Board | None = None

    @property
    def range(self) -> tuple[date, date]:
        return (self.date_from, self.date_to)

    def of_board(self, queryset: QuerySet, field: str) -> QuerySet:
        return queryset if self.board is None else queryset.filter(**{field: self.board.pk})


def days_between(later: str, earlier: str) -> ExpressionWrapper:
    """The difference of two date columns, worked out by the database (a duration)."""
    return ExpressionWrapper(F(later) - F(earlier), output_field=DurationField())


def first_advice_on() -> Subquery:
    """The date of a submission's first `record_advice`, from its recorded history."""
    return Subquery(
        SubmissionEvent.objects.filter(submission=OuterRef("pk"), what=SubmissionEvent.What.ADVICE)
        .order_by()
        .values("submission")
        .annotate(first=Min("event_date"))
        .values("first")[:1]
    )


def first_national_review_in(period: Period) -> Q:
    """A submission's first `national_review` advice is dated in the period: one is in it and none
    before it (a later advice does not move the date)."""
    advice = SubmissionEvent.objects.filter(
        submission=OuterRef("pk"), what=SubmissionEvent.What.ADVICE, value=Advice.NATIONAL_REVIEW
    )
    return Q(Exists(advice.filter(event_date__range=period.range))) & ~Q(
        Exists(advice.filter(event_date__lt=period.date_from))
    )


def rapid_review_met() -> Exists:
    """Whether the case of a rapid review submission met its `rapid_review` clock (ended by its due date)."""
    return Exists(
        ClockRow.objects.filter(
            # Through the submission's own column, so the subquery needs no join in the outer query.
            incident__decisions=OuterRef("decision_id"),
            name=RAPID_REVIEW_CLOCK,
            ended_on__isnull=False,
            due_on__isnull=False,
            ended_on__lte=F("due_on"),
        )
    )


def rapid_reviews_of(period: Period) -> QuerySet[PanelSubmission]:
    """Rapid review submissions first sent in the period (the Panel received them then)."""
    submissions = PanelSubmission.objects.filter(
        kind=SubmissionKind.RAPID_REVIEW, first_submitted_on__range=period.range
    )
    return period.of_board(submissions, "board")


def sins_in(period: Period) -> QuerySet[Incident]:
    """SINs whose Ofsted notification is in the period; a withdrawn one (in error, a duplicate) is not a SIN."""
    incidents = Incident.objects.filter(ofsted_notified_on__range=period.range).exclude(state=IncidentState.WITHDRAWN)
    return period.of_board(incidents, "board")


def decisions_in(period: Period) -> QuerySet[Decision]:
    """Every initiation decision dated in the period, including those recorded on accepting panel advice."""
    return period.of_board(Decision.objects.filter(decided_on__range=period.range), "incident__board")


# An SCR initiated is a decision to initiate that opened a review. A sibling's decision that brings
# its incident into a review already under way is a decision to initiate, but not another SCR.
OPENED_A_REVIEW = Q(decision=DecisionKind.INITIATE_SCR, review__isnull=False)


def initiations_in(period: Period) -> QuerySet[Decision]:
    return decisions_in(period).filter(OPENED_A_REVIEW)


def considered_in(period: Period) -> QuerySet[PanelSubmission]:
    """Submissions whose first advice is dated in the period (the panel considered them then)."""
    submissions = PanelSubmission.objects.annotate(first_advice=first_advice_on()).filter(
        first_advice__range=period.range
    )
    return period.of_board(submissions, "board")


def sign_offs_in(period: Period) -> QuerySet[SeriousCaseReview]:
    return period.of_board(SeriousCaseReview.objects.filter(signed_off_on__range=period.range), "board")


def publications_in(period: Period) -> QuerySet[Publication]:
    """Reports published in the period (their review's sign-off is the start of the delay)."""
    return period.of_board(
        Publication.objects.filter(published_on__range=period.range, review__signed_off_on__isnull=False),
        "review__board",
    )


def _contact(period: Period | None, board_ref) -> Q:
    """A board's contact with the panel (in the period, or at any date when `period` is None):
    a submission first submitted, an initiation notified to the panel, or a final report sent."""

    def within(field: str) -> dict:
        return {f"{field}__range": period.range} if period else {f"{field}__isnull": False}

    return Q(
        Exists(PanelSubmission.objects.filter(board=board_ref, **within("first_submitted_on")))
        | Exists(
            Decision.objects.filter(
                incident__board=board_ref, decision=DecisionKind.INITIATE_SCR, **within("panel_notified_on")
            )
        )
        | Exists(Publication.objects.filter(review__board=board_ref, **within("report_sent_on")))
    )


# --- The figures --------------------------------------------------------------------------------


def _median_days(queryset: QuerySet, later: str, earlier: str, count: int) -> int | float | None:
    """The median of whole days between two dates, from the middle one or two rows (one query)."""
    if count == 0:
        return None
    days = (
        queryset.annotate(delay=days_between(later, earlier))
        .order_by("delay", "pk")
        .values_list("delay", flat=True)[middle_slice(count)]
    )
    return median_of_middle([delay.days for delay in days], count)


def _outcome_counts(kind: str) -> dict[str, Count]:
    outcomes = (
        (Outcome.AGREED, *NON_INITIATION_NOT_AGREED)
        if kind == SubmissionKind.NON_INITIATION
        else NON_PUBLICATION_OUTCOMES
    )
    return {f"{kind}__{outcome}": Count("pk", filter=Q(kind=kind, outcome=outcome)) for outcome in outcomes}


def national_statistics(*, date_from: date, date_to: date, board: Board | None = None) -> dict:
    """The figures of SPEC §7 and §10 for `date_from`..`date_to` (both inclusive), for every board or for one.

    Returns exactly `{"from", "to", <every SPEC §7 and §10 key>}` (KEYS), cases of every regime
    counted together; dates are `date` objects (the API writes them as YYYY-MM-DD). With a board,
    the boards_* keys count that board alone (0 or 1).
    """
    period = Period(date_from, date_to, board)

    sins = sins_in(period).aggregate(
        all=Count("pk"), **{nature: Count("pk", filter=Q(nature=nature)) for nature in NATURES}
    )

    # Rapid reviews received in the period, and those whose first national_review advice is in it,
    # counted together over the rapid reviews of the board(s). Conditions, not annotations: an
    # annotated queryset is aggregated from a subquery that the Exists conditions cannot reach into.
    received = Q(first_submitted_on__range=period.range)
    national = first_national_review_in(period)
    rapid_reviews = (
        period.of_board(PanelSubmission.objects.filter(kind=SubmissionKind.RAPID_REVIEW), "board")
        .filter(received | national)
        .aggregate(
            received=Count("pk", filter=received),
            on_time=Count("pk", filter=received & Q(rapid_review_met())),
            national=Count("pk", filter=national),
        )
    )

    decisions = decisions_in(period).aggregate(
        all=Count("pk"),
        initiated=Count("pk", filter=OPENED_A_REVIEW),
        premature=Count("pk", filter=Q(post_mortem_at_decision=PostMortem.PENDING)),
    )

    submissions = considered_in(period).aggregate(
        non_initiation=Count("pk", filter=Q(kind=SubmissionKind.NON_INITIATION)),
        non_publication=Count("pk", filter=Q(kind=SubmissionKind.NON_PUBLICATION)),
        **_outcome_counts(SubmissionKind.NON_INITIATION),
        **_outcome_counts(SubmissionKind.NON_PUBLICATION),
    )

    reports = period.of_board(Publication.objects.all(), "review__board").aggregate(
        received=Count("pk", filter=Q(report_sent_on__range=period.range)),
        published=Count("pk", filter=Q(published_on__range=period.range, review__signed_off_on__isnull=False)),
    )

    completed = sign_offs_in(period).count()

    boards = period.of_board(Board.objects.all(), "pk").annotate(
        active=Q(active_from__lte=date_to) & (Q(active_until__isnull=True) | Q(active_until__gte=date_from)),
        contacted=_contact(period, OuterRef("pk")),
        ever=_contact(None, OuterRef("pk")),
    )
    board_counts = boards.aggregate(
        n_contacted=Count("pk", filter=Q(contacted=True)),
        n_not_contacted=Count("pk", filter=Q(active=True, contacted=False)),
        n_never=Count("pk", filter=Q(active=True, contacted=False, ever=False)),
    )

    ni = SubmissionKind.NON_INITIATION
    np = SubmissionKind.NON_PUBLICATION
    return {
        "from": date_from,
        "to": date_to,
        "sins": sins["all"],
        "sins_by_nature": {nature: sins[nature] for nature in NATURES},
        "scrs_initiated": decisions["initiated"],
        "rapid_reviews_received": rapid_reviews["received"],
        "rapid_reviews_on_time_pct": percentage(rapid_reviews["on_time"], rapid_reviews["received"]),
        "national_reviews": rapid_reviews["national"],
        "non_initiation_considered": submissions["non_initiation"],
        "non_initiation_agreed": submissions[f"{ni}__{Outcome.AGREED}"],
        "non_initiation_agreed_pct": percentage(submissions[f"{ni}__{Outcome.AGREED}"], submissions["non_initiation"]),
        "non_initiation_not_agreed": {
            str(outcome): submissions[f"{ni}__{outcome}"] for outcome in NON_INITIATION_NOT_AGREED
        },
        "final_reports_received": reports["received"],
        "non_publication_considered": submissions["non_publication"],
        "non_publication_outcomes": {
            str(outcome): submissions[f"{np}__{outcome}"] for outcome in NON_PUBLICATION_OUTCOMES
        },
        "boards_contacted_panel": board_counts["n_contacted"],
        "boards_not_contacted_panel": board_counts["n_not_contacted"],
        "boards_never_contacted_panel": board_counts["n_never"],
        "delays": {
            "incident_to_decision_median_days": _median_days(
                decisions_in(period), "decided_on", "incident_on", decisions["all"]
            ),
            "decision_to_completion_median_days": _median_days(
                sign_offs_in(period), "signed_off_on", "initiated_on", completed
            ),
            "completion_to_publication_median_days": _median_days(
                publications_in(period), "published_on", "review__signed_off_on", reports["published"]
            ),
            "premature_decisions_pct": percentage(decisions["premature"], decisions["all"]),
        },
    }


def as_json(statistics: dict) -> dict:
    """The figures with the period's dates written as YYYY-MM-DD (the API's form)."""
    return {**statistics, "from": statistics["from"].isoformat(), "to": statistics["to"].isoformat()}


def last_complete_financial_year(today: date) -> tuple[date, date]:
    """1 April to 31 March of the latest financial year that ended before today."""
    year = today.year if today > date(today.year, 3, 31) else today.year - 1
    return date(year - 1, 4, 1), date(year, 3, 31)
