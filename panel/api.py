"""The panel API (SPEC §8): submissions with their transitions, and the panel's meetings.

Thin views, as in `incidents.api`: parse with an input serializer, fetch through the scoped
selector (board users: their board's submissions; panel: every sent one; a record outside the
scope is 404), call one service, render with an output serializer. Refusals are mapped to
400/403/409 in `scr_tracker.api`; an incomplete submission is 400 `{"missing": [...]}`.

Users have no public id yet, so a meeting's `members_present` are the users' email addresses.
"""

from collections.abc import Callable
from datetime import date

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status

from accounts.models import User
from audit.services import access_record_many
from scr_tracker.api import (
    BAD_INPUT,
    FIELD_ERRORS_SCHEMA,
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
from scr_tracker.transitions import InvalidInput, available_transitions

from .choices import Advice, BoardResponse, Outcome, PanelView, SubmissionKind, SubmissionState
from .models import SUBMISSION_TRANSITIONS, PanelMeeting, PanelSubmission, SubmissionEvent
from .selectors import (
    PANEL_ROLES,
    agenda,
    meeting_or_none,
    meetings_for_user,
    meetings_with_agenda,
    panel_users_by_email,
    submission_clocks,
    submission_history,
    submissions_for_user,
    submissions_newest_first,
)
from .services import (
    meeting_create,
    meeting_update,
    submission_missing,
    submission_provide_information,
    submission_record_advice,
    submission_record_board_response,
    submission_record_panel_view,
    submission_schedule,
    submission_submit,
    submission_update_note,
    submission_withdraw,
)

NO_SUCH_MEETING = "There is no panel meeting with this id"
NO_SUCH_MEMBER = "There is no panel member or secretariat with the email {email}"


# --- Submissions: output ------------------------------------------------------------------------


class SubmissionEventOutput(serializers.Serializer):
    """One piece of the submission's history: advice, the board's response, the panel's view or information."""

    what = serializers.ChoiceField(choices=SubmissionEvent.What.choices)
    value = serializers.CharField(
        allow_blank=True, help_text="The advice, response or view given (`advice`, `response`, `view` values)"
    )
    text = serializers.CharField(allow_blank=True, help_text="Reasons, explanation or information")
    event_date = serializers.DateField()
    information_due = serializers.DateField(allow_null=True, help_text="When further information is requested")
    recorded_at = serializers.DateTimeField()


class SubmissionSummaryOutput(serializers.Serializer):
    """One row of the submission list: what it is about, where it stands and its outcome."""

    id = serializers.UUIDField(source="public_id")
    url = ApiUrlField("api:submission-detail")
    board = serializers.CharField(source="board.code")
    kind = serializers.ChoiceField(choices=SubmissionKind.choices)
    state = serializers.ChoiceField(choices=SubmissionState.choices)
    outcome = serializers.ChoiceField(choices=Outcome.choices, help_text="Derived from the submission's history")
    reference = serializers.SerializerMethodField()
    incident = serializers.SerializerMethodField()
    decision = ApiUrlField("api:decision-detail", source="decision.public_id", allow_null=True)
    publication = serializers.SerializerMethodField()
    meeting = serializers.SerializerMethodField()
    meeting_on = serializers.DateField(
        source="meeting.meets_on", allow_null=True, help_text="The date of the meeting it is scheduled to"
    )
    first_submitted_on = serializers.DateField(allow_null=True, help_text="When the board first sent it")
    available_transitions = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(
        serializers.URLField(allow_null=True, help_text="The meeting it is scheduled to (panel users only)")
    )
    def get_meeting(self, submission) -> str | None:
        request = self.context["request"]
        if submission.meeting is None or request.user.role not in PANEL_ROLES:
            return None  # meetings are the panel's (board users would get 404 following it)
        return api_url(request, "api:meeting-detail", submission.meeting.public_id)

    @extend_schema_field(AvailableTransitionOutput(many=True))
    def get_available_transitions(self, submission) -> list[dict]:
        return available_transitions(submission, self.context["request"].user, SUBMISSION_TRANSITIONS)

    @staticmethod
    def _incident(submission):
        """The case: the decision's, or for a proposal not to publish, its publication's review's."""
        if submission.decision_id:
            return submission.decision.incident
        publication = getattr(submission, "publication", None)
        return publication.review.decision.incident if publication is not None else None

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="The incident's reference"))
    def get_reference(self, submission) -> str | None:
        incident = self._incident(submission)
        return incident.reference if incident else None

    @extend_schema_field(serializers.URLField(allow_null=True, help_text="The incident"))
    def get_incident(self, submission) -> str | None:
        incident = self._incident(submission)
        return api_url(self.context["request"], "api:incident-detail", incident.public_id) if incident else None

    @extend_schema_field(
        serializers.URLField(allow_null=True, help_text="The publication a non-publication proposal is about")
    )
    def get_publication(self, submission) -> str | None:
        publication = getattr(submission, "publication", None)
        if publication is None:
            return None
        return api_url(self.context["request"], "api:publication-detail", publication.public_id)


