"""The reviews API (SPEC §8): reviews with their transitions, agency contributions, recommendations
and actions with their transitions.

Thin views, as in `incidents.api`: parse with an input serializer, fetch through the scoped
selector (board users: their board's records; panel: the reviews the board told them it initiated,
with their contributions and recommendations, read-only; actions are the board's own work), call
one service, render with an output serializer. Refusals are mapped to 400/403/409 in
`scr_tracker.api`; a record outside the user's scope is 404, and so is a review or recommendation
named in a new record's body.
"""

import inspect

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from audit.services import access_record
from incidents.choices import Agency
from incidents.models import Incident
from scr_tracker import clocks
from scr_tracker.api import (
    FIELD_ERRORS_SCHEMA,
    ApiPagination,
    ApiUrlField,
    ApiView,
    AvailableTransitionOutput,
    ClockOutput,
    ErrorOutput,
    StrictInputSerializer,
    TransitionApiSpec,
    api_url,
    error_responses,
    paginated_response,
    transition_api_view,
)
from scr_tracker.transitions import InvalidInput, available_transitions

from .choices import ActionStatus, AddressedTo, Methodology, ReviewState, StopReason
from .models import Action, Contribution, Recommendation, SeriousCaseReview, Theme
from .models.actions import ACTION_TRANSITIONS
from .models.reviews import REVIEW_TRANSITIONS
from .selectors import (
    ActionFilters,
    action_plan,
    actions_for_user,
    contributions_for_user,
    recommendations_for_user,
    review_for_user,
    review_list,
)
from .services import (
    TERMS_FIELD_WORDS,
    action_add,
    action_begin,
    action_complete,
    action_evidence_impact,
    contribution_receive,
    contribution_request,
    recommendation_add,
    review_begin_drafting,
    review_resume_clock,
    review_sign_off,
    review_start,
    review_stop_clock,
    review_update_terms,
)

NO_SUCH_THEME = "There is no theme named {name}"


def _urls(help_text: str):
    return extend_schema_field(serializers.ListField(child=serializers.URLField(), help_text=help_text))


def _one(queryset: QuerySet, public_id):
    """One record of a scoped queryset, or 404 whatever the reason it is out of reach."""
    record = queryset.filter(public_id=public_id).first()
    if record is None:
        raise Http404("Not found")
    return record


NOT_IN_SCOPE = {
    404: OpenApiResponse(ErrorOutput, description="Not found, or not in the user's scope (also the record named)")
}


# --- Reviews: output ----------------------------------------------------------------------------


class StopPeriodOutput(serializers.Serializer):
    """A period when the completion clock stood still, `[stopped_on, resumed_on)`."""

    stopped_on = serializers.DateField()
    resumed_on = serializers.DateField(allow_null=True, help_text="Null while the clock is still stopped")
    reason = serializers.ChoiceField(choices=StopReason.choices)
    detail = serializers.CharField(allow_blank=True)


class ReviewSummaryOutput(serializers.Serializer):
    """One row of the review list: where it stands and its completion clock.

    The queryset prefetches `stop_periods` and `incidents` (see `reviews_with_links`).
    """

    id = serializers.UUIDField(source="public_id")
    url = ApiUrlField("api:review-detail")
    board = serializers.CharField(source="board.code")
    state = serializers.ChoiceField(choices=ReviewState.choices)
    initiated_on = serializers.DateField()
    following_panel_advice = serializers.BooleanField()
    methodology = serializers.ChoiceField(choices=Methodology.choices, allow_blank=True)
    lead_reviewer = serializers.CharField(allow_blank=True)
    completion_due_original = serializers.DateField(help_text="Six months from the initiation decision")
    completion_due = serializers.DateField(
        allow_null=True, help_text="The original due date moved on by every stopped day; null while stopped"
    )
    clock_stopped = serializers.SerializerMethodField()
    signed_off_on = serializers.DateField(allow_null=True)
    decision = ApiUrlField("api:decision-detail", source="decision.public_id")
    incidents = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()
    clocks = serializers.SerializerMethodField()

    @extend_schema_field(serializers.BooleanField(help_text="A stop is open: the completion clock stands still"))
    def get_clock_stopped(self, review) -> bool:
        return clocks.has_open_stop(review.stops())

    @_urls("The incidents the review covers (siblings in one family)")
    def get_incidents(self, review) -> list[str]:
        request = self.context["request"]
        return [api_url(request, "api:incident-detail", i.public_id) for i in review.incidents.all()]

    @extend_schema_field(AvailableTransitionOutput(many=True))
    def get_available_transitions(self, review) -> list[dict]:
        return available_transitions(review, self.context["request"].user, REVIEW_TRANSITIONS)

    @extend_schema_field(ClockOutput(many=True))
    def get_clocks(self, review) -> list[dict]:
        return [review.completion_clock(self.context["today"]).as_dict()]


