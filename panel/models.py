"""The national panel's side: submissions, their recorded history, and monthly meetings (SPEC §4.4)."""

import uuid
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from accounts.models import Role
from scr_tracker.clock_rows import due_of
from scr_tracker.transitions import roles

from .choices import Advice, Outcome, SubmissionKind, SubmissionState

INFORMATION_REQUEST = Advice.FURTHER_INFORMATION_REQUESTED

BOARD = roles(Role.BOARD_STAFF, Role.BOARD_CHAIR)
CHAIR = roles(Role.BOARD_CHAIR)
SECRETARIAT = roles(Role.PANEL_SECRETARIAT)
PANEL = roles(Role.PANEL_SECRETARIAT, Role.PANEL_MEMBER)

S = SubmissionState
SUBMISSION_TRANSITIONS = (
    "submit",
    "schedule",
    "record_advice",
    "provide_information",
    "record_board_response",
    "record_panel_view",
    "withdraw",
)
# Once sent, a submission is the panel's to read, whatever happens to it next.
SENT_STATES = (
    S.SUBMITTED,
    S.SCHEDULED,
    S.AWAITING_INFORMATION,
    S.AWAITING_BOARD_RESPONSE,
    S.AWAITING_PANEL_VIEW,
    S.CLOSED,
)
OPEN_STATES = (
    S.DRAFT,
    S.SUBMITTED,
    S.SCHEDULED,
    S.AWAITING_INFORMATION,
    S.AWAITING_BOARD_RESPONSE,
    S.AWAITING_PANEL_VIEW,
)


# A meeting has no state machine; its withdrawal's audit entry names these (SPEC §4.0).
MEETING_WITHDRAW = "withdraw"
MEETING_ARRANGED = "arranged"
MEETING_WITHDRAWN = "withdrawn"


