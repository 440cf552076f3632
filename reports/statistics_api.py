"""`GET /api/v1/statistics/national/?from=YYYY-MM-DD&to=YYYY-MM-DD` (SPEC §7, §8, §10).

Exactly the keys of SPEC §7 and §10 for the period (cases of every regime together), both dates
inclusive: every board's figures for the panel and its secretariat, the board's own for a board
user. Missing, malformed or reversed dates are 400 with field errors; the service administrator is 403 (no case data).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from scr_tracker.api import FIELD_ERRORS_SCHEMA, ApiView, error_responses, query_input

from .statistics import NATURES, as_json, national_statistics
from .statistics_views import statistics_scope

DATE_MESSAGES = {
    "from": {
        "required": "Give the start of the period as from=YYYY-MM-DD",
        "invalid": "The start of the period must be a real date written YYYY-MM-DD",
        "null": "Give the start of the period as from=YYYY-MM-DD",
    },
    "to": {
        "required": "Give the end of the period as to=YYYY-MM-DD",
        "invalid": "The end of the period must be a real date written YYYY-MM-DD",
        "null": "Give the end of the period as to=YYYY-MM-DD",
    },
}


def _date_field(name: str, help_text: str) -> serializers.DateField:
    return serializers.DateField(input_formats=["%Y-%m-%d"], error_messages=DATE_MESSAGES[name], help_text=help_text)


class PeriodQuery(serializers.Serializer):
    # The query: `from` is a Python keyword, so the fields are declared by name below.

    def validate(self, attrs):
        if attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": ["The end of the period must be the same as or after the start"]})
        return attrs


PeriodQuery._declared_fields.update(
    {
        "from": _date_field("from", "The first day of the period"),
        "to": _date_field("to", "The last day of the period (inclusive)"),
    }
)


def _counts(name: str, keys: tuple[str, ...], help_text: str) -> serializers.Serializer:
    fields = {key: serializers.IntegerField(min_value=0) for key in keys}
    return type(name, (serializers.Serializer,), fields)(help_text=help_text)


class DelaysOutput(serializers.Serializer):
    incident_to_decision_median_days = serializers.FloatField(
        allow_null=True, help_text="Median days from incident to decision, for decisions in the period"
    )
    decision_to_completion_median_days = serializers.FloatField(
        allow_null=True, help_text="Median days from the decision to initiate to sign-off, for sign-offs in the period"
    )
    completion_to_publication_median_days = serializers.FloatField(
        allow_null=True, help_text="Median days from sign-off to publication, for publications in the period"
    )
    premature_decisions_pct = serializers.IntegerField(
        allow_null=True, help_text="Decisions in the period taken while the post-mortem was pending, % (half up)"
    )


class NationalStatisticsOutput(serializers.Serializer):
    # SPEC §7; `from` is a keyword, so the fields are declared by name below.
    pass


NationalStatisticsOutput._declared_fields.update(
    {
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "sins": serializers.IntegerField(help_text="Incidents whose Ofsted notification is in the period"),
        "sins_by_nature": _counts(
            "SinsByNatureOutput",
            NATURES,
            "Those incidents by their nature (other only under the regimes that have it)",
        ),
        "scrs_initiated": serializers.IntegerField(
            help_text=(
                "Decisions to initiate a local review (an SCR or an LCSPR) dated in the period, including those "
                "following panel advice"
            )
        ),
        "rapid_reviews_received": serializers.IntegerField(
            help_text="Rapid review submissions first submitted in the period"
        ),
        "rapid_reviews_on_time_pct": serializers.IntegerField(
            allow_null=True,
            help_text=(
                "Of those, 100 * the ones whose case met its rapid_review clock / received, rounded half up; "
                "null when none received"
            ),
        ),
        "national_reviews": serializers.IntegerField(
            help_text="Rapid review submissions whose first national_review advice is dated in the period"
        ),
        "non_initiation_considered": serializers.IntegerField(
            help_text="Non-initiation submissions whose first advice is dated in the period"
        ),
        "non_initiation_agreed": serializers.IntegerField(help_text="Of those, outcome agreed"),
        "non_initiation_agreed_pct": serializers.IntegerField(
            allow_null=True, help_text="100 * agreed / considered, rounded half up; null when none considered"
        ),
        "non_initiation_not_agreed": _counts(
            "NonInitiationNotAgreedOutput",
            (
                "scr_initiated_after_advice",
                "awaiting_information",
                "satisfied_after_explanation",
                "advice_not_accepted",
                "pending_board_response",
                "pending_panel_view",
            ),
            "The others, by their current outcome",
        ),
        "final_reports_received": serializers.IntegerField(
            help_text="Publications whose report_sent_on is in the period"
        ),
        "non_publication_considered": serializers.IntegerField(
            help_text="Non-publication submissions whose first advice is dated in the period"
        ),
        "non_publication_outcomes": _counts(
            "NonPublicationOutcomesOutput",
            (
                "agreed_not_publish",
                "agreed_anonymous",
                "agreed_summary",
                "disagreed_published",
                "disagreed_not_published",
                "awaiting_information",
                "pending_board_response",
            ),
            "Those, by their current outcome",
        ),
        "boards_contacted_panel": serializers.IntegerField(
            help_text="Boards with a submission first sent, an initiation notified or a final report sent in the period"
        ),
        "boards_not_contacted_panel": serializers.IntegerField(
            help_text="Boards active on any day of the period without a contact in it"
        ),
        "boards_never_contacted_panel": serializers.IntegerField(help_text="Of those, boards with no contact ever"),
        "delays": DelaysOutput(),
    }
)


class NationalStatisticsApi(ApiView):
    # The figures of SPEC §7 (a comment, not a docstring: the schema takes the description below).

    @extend_schema(
        operation_id="statistics_national",
        summary="National statistics for a period",
        description=(
            "The national panel's annual report figures (SPEC §7, with the rapid review figures of §10) for "
            "`from`..`to`, both inclusive, counted by the dates events happened, cases of every regime "
            "together. Panel users get every board's figures; a board user gets the same "
            "figures for their own board only (the boards_* keys then count that board alone)."
        ),
        parameters=[
            OpenApiParameter(
                "from",
                OpenApiTypes.DATE,
                OpenApiParameter.QUERY,
                required=True,
                description="The first day of the period, YYYY-MM-DD",
            ),
            OpenApiParameter(
                "to",
                OpenApiTypes.DATE,
                OpenApiParameter.QUERY,
                required=True,
                description="The last day of the period (inclusive), YYYY-MM-DD",
            ),
        ],
        responses={
            200: OpenApiResponse(NationalStatisticsOutput, description="The figures"),
            **error_responses(401, 403),
            400: OpenApiResponse(
                FIELD_ERRORS_SCHEMA,
                description="A bad period, each error under the parameter's name: `from` or `to` missing or not a "
                "date written YYYY-MM-DD, `to` before `from`, a parameter given twice, or another parameter",
            ),
        },
    )
    def get(self, request):
        try:
            board = statistics_scope(request.user)
        except DjangoPermissionDenied as exc:  # answered by DRF as JSON
            raise PermissionDenied(str(exc)) from exc
        period = query_input(request, PeriodQuery)
        figures = national_statistics(date_from=period["from"], date_to=period["to"], board=board)
        return Response(as_json(figures))
