"""Serious Case Reviews: the list, one review and its terms, and its transitions (SPEC §4.3)."""

import inspect

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers

from scr_tracker import clocks
from scr_tracker.api import (
    ApiUrlField,
    AvailableTransitionOutput,
    ClockOutput,
    RecordDetailApi,
    RecordListApi,
    StrictInputSerializer,
    TransitionApiSpec,
    TransitionInput,
    api_url,
    error_responses,
    transition_api_view,
    transition_reason,
)
from scr_tracker.transitions import available_transitions

from ..choices import Methodology, ReviewState, StopReason
from ..models.reviews import REVIEW_TRANSITIONS
from ..selectors import review_details, review_for_user, reviews_with_links
from ..services import (
    TERMS_FIELD_WORDS,
    review_begin_drafting,
    review_resume_clock,
    review_sign_off,
    review_start,
    review_stop_clock,
    review_update_terms,
)
from . import urls_field

# --- Output -------------------------------------------------------------------------------------


class StopPeriodOutput(serializers.Serializer):
    """A period when the completion clock stood still, `[stopped_on, resumed_on)`."""

    stopped_on = serializers.DateField()
    resumed_on = serializers.DateField(allow_null=True, help_text="Null while the clock is still stopped")
    reason = serializers.ChoiceField(choices=StopReason.choices)
    detail = serializers.CharField(allow_blank=True)


class ReviewSummaryOutput(serializers.Serializer):
    """One row of the review list: where it stands and its completion clock.

    The queryset prefetches `stop_periods`, `incidents` and their `decisions` (see `reviews_with_links`).
    """

    id = serializers.UUIDField(source="public_id")
    url = ApiUrlField("api:review-detail")
    board = serializers.CharField(source="board.code")
    state = serializers.ChoiceField(choices=ReviewState.choices)
    initiated_on = serializers.DateField()
    following_panel_advice = serializers.BooleanField()
    methodology = serializers.ChoiceField(choices=Methodology.choices, allow_blank=True)
    lead_reviewer = serializers.CharField(allow_blank=True)
    # Both from the review's `scr_completion` clock row (its `original_due_on` and `due_on`).
    completion_due_original = serializers.DateField(help_text="Six months from the initiation decision")
    completion_due = serializers.DateField(
        allow_null=True, help_text="The original due date moved on by every stopped day; null while stopped"
    )
    clock_stopped = serializers.SerializerMethodField()
    signed_off_on = serializers.DateField(allow_null=True)
    decision = ApiUrlField("api:decision-detail", source="decision.public_id")
    incidents = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()
    clocks = serializers.SerializerMethodField()

    @extend_schema_field(serializers.BooleanField(help_text="A stop is open: the completion clock stands still"))
    def get_clock_stopped(self, review) -> bool:
        return clocks.has_open_stop(review.stops())

    @urls_field("The incidents the review covers (siblings in one family)")
    def get_incidents(self, review) -> list[str]:
        request = self.context["request"]
        return [api_url(request, "api:incident-detail", i.public_id) for i in review.incidents.all()]

    @urls_field("The decisions of the incidents it covers, incident by incident, each oldest first")
    def get_decisions(self, review) -> list[str]:
        request = self.context["request"]
        return [
            api_url(request, "api:decision-detail", d.public_id)
            for i in review.incidents.all()
            for d in i.decisions.all()
        ]

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

    @urls_field("The agency contributions asked for, soonest due first")
    def get_contributions(self, review) -> list[str]:
        request = self.context["request"]
        return [api_url(request, "api:contribution-detail", c.public_id) for c in review.contributions.all()]

    @urls_field("The review's recommendations, in number order")
    def get_recommendations(self, review) -> list[str]:
        request = self.context["request"]
        return [api_url(request, "api:recommendation-detail", r.public_id) for r in review.recommendations.all()]

    @extend_schema_field(
        serializers.URLField(allow_null=True, help_text="Its publication, once signed off (the panel's: once sent)")
    )
    def get_publication(self, review) -> str | None:
        from publication.selectors import publication_of_review  # publication builds on reviews

        request = self.context["request"]
        found = publication_of_review(request.user, review)
        return api_url(request, "api:publication-detail", found.public_id) if found else None


# --- Input --------------------------------------------------------------------------------------