class LiveMeetings(models.Manager):
    """The meetings that stand: one arranged by mistake and withdrawn is in no list, choice or count."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class PanelMeeting(models.Model):
    """One of the panel's monthly meetings: who came, what was on the agenda, the minutes."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meets_on = models.DateField()
    members_present = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    minutes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # A meeting arranged by mistake is withdrawn, never deleted: its audit entry keeps pointing at it.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    all_objects = models.Manager()  # withdrawn ones too: for the audit trail
    objects = LiveMeetings()

    class Meta:
        ordering = ["meets_on"]
        default_manager_name = "objects"
        # A submission's, an event's or an audit entry's meeting is reached through every meeting.
        base_manager_name = "all_objects"
        constraints = [
            # One meeting a day; a date withdrawn by mistake can be used again.
            models.UniqueConstraint(
                fields=["meets_on"], condition=models.Q(withdrawn_at__isnull=True), name="meeting_one_live_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Panel meeting {self.meets_on:%-d %B %Y}"


class PanelSubmission(FSMModelMixin, models.Model):
    """What a board sends the panel: a decision not to initiate, or a proposal not to publish."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    board = models.ForeignKey("accounts.Board", on_delete=models.PROTECT, related_name="submissions")
    kind = models.CharField(max_length=16, choices=SubmissionKind.choices)
    decision = models.OneToOneField(
        "reviews.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="submission"
    )
    state = FSMField(default=S.DRAFT, choices=S.choices, protected=True, db_index=True)
    covering_note = models.TextField(blank=True, help_text="Anything the board wants the panel to know")
    meeting = models.ForeignKey(
        PanelMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    outcome = models.CharField(max_length=32, choices=Outcome.choices, default=Outcome.NOT_YET_ADVISED, db_index=True)

    # Clocks (SPEC §3): the reply to a request for information (sending it is the row's `send_to_panel`).
    first_submitted_on = models.DateField(null=True, blank=True)
    first_advised_on = models.DateField(null=True, blank=True)
    information_due = models.DateField(null=True, blank=True, db_index=True)

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind=SubmissionKind.NON_INITIATION) | models.Q(decision__isnull=False),
                name="submission_non_initiation_has_decision",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=SubmissionKind.RAPID_REVIEW) | models.Q(decision__isnull=False),
                name="submission_rapid_review_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display()})"

    # --- Clock rows (scr_tracker.clock_rows) ----------------------------------------------

    clock_record = "submission"
    clock_rows = GenericRelation("scr_tracker.ClockRow")

    @property
    def clock_case(self):
        """The incident whose regime the submission's clocks follow."""
        if self.decision_id:
            return self.decision.incident
        return self.publication.review.decision.incident

    @property
    def clock_review(self):
        return None if self.decision_id else self.publication.review

    def clock_children(self) -> list:
        return []

    def advice_allowed(self) -> tuple[str, ...]:
        """The advice the panel may give on this submission, as its case's regime declares."""
        decision = self.decision.decision if self.decision_id else ""
        return self.clock_case.regime_rules.advice_for(self.kind, decision)

    def send_to_panel_due(self) -> date | None:
        """The day a non-initiation is due to reach the panel; from the clock's row."""
        return due_of(self, "send_to_panel")

    def _latest_information_request(self):
        events = list(self.events.order_by("recorded_at", "pk"))
        requests = [
            i for i, e in enumerate(events) if e.what == SubmissionEvent.What.ADVICE and e.value == INFORMATION_REQUEST
        ]
        if not requests:
            return None, None
        request = events[requests[-1]]
        reply = next((e for e in events[requests[-1] + 1 :] if e.what == SubmissionEvent.What.INFORMATION), None)
        return request, reply

    @property
    def information_requested_on(self):
        """When the panel last asked for further information (the reply clock starts)."""
        request, _ = self._latest_information_request()
        return request.event_date if request else None

    @property
    def information_provided_on(self):
        """When the board answered that request (the reply clock ends)."""
        _, reply = self._latest_information_request()
        return reply.event_date if reply else None

    @property
    def information_reply_due(self):
        """The date the panel gave for the reply to its latest request."""
        request, _ = self._latest_information_request()
        return (request.information_due if request else None) or self.information_due

    # --- Transitions (SPEC §4.4); the services write the history rows around them -----------

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=S.DRAFT, target=S.SUBMITTED, permission=BOARD)
    def submit(self, *, on, by=None, description=None):
        """The board sends the complete submission to the panel."""
        if self.first_submitted_on is None:
            self.first_submitted_on = on

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=S.SUBMITTED, target=S.SCHEDULED, permission=SECRETARIAT)
    def schedule(self, *, meeting, by=None, description=None):
        """The secretariat puts the submission on a meeting's agenda."""
        self.meeting = meeting

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=[S.SUBMITTED, S.SCHEDULED],
        target=RETURN_VALUE(S.CLOSED, S.AWAITING_BOARD_RESPONSE, S.AWAITING_INFORMATION),
        permission=PANEL,
    )
    def record_advice(self, *, target, on, information_due=None, by=None, description=None):
        """The panel's advice: agreement closes it; disagreement or a question goes back to the board."""
        if self.first_advised_on is None:
            self.first_advised_on = on
        self.information_due = information_due
        return target

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=S.AWAITING_INFORMATION, target=S.SUBMITTED, permission=BOARD)
    def provide_information(self, *, by=None, description=None):
        """The board answers the panel's request for further information."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=S.AWAITING_BOARD_RESPONSE,
        target=RETURN_VALUE(S.CLOSED, S.AWAITING_PANEL_VIEW),
        permission=CHAIR,
    )
    def record_board_response(self, *, target, by=None, description=None):
        """The chair's response to the panel's disagreement."""
        return target

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=S.AWAITING_PANEL_VIEW, target=S.CLOSED, permission=PANEL)
    def record_panel_view(self, *, by=None, description=None):
        """The panel's view of the board's further explanation."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=[S.DRAFT, S.SUBMITTED, S.SCHEDULED, S.AWAITING_INFORMATION],
        target=S.WITHDRAWN,
        permission=CHAIR,
    )
    def withdraw(self, *, by=None, description=None):
        """The board withdraws the submission (for example after reconsidering its decision)."""


class SubmissionEvent(models.Model):
    """One piece of the submission's history: advice, the board's response, the panel's view, or
    information the board provided. The outcome is derived from these, in order."""

    class What(models.TextChoices):
        ADVICE = "advice", "Panel advice"
        BOARD_RESPONSE = "board_response", "Board's response"
        PANEL_VIEW = "panel_view", "Panel's view"
        INFORMATION = "information", "Information provided"

    submission = models.ForeignKey(PanelSubmission, on_delete=models.PROTECT, related_name="events")
    what = models.CharField(max_length=16, choices=What.choices)
    value = models.CharField(max_length=32, blank=True)
    text = models.TextField(help_text="Reasons, explanation or information")
    event_date = models.DateField()
    information_due = models.DateField(null=True, blank=True)
    meeting = models.ForeignKey(PanelMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_what_display()}: {self.value or '-'} on {self.event_date}"