class ReviewOutput(ReviewSummaryOutput):
    """A review with every SPEC §4.3 field, its state, transitions, completion clock and stop periods,
    and links to what it covers and what it produces. Needs `today` in the context."""

    independence_statement = serializers.CharField(allow_blank=True)
    terms_of_reference = serializers.CharField(allow_blank=True)
    scope_from = serializers.DateField(allow_null=True)
    scope_to = serializers.DateField(allow_null=True)
    stopped_days = serializers.SerializerMethodField()
    stop_periods = StopPeriodOutput(many=True, read_only=True, source="stop_periods.all")
    contributions = serializers.SerializerMethodField()
    recommendations = serializers.SerializerMethodField()
    publication = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(
        serializers.IntegerField(
            help_text="Calendar days the clock has stood still (overlapping periods counted once; "
            "an open stop counts up to today): why completion_due differs from completion_due_original"
        )
    )
    def get_stopped_days(self, review) -> int:
        return clocks.stopped_days(review.stops(), self.context["today"])

    @_urls("The agency contributions asked for, soonest due first")
    def get_contributions(self, review) -> list[str]:
        request = self.context["request"]
        return [api_url(request, "api:contribution-detail", c.public_id) for c in review.contributions.all()]

    @_urls("The review's recommendations, in number order")
    def get_recommendations(self, review) -> list[str]:
        request = self.context["request"]
        return [api_url(request, "api:recommendation-detail", r.public_id) for r in review.recommendations.all()]

    @extend_schema_field(
        serializers.URLField(allow_null=True, help_text="Its publication, once signed off (the panel's: once sent)")
    )
    def get_publication(self, review) -> str | None:
        from publication.selectors import publications_for_user  # publication builds on reviews

        request = self.context["request"]
        found = publications_for_user(request.user).filter(review=review).values_list("public_id", flat=True).first()
        return api_url(request, "api:publication-detail", found) if found else None


def reviews_with_links(user) -> QuerySet[SeriousCaseReview]:
    """The user's reviews, newest first, with what a row shows, in a fixed number of queries."""
    return review_list(user, today=timezone.localdate()).prefetch_related(
        "stop_periods", Prefetch("incidents", queryset=Incident.objects.order_by("incident_on", "pk").only("public_id"))
    )


def review_detail(user, public_id) -> SeriousCaseReview:
    """One review in the user's scope with everything its detail shows (404 otherwise)."""
    return _one(reviews_with_links(user).prefetch_related("contributions", "recommendations"), public_id)


def review_response(request, review: SeriousCaseReview) -> Response:
    context = {"request": request, "today": timezone.localdate()}
    return Response(ReviewOutput(review, context=context).data)


# --- Reviews: input -----------------------------------------------------------------------------


class ReviewTermsInput(StrictInputSerializer):
    """What `PATCH reviews/<id>/` may change; fields left out keep their values."""

    terms_of_reference = serializers.CharField(allow_blank=True, required=False)
    scope_from = serializers.DateField(allow_null=True, required=False)
    scope_to = serializers.DateField(allow_null=True, required=False)
    lead_reviewer = serializers.CharField(allow_blank=True, required=False, max_length=150)
    independence_statement = serializers.CharField(allow_blank=True, required=False)
    reason = serializers.CharField(allow_blank=True, required=False, max_length=500, help_text="Why, for the history")


# Transition payloads (SPEC §4.3 table). Malformed values are 400 at once; missing ones are left
# to the service, which reports them only after checking the role (403) and the state (409).


