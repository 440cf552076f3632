"""The incidents API (SPEC §8): list, log a SIN, read one, and run its transitions.

Thin views: parse with an input serializer, fetch through a board-scoped selector, call one
service, render with an output serializer. Refusals are mapped to 400/403/409 in
`scr_tracker.api`; a record outside the user's scope is 404.
"""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError

from panel.selectors import submission_visible_to
from reviews.choices import DecisionKind
from reviews.selectors import review_pk_for_user, review_visible_to
from reviews.services import decision_record
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

from .choices import (
    Agency,
    ChildStatus,
    CriminalProceedings,
    Disability,
    Ethnicity,
    HarmType,
    IncidentState,
    Nature,
    PoliceInvestigation,
    PostMortem,
    Regulation5,
    Sex,
)
from .models import INCIDENT_TRANSITIONS
from .selectors import (
    FLAG_VALUES,
    RAG_VALUES,
    CaseFilters,
    incident_clocks,
    incident_decisions,
    incident_list,
    incidents_for_user,
)
from .services import (
    incident_close,
    incident_create,
    incident_notify,
    incident_reconsider,
    incident_refer_to_subgroup,
    incident_withdraw,
)

OTHER_BOARD = "You can only log notifications for your own board"


def _choices(choices, **kwargs):
    return serializers.ListField(child=serializers.ChoiceField(choices=choices), **kwargs)


# --- Output -------------------------------------------------------------------------------------


class FlagsOutput(serializers.Serializer):
    """SPEC §4.2 flags of the current decision; null before a decision."""

    premature = serializers.BooleanField(allow_null=True, help_text="Decided while the post-mortem was pending")
    late = serializers.BooleanField(allow_null=True, help_text="Decided after the initiation clock's due date")
    delay_days = serializers.IntegerField(allow_null=True, help_text="Days from the incident to the decision")


NO_FLAGS = {"premature": None, "late": None, "delay_days": None}


class IncidentTransitionsMixin(serializers.Serializer):
    @extend_schema_field(AvailableTransitionOutput(many=True))
    def get_available_transitions(self, incident) -> list[dict]:
        return available_transitions(incident, self.context["request"].user, INCIDENT_TRANSITIONS)


class IncidentSummaryOutput(IncidentTransitionsMixin):
    """One row of the case list: what the list page shows."""

    id = serializers.UUIDField(source="public_id")
    url = ApiUrlField("api:incident-detail")
    reference = serializers.CharField()
    board = serializers.CharField(source="board.code")
    state = serializers.ChoiceField(choices=IncidentState.choices)
    child_pseudonym = serializers.CharField()
    nature = serializers.ChoiceField(choices=Nature.choices)
    incident_on = serializers.DateField()
    received_on = serializers.DateField(allow_null=True)
    next_due = serializers.DateField(allow_null=True, help_text="Due date of the clock the case waits on now")
    rag = serializers.ChoiceField(choices=RAG_VALUES, allow_null=True)
    flags = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()

    @extend_schema_field(FlagsOutput)
    def get_flags(self, incident) -> dict:
        # From the list's annotations (incidents.selectors.with_case_facts): no query per row.
        if incident.current_decided_on is None:
            return NO_FLAGS
        return {
            "premature": bool(incident.premature),
            "late": bool(incident.late),
            "delay_days": (incident.current_decided_on - incident.incident_on).days,
        }


