"""The decisions API (SPEC §8): read-only; decisions are made through the incident's
`record_decision` transition."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from audit.services import access_record
from incidents.choices import Regulation5
from scr_tracker.api import (
    ApiPagination,
    ApiUrlField,
    ApiView,
    ClockOutput,
    api_url,
    error_responses,
    paginated_response,
)

from .choices import DecisionKind
from .selectors import decision_for_user, decision_list


class DecisionOutput(serializers.Serializer):
    """An initiation decision (SPEC §4.2) with its derived flags and the clock it started (for an
    initiation, the review's own completion clock: extended by stopped days, met or missed at sign-off).

    Needs `today` in the context.
    """

    id = serializers.UUIDField(source="public_id")
    url = ApiUrlField("api:decision-detail")
    incident = ApiUrlField("api:incident-detail", source="incident.public_id")
    decision = serializers.ChoiceField(choices=DecisionKind.choices)
    decided_on = serializers.DateField()
    rationale = serializers.DictField(
        child=serializers.CharField(), help_text=f"Text against each limb of regulation 5: {', '.join(Regulation5)}"
    )
    subgroup_recommendation = serializers.ChoiceField(choices=DecisionKind.choices, allow_blank=True)
    subgroup_recommended_on = serializers.DateField(allow_null=True)
    alternative_review = serializers.CharField(allow_blank=True)
    following_panel_advice = serializers.BooleanField()
    panel_notified_on = serializers.DateField(allow_null=True)
    premature = serializers.BooleanField(help_text="Decided while the post-mortem was pending")
    late = serializers.BooleanField(help_text="Decided after the initiation clock's due date")
    delay_days = serializers.IntegerField(help_text="Days from the incident to the decision")
    recorded_at = serializers.DateTimeField()
    review = serializers.SerializerMethodField()
    clocks = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.URLField(
            allow_null=True,
            help_text="initiate_scr: the review it opened, or the sibling's review it joined; null otherwise",
        )
    )
    def get_review(self, decision) -> str | None:
        review = decision.covering_review
        return api_url(self.context.get("request"), "api:review-detail", review.public_id) if review else None

    @extend_schema_field(ClockOutput(many=True))
    def get_clocks(self, decision) -> list[dict]:
        return [clock.as_dict() for clock in decision.clocks(self.context["today"])]


class DecisionListApi(ApiView):
    """The initiation decisions of the user's incidents."""

    pagination_class = ApiPagination

    @extend_schema(
        operation_id="decisions_list",
        summary="The user's initiation decisions, most recent first",
        responses={200: DecisionOutput(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request):
        return paginated_response(
            view=self,
            request=request,
            queryset=decision_list(request.user),
            serializer_class=DecisionOutput,
            context={"today": timezone.localdate()},
        )


class DecisionDetailApi(ApiView):
    """One initiation decision in the user's scope."""

    @extend_schema(
        operation_id="decisions_retrieve",
        summary="One initiation decision",
        responses={200: DecisionOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, public_id):
        decision = decision_for_user(request.user, public_id)
        access_record(request=request, record=decision, board_id=decision.incident.board_id)
        context = {"request": request, "today": timezone.localdate()}
        return Response(DecisionOutput(decision, context=context).data)