class ReviewTransitionInput(StrictInputSerializer):
    """Every transition's `event_date`."""

    event_date = serializers.DateField(
        allow_null=True, default=None, help_text="Required: when it really happened (YYYY-MM-DD)"
    )


class StartReviewInput(ReviewTransitionInput):
    """`start`: the review is commissioned with its methodology and lead reviewer."""

    methodology = serializers.ChoiceField(
        choices=Methodology.choices, allow_null=True, default=None, help_text="Required"
    )
    lead_reviewer = serializers.CharField(
        allow_blank=True, default="", max_length=150, help_text="Required: the lead reviewer or reviewers"
    )
    independence_statement = serializers.CharField(
        allow_blank=True, default="", help_text="How the lead reviewer is independent of the agencies involved"
    )


class StopClockInput(ReviewTransitionInput):
    """`stop_clock`: the completion clock stops from `event_date`, for a reason."""

    event_date = serializers.DateField(
        allow_null=True, default=None, help_text="Required: the first day the clock stands still"
    )
    reason = serializers.ChoiceField(choices=StopReason.choices, allow_null=True, default=None, help_text="Required")
    detail = serializers.CharField(allow_blank=True, default="", help_text="Required when the reason is `other`")


class ResumeClockInput(ReviewTransitionInput):
    """`resume_clock`: the completion clock runs again from `event_date`; the due date moves on by the
    stopped days."""

    event_date = serializers.DateField(
        allow_null=True, default=None, help_text="Required: the day the clock runs again"
    )


class SignOffInput(ReviewTransitionInput):
    """`sign_off`: the chair signs off the overview report; the completion clock is met or missed on
    `event_date`."""

    event_date = serializers.DateField(allow_null=True, default=None, help_text="Required: the day it was signed off")


REVIEW_TRANSITION_APIS: dict[str, TransitionApiSpec] = {
    "start": TransitionApiSpec(StartReviewInput, review_start, "Commission the review: methodology and lead reviewer"),
    "stop_clock": TransitionApiSpec(StopClockInput, review_stop_clock, "Stop the review's completion clock"),
    "resume_clock": TransitionApiSpec(ResumeClockInput, review_resume_clock, "Resume the completion clock"),
    "begin_drafting": TransitionApiSpec(
        ReviewTransitionInput, review_begin_drafting, "The reviewer is writing the overview report"
    ),
    "sign_off": TransitionApiSpec(SignOffInput, review_sign_off, "Sign off the overview report"),
}


# --- Reviews: views -----------------------------------------------------------------------------


