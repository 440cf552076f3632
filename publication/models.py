"""Publication of a completed review, and proposals not to publish in full (SPEC §4.5)."""

import uuid
from datetime import date

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description
from simple_history.models import HistoricalRecords

from accounts.models import Role
from panel.choices import Outcome, SubmissionState
from scr_tracker import clocks, regimes
from scr_tracker.clock_rows import clock_of, due_of
from scr_tracker.transitions import blocking, roles

from .choices import PublicationMode, PublicationState

BOARD = roles(Role.BOARD_STAFF, Role.BOARD_CHAIR)
CHAIR = roles(Role.BOARD_CHAIR)
P = PublicationState

PUBLICATION_TRANSITIONS = ("send_report", "propose", "schedule", "publish", "withhold", "take_down")

# From `with_panel`, the submission's outcome decides the path (SPEC §4.5).
MODE_FOR_OUTCOME = {
    Outcome.AGREED_ANONYMOUS: PublicationMode.ANONYMISED,
    Outcome.AGREED_SUMMARY: PublicationMode.SUMMARY_ONLY,
    Outcome.DISAGREED_PUBLISHED: PublicationMode.FULL,
}
NOT_PUBLISH_OUTCOMES = (Outcome.AGREED_NOT_PUBLISH, Outcome.DISAGREED_NOT_PUBLISHED)