class SubmissionOutput(SubmissionSummaryOutput):
    """A submission with its state, outcome, transitions, clocks, what is missing and its history.

    Needs `history` (its events, in the order recorded) and `today` in the context.
    """

    covering_note = serializers.CharField(allow_blank=True)
    missing = serializers.SerializerMethodField()
    first_advised_on = serializers.DateField(allow_null=True)
    information_due = serializers.DateField(allow_null=True, help_text="Reply due to the latest request")
    clocks = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.ListField(
            child=serializers.CharField(), help_text="What the panel needs that a draft does not have yet"
        )
    )
    def get_missing(self, submission) -> list[str]:
        return submission_missing(submission) if submission.state == SubmissionState.DRAFT else []

    @extend_schema_field(ClockOutput(many=True))
    def get_clocks(self, submission) -> list[dict]:
        return [clock.as_dict() for clock in submission_clocks(submission, today=self.context["today"])]

    @extend_schema_field(SubmissionEventOutput(many=True))
    def get_history(self, submission) -> list[dict]:
        return SubmissionEventOutput(self.context["history"], many=True).data


# --- Submissions: input -------------------------------------------------------------------------


class SubmissionFilter(serializers.Serializer):
    """The submission list's filters, as query parameters (blank means no filter)."""

    state = serializers.ChoiceField(choices=SubmissionState.choices, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=SubmissionKind.choices, required=False, allow_blank=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, allow_blank=True)


class SubmissionUpdateInput(StrictInputSerializer):
    """The board's covering note, while the submission is a draft; nothing else can be set."""

    covering_note = serializers.CharField(allow_blank=True, help_text="Anything the board wants the panel to know")


# Transition payloads (SPEC §4.4 table), on `scr_tracker.api.TransitionInput`.


class SubmitInput(TransitionInput):
    """`submit`: the date the board sent it; refused with what is `missing` until it is complete."""


class SubmissionScheduleInput(TransitionInput):
    """`schedule`: the meeting whose agenda the submission goes on."""

    meeting = serializers.UUIDField(allow_null=True, default=None, help_text="Required: the meeting's id")


class RecordAdviceInput(TransitionInput):
    """`record_advice`: the panel's advice with its reasons."""

    advice = serializers.ChoiceField(
        choices=Advice.choices,
        allow_null=True,
        default=None,
        help_text="Required: agree, disagree or further_information_requested for non_initiation; "
        "the agree_* values, disagree or further_information_requested for non_publication",
    )
    reasons = serializers.CharField(allow_blank=True, default="", help_text="Required")
    information_due = serializers.DateField(
        allow_null=True,
        default=None,
        help_text="further_information_requested only: when the board's reply is due "
        f"(default {record_clock('information_reply').length(spelt=True)})",
    )


class ProvideInformationInput(TransitionInput):
    """`provide_information`: the board's answer to the panel's request."""

    information = serializers.CharField(allow_blank=True, default="", help_text="Required")


class RecordBoardResponseInput(TransitionInput):
    """`record_board_response`: the chair's response to the panel's disagreement."""

    response = serializers.ChoiceField(
        choices=BoardResponse.choices, allow_null=True, default=None, help_text="Required"
    )
    explanation = serializers.CharField(
        allow_blank=True, default="", help_text="Required unless the board accepts the advice"
    )


class RecordPanelViewInput(TransitionInput):
    """`record_panel_view`: the panel's view of the board's further explanation."""

    view = serializers.ChoiceField(choices=PanelView.choices, allow_null=True, default=None, help_text="Required")
    reasons = serializers.CharField(allow_blank=True, default="", help_text="Required")


