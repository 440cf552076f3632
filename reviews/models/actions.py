"""A review's recommendations and the actions that carry them out, to evidence of impact (SPEC §4.3)."""

import uuid
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description
from simple_history.models import HistoricalRecords

from accounts.models import Role
from incidents.choices import Agency
from scr_tracker import clocks
from scr_tracker.clock_rows import clock_of
from scr_tracker.transitions import roles

from ..choices import ActionStatus, AddressedTo
from .withdrawals import Withdrawable

BOARD = roles(Role.BOARD_STAFF, Role.BOARD_CHAIR)
CHAIR = roles(Role.BOARD_CHAIR)
A = ActionStatus
ACTION_TRANSITIONS = ("begin", "complete", "evidence_impact", "withdraw")


class Theme(models.Model):
    """A managed list of themes (neglect, domestic abuse, ...) for recommendations; retired, never deleted."""

    name = models.CharField(max_length=80, unique=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Recommendation(Withdrawable):
    """A recommendation of the review. One made by mistake is withdrawn (`Withdrawable`) with its actions;
    its number stays taken (the next one is numbered after every recommendation, withdrawn or not)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey("reviews.SeriousCaseReview", on_delete=models.PROTECT, related_name="recommendations")
    number = models.PositiveSmallIntegerField(help_text="Its number in the overview report")
    text = models.TextField()
    addressed_to = models.CharField(max_length=16, choices=AddressedTo.choices)
    themes = models.ManyToManyField(Theme, related_name="recommendations")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        default_manager_name = "objects"
        ordering = ["review", "number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="recommendation_number_per_review")]

    def __str__(self) -> str:
        return f"Recommendation {self.number}"


class CurrentActions(models.Manager):
    """The actions not withdrawn (see `reviews.models.withdrawals`)."""

    def get_queryset(self):
        return super().get_queryset().exclude(status=A.WITHDRAWN)


class Action(FSMModelMixin, models.Model):
    """Who will do what by when to carry out a recommendation, and the evidence that it made a difference.
    One agreed by mistake is withdrawn by the chair from any status: it leaves every list and its clock goes."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    board = models.ForeignKey("accounts.Board", on_delete=models.PROTECT, related_name="actions")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    owner_agency = models.CharField(max_length=32, choices=Agency.choices)
    owner_person = models.CharField(max_length=150)
    created_on = models.DateField()
    due_on = models.DateField(db_index=True)
    status = FSMField(default=A.OPEN, choices=A.choices, protected=True, db_index=True)
    completed_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["status"])

    all_objects = models.Manager()  # withdrawn or not: the audit trail's
    objects = CurrentActions()  # the default (Meta.default_manager_name), so every related set too

    class Meta:
        default_manager_name = "objects"
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("created_on")), name="action_due_after_created"
            )
        ]

    def __str__(self) -> str:
        return f"Action for recommendation {self.recommendation_id}"

    @property
    def state(self) -> str:
        """The transition runner reads `state`; an action's state is its status."""
        return self.status

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=A.OPEN, target=A.IN_PROGRESS, permission=BOARD)
    def begin(self, *, by=None, description=None):
        """Work on the action has started."""

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=A.IN_PROGRESS, target=A.COMPLETED, permission=BOARD)
    def complete(self, *, on: date, by=None, description=None):
        """The action is done (its clock is met when this is on or before the due date)."""
        self.completed_on = on

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=A.COMPLETED, target=A.IMPACT_EVIDENCED, permission=BOARD)
    def evidence_impact(self, *, evidence: str, by=None, description=None):
        """Evidence that the change made a difference to practice."""
        self.evidence = evidence

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=[A.OPEN, A.IN_PROGRESS, A.COMPLETED, A.IMPACT_EVIDENCED],
        target=A.WITHDRAWN,
        permission=CHAIR,
    )
    def withdraw(self, *, by=None, description=None):
        """The action was agreed by mistake: it leaves the action plan, and its clock goes."""

    @property
    def is_withdrawn(self) -> bool:
        return self.status == A.WITHDRAWN

    clock_record = "action"
    clock_rows = GenericRelation("scr_tracker.ClockRow")

    @property
    def clock_case(self):
        return self.recommendation.review.decision.incident

    @property
    def clock_review(self):
        return self.recommendation.review

    def clock_children(self) -> list:
        return []

    def clock(self, today: date) -> clocks.Clock:
        return clock_of(self, "action_due", today)