class Publication(FSMModelMixin, models.Model):
    """How and when a completed review's final report is published, or why it is not."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.OneToOneField("reviews.SeriousCaseReview", on_delete=models.PROTECT, related_name="publication")
    state = FSMField(default=P.AWAITING_REPORT, choices=P.choices, protected=True, db_index=True)
    mode = models.CharField(max_length=16, choices=PublicationMode.choices, default=PublicationMode.FULL)
    reasons = models.TextField(blank=True, help_text="Why the board proposes not to publish in full")
    independent_advice = models.TextField(
        blank=True, help_text="Independent advice that publication would put specific individuals at serious risk"
    )
    planned_publication_on = models.DateField(null=True, blank=True, db_index=True)
    report_sent_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True)
    taken_down_on = models.DateField(null=True, blank=True)
    board_response = models.TextField(blank=True, help_text="The board's written response to the report")
    nspcc_deposited_on = models.DateField(null=True, blank=True)
    submission = models.OneToOneField(
        "panel.PanelSubmission", null=True, blank=True, on_delete=models.PROTECT, related_name="publication"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["state"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mode=PublicationMode.FULL)
                | (~models.Q(reasons="") & ~models.Q(independent_advice="")),
                name="publication_non_full_mode_has_reasons_and_advice",
            ),
        ]

    def __str__(self) -> str:
        return f"Publication ({self.get_state_display()})"

    # --- Clock rows (scr_tracker.clock_rows) ----------------------------------------------

    clock_record = "publication"
    clock_rows = GenericRelation("scr_tracker.ClockRow")

    @property
    def clock_case(self):
        return self.review.decision.incident

    @property
    def clock_review(self):
        return self.review

    def clock_children(self) -> list:
        """A proposal not to publish in full goes to the panel as a submission of its own."""
        return [self.submission] if self.submission_id else []

    # --- Clocks and delay (SPEC §3, §4.5) ---------------------------------------------------------

    @property
    def regime(self) -> regimes.Regime:
        """The rules of the case the review came from (its regime is fixed when the SIN is received)."""
        return self.review.decision.incident.regime_rules

    def publication_date(self) -> date | None:
        """The date publication counts from: when it happened, else when it is planned."""
        return self.published_on or self.planned_publication_on

    def report_to_panel_due(self) -> date | None:
        """The day the final report must reach the panel, once a publication date is planned (or the
        report is published); from the clock's row."""
        return due_of(self, "report_to_panel")

    def report_to_panel_clock(self, today: date) -> clocks.Clock:
        """The final report reaches the panel ahead of publication; not started until a publication
        date is planned (or the report is published)."""
        return clock_of(self, "report_to_panel", today)

    def online_period_clock(self, today: date) -> clocks.Clock:
        """The report stays online after publication. Nothing is asked of the board while it runs
        (no RAG); it is met once the period has passed."""
        return clock_of(self, "online_period", today)

    def days_to_publication(self, today: date) -> int | None:
        """Whole days from the review's completion to publication; so far, while not yet published;
        None when withheld or not completed."""
        completed = self.review.signed_off_on
        if completed is None or self.state == PublicationState.WITHHELD:
            return None
        return ((self.published_on or today) - completed).days

    @property
    def board(self):
        return self.review.board

    @property
    def board_id(self) -> int:
        return self.review.board_id

    # --- The panel's outcome decides the path from with_panel (SPEC §4.5) ----------------------
    # Each condition holds outside `with_panel`, so that it speaks only about the panel's part.

    def _panel(self):
        """The non-publication submission while the publication waits on it, else None."""
        return self.submission if self.state == P.WITH_PANEL and self.submission_id else None

    def publication_mode_now(self) -> str:
        """The mode publication would take now: the outcome's, or full when the proposal was withdrawn."""
        submission = self._panel()
        if submission is None:
            return self.mode
        if submission.state == SubmissionState.WITHDRAWN:
            return PublicationMode.FULL
        return MODE_FOR_OUTCOME.get(submission.outcome, self.mode)

    def _withdrawn(self) -> bool:
        submission = self._panel()
        return submission is not None and submission.state == SubmissionState.WITHDRAWN

    @blocking("The proposal has not been sent to the panel yet")
    def proposal_sent(self) -> bool:
        submission = self._panel()
        return submission is None or submission.state != SubmissionState.DRAFT

    def _waiting_in(self, *states) -> bool:
        submission = self._panel()
        return submission is not None and submission.state in states

    @blocking("The panel has not yet advised")
    def panel_advised(self) -> bool:
        return not self._waiting_in(SubmissionState.SUBMITTED, SubmissionState.SCHEDULED)

    @blocking("The panel has asked the board for further information")
    def no_information_requested(self) -> bool:
        return not self._waiting_in(SubmissionState.AWAITING_INFORMATION)

    @blocking("The panel disagreed and the board has not yet responded")
    def board_responded(self) -> bool:
        return not self._waiting_in(SubmissionState.AWAITING_BOARD_RESPONSE)

    @blocking("The outcome is not to publish: the report can only be withheld")
    def outcome_allows_publication(self) -> bool:
        submission = self._panel()
        if submission is None:
            # A proposal the board decided alone (no panel submission) publishes as proposed.
            return self.state != P.WITH_PANEL or self.mode != PublicationMode.NOT_PUBLISHED
        return self._withdrawn() or submission.outcome not in NOT_PUBLISH_OUTCOMES

    @blocking("The outcome is to publish: the report cannot be withheld")
    def outcome_allows_withholding(self) -> bool:
        submission = self._panel()
        if submission is None:
            return True
        if self._withdrawn():
            return False
        return submission.outcome not in MODE_FOR_OUTCOME

    # --- Transitions (SPEC §4.5); the services check the payload and the dates ------------------

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=P.AWAITING_REPORT, target=P.REPORT_SENT, permission=BOARD)
    def send_report(self, *, on, planned_publication_on=None, by=None, description=None):
        """The final report goes to the national panel."""
        self.report_sent_on = on
        if planned_publication_on is not None:
            self.planned_publication_on = planned_publication_on

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=P.REPORT_SENT, target=P.WITH_PANEL, permission=CHAIR)
    def propose(self, *, mode, reasons, independent_advice, by=None, description=None):
        """The board proposes not to publish in full; the panel is asked (the service opens the
        non-publication submission and links it first)."""
        self.mode = mode
        self.reasons = reasons
        self.independent_advice = independent_advice

    _PANEL_PATH = [proposal_sent, panel_advised, no_information_requested, board_responded]

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=[P.REPORT_SENT, P.WITH_PANEL],
        target=P.SCHEDULED,
        permission=BOARD,
        conditions=[*_PANEL_PATH, outcome_allows_publication],
    )
    def schedule(self, *, planned_publication_on, by=None, description=None):
        """A publication date is set, at least 7 days after the report reached the panel."""
        self.mode = self.publication_mode_now()
        self.planned_publication_on = planned_publication_on

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=[P.REPORT_SENT, P.SCHEDULED, P.WITH_PANEL],
        target=P.PUBLISHED,
        permission=BOARD,
        conditions=[*_PANEL_PATH, outcome_allows_publication],
    )
    def publish(self, *, on, url, by=None, description=None):
        """The report is online, in the mode the panel's outcome allows."""
        self.mode = self.publication_mode_now()
        self.published_on = on
        self.url = url

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=P.WITH_PANEL,
        target=P.WITHHELD,
        permission=CHAIR,
        conditions=[*_PANEL_PATH, outcome_allows_withholding],
    )
    def withhold(self, *, by=None, description=None):
        """The report is not published: the panel agreed, or the board did not accept its advice."""
        self.mode = PublicationMode.NOT_PUBLISHED

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=P.PUBLISHED, target=P.TAKEN_DOWN, permission=CHAIR)
    def take_down(self, *, on, by=None, description=None):
        """The report comes down, no sooner than 12 months after publication."""
        self.taken_down_on = on