class ReviewTermsInput(StrictInputSerializer):
    """What `PATCH reviews/<id>/` may change; fields left out keep their values."""

    terms_of_reference = serializers.CharField(allow_blank=True, required=False)
    scope_from = serializers.DateField(allow_null=True, required=False)
    scope_to = serializers.DateField(allow_null=True, required=False)
    lead_reviewer = serializers.CharField(allow_blank=True, required=False, max_length=150)
    independence_statement = serializers.CharField(allow_blank=True, required=False)
    reason = serializers.CharField(allow_blank=True, required=False, max_length=500, help_text="Why, for the history")


# Transition payloads (SPEC §4.3 table). Malformed values are 400 at once; missing ones are left


# Transition payloads (SPEC §4.3 table), on `scr_tracker.api.TransitionInput`.


class StartReviewInput(TransitionInput):
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


class StopClockInput(TransitionInput):
    """`stop_clock`: the completion clock stops from `event_date`, for a reason."""

    event_date = serializers.DateField(
        allow_null=True, default=None, help_text="Required: the first day the clock stands still"
    )
    reason = serializers.ChoiceField(choices=StopReason.choices, allow_null=True, default=None, help_text="Required")
    detail = serializers.CharField(allow_blank=True, default="", help_text="Required when the reason is `other`")


class ResumeClockInput(TransitionInput):
    """`resume_clock`: the completion clock runs again from `event_date`; the due date moves on by the
    stopped days."""

    event_date = serializers.DateField(
        allow_null=True, default=None, help_text="Required: the day the clock runs again"
    )


class SignOffInput(TransitionInput):
    """`sign_off`: the chair signs off the overview report; the completion clock is met or missed on
    `event_date`. Without an overview report uploaded, `reason` is required (400 otherwise)."""

    event_date = serializers.DateField(allow_null=True, default=None, help_text="Required: the day it was signed off")
    reason = transition_reason(
        "Required when no overview report has been uploaded: why the review is signed off without one "
        "(the audit entry's reason)"
    )


class BeginDraftingInput(TransitionInput):
    """`begin_drafting`: the reviewer is writing the overview report from `event_date`."""


TRANSITION_APIS: dict[str, TransitionApiSpec] = {
    "start": TransitionApiSpec(StartReviewInput, review_start, "Commission the review: methodology and lead reviewer"),
    "stop_clock": TransitionApiSpec(StopClockInput, review_stop_clock, "Stop the review's completion clock"),
    "resume_clock": TransitionApiSpec(ResumeClockInput, review_resume_clock, "Resume the completion clock"),
    "begin_drafting": TransitionApiSpec(
        BeginDraftingInput, review_begin_drafting, "The reviewer is writing the overview report"
    ),
    "sign_off": TransitionApiSpec(SignOffInput, review_sign_off, "Sign off the overview report"),
}


# --- Views --------------------------------------------------------------------------------------


class ReviewListApi(RecordListApi):
    """The user's reviews (board users: their board's; panel: those the boards told them they initiated)."""

    noun = "review"
    summary = "The user's Serious Case Reviews, newest first"
    output = ReviewSummaryOutput

    def records(self, user, filters):
        return reviews_with_links(user, today=self.today)


class ReviewDetailApi(RecordDetailApi):
    """One review in the user's scope."""

    noun = "review"
    summary = "One Serious Case Review"
    output = ReviewOutput

    @staticmethod
    def records(user):
        return review_details(user, today=timezone.localdate())

    @extend_schema(
        operation_id="reviews_partial_update",
        summary="Change the review's terms of reference, scope, lead reviewer or independence statement",
        description=inspect.getdoc(review_update_terms),
        request=ReviewTermsInput,
        responses={
            200: OpenApiResponse(ReviewOutput, description="The review as it now is"),
            **error_responses(400, 401, 403, 404, 409),
        },
    )
    def patch(self, request, public_id):
        review = self.record = self.fetch(request.user, public_id)
        serializer = ReviewTermsInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Fields left out keep their values: the service always takes the whole set.
        values = {field: getattr(review, field) for field in TERMS_FIELD_WORDS}
        review_update_terms(actor=request.user, review_id=review.pk, **(values | serializer.validated_data))
        return self.reread(request, public_id)


def transition_view(name: str):
    """The view for `POST reviews/<id>/transitions/<name>/`, documented with its own payload."""
    # The transition needs only the review in scope, not what its detail shows.
    return transition_api_view(name, TRANSITION_APIS[name], detail=ReviewDetailApi, fetch=review_for_user)
