"""The decisions API (SPEC §8): read-only; decisions are made through the incident's
`record_decision` transition."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incidents.choices import Regulation5
from scr_tracker.api import ApiUrlField, ClockOutput, RecordDetailApi, RecordListApi, api_url

from ..choices import DecisionKind
from ..selectors import decision_list, decisions_for_user


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
    national_review_recommended = serializers.BooleanField(
        allow_null=True, help_text="Where the case's regime holds a rapid review; null elsewhere"
    )
    rapid_review_summary = serializers.CharField(
        allow_blank=True, help_text="The rapid review's facts, immediate actions and learning; blank elsewhere"
    )
    panel_notified_on = serializers.DateField(allow_null=True)
    premature = serializers.BooleanField(help_text="Decided while the post-mortem was pending")
    late = serializers.BooleanField(
        help_text="Decided after the due date of the clock the case's regime measures decisions by "
        "(initiation_decision or rapid_review)"
    )
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


class DecisionListApi(RecordListApi):
    """The initiation decisions of the user's incidents."""

    noun = "decision"
    summary = "The user's initiation decisions, most recent first"
    output = DecisionOutput

    def records(self, user, filters):
        return decision_list(user)

    @staticmethod
    def board_of(decision):
        return decision.incident.board_id


class DecisionDetailApi(RecordDetailApi):
    """One initiation decision in the user's scope."""

    noun = "decision"
    summary = "One initiation decision"
    output = DecisionOutput
    records = staticmethod(decisions_for_user)

    @staticmethod
    def board_of(decision):
        return decision.incident.board_id
