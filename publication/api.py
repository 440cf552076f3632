"""The publications API (SPEC §8): publications with their transitions and clocks, and the board's
written response and NSPCC repository deposit.

Thin views, as in `reviews.api`: parse with an input serializer, fetch through the scoped
selector (board users: their board's publications; panel: those whose final report the board has
sent them, read-only; a record outside the scope is 404), call one service, render with an output
serializer. Refusals are mapped to 400/403/409 in `scr_tracker.api`.
"""

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers

from panel.choices import Outcome
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
from scr_tracker.regimes import record_clock
from scr_tracker.transitions import available_transitions

from .choices import PROPOSED_MODES, PublicationMode, PublicationState
from .models import PUBLICATION_TRANSITIONS
from .selectors import PublicationFilters, publication_clocks, publication_list, publications_for_user
from .services import (
    publication_plan,
    publication_propose,
    publication_publish,
    publication_record,
    publication_schedule,
    publication_send_report,
    publication_take_down,
    publication_withhold,
)

# --- Output -------------------------------------------------------------------------------------


class PublicationOutput(serializers.Serializer):
    """A completed review's publication with every SPEC §4.5 field, its state, transitions, clocks,
    the days from completion to publication, and its non-publication submission. Needs `today`."""

    id = serializers.UUIDField(source="public_id")
    url = ApiUrlField("api:publication-detail")
    board = serializers.CharField(source="review.board.code")
    review = ApiUrlField("api:review-detail", source="review.public_id")
    state = serializers.ChoiceField(choices=PublicationState.choices)
    mode = serializers.ChoiceField(
        choices=PublicationMode.choices, help_text="Proposed while with the panel; as published or withheld after"
    )
    reasons = serializers.CharField(allow_blank=True, help_text="Why the board proposes not to publish in full")
    independent_advice = serializers.CharField(
        allow_blank=True, help_text="Independent advice that publication would put specific individuals at serious risk"
    )
    completed_on = serializers.DateField(source="review.signed_off_on", help_text="When the review was signed off")
    planned_publication_on = serializers.DateField(allow_null=True)
    report_sent_on = serializers.DateField(allow_null=True, help_text="When the final report went to the panel")
    published_on = serializers.DateField(allow_null=True)
    publication_url = serializers.CharField(
        source="url", allow_blank=True, help_text="Where the report is published (empty until it is)"
    )
    taken_down_on = serializers.DateField(allow_null=True)
    board_response = serializers.CharField(allow_blank=True, help_text="The board's written response")
    nspcc_deposited_on = serializers.DateField(allow_null=True, help_text="NSPCC repository deposit")
    days_to_publication = serializers.SerializerMethodField()
    submission = serializers.SerializerMethodField()
    panel_outcome = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()
    clocks = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(
        serializers.IntegerField(
            allow_null=True,
            help_text="Days from completion to publication (so far, while not published); null when withheld",
        )
    )
    def get_days_to_publication(self, publication) -> int | None:
        return publication.days_to_publication(self.context["today"])

    @extend_schema_field(serializers.URLField(allow_null=True, help_text="The non-publication submission, if any"))
    def get_submission(self, publication) -> str | None:
        if publication.submission is None:
            return None
        return api_url(self.context["request"], "api:submission-detail", publication.submission.public_id)

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text="The non-publication submission's outcome (SPEC §4.4), which decides the path from `with_panel`: "
            + ", ".join(f"`{value}`" for value in Outcome.values),
        )
    )
    def get_panel_outcome(self, publication) -> str | None:
        return publication.submission.outcome if publication.submission else None

    @extend_schema_field(AvailableTransitionOutput(many=True))
    def get_available_transitions(self, publication) -> list[dict]:
        return available_transitions(publication, self.context["request"].user, PUBLICATION_TRANSITIONS)

    @extend_schema_field(ClockOutput(many=True))
    def get_clocks(self, publication) -> list[dict]:
        return [clock.as_dict() for clock in publication_clocks(publication, today=self.context["today"])]


# --- Input --------------------------------------------------------------------------------------
# Malformed values are 400 at once; missing ones are left to the service, which reports them only
# after checking the role (403) and the state (409). Transitions' on `scr_tracker.api.TransitionInput`.


class PublicationFilter(serializers.Serializer):
    state = serializers.ChoiceField(choices=PublicationState.choices, required=False, allow_blank=True)
    mode = serializers.ChoiceField(choices=PublicationMode.choices, required=False, allow_blank=True)


# The API's field hints give the latest regime's rules; a record's own regime decides.
_REPORT_TO_PANEL = record_clock("report_to_panel").length()


