"""Every read of initiation decisions, narrowed to the user's scope through their incident's board."""

from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from accounts.selectors import board_records_for_user, reads_as_panel
from audit.models import AuditEntry
from incidents.models import Incident
from scr_tracker.clock_rows import with_clock

from .choices import OPEN_REVIEW_STATES
from .models import Action, Contribution, Decision, Document, Recommendation, SeriousCaseReview, StopPeriod, Theme
from .models.withdrawals import WITHDRAW

BOARD_FIELD = "incident__board"


def decisions_for_user(user) -> QuerySet[Decision]:
    """The decisions of the incidents the user may see (board users: their board's; panel: linked ones)."""
    from incidents.selectors import incidents_for_user  # incidents.selectors reads decisions too

    # The review a decision opened or joined comes along: its clock is the decision's completion clock.
    decisions = Decision.objects.select_related("incident", "submission", "review", "joined_review").prefetch_related(
        "incident__case_clock_rows", "joined_review__clock_rows"
    )
    if reads_as_panel(user):
        return decisions.filter(incident__in=incidents_for_user(user).values("pk"))
    return board_records_for_user(user, decisions, board_field=BOARD_FIELD)


def decision_list(user) -> QuerySet[Decision]:
    """The user's decisions, most recent first."""
    return decisions_for_user(user).order_by("-decided_on", "-pk")


def decision_for_user(user, public_id) -> Decision:
    """One decision in the user's scope (404 otherwise, whatever the reason)."""
    try:
        return decisions_for_user(user).get(public_id=public_id)
    except Decision.DoesNotExist as exc:
        raise Http404("Not found") from exc


# --- Reviews, their contributions, recommendations and actions ------------------------------------


def reviews_for_user(user) -> QuerySet[SeriousCaseReview]:
    """Board users: their board's reviews. Panel: reviews the board told them it initiated (the notice)."""
    reviews = with_clock(SeriousCaseReview.objects.select_related("board", "decision__incident"), "scr_completion")
    if reads_as_panel(user):
        return reviews.filter(decision__panel_notified_on__isnull=False)
    return board_records_for_user(user, reviews)


def review_for_user(user, public_id) -> SeriousCaseReview:
    try:
        return reviews_for_user(user).get(public_id=public_id)
    except SeriousCaseReview.DoesNotExist as exc:
        raise Http404("Not found") from exc


def review_list(user, *, today: date) -> QuerySet[SeriousCaseReview]:
    """The user's reviews with whether the clock is stopped now, newest first."""
    open_stop = StopPeriod.objects.filter(review=OuterRef("pk"), resumed_on__isnull=True)
    return reviews_for_user(user).annotate(open_stops=Exists(open_stop)).order_by("-initiated_on", "-pk")


# `withdrawn=True` reads withdrawn records too: only for withdrawing them (the service refuses a second time
# with its reason) and for the audit trail. Everything else reads the records not withdrawn.


# Need to know (SPEC §2, decision 0026): the panel reads a review's initiation notice (its decision,
# cases, terms and clock) from the notice on, but its contributions, recommendations and documents
# only once the final report has been sent to the panel. A review's parts are filtered by this.
PARTS_REACHED_PANEL = "review__publication__report_sent_on__isnull"


def _parts_reached(user, parts: QuerySet) -> QuerySet:
    """Of a review's parts, those this reader may know of: for the panel, once the final report has reached it."""
    return parts.filter(**{PARTS_REACHED_PANEL: False}) if reads_as_panel(user) else parts


def review_parts_for_user(user, parts: QuerySet) -> QuerySet:
    """A review's contributions, recommendations or documents the user may read: board users their
    board's; the panel, those of notified reviews whose final report has reached it."""
    return _parts_reached(user, parts.filter(review__in=reviews_for_user(user).values("pk")))


def parts_hidden_from(user, review) -> bool:
    """Whether the review's parts are withheld from this reader until its final report reaches the panel.
    A review from `review_page` has the report's sent date read with it; any other costs a query."""
    if not reads_as_panel(user):
        return False
    if hasattr(review, "report_sent_on"):
        return review.report_sent_on is None
    return not SeriousCaseReview.objects.filter(pk=review.pk, publication__report_sent_on__isnull=False).exists()