class IncidentOutput(IncidentTransitionsMixin):
    """An incident with every SPEC §4.1 field, its state, transitions, clocks and flags.

    Needs `decisions` (the incident's, oldest first) and `today` in the context.
    """

    id = serializers.UUIDField(source="public_id")
    url = ApiUrlField("api:incident-detail")
    reference = serializers.CharField()
    board = serializers.CharField(source="board.code")
    regime = serializers.CharField(help_text="Clock rules fixed when the SIN was received; empty before")
    state = serializers.ChoiceField(choices=IncidentState.choices)
    child_pseudonym = serializers.CharField()
    age_at_incident = serializers.IntegerField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices)
    disability = serializers.ChoiceField(choices=Disability.choices)
    child_status = _choices(ChildStatus.choices)
    nature = serializers.ChoiceField(choices=Nature.choices)
    harm_types = _choices(HarmType.choices)
    regulation_5 = _choices(Regulation5.choices)
    incident_on = serializers.DateField()
    la_aware_on = serializers.DateField()
    ofsted_notified_on = serializers.DateField(allow_null=True)
    received_on = serializers.DateField(allow_null=True)
    post_mortem = serializers.ChoiceField(choices=PostMortem.choices)
    post_mortem_on = serializers.DateField(allow_null=True)
    police_investigation = serializers.ChoiceField(choices=PoliceInvestigation.choices)
    criminal_proceedings = serializers.ChoiceField(choices=CriminalProceedings.choices)
    agencies_involved = _choices(Agency.choices)
    outline = serializers.CharField()
    created_at = serializers.DateTimeField()
    available_transitions = serializers.SerializerMethodField()
    clocks = serializers.SerializerMethodField()
    flags = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()
    submission = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField()

    @extend_schema_field(ClockOutput(many=True))
    def get_clocks(self, incident) -> list[dict]:
        today = self.context["today"]
        return [clock.as_dict() for clock in incident_clocks(incident, self.context["decisions"], today)]

    @extend_schema_field(FlagsOutput)
    def get_flags(self, incident) -> dict:
        decisions = self.context["decisions"]
        if not decisions:
            return NO_FLAGS
        current = decisions[-1]
        return {"premature": current.premature, "late": current.late, "delay_days": current.delay_days}

    @extend_schema_field(serializers.ListField(child=serializers.URLField()))
    def get_decisions(self, incident) -> list[str]:
        """The incident's decisions, oldest first; the last is the current one."""
        request = self.context["request"]
        return [api_url(request, "api:decision-detail", decision.public_id) for decision in self.context["decisions"]]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_submission(self, incident) -> str | None:
        """The incident's latest submission to the panel, when there is one this user may see."""
        submissions = [d.submission for d in self.context["decisions"] if getattr(d, "submission", None)]
        if not submissions:
            return None
        latest = submissions[-1]
        if not submission_visible_to(self.context["request"].user, latest):
            return None
        return api_url(self.context["request"], "api:submission-detail", latest.public_id)

    @extend_schema_field(
        serializers.URLField(
            allow_null=True,
            help_text="The Serious Case Review covering the incident (its own, or the sibling's it joined), "
            "when there is one this user may see",
        )
    )
    def get_review(self, incident) -> str | None:
        reviews = [d.covering_review for d in self.context["decisions"] if d.covering_review is not None]
        if not reviews:
            return None
        latest = reviews[-1]
        if not review_visible_to(self.context["request"].user, latest):
            return None
        return api_url(self.context["request"], "api:review-detail", latest.public_id)


# --- Input --------------------------------------------------------------------------------------


class IncidentFilter(serializers.Serializer):
    """The case list's filters, as query parameters (blank means no filter)."""

    state = serializers.ChoiceField(choices=IncidentState.choices, required=False, allow_blank=True)
    nature = serializers.ChoiceField(choices=Nature.choices, required=False, allow_blank=True)
    year = serializers.IntegerField(min_value=1900, max_value=2999, required=False, help_text="Year of the incident")
    rag = serializers.ChoiceField(choices=RAG_VALUES, required=False, allow_blank=True)
    flag = serializers.ChoiceField(choices=FLAG_VALUES, required=False, allow_blank=True)
    q = serializers.CharField(required=False, allow_blank=True, max_length=50, help_text="Part of a reference")


class IncidentCreateInput(StrictInputSerializer):
    """A new serious incident notification (SPEC §4.1); it is saved as a draft."""

    board = serializers.CharField(required=False, help_text="The board's code; implied for board users")
    child_pseudonym = serializers.CharField(max_length=60, help_text="Never the child's name")
    age_at_incident = serializers.IntegerField(min_value=0, max_value=17)
    sex = serializers.ChoiceField(choices=Sex.choices)
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices)
    disability = serializers.ChoiceField(choices=Disability.choices)
    child_status = _choices(ChildStatus.choices, default=list)
    nature = serializers.ChoiceField(choices=Nature.choices)
    harm_types = _choices(HarmType.choices, allow_empty=False)
    regulation_5 = _choices(Regulation5.choices, allow_empty=False)
    incident_on = serializers.DateField()
    la_aware_on = serializers.DateField(help_text="When the local authority became aware")
    post_mortem = serializers.ChoiceField(choices=PostMortem.choices)
    post_mortem_on = serializers.DateField(allow_null=True, default=None, help_text="Only when complete")
    police_investigation = serializers.ChoiceField(choices=PoliceInvestigation.choices)
    criminal_proceedings = serializers.ChoiceField(choices=CriminalProceedings.choices)
    agencies_involved = _choices(Agency.choices, default=list)
    outline = serializers.CharField()


# Transition payloads (SPEC §4.1 table), on `scr_tracker.api.TransitionInput`.


class NotifyInput(TransitionInput):
    """`notify`: the board received the SIN on `event_date`; Ofsted was notified on `ofsted_notified_on`."""

    event_date = serializers.DateField(
        allow_null=True, default=None, help_text="Required: when the board received the SIN (received_on)"
    )
    ofsted_notified_on = serializers.DateField(allow_null=True, default=None, help_text="Required")