class SendReportInput(TransitionInput):
    """`send_report`: `event_date` is `report_sent_on`; the planned publication date if known."""

    planned_publication_on = serializers.DateField(
        allow_null=True,
        default=None,
        help_text=f"Optional: at least {_REPORT_TO_PANEL} after the report reaches the panel",
    )


class ProposeInput(TransitionInput):
    """`propose`: a mode other than `full`, the reasons and the independent advice; opens a draft
    `non_publication` submission."""

    mode = serializers.ChoiceField(
        choices=[(m.value, m.label) for m in PROPOSED_MODES], allow_null=True, default=None, help_text="Required"
    )
    reasons = serializers.CharField(allow_blank=True, default="", help_text="Required")
    independent_advice = serializers.CharField(
        allow_blank=True,
        default="",
        help_text="Required: that publication would put specific individuals at serious risk",
    )


class ScheduleInput(TransitionInput):
    """`schedule`: the planned publication date, at least 7 days after the report reached the panel."""

    planned_publication_on = serializers.DateField(allow_null=True, default=None, help_text="Required")


class PublishInput(TransitionInput):
    """`publish`: `event_date` is `published_on`, at least 7 days after `report_sent_on`."""

    url = serializers.CharField(allow_blank=True, default="", max_length=500, help_text="Required: where it is online")


class WithholdInput(TransitionInput):
    """`withhold`: the reason."""

    reason = transition_reason("Required")


class TakeDownInput(TransitionInput):
    """`take_down`: not before 12 months after `published_on`."""

    reason = transition_reason("Optional")


class PublicationUpdateInput(StrictInputSerializer):
    """The board's written response and the NSPCC repository deposit date (each left as it is when not
    sent), and, while the final report is awaited, the planned publication date; nothing else can be set."""

    board_response = serializers.CharField(allow_blank=True, required=False)
    nspcc_deposited_on = serializers.DateField(allow_null=True, required=False)
    planned_publication_on = serializers.DateField(
        required=False,
        help_text=(
            "Only while the state is awaiting_report (409 otherwise): starts the report_to_panel clock; "
            "far enough ahead for the report, sent today, to reach the panel by the clock's rule"
        ),
    )


TRANSITION_APIS: dict[str, TransitionApiSpec] = {
    "send_report": TransitionApiSpec(SendReportInput, publication_send_report, "Send the final report to the panel"),
    "propose": TransitionApiSpec(ProposeInput, publication_propose, "Propose publishing other than in full"),
    "schedule": TransitionApiSpec(ScheduleInput, publication_schedule, "Set the planned publication date"),
    "publish": TransitionApiSpec(PublishInput, publication_publish, "Record that the report is published"),
    "withhold": TransitionApiSpec(WithholdInput, publication_withhold, "Withhold the report"),
    "take_down": TransitionApiSpec(TakeDownInput, publication_take_down, "Take the report down"),
}


# --- Views --------------------------------------------------------------------------------------


class PublicationListApi(RecordListApi):
    """The user's publications (board users: their board's; panel: those whose final report was sent)."""

    noun = "publication"
    summary = "The user's publications, those still waiting first"
    output = PublicationOutput
    filters = PublicationFilter

    def records(self, user, filters):
        return publication_list(user, filters=PublicationFilters(**filters))


class PublicationDetailApi(RecordDetailApi):
    """One publication in the user's scope; the board records its response and the NSPCC deposit."""

    noun = "publication"
    summary = "One publication"
    output = PublicationOutput
    records = staticmethod(publications_for_user)

    @extend_schema(
        operation_id="publications_partial_update",
        summary="Record the board's response, the NSPCC deposit or the planned publication date (board users)",
        request=PublicationUpdateInput,
        responses={200: PublicationOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def patch(self, request, public_id):
        record = self.record = self.fetch(request.user, public_id)
        serializer = PublicationUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():  # both writes or neither
            if "planned_publication_on" in data:
                publication_plan(
                    actor=request.user, publication_id=record.pk, planned_publication_on=data["planned_publication_on"]
                )
            # Fields left out keep their values: the service always takes both.
            publication_record(
                actor=request.user,
                publication_id=record.pk,
                board_response=data.get("board_response", record.board_response),
                nspcc_deposited_on=data.get("nspcc_deposited_on", record.nspcc_deposited_on),
            )
        return self.reread(request, public_id)


def transition_view(name: str):
    """The view for `POST publications/<id>/transitions/<name>/`, documented with its own payload."""
    return transition_api_view(name, TRANSITION_APIS[name], detail=PublicationDetailApi)
