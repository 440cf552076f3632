"""The board's action plan: actions carrying out recommendations, with their transitions and clock.

A withdrawn action (the chair's `withdraw`, for one agreed by mistake) is in no list and its detail is a
404, as for any record out of reach; the answer to the `withdraw` transition itself is the action as it now
is, `withdrawn`, the one time the API shows it. A second `withdraw` is a 409.
"""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status

from incidents.choices import Agency
from scr_tracker.api import (
    ApiUrlField,
    AvailableTransitionOutput,
    ClockOutput,
    RecordDetailApi,
    RecordListApi,
    StrictInputSerializer,
    TransitionApiSpec,
    TransitionInput,
    error_responses,
    transition_api_view,
    transition_reason,
)
from scr_tracker.transitions import available_transitions

from ..choices import ActionStatus
from ..models.actions import ACTION_TRANSITIONS
from ..selectors import ActionFilters, action_plan, actions_for_user, recommendation_for_user
from ..services import action_add, action_begin, action_complete, action_evidence_impact, action_withdraw
from . import NOT_IN_SCOPE

# --- Output -------------------------------------------------------------------------------------


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


# --- Input --------------------------------------------------------------------------------------


# A withdrawn action is in no list: there is nothing to filter for.
LISTED_STATUSES = [(value, label) for value, label in ActionStatus.choices if value != ActionStatus.WITHDRAWN]


class ActionFilter(serializers.Serializer):
    """The action plan's filters, as query parameters (blank means no filter)."""

    status = serializers.ChoiceField(choices=LISTED_STATUSES, required=False, allow_blank=True)
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


# Action transition payloads (SPEC §4.3), on `scr_tracker.api.TransitionInput`.


class BeginActionInput(TransitionInput):
    """`begin`: work on the action started on `event_date`."""


class CompleteActionInput(TransitionInput):
    """`complete`: the action is done on `event_date`; its clock is met when that is on or before `due_on`."""

    event_date = serializers.DateField(
        allow_null=True, default=None, help_text="Required: the day the action was completed"
    )


class EvidenceImpactInput(TransitionInput):
    """`evidence_impact`: the evidence that the action changed practice."""

    evidence = serializers.CharField(allow_blank=True, default="", help_text="Required")


class WithdrawActionInput(TransitionInput):
    """`withdraw` (chair): the action was agreed by mistake; it leaves the action plan and its clock goes."""

    reason = transition_reason("Required: why the action is withdrawn")


TRANSITION_APIS: dict[str, TransitionApiSpec] = {
    "begin": TransitionApiSpec(BeginActionInput, action_begin, "Work on the action has started"),
    "complete": TransitionApiSpec(CompleteActionInput, action_complete, "The action is done"),
    "evidence_impact": TransitionApiSpec(
        EvidenceImpactInput, action_evidence_impact, "Record the evidence that the action changed practice"
    ),
    "withdraw": TransitionApiSpec(WithdrawActionInput, action_withdraw, "Withdraw an action agreed by mistake (chair)"),
}


# --- Views --------------------------------------------------------------------------------------


class ActionListApi(RecordListApi):
    """The board's action plan (board users; none for anyone else), and adding an action."""

    noun = "action"
    summary = "Every action of every review of the user's board, soonest due first"
    output = ActionOutput
    filters = ActionFilter

    def records(self, user, filters):
        action_filters = ActionFilters(
            status=filters.get("status") or "",
            owner_agency=filters.get("owner_agency") or "",
            overdue=bool(filters.get("overdue")),
        )
        return action_plan(user, today=self.today, filters=action_filters)

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
        recommendation = recommendation_for_user(request.user, data.pop("recommendation"))
        action = action_add(actor=request.user, recommendation_id=recommendation.pk, **data)
        return ActionDetailApi.reread(request, action.public_id, status.HTTP_201_CREATED)


class ActionDetailApi(RecordDetailApi):
    """One action of the user's board."""

    noun = "action"
    summary = "One action"
    output = ActionOutput
    records = staticmethod(actions_for_user)


class WithdrawnActionApi(ActionDetailApi):
    """The answer to `withdraw`: the action read withdrawn or not (no route of its own)."""

    records = staticmethod(lambda user: actions_for_user(user, withdrawn=True))


def transition_view(name: str):
    """The view for `POST actions/<id>/transitions/<name>/`, documented with its own payload."""
    if name == "withdraw":
        # Found withdrawn too, so that a second withdrawal is a 409; answered with the action as it now is.
        return transition_api_view(name, TRANSITION_APIS[name], detail=WithdrawnActionApi)
    return transition_api_view(name, TRANSITION_APIS[name], detail=ActionDetailApi)