class ReviewListApi(ApiView):
    """The user's reviews (board users: their board's; panel: those the boards told them they initiated)."""

    pagination_class = ApiPagination

    @extend_schema(
        operation_id="reviews_list",
        summary="The user's Serious Case Reviews, newest first",
        responses={200: ReviewSummaryOutput(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request):
        return paginated_response(
            view=self,
            request=request,
            queryset=reviews_with_links(request.user),
            serializer_class=ReviewSummaryOutput,
            context={"today": timezone.localdate()},
        )


class ReviewDetailApi(ApiView):
    """One review in the user's scope."""

    @extend_schema(
        operation_id="reviews_retrieve",
        summary="One Serious Case Review",
        responses={200: ReviewOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, public_id):
        review = review_detail(request.user, public_id)
        access_record(request=request, record=review)
        return review_response(request, review)

    @extend_schema(
        operation_id="reviews_partial_update",
        summary="Change the review's terms of reference, scope, lead reviewer or independence statement",
        description=inspect.getdoc(review_update_terms),
        request=ReviewTermsInput,
        responses={
            200: OpenApiResponse(ReviewOutput, description="The review as it now is"),
            **error_responses(401, 403, 404, 409),
            400: OpenApiResponse(FIELD_ERRORS_SCHEMA, description="Bad input: field errors; nothing saved"),
        },
    )
    def patch(self, request, public_id):
        review = self.record = review_detail(request.user, public_id)
        serializer = ReviewTermsInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Fields left out keep their values: the service always takes the whole set.
        values = {field: getattr(review, field) for field in TERMS_FIELD_WORDS}
        review_update_terms(actor=request.user, review_id=review.pk, **(values | serializer.validated_data))
        return review_response(request, review_detail(request.user, public_id))


def review_transition_view(name: str):
    """The view for `POST reviews/<id>/transitions/<name>/`, documented with its own payload."""
    return transition_api_view(
        name,
        REVIEW_TRANSITION_APIS[name],
        noun="review",
        fetch=review_for_user,
        id_kwarg="review_id",
        respond=lambda request, public_id: review_response(request, review_detail(request.user, public_id)),
        output=ReviewOutput,
    )


# --- Contributions ------------------------------------------------------------------------------


class ContributionOutput(serializers.Serializer):
    """An agency's contribution (an IMR or agency report) with its `agency_contribution` clock.

    Needs `today` in the context.
    """

    id = serializers.UUIDField(source="public_id")
    url = ApiUrlField("api:contribution-detail")
    review = ApiUrlField("api:review-detail", source="review.public_id")
    agency = serializers.ChoiceField(choices=Agency.choices)
    agency_name = serializers.CharField()
    author = serializers.CharField(allow_blank=True)
    requested_on = serializers.DateField()
    due_on = serializers.DateField()
    received_on = serializers.DateField(allow_null=True)
    records_secured_on = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    clocks = serializers.SerializerMethodField()

    @extend_schema_field(ClockOutput(many=True))
    def get_clocks(self, contribution) -> list[dict]:
        return [contribution.clock(self.context["today"]).as_dict()]


def contribution_response(request, contribution: Contribution, status_code: int = status.HTTP_200_OK) -> Response:
    data = ContributionOutput(contribution, context={"request": request, "today": timezone.localdate()}).data
    headers = {"Location": data["url"]} if status_code == status.HTTP_201_CREATED else None
    return Response(data, status=status_code, headers=headers)


class ReviewFilter(serializers.Serializer):
    """Narrow a list to one review (blank means every review the user may see)."""

    review = serializers.UUIDField(required=False, allow_null=True, help_text="The review's id")


class ContributionCreateInput(StrictInputSerializer):
    """Ask an agency for its contribution by a due date (board users)."""

    review = serializers.UUIDField(help_text="The review's id")
    agency = serializers.ChoiceField(choices=Agency.choices, allow_null=True, default=None, help_text="Required")
    agency_name = serializers.CharField(
        allow_blank=True, default="", max_length=150, help_text="Required: the organisation, e.g. the hospital trust"
    )
    author = serializers.CharField(allow_blank=True, default="", max_length=150)
    requested_on = serializers.DateField(allow_null=True, default=None, help_text="Required")
    due_on = serializers.DateField(allow_null=True, default=None, help_text="Required: on or after requested_on")
    records_secured_on = serializers.DateField(allow_null=True, default=None)


class ContributionReceivedInput(StrictInputSerializer):
    """The date the agency's contribution arrived."""

    received_on = serializers.DateField(
        allow_null=True, default=None, help_text="Required: on or after requested_on, not in the future"
    )


class ContributionListApi(ApiView):
    """The agency contributions of the user's reviews, and asking for a new one (board users)."""

    pagination_class = ApiPagination

    @extend_schema(
        operation_id="contributions_list",
        summary="The agency contributions of the user's reviews, soonest due first",
        parameters=[ReviewFilter],
        responses={200: ContributionOutput(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        filters = ReviewFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        contributions = contributions_for_user(request.user)
        if filters.validated_data.get("review"):
            contributions = contributions.filter(review__public_id=filters.validated_data["review"])
        return paginated_response(
            view=self,
            request=request,
            queryset=contributions.order_by("due_on", "pk"),
            serializer_class=ContributionOutput,
            context={"today": timezone.localdate()},
        )

    @extend_schema(
        operation_id="contributions_create",
        summary="Ask an agency for its contribution to a review (board users)",
        request=ContributionCreateInput,
        responses={
            201: ContributionOutput,
            **error_responses(400, 401, 403),
            **NOT_IN_SCOPE,
        },
    )
    def post(self, request):
        serializer = ContributionCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        review = review_for_user(request.user, data.pop("review"))
        contribution = contribution_request(actor=request.user, review_id=review.pk, **data)
        created = _one(contributions_for_user(request.user), contribution.public_id)
        return contribution_response(request, created, status.HTTP_201_CREATED)


class ContributionDetailApi(ApiView):
    """One agency contribution in the user's scope."""

    @extend_schema(
        operation_id="contributions_retrieve",
        summary="One agency contribution",
        responses={200: ContributionOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, public_id):
        contribution = _one(contributions_for_user(request.user), public_id)
        access_record(request=request, record=contribution, board_id=contribution.review.board_id)
        return contribution_response(request, contribution)


class ContributionReceivedApi(ApiView):
    """Record that an agency's contribution arrived (board users); its clock is met or missed then."""

    @extend_schema(
        operation_id="contributions_received",
        summary="Record that the agency's contribution was received (board users)",
        description=inspect.getdoc(contribution_receive),
        request=ContributionReceivedInput,
        responses={
            200: OpenApiResponse(ContributionOutput, description="The contribution as it now is"),
            **error_responses(401, 403, 404),
            400: OpenApiResponse(
                FIELD_ERRORS_SCHEMA,
                description="Bad input: field errors (also when it was already received); nothing saved",
            ),
        },
    )
    def post(self, request, public_id):
        contribution = _one(contributions_for_user(request.user), public_id)
        serializer = ContributionReceivedInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        contribution_receive(actor=request.user, contribution_id=contribution.pk, **serializer.validated_data)
        return contribution_response(request, _one(contributions_for_user(request.user), public_id))


# --- Recommendations ----------------------------------------------------------------------------


class RecommendationOutput(serializers.Serializer):
    """A review's recommendation: its number, text, who it is addressed to, its themes and actions.

    The queryset prefetches `themes` and the actions the user may see (`visible_actions`).
    """

    id = serializers.UUIDField(source="public_id")
    url = ApiUrlField("api:recommendation-detail")
    review = ApiUrlField("api:review-detail", source="review.public_id")
    number = serializers.IntegerField(help_text="Its number in the overview report")
    text = serializers.CharField()
    addressed_to = serializers.ChoiceField(choices=AddressedTo.choices)
    themes = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), help_text="Theme names"))
    def get_themes(self, recommendation) -> list[str]:
        return [theme.name for theme in recommendation.themes.all()]

    @_urls("The actions that carry it out, soonest due first (board users)")
    def get_actions(self, recommendation) -> list[str]:
        request = self.context["request"]
        return [api_url(request, "api:action-detail", a.public_id) for a in recommendation.visible_actions]


def recommendations_with_actions(user) -> QuerySet[Recommendation]:
    """The user's recommendations with their themes and the actions the user may see (the panel reads
    recommendations, not action plans), in a fixed number of queries."""
    actions = actions_for_user(user).select_related(None).order_by("due_on", "pk").only("public_id", "recommendation")
    return recommendations_for_user(user).prefetch_related(
        Prefetch("actions", queryset=actions, to_attr="visible_actions")
    )


def recommendation_response(request, recommendation: Recommendation, status_code: int = status.HTTP_200_OK) -> Response:
    data = RecommendationOutput(recommendation, context={"request": request}).data
    headers = {"Location": data["url"]} if status_code == status.HTTP_201_CREATED else None
    return Response(data, status=status_code, headers=headers)


class RecommendationCreateInput(StrictInputSerializer):
    """A recommendation of a review (board users); it is numbered after the review's last one."""

    review = serializers.UUIDField(help_text="The review's id")
    text = serializers.CharField(allow_blank=True, default="", help_text="Required")
    addressed_to = serializers.ChoiceField(
        choices=AddressedTo.choices, allow_null=True, default=None, help_text="Required"
    )
    themes = serializers.ListField(
        child=serializers.CharField(max_length=80),
        default=list,
        help_text="Required: one or more names from the managed list of themes, e.g. Neglect, Domestic abuse",
    )


def _theme_ids(names: list[str]) -> tuple[list[int], dict[str, list[str]]]:
    """The active themes with these names (any case), and the errors for names that match none."""
    wanted = {name.strip().casefold(): name for name in names}
    if not wanted:
        return [], {}
    lookup = Q()
    for name in wanted:
        lookup |= Q(name__iexact=name)
    found = {theme.name.casefold(): theme.pk for theme in Theme.objects.filter(lookup, active=True)}
    unknown = [NO_SUCH_THEME.format(name=name) for key, name in wanted.items() if key not in found]
    return list(found.values()), ({"themes": unknown} if unknown else {})


class RecommendationListApi(ApiView):
    """The recommendations of the user's reviews, and adding one (board users)."""

    pagination_class = ApiPagination

    @extend_schema(
        operation_id="recommendations_list",
        summary="The recommendations of the user's reviews, newest review first, in number order",
        parameters=[ReviewFilter],
        responses={200: RecommendationOutput(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        filters = ReviewFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        recommendations = recommendations_with_actions(request.user)
        if filters.validated_data.get("review"):
            recommendations = recommendations.filter(review__public_id=filters.validated_data["review"])
        return paginated_response(
            view=self,
            request=request,
            queryset=recommendations.order_by("-review__initiated_on", "-review_id", "number"),
            serializer_class=RecommendationOutput,
        )

    @extend_schema(
        operation_id="recommendations_create",
        summary="Add a recommendation to a review (board users)",
        request=RecommendationCreateInput,
        responses={
            201: RecommendationOutput,
            **error_responses(400, 401, 403),
            **NOT_IN_SCOPE,
        },
    )
    def post(self, request):
        serializer = RecommendationCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        review = review_for_user(request.user, data.pop("review"))
        theme_ids, errors = _theme_ids(data.pop("themes"))
        # The service checks the role first (403), so an unknown theme is reported with its other
        # field errors, and nothing is saved.
        try:
            with transaction.atomic():
                recommendation = recommendation_add(
                    actor=request.user, review_id=review.pk, theme_ids=theme_ids, **data
                )
                if errors:
                    raise InvalidInput(errors)  # undoes what the service saved
        except InvalidInput as exc:
            raise InvalidInput({**exc.errors, **errors}) from exc
        created = _one(recommendations_with_actions(request.user), recommendation.public_id)
        return recommendation_response(request, created, status.HTTP_201_CREATED)


class RecommendationDetailApi(ApiView):
    """One recommendation in the user's scope, with its actions."""

    @extend_schema(
        operation_id="recommendations_retrieve",
        summary="One recommendation",
        responses={200: RecommendationOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, public_id):
        recommendation = _one(recommendations_with_actions(request.user), public_id)
        access_record(request=request, record=recommendation, board_id=recommendation.review.board_id)
        return recommendation_response(request, recommendation)


# --- Actions ------------------------------------------------------------------------------------


class ActionOutput(serializers.Serializer):
    """An action carrying out a recommendation, its status, transitions and `action_due` clock.

    Needs `today` in the context.
    """

    id = serializers.UUIDField(source="public_id")
    url = ApiUrlField("api:action-detail")
    board = serializers.CharField(source="board.code")
    review = ApiUrlField("api:review-detail", source="recommendation.review.public_id")
    recommendation = ApiUrlField("api:recommendation-detail", source="recommendation.public_id")
    description = serializers.CharField()
    owner_agency = serializers.ChoiceField(choices=Agency.choices)
    owner_person = serializers.CharField()
    created_on = serializers.DateField(help_text="When the action was agreed: its clock starts")
    due_on = serializers.DateField()
    state = serializers.ChoiceField(choices=ActionStatus.choices, help_text="The same as status")
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    completed_on = serializers.DateField(allow_null=True)
    evidence = serializers.CharField(allow_blank=True, help_text="Evidence that the action changed practice")
    available_transitions = serializers.SerializerMethodField()
    clocks = serializers.SerializerMethodField()

    @extend_schema_field(AvailableTransitionOutput(many=True))
    def get_available_transitions(self, action) -> list[dict]:
        return available_transitions(action, self.context["request"].user, ACTION_TRANSITIONS)

    @extend_schema_field(ClockOutput(many=True))
    def get_clocks(self, action) -> list[dict]:
        return [action.clock(self.context["today"]).as_dict()]


def action_response(request, action: Action, status_code: int = status.HTTP_200_OK) -> Response:
    data = ActionOutput(action, context={"request": request, "today": timezone.localdate()}).data
    headers = {"Location": data["url"]} if status_code == status.HTTP_201_CREATED else None
    return Response(data, status=status_code, headers=headers)


class ActionFilter(serializers.Serializer):
    """The action plan's filters, as query parameters (blank means no filter)."""

    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False, allow_blank=True)
    owner_agency = serializers.ChoiceField(choices=Agency.choices, required=False, allow_blank=True)
    overdue = serializers.BooleanField(
        required=False, allow_null=True, help_text="true: only actions past their due date and not completed"
    )


class ActionCreateInput(StrictInputSerializer):
    """An action to carry out a recommendation (board users); it starts `open`, agreed today."""

    recommendation = serializers.UUIDField(help_text="The recommendation's id")
    description = serializers.CharField(allow_blank=True, default="", help_text="Required")
    owner_agency = serializers.ChoiceField(choices=Agency.choices, allow_null=True, default=None, help_text="Required")
    owner_person = serializers.CharField(
        allow_blank=True, default="", max_length=150, help_text="Required: the person responsible (a role is fine)"
    )
    due_on = serializers.DateField(allow_null=True, default=None, help_text="Required: today or later")


class ActionTransitionInput(StrictInputSerializer):
    """Every action transition's `event_date`."""

    event_date = serializers.DateField(
        allow_null=True, default=None, help_text="Required: when it really happened (YYYY-MM-DD)"
    )


class CompleteActionInput(ActionTransitionInput):
    """`complete`: the action is done on `event_date`; its clock is met when that is on or before `due_on`."""

    event_date = serializers.DateField(
        allow_null=True, default=None, help_text="Required: the day the action was completed"
    )


class EvidenceImpactInput(ActionTransitionInput):
    """`evidence_impact`: the evidence that the action changed practice."""

    evidence = serializers.CharField(allow_blank=True, default="", help_text="Required")


ACTION_TRANSITION_APIS: dict[str, TransitionApiSpec] = {
    "begin": TransitionApiSpec(ActionTransitionInput, action_begin, "Work on the action has started"),
    "complete": TransitionApiSpec(CompleteActionInput, action_complete, "The action is done"),
    "evidence_impact": TransitionApiSpec(
        EvidenceImpactInput, action_evidence_impact, "Record the evidence that the action changed practice"
    ),
}


class ActionListApi(ApiView):
    """The board's action plan (board users; none for anyone else), and adding an action."""

    pagination_class = ApiPagination

    @extend_schema(
        operation_id="actions_list",
        summary="Every action of every review of the user's board, soonest due first",
        parameters=[ActionFilter],
        responses={200: ActionOutput(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        filters = ActionFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        today = timezone.localdate()
        action_filters = ActionFilters(
            status=values.get("status") or "",
            owner_agency=values.get("owner_agency") or "",
            overdue=bool(values.get("overdue")),
        )
        return paginated_response(
            view=self,
            request=request,
            queryset=action_plan(request.user, today=today, filters=action_filters),
            serializer_class=ActionOutput,
            context={"today": today},
        )

    @extend_schema(
        operation_id="actions_create",
        summary="Add an action to carry out a recommendation (board users)",
        request=ActionCreateInput,
        responses={
            201: ActionOutput,
            **error_responses(400, 401, 403),
            **NOT_IN_SCOPE,
        },
    )
    def post(self, request):
        serializer = ActionCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        recommendation = _one(recommendations_for_user(request.user), data.pop("recommendation"))
        action = action_add(actor=request.user, recommendation_id=recommendation.pk, **data)
        return action_response(request, _one(actions_for_user(request.user), action.public_id), status.HTTP_201_CREATED)


class ActionDetailApi(ApiView):
    """One action of the user's board."""

    @extend_schema(
        operation_id="actions_retrieve",
        summary="One action",
        responses={200: ActionOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, public_id):
        action = _one(actions_for_user(request.user), public_id)
        access_record(request=request, record=action)
        return action_response(request, action)


def action_transition_view(name: str):
    """The view for `POST actions/<id>/transitions/<name>/`, documented with its own payload."""
    return transition_api_view(
        name,
        ACTION_TRANSITION_APIS[name],
        noun="action",
        fetch=lambda user, public_id: _one(actions_for_user(user), public_id),
        id_kwarg="action_id",
        respond=lambda request, public_id: action_response(request, _one(actions_for_user(request.user), public_id)),
        output=ActionOutput,
    )
