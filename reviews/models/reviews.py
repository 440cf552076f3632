"""The Serious Case Review: its state machine, stopped-clock periods and agency contributions (SPEC §4.3)."""

import uuid
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description
from simple_history.models import HistoricalRecords

from accounts.models import Role
from incidents.choices import Agency
from scr_tracker import clocks
from scr_tracker.clock_rows import clock_of, due_of, original_due_of
from scr_tracker.transitions import blocking, roles

from ..choices import OPEN_REVIEW_STATES, Methodology, ReviewState, StopReason
from .documents import DocumentKind
from .withdrawals import Withdrawable

BOARD = roles(Role.BOARD_STAFF, Role.BOARD_CHAIR)
CHAIR = roles(Role.BOARD_CHAIR)
R = ReviewState

REVIEW_TRANSITIONS = ("start", "stop_clock", "resume_clock", "begin_drafting", "sign_off")


class SeriousCaseReview(FSMModelMixin, models.Model):
    """A review opened by a decision to initiate; it may cover several incidents (siblings)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    board = models.ForeignKey("accounts.Board", on_delete=models.PROTECT, related_name="reviews")
    decision = models.OneToOneField("reviews.Decision", on_delete=models.PROTECT, related_name="review")
    incidents = models.ManyToManyField("incidents.Incident", related_name="reviews")
    state = FSMField(default=R.COMMISSIONING, choices=R.choices, protected=True, db_index=True)
    initiated_on = models.DateField()
    following_panel_advice = models.BooleanField(default=False)

    methodology = models.CharField(max_length=32, choices=Methodology.choices, blank=True)
    lead_reviewer = models.CharField(max_length=150, blank=True)
    independence_statement = models.TextField(blank=True)
    terms_of_reference = models.TextField(blank=True)
    scope_from = models.DateField(null=True, blank=True)
    scope_to = models.DateField(null=True, blank=True)

    signed_off_on = models.DateField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["state"])

    class Meta:
        ordering = ["-initiated_on", "-pk"]

    def __str__(self) -> str:
        return f"Serious Case Review initiated {self.initiated_on:%-d %B %Y}"

    # --- Conditions ------------------------------------------------------------------------

    def _has_open_stop(self) -> bool:
        if "open_stops" in self.__dict__:  # annotated by lists, so that this costs no query a row
            return bool(self.open_stops)
        return self.stop_periods.filter(resumed_on__isnull=True).exists()

    @blocking("The review clock is already stopped")
    def no_open_stop(self) -> bool:
        return not self._has_open_stop()

    @blocking("The review clock is not stopped")
    def an_open_stop(self) -> bool:
        return self._has_open_stop()

    @blocking("The review clock is stopped: resume it before signing off")
    def clock_running(self) -> bool:
        return not self._has_open_stop()

    @blocking("The review clock is stopped: resume it before drafting begins")
    def clock_running_to_draft(self) -> bool:
        return not self._has_open_stop()

    @blocking("The review has been signed off: no more agency contributions can be requested")
    def takes_contributions(self) -> bool:
        """Not a transition's condition: `contribution_request` refuses with these words (409)."""
        return self.state in OPEN_REVIEW_STATES

    def has_overview_report(self) -> bool:
        """An overview report is uploaded (not withdrawn); signing off without one needs a reason."""
        return self.documents.filter(kind=DocumentKind.OVERVIEW_REPORT).exists()

    # --- Transitions ------------------------------------------------------------------------

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=R.COMMISSIONING, target=R.IN_PROGRESS, permission=BOARD)
    def start(
        self, *, methodology: str, lead_reviewer: str, independence_statement: str = "", by=None, description=None
    ):
        """The review is commissioned: a lead reviewer is appointed and the method chosen."""
        self.methodology = methodology
        self.lead_reviewer = lead_reviewer
        if independence_statement:
            self.independence_statement = independence_statement

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=list(OPEN_REVIEW_STATES),
        target=RETURN_VALUE(*OPEN_REVIEW_STATES),
        permission=CHAIR,
        conditions=[no_open_stop],
    )
    def stop_clock(self, *, by=None, description=None):
        """The completion clock stops (for example while criminal proceedings run); the state stays."""
        return self.state

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=list(OPEN_REVIEW_STATES),
        target=RETURN_VALUE(*OPEN_REVIEW_STATES),
        permission=CHAIR,
        conditions=[an_open_stop],
    )
    def resume_clock(self, *, by=None, description=None):
        """The completion clock runs again; its due date moves on by the stopped days."""
        return self.state

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state, source=R.IN_PROGRESS, target=R.DRAFTING, permission=BOARD, conditions=[clock_running_to_draft]
    )
    def begin_drafting(self, *, by=None, description=None):
        """Agency contributions are in; the reviewer is writing the overview report."""

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=R.DRAFTING, target=R.COMPLETED, permission=CHAIR, conditions=[clock_running])
    def sign_off(self, *, on: date, by=None, description=None):
        """The board signs off the overview report: the review is complete."""
        self.signed_off_on = on

    # --- Clocks -----------------------------------------------------------------------------

    clock_record = "review"
    clock_rows = GenericRelation("scr_tracker.ClockRow")

    @property
    def clock_case(self):
        return self.decision.incident

    @property
    def clock_review(self):
        return self

    def clock_children(self) -> list:
        """Its contributions, the actions of its recommendations, and its publication."""
        actions = [a for r in self.recommendations.prefetch_related("actions") for a in r.actions.all()]
        children = [*self.contributions.all(), *actions]
        publication = getattr(self, "publication", None)  # a missing reverse one-to-one is an AttributeError
        return [*children, publication] if publication is not None else children

    def stops(self) -> list[tuple[date, date | None]]:
        return [(p.stopped_on, p.resumed_on) for p in self.stop_periods.all()]

    def completion_clock(self, today: date) -> clocks.Clock:
        return clock_of(self, "scr_completion", today)

    def completion_due(self) -> date | None:
        """The day the review is due: the original date plus every stopped day; None while stopped (its row)."""
        return due_of(self, "scr_completion")

    def completion_due_original(self) -> date | None:
        """The day the review was due before any stopped days (its row)."""
        return original_due_of(self, "scr_completion")

    @property
    def stopped_days(self) -> int:
        """Days the clock has been stopped, counting closed periods only (an open one is still growing)."""
        due = self.completion_due()
        return (due - self.completion_due_original()).days if due else 0