def contributions_for_user(user, *, withdrawn: bool = False) -> QuerySet[Contribution]:
    manager = Contribution.all_objects if withdrawn else Contribution.objects
    contributions = with_clock(manager.select_related("review"), "agency_contribution")
    return review_parts_for_user(user, contributions)


def recommendations_for_user(user, *, withdrawn: bool = False) -> QuerySet[Recommendation]:
    manager = Recommendation.all_objects if withdrawn else Recommendation.objects
    return review_parts_for_user(user, manager.select_related("review").prefetch_related("themes"))


def actions_for_user(user, *, withdrawn: bool = False) -> QuerySet[Action]:
    """Actions are the board's own work: board users only (the panel reads reports, not action plans)."""
    manager = Action.all_objects if withdrawn else Action.objects
    actions = with_clock(manager.select_related("recommendation__review", "board"), "action_due")
    return board_records_for_user(user, actions)


@dataclass(frozen=True)
class ActionFilters:
    status: str = ""
    owner_agency: str = ""
    overdue: bool = False


def action_plan(user, *, today: date, filters: ActionFilters = ActionFilters()) -> QuerySet[Action]:
    """Every action of every review of the user's board, soonest due first."""
    actions = actions_for_user(user)
    if filters.status:
        actions = actions.filter(status=filters.status)
    if filters.owner_agency:
        actions = actions.filter(owner_agency=filters.owner_agency)
    if filters.overdue:
        actions = actions.filter(due_on__lt=today, completed_on__isnull=True)
    return actions.order_by("due_on", "pk")


# --- What the review pages show, each in a fixed number of queries ---------------------------------


def review_rows(user, *, today: date) -> QuerySet[SeriousCaseReview]:
    """The review list: each review with its incidents and stop periods (for its clock), newest first."""
    incidents = Prefetch("incidents", queryset=Incident.objects.order_by("reference"))
    return review_list(user, today=today).prefetch_related(incidents, "stop_periods")


def review_page(user, public_id) -> SeriousCaseReview:
    """One review with everything its page shows; actions only for those who may see them (404 outside scope)."""
    open_stop = StopPeriod.objects.filter(review=OuterRef("pk"), resumed_on__isnull=True)
    actions = actions_for_user(user).select_related(None).order_by("due_on", "pk")
    recommendations = Recommendation.objects.prefetch_related("themes", Prefetch("actions", queryset=actions))
    contributions = _parts_reached(user, with_clock(Contribution.objects.all(), "agency_contribution"))
    recommendations = _parts_reached(user, recommendations)
    reviews = (
        reviews_for_user(user)
        # The case, for its regime's words (the completion clock's rule).
        .select_related("decision__incident")
        .annotate(open_stops=Exists(open_stop), report_sent_on=F("publication__report_sent_on"))
        .prefetch_related(
            Prefetch("incidents", queryset=Incident.objects.order_by("reference")),
            "stop_periods",
            Prefetch("contributions", queryset=contributions),
            Prefetch("recommendations", queryset=recommendations.order_by("number")),
        )
    )
    try:
        return reviews.get(public_id=public_id)
    except SeriousCaseReview.DoesNotExist as exc:
        raise Http404("Not found") from exc


def review_timeline(review: SeriousCaseReview) -> QuerySet[AuditEntry]:
    """Every transition of the review: who, their role, when recorded, the event date, the reason; and the
    withdrawal of each of its contributions, recommendations, actions and documents (one query)."""

    def of(model: str, pks: QuerySet) -> Q:
        return Q(content_type__app_label="reviews", content_type__model=model, object_id__in=pks.values("pk"))

    withdrawals = Q(transition=WITHDRAW) & (
        of("contribution", Contribution.all_objects.filter(review=review))
        | of("recommendation", Recommendation.all_objects.filter(review=review))
        | of("action", Action.all_objects.filter(recommendation__review=review))
        | of("document", Document.all_objects.filter(review=review))
    )
    own = Q(content_type=ContentType.objects.get_for_model(SeriousCaseReview), object_id=review.pk)
    entries = AuditEntry.objects.filter(own | withdrawals).select_related("actor", "content_type")
    return entries.order_by("recorded_at", "pk")


