"""Agency contributions to a review (IMRs and agency reports), each with its `agency_contribution` clock."""

import inspect

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status

from incidents.choices import Agency
from scr_tracker.api import (
    BAD_INPUT,
    FIELD_ERRORS_SCHEMA,
    ApiUrlField,
    ApiView,
    ClockOutput,
    RecordDetailApi,
    RecordListApi,
    StrictInputSerializer,
    error_responses,
)

from ..selectors import contribution_list, contributions_for_user, review_for_user
from ..services import contribution_receive, contribution_request
from . import NOT_IN_SCOPE, ReviewFilter


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
    confirm = serializers.BooleanField(
        default=False,
        help_text=(
            "A due date after the review's own completion due date is refused with a 400 `confirm` warning; "
            "send `true` to request the contribution by that date anyway"
        ),
    )


class ContributionReceivedInput(StrictInputSerializer):
    """The date the agency's contribution arrived."""

    received_on = serializers.DateField(
        allow_null=True, default=None, help_text="Required: on or after requested_on, not in the future"
    )


class ContributionListApi(RecordListApi):
    """The agency contributions of the user's reviews, and asking for a new one (board users)."""

    noun = "contribution"
    summary = "The agency contributions of the user's reviews, soonest due first"
    output = ContributionOutput
    filters = ReviewFilter

    def records(self, user, filters):
        return contribution_list(user, review=filters.get("review"))

    @staticmethod
    def board_of(contribution):
        return contribution.review.board_id

    @extend_schema(
        operation_id="contributions_create",
        summary="Ask an agency for its contribution to a review (board users)",
        request=ContributionCreateInput,
        responses={
            201: ContributionOutput,
            **error_responses(400, 401, 403, 409),
            **NOT_IN_SCOPE,
        },
    )
    def post(self, request):
        serializer = ContributionCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        review = review_for_user(request.user, data.pop("review"))
        contribution = contribution_request(actor=request.user, review_id=review.pk, **data)
        return ContributionDetailApi.reread(request, contribution.public_id, status.HTTP_201_CREATED)


class ContributionDetailApi(RecordDetailApi):
    """One agency contribution in the user's scope."""

    noun = "contribution"
    summary = "One agency contribution"
    output = ContributionOutput
    records = staticmethod(contributions_for_user)

    @staticmethod
    def board_of(contribution):
        return contribution.review.board_id


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
                FIELD_ERRORS_SCHEMA, description=f"{BAD_INPUT.description}; also when it was already received"
            ),
        },
    )
    def post(self, request, public_id):
        contribution = ContributionDetailApi.fetch(request.user, public_id)
        serializer = ContributionReceivedInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        contribution_receive(actor=request.user, contribution_id=contribution.pk, **serializer.validated_data)
        return ContributionDetailApi.reread(request, public_id)