class StopPeriod(models.Model):
    """A period when the review's completion clock stood still, `[stopped_on, resumed_on)`."""

    review = models.ForeignKey(SeriousCaseReview, on_delete=models.PROTECT, related_name="stop_periods")
    stopped_on = models.DateField()
    resumed_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=32, choices=StopReason.choices)
    detail = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["stopped_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review"], condition=models.Q(resumed_on__isnull=True), name="one_open_stop_per_review"
            ),
            models.CheckConstraint(
                condition=models.Q(resumed_on__isnull=True) | models.Q(resumed_on__gte=models.F("stopped_on")),
                name="stop_resumes_after_it_stops",
            ),
        ]

    def __str__(self) -> str:
        return f"Stopped {self.stopped_on} to {self.resumed_on or 'open'}"


class Contribution(Withdrawable):
    """An agency's contribution (an individual management review or agency report), with its own clock.
    A request made by mistake is withdrawn (`Withdrawable`): it leaves every list and its clock goes."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(SeriousCaseReview, on_delete=models.PROTECT, related_name="contributions")
    agency = models.CharField(max_length=32, choices=Agency.choices)
    agency_name = models.CharField(max_length=150, help_text="The organisation, for example the hospital trust")
    author = models.CharField(max_length=150, blank=True)
    requested_on = models.DateField()
    due_on = models.DateField(db_index=True)
    received_on = models.DateField(null=True, blank=True)
    records_secured_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        default_manager_name = "objects"
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("requested_on")), name="contribution_due_after_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_name} contribution"

    clock_record = "contribution"
    clock_rows = GenericRelation("scr_tracker.ClockRow")

    @property
    def clock_case(self):
        return self.review.decision.incident

    @property
    def clock_review(self):
        return self.review

    def clock_children(self) -> list:
        return []

    def clock(self, today: date) -> clocks.Clock:
        return clock_of(self, "agency_contribution", today)