def open_reviews_of_board(incident) -> list[SeriousCaseReview]:
    """The reviews of the incident's board that are not yet signed off and do not cover it: what it may join."""
    return list(
        SeriousCaseReview.objects.filter(board_id=incident.board_id, state__in=OPEN_REVIEW_STATES)
        .exclude(incidents=incident)
        .prefetch_related("incidents")
        .order_by("-initiated_on", "-pk")
    )


def review_of_incident(user, incident) -> SeriousCaseReview | None:
    """The latest review covering this incident that the user may see, if any."""
    return reviews_for_user(user).filter(incidents=incident).order_by("-initiated_on", "-pk").first()


def _one(queryset: QuerySet, public_id):
    try:
        return queryset.get(public_id=public_id)
    except queryset.model.DoesNotExist as exc:
        raise Http404("Not found") from exc


def contribution_for_user(user, public_id) -> Contribution:
    return _one(contributions_for_user(user), public_id)


def recommendation_for_user(user, public_id) -> Recommendation:
    return _one(recommendations_for_user(user), public_id)


def action_for_user(user, public_id) -> Action:
    return _one(actions_for_user(user), public_id)


def action_plan_rows(user, *, today: date, filters: ActionFilters = ActionFilters()) -> QuerySet[Action]:
    """The action plan with each action's review and its incidents (to name the review)."""
    incidents = Prefetch("recommendation__review__incidents", queryset=Incident.objects.order_by("reference"))
    return action_plan(user, today=today, filters=filters).prefetch_related(incidents)


# --- What the API shows, each in a fixed number of queries ---------------------------------------


def review_visible_to(user, review: SeriousCaseReview) -> bool:
    return reviews_for_user(user).filter(pk=review.pk).exists()


def review_pk_for_user(user, public_id) -> int | None:
    """The pk of the review with this public id in the user's scope, if there is one."""
    return reviews_for_user(user).filter(public_id=public_id).values_list("pk", flat=True).first()


def reviews_with_links(user, *, today: date) -> QuerySet[SeriousCaseReview]:
    """The user's reviews, newest first, with what a row shows: stop periods, incidents and their decisions."""
    decisions = Decision.objects.order_by("decided_on", "pk").only("public_id", "incident_id")
    incidents = (
        Incident.objects.order_by("incident_on", "pk")
        .only("public_id")
        .prefetch_related(Prefetch("decisions", queryset=decisions))
    )
    return review_list(user, today=today).prefetch_related("stop_periods", Prefetch("incidents", queryset=incidents))


def review_details(user, *, today: date) -> QuerySet[SeriousCaseReview]:
    """The user's reviews with everything one review's detail shows (its contributions and recommendations too)."""
    contributions = _parts_reached(user, Contribution.objects.all())
    recommendations = _parts_reached(user, Recommendation.objects.all())
    return reviews_with_links(user, today=today).prefetch_related(
        Prefetch("contributions", queryset=contributions), Prefetch("recommendations", queryset=recommendations)
    )


def contribution_list(user, *, review=None) -> QuerySet[Contribution]:
    """The contributions of the user's reviews (of one review, by its public id, if given), soonest due first."""
    contributions = contributions_for_user(user)
    if review:
        contributions = contributions.filter(review__public_id=review)
    return contributions.order_by("due_on", "pk")


def recommendations_with_actions(user) -> QuerySet[Recommendation]:
    """The user's recommendations with their themes and the actions the user may see (the panel reads
    recommendations, not action plans) as `visible_actions`."""
    actions = actions_for_user(user).select_related(None).order_by("due_on", "pk").only("public_id", "recommendation")
    return recommendations_for_user(user).prefetch_related(
        Prefetch("actions", queryset=actions, to_attr="visible_actions")
    )