class ReferToSubgroupInput(TransitionInput):
    """`refer_to_subgroup`, with an optional comment."""

    comment = serializers.CharField(allow_blank=True, default="")


class RecordDecisionInput(TransitionInput):
    """`record_decision`: the chair's decision, with a rationale against each limb of regulation 5."""

    event_date = serializers.DateField(
        allow_null=True, default=None, help_text="Required: when the chair decided (decided_on)"
    )
    decision = serializers.ChoiceField(
        choices=DecisionKind.choices, allow_null=True, default=None, help_text="Required"
    )
    rationale = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        allow_null=True,
        default=None,
        help_text=f"Required: text against each limb of regulation 5: {', '.join(Regulation5.values)}",
    )
    subgroup_recommendation = serializers.ChoiceField(choices=DecisionKind.choices, allow_blank=True, default="")
    subgroup_recommended_on = serializers.DateField(allow_null=True, default=None)
    alternative_review = serializers.CharField(allow_blank=True, default="")
    panel_notified_on = serializers.DateField(
        allow_null=True, default=None, help_text="initiate_scr only; defaults to the decision date"
    )
    join_review = serializers.UUIDField(
        allow_null=True,
        default=None,
        help_text="initiate_scr only: the id of the board's review already under way that this case joins "
        "(a sibling's); omit to open a new review",
    )
    national_review_recommended = serializers.BooleanField(
        allow_null=True,
        default=None,
        help_text="Required where the case's regime holds a rapid review: whether the partners recommend a "
        "national review; refused elsewhere",
    )
    rapid_review_summary = serializers.CharField(
        allow_blank=True,
        default="",
        help_text="Required where the case's regime holds a rapid review: the facts, immediate actions and "
        "learning; refused elsewhere",
    )


class ReasonInput(TransitionInput):
    """A transition with an optional reason (`close`)."""

    reason = transition_reason()


class ReasonRequiredInput(TransitionInput):
    """A transition that needs a reason (`reconsider`, `withdraw`)."""

    reason = transition_reason("Required")


def _record_decision(*, actor, incident_id: int, join_review=None, **payload):
    """The decision, with the review to join named by its public id.

    An id that names no review of the user's board becomes pk 0, which the service refuses with a field
    error after its role and state checks (so a 403 or 409 still comes first).
    """
    review_id = None
    if join_review is not None:
        review_id = review_pk_for_user(actor, join_review) or 0
    return decision_record(actor=actor, incident_id=incident_id, join_review_id=review_id, **payload)


TRANSITION_APIS: dict[str, TransitionApiSpec] = {
    "notify": TransitionApiSpec(NotifyInput, incident_notify, "Record that the board received the SIN"),
    "refer_to_subgroup": TransitionApiSpec(
        ReferToSubgroupInput, incident_refer_to_subgroup, "Refer the case to the sub-group"
    ),
    "record_decision": TransitionApiSpec(
        RecordDecisionInput, _record_decision, "Record the chair's initiation decision"
    ),
    "reconsider": TransitionApiSpec(ReasonRequiredInput, incident_reconsider, "Reopen the decision"),
    "withdraw": TransitionApiSpec(ReasonRequiredInput, incident_withdraw, "Withdraw the case"),
    "close": TransitionApiSpec(ReasonInput, incident_close, "Close the case"),
}


# --- Views --------------------------------------------------------------------------------------


class IncidentListApi(RecordListApi):
    """The user's incidents (board users: their board's; others: none yet), and logging a new SIN."""

    noun = "incident"
    summary = "The user's incidents, newest first"
    output = IncidentSummaryOutput
    filters = IncidentFilter

    def records(self, user, filters):
        return incident_list(user, today=self.today, filters=CaseFilters(**filters))

    @extend_schema(
        operation_id="incidents_create",
        summary="Log a serious incident notification as a draft",
        request=IncidentCreateInput,
        responses={201: IncidentOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        serializer = IncidentCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        board = data.pop("board", None)
        user = request.user
        if board is not None and user.is_board_user and board.strip() != user.board.code:
            raise ValidationError({"board": [OTHER_BOARD]})
        incident = incident_create(actor=user, data=data)
        return IncidentDetailApi.reread(request, incident.public_id, status.HTTP_201_CREATED)


class IncidentDetailApi(RecordDetailApi):
    """One incident in the user's scope: every field, its transitions, clocks, flags and decisions."""

    noun = "incident"
    summary = "One incident"
    output = IncidentOutput
    records = staticmethod(incidents_for_user)

    @classmethod
    def context(cls, incident):
        return {**super().context(incident), "decisions": incident_decisions(incident)}


def transition_view(name: str):
    """The view for `POST incidents/<id>/transitions/<name>/`, documented with its own payload."""
    return transition_api_view(name, TRANSITION_APIS[name], detail=IncidentDetailApi)