class SubmissionWithdrawInput(TransitionInput):
    """`withdraw`, with the reason."""

    reason = transition_reason("Required")


def _schedule(*, actor, submission_id: int, event_date: date | None, meeting) -> PanelSubmission:
    """Put a submitted case on a panel meeting's agenda (the meeting by its public id)."""
    found = meeting_or_none(actor, meeting) if meeting else None
    try:
        return submission_schedule(
            actor=actor, submission_id=submission_id, event_date=event_date, meeting_id=found.pk if found else None
        )
    except InvalidInput as exc:
        # The service asks to select a meeting; an id that names none deserves its own words.
        if meeting and found is None and "meeting" in exc.errors:
            raise InvalidInput({**exc.errors, "meeting": [NO_SUCH_MEETING]}) from exc
        raise


TRANSITION_APIS: dict[str, TransitionApiSpec] = {
    "submit": TransitionApiSpec(SubmitInput, submission_submit, "Send the complete submission to the panel"),
    "schedule": TransitionApiSpec(SubmissionScheduleInput, _schedule, "Schedule the submission to a panel meeting"),
    "record_advice": TransitionApiSpec(RecordAdviceInput, submission_record_advice, "Record the panel's advice"),
    "provide_information": TransitionApiSpec(
        ProvideInformationInput, submission_provide_information, "Answer the panel's request for information"
    ),
    "record_board_response": TransitionApiSpec(
        RecordBoardResponseInput, submission_record_board_response, "Record the board's response to the advice"
    ),
    "record_panel_view": TransitionApiSpec(
        RecordPanelViewInput, submission_record_panel_view, "Record the panel's view of the board's explanation"
    ),
    "withdraw": TransitionApiSpec(SubmissionWithdrawInput, submission_withdraw, "Withdraw the submission"),
}


# --- Submissions: views -------------------------------------------------------------------------


class SubmissionListApi(RecordListApi):
    """The user's submissions (board users: their board's; panel: every board's once sent)."""

    noun = "submission"
    summary = "The user's panel submissions, newest first"
    output = SubmissionSummaryOutput
    filters = SubmissionFilter

    def records(self, user, filters):
        return submissions_newest_first(user, **filters)