def recommendation_list(user, *, review=None) -> QuerySet[Recommendation]:
    """The recommendations of the user's reviews (of one review, if given), newest review first, in number order."""
    recommendations = recommendations_with_actions(user)
    if review:
        recommendations = recommendations.filter(review__public_id=review)
    return recommendations.order_by("-review__initiated_on", "-review_id", "number")


def active_themes_named(names) -> dict[str, int]:
    """The active themes with these names, in any case: casefolded name → pk."""
    lookup = Q()
    for name in names:
        lookup |= Q(name__iexact=name)
    return {theme.name.casefold(): theme.pk for theme in Theme.objects.filter(lookup, active=True)}


def review_parts_timeline(review: SeriousCaseReview) -> QuerySet[AuditEntry]:
    """The entries of the review's parts (contributions, recommendations, actions), withdrawn ones
    too: their transitions and corrections but their withdrawals, oldest first, in one query."""
    of_review = {
        Contribution: Q(review=review),
        Recommendation: Q(review=review),
        Action: Q(recommendation__review=review),
    }
    parts = Q()
    for model, content_type in ContentType.objects.get_for_models(*of_review).items():  # cached after the first
        parts |= Q(content_type=content_type, object_id__in=model.all_objects.filter(of_review[model]).values("pk"))
    # Their withdrawals are review_timeline's, in its words.
    entries = AuditEntry.objects.filter(parts).exclude(transition=WITHDRAW).select_related("actor", "content_type")
    return entries.order_by("recorded_at", "pk")


@dataclass(frozen=True)
class ReviewParts:
    """A review's parts as its timeline reads them, withdrawn ones too (their audit trail stays), each with
    who recorded it and when: the audit entry is the accountable "who and when" of a change, and these
    records were never audited as they were made, so the record's own `created_by` and creation time say it
    (a document's `uploaded_by` and `uploaded_at`; an action's creation time is its first history row's).
    A contribution's receipt is a change of the record, not a record: who recorded it and when is the
    first history row that holds its `received_on` (`received_by_name`, `received_by_role`,
    `received_recorded_at`; empty where no history row names a person: a receipt recorded outside a request
    before `contribution_receive` named its actor to the history, or written by a bulk update)."""

    contributions: list[Contribution]
    recommendations: list[Recommendation]
    actions: list[Action]
    documents: list[Document]


def review_parts(review: SeriousCaseReview, reader=None) -> ReviewParts:
    """The review's parts, withdrawn or not, that `reader` may read (every part without one): one query a
    kind, however many there are. Actions are the board's own work: the panel reads none (`actions_for_user`),
    and so no entry of one."""
    received = Contribution.history.filter(id=OuterRef("pk"), received_on__isnull=False).order_by(
        "history_date", "history_id"
    )
    contributions = (
        Contribution.all_objects.filter(review=review)
        .select_related("created_by")
        .annotate(
            received_recorded_at=Subquery(received.values("history_date")[:1]),
            received_by_name=Subquery(received.values("history_user__full_name")[:1]),
            received_by_role=Subquery(received.values("history_user__role")[:1]),
        )
        .order_by("pk")
    )
    if reader is not None and parts_hidden_from(reader, review):  # need to know (decision 0026)
        return ReviewParts(contributions=[], recommendations=[], actions=[], documents=[])
    actions = Action.all_objects.all() if reader is None else actions_for_user(reader, withdrawn=True)
    created = Action.history.filter(id=OuterRef("pk"), history_type="+").order_by("history_date", "history_id")
    actions = (
        actions.filter(recommendation__review=review)
        .select_related("created_by", "recommendation")
        .annotate(recorded_at=Subquery(created.values("history_date")[:1]))
        .order_by("pk")
    )
    return ReviewParts(
        contributions=list(contributions),
        recommendations=list(
            Recommendation.all_objects.filter(review=review).select_related("created_by").order_by("number")
        ),
        actions=list(actions),
        documents=list(Document.all_objects.filter(review=review).select_related("uploaded_by").order_by("pk")),
    )