class SubmissionDetailApi(RecordDetailApi):
    """One submission in the user's scope; the board edits its covering note while it is a draft."""

    noun = "submission"
    summary = "One panel submission"
    output = SubmissionOutput
    records = staticmethod(submissions_for_user)

    @classmethod
    def context(cls, submission):
        return {**super().context(submission), "history": list(submission_history(submission))}

    @extend_schema(
        operation_id="submissions_partial_update",
        summary="Change the covering note of a draft submission (board users)",
        request=SubmissionUpdateInput,
        responses={200: SubmissionOutput, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, public_id):
        self.record = self.fetch(request.user, public_id)
        serializer = SubmissionUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission_update_note(actor=request.user, submission_id=self.record.pk, **serializer.validated_data)
        return self.reread(request, public_id)


SUBMIT_BAD_INPUT = OpenApiResponse(
    FIELD_ERRORS_SCHEMA,
    description=f"{BAD_INPUT.description}; or `missing`: what the panel needs that the submission does not have yet",
)


def transition_view(name: str):
    """The view for `POST submissions/<id>/transitions/<name>/`, documented with its own payload."""
    return transition_api_view(
        name,
        TRANSITION_APIS[name],
        detail=SubmissionDetailApi,
        bad_input=SUBMIT_BAD_INPUT if name == "submit" else None,
    )


# --- Meetings -----------------------------------------------------------------------------------


class MeetingOutput(serializers.Serializer):
    """A panel meeting: its date, who attended, the minutes and the agenda of submissions.

    Needs `agenda` (meeting pk → its submissions) in the context.
    """

    id = serializers.UUIDField(source="public_id")
    url = ApiUrlField("api:meeting-detail")
    meets_on = serializers.DateField()
    members_present = serializers.SerializerMethodField()
    minutes = serializers.CharField(allow_blank=True)
    agenda = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(
        serializers.ListField(child=serializers.EmailField(), help_text="The email addresses of those present")
    )
    def get_members_present(self, meeting) -> list[str]:
        return sorted(member.email for member in meeting.members_present.all())

    @extend_schema_field(
        serializers.ListField(child=serializers.URLField(), help_text="The submissions scheduled to the meeting")
    )
    def get_agenda(self, meeting) -> list[str]:
        request = self.context["request"]
        return [api_url(request, "api:submission-detail", s.public_id) for s in self.context["agenda"](meeting)]


def _prefetched_agenda(meeting):
    return meeting.submissions.all()


class MeetingCreateInput(StrictInputSerializer):
    """A new panel meeting (secretariat)."""

    meets_on = serializers.DateField(
        allow_null=True,
        default=None,
        help_text="Required: today or later, unless members_present or minutes record a meeting already held",
    )
    members_present = serializers.ListField(
        child=serializers.EmailField(),
        default=list,
        help_text="The email addresses of the panel members and secretariat present (once it has taken place)",
    )
    minutes = serializers.CharField(allow_blank=True, default="", help_text="Once it has taken place")


class MeetingUpdateInput(StrictInputSerializer):
    """Who attended and the minutes, once the meeting has taken place (secretariat). A field left out
    keeps its value; `members_present` replaces the list."""

    members_present = serializers.ListField(
        child=serializers.EmailField(), required=False, help_text="The email addresses of those present"
    )
    minutes = serializers.CharField(allow_blank=True, required=False)


def _panel_users(emails: list[str]) -> tuple[list[User], dict[str, list[str]]]:
    """The panel users with these emails, and the errors for those that name none."""
    if not emails:
        return [], {}
    users = panel_users_by_email(emails)
    known = {user.email.lower() for user in users}
    unknown = [email for email in dict.fromkeys(emails) if email.lower() not in known]
    return users, ({"members_present": [NO_SUCH_MEMBER.format(email=e) for e in unknown]} if unknown else {})


def _with_members(emails: list[str], run: Callable[[list[User]], PanelMeeting]) -> PanelMeeting:
    """Run a meeting service with the users named by email. The service checks the role first (403),
    so an unknown email is reported with its other field errors, and nothing is saved."""
    members, errors = _panel_users(emails)
    try:
        with transaction.atomic():
            meeting = run(members)
            if errors:
                raise InvalidInput(errors)  # undoes what the service saved
    except InvalidInput as exc:
        raise InvalidInput({**exc.errors, **errors}) from exc
    return meeting


class MeetingListApi(RecordListApi):
    """The panel's meetings (panel users; none for anyone else), and arranging a new one (secretariat)."""

    noun = "meeting"
    summary = "The panel's meetings, latest first"
    output = MeetingOutput

    def records(self, user, filters):
        return meetings_with_agenda(user)

    def context(self):
        return {"agenda": _prefetched_agenda}

    def accessed(self, meetings):  # a meeting is not a case record; each submission on its agenda is
        return [submission for meeting in meetings for submission in _prefetched_agenda(meeting)]

    @extend_schema(
        operation_id="meetings_create",
        summary="Arrange a panel meeting (secretariat)",
        request=MeetingCreateInput,
        responses={201: MeetingOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        serializer = MeetingCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        meeting = _with_members(
            data.pop("members_present"),
            lambda members: meeting_create(actor=request.user, members_present=members, **data),
        )
        return MeetingDetailApi.reread(request, meeting.public_id, status.HTTP_201_CREATED)


class MeetingDetailApi(RecordDetailApi):
    """One panel meeting (panel users; 404 for anyone else)."""

    noun = "meeting"
    summary = "One panel meeting with its agenda"
    output = MeetingOutput
    records = staticmethod(meetings_for_user)
    access_event = False  # a meeting is not a case record: each submission on its agenda is (`get`)

    @classmethod
    def context(cls, meeting):
        return {"agenda": agenda}

    def get(self, request, public_id):
        meeting = self.fetch(request.user, public_id)
        access_record_many(request=request, records=agenda(meeting))
        return self.answer(request, meeting)

    @extend_schema(
        operation_id="meetings_partial_update",
        summary="Record who attended and the minutes (secretariat)",
        request=MeetingUpdateInput,
        responses={200: MeetingOutput, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, public_id):
        meeting = self.fetch(request.user, public_id)
        serializer = MeetingUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        emails = data.get("members_present")
        if emails is None:
            emails = [member.email for member in meeting.members_present.all()]
        minutes = data.get("minutes", meeting.minutes)
        _with_members(
            emails,
            lambda members: meeting_update(
                actor=request.user, meeting_id=meeting.pk, members_present=members, minutes=minutes
            ),
        )
        return self.reread(request, public_id)
