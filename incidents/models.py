"""The serious incident notification (SIN) and its state machine (SPEC §4.1)."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description
from simple_history.models import HistoricalRecords

from accounts.models import Role
from scr_tracker import clocks, regimes
from scr_tracker.clock_rows import clock_of, due_of
from scr_tracker.transitions import blocking, roles

from .choices import (
    OPEN_STATES,
    CriminalProceedings,
    Disability,
    Ethnicity,
    IncidentState,
    Nature,
    PoliceInvestigation,
    PostMortem,
    Sex,
)

BOARD = roles(Role.BOARD_STAFF, Role.BOARD_CHAIR)
CHAIR = roles(Role.BOARD_CHAIR)

INCIDENT_TRANSITIONS = ("notify", "refer_to_subgroup", "record_decision", "reconsider", "withdraw", "close")


class Incident(FSMModelMixin, models.Model):
    """One child's serious incident, from notification to the chair's decision and beyond.

    No name is stored: the pseudonym and the generated reference identify the case.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    board = models.ForeignKey("accounts.Board", on_delete=models.PROTECT, related_name="incidents")
    reference = models.CharField(max_length=32, unique=True, editable=False)
    # The board's own reference for a case imported from its spreadsheet (SPEC §8 "Import").
    external_reference = models.CharField(max_length=64, blank=True, editable=False)
    regime = models.CharField(max_length=16, editable=False, help_text="Clock rules in force when the SIN arrived")
    state = FSMField(default=IncidentState.DRAFT, choices=IncidentState.choices, protected=True, db_index=True)

    child_pseudonym = models.CharField(max_length=60, help_text="Never the child's name")
    age_at_incident = models.PositiveSmallIntegerField(help_text="Age in whole years at the incident")
    sex = models.CharField(max_length=16, choices=Sex.choices)
    ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices)
    disability = models.CharField(max_length=8, choices=Disability.choices)
    child_status = models.JSONField(default=list, blank=True)
    nature = models.CharField(max_length=16, choices=Nature.choices)
    harm_types = models.JSONField(default=list)
    regulation_5 = models.JSONField(default=list)
    incident_on = models.DateField()
    la_aware_on = models.DateField(help_text="When the local authority became aware")
    ofsted_notified_on = models.DateField(null=True, blank=True)
    received_on = models.DateField(null=True, blank=True, help_text="When the board received the SIN")
    post_mortem = models.CharField(max_length=16, choices=PostMortem.choices)
    post_mortem_on = models.DateField(null=True, blank=True)
    police_investigation = models.CharField(max_length=16, choices=PoliceInvestigation.choices)
    criminal_proceedings = models.CharField(max_length=16, choices=CriminalProceedings.choices)
    agencies_involved = models.JSONField(default=list, blank=True)
    outline = models.TextField()

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The board's person who moves the case on: staff's steps wait on them by name (chosen by staff or the chair).
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["state"])

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(la_aware_on__gte=models.F("incident_on")), name="incident_aware_after_incident"
            ),
            models.CheckConstraint(condition=models.Q(age_at_incident__lte=17), name="incident_child_under_18"),
            models.UniqueConstraint(
                fields=["board", "external_reference"],
                condition=~models.Q(external_reference=""),
                name="incident_external_reference_once_per_board",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    # --- Transitions: small, state and the event's own fields only (SPEC §4.1) -------------

    @blocking("A local review has been opened for this incident")
    def no_review(self) -> bool:
        # Lists annotate `has_review` (incidents.selectors) so that this costs no query a row.
        if "has_review" in self.__dict__:
            return not self.has_review
        return not self.reviews.exists()

    @blocking("The case's local review has not been published, withheld or taken down yet")
    def review_finished(self) -> bool:
        # A case with a review closes once its publication has run its course (SPEC §4.5). Lists
        # annotate `has_unfinished_review` (incidents.selectors) so that this costs no query a row.
        if "has_unfinished_review" in self.__dict__:
            return not self.has_unfinished_review
        from publication.choices import FINISHED_STATES  # the publication app builds on this one

        return not self.reviews.exclude(publication__state__in=FINISHED_STATES).exists()

    @blocking("The case's submission to the panel is still open")
    def no_open_submission(self) -> bool:
        # Lists annotate `has_open_submission` (incidents.selectors) so that this costs no query a row.
        if "has_open_submission" in self.__dict__:
            return not self.has_open_submission
        from panel.models import OPEN_STATES as SUBMISSION_OPEN_STATES  # the panel app builds on this one

        return not self.decisions.filter(submission__state__in=SUBMISSION_OPEN_STATES).exists()

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=IncidentState.DRAFT, target=IncidentState.NOTIFIED, permission=BOARD)
    def notify(self, *, received_on: date, ofsted_notified_on: date, by=None, description=None):
        """The board has received the SIN (the event date); Ofsted was notified too."""
        self.received_on = received_on
        self.ofsted_notified_on = ofsted_notified_on
        regime = regimes.regime_for(received_on)
        self.regime = regime.code

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=IncidentState.NOTIFIED, target=IncidentState.UNDER_CONSIDERATION, permission=BOARD)
    def refer_to_subgroup(self, *, by=None, description=None):
        """The board's case review sub-group is asked to consider the case and recommend."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=[IncidentState.NOTIFIED, IncidentState.UNDER_CONSIDERATION],
        target=IncidentState.DECIDED,
        permission=CHAIR,
    )
    def record_decision(self, *, by=None, description=None):
        """The chair has decided whether to initiate a Serious Case Review (the Decision row holds it)."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=IncidentState.DECIDED,
        target=IncidentState.UNDER_CONSIDERATION,
        permission=CHAIR,
        conditions=[no_review],
    )
    def reconsider(self, *, by=None, description=None):
        """The chair reopens the decision (new information); a new decision will follow."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=[IncidentState.DRAFT, IncidentState.NOTIFIED, IncidentState.UNDER_CONSIDERATION],
        target=IncidentState.WITHDRAWN,
        permission=CHAIR,
    )
    def withdraw(self, *, by=None, description=None):
        """Notified in error or a duplicate: the case leaves the workflow, its history kept."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=IncidentState.DECIDED,
        target=IncidentState.CLOSED,
        permission=CHAIR,
        # A case with a review stays open until the review's publication has run its course.
        conditions=[no_open_submission, review_finished],
    )
    def close(self, *, by=None, description=None):
        """Nothing further is expected for this incident."""

    # --- Clock rows (scr_tracker.clock_rows) ----------------------------------------------

    clock_record = "incident"
    clock_rows = GenericRelation("scr_tracker.ClockRow")

    @property
    def clock_case(self):
        return self

    def _decisions_in_order(self):
        held = self.__dict__.get("_held_decisions")
        if held is not None:
            return held
        return self.decisions.select_related("submission", "review").order_by("decided_on", "pk")

    @contextmanager
    def clock_reading(self) -> Iterator[None]:
        """While the case's rows are recomputed (`scr_tracker.clock_rows`), its decisions, with their
        submissions and reviews, are read once, not again for each clock that asks."""
        self.__dict__["_held_decisions"] = list(self._decisions_in_order())
        try:
            yield
        finally:
            del self.__dict__["_held_decisions"]

    def clock_children(self) -> list:
        """The submissions and reviews the case's decisions opened."""
        children = []
        for decision in self._decisions_in_order():
            children.extend(getattr(decision, name) for name in ("submission", "review") if hasattr(decision, name))
        return children

    @property
    def first_decided_on(self) -> date | None:
        """The date of the case's first decision: it ends the initiation clock, whatever came later."""
        held = self.__dict__.get("_held_decisions")
        if held is not None:
            return held[0].decided_on if held else None
        return self.decisions.order_by("decided_on", "pk").values_list("decided_on", flat=True).first()

    @property
    def first_submission_sent_on(self) -> date | None:
        """When a submission about one of the case's decisions first reached the panel (a rapid review
        is sent with the decision it reports)."""
        held = self.__dict__.get("_held_decisions")
        if held is not None:
            sent = [
                decision.submission.first_submitted_on
                for decision in held
                if hasattr(decision, "submission") and decision.submission.first_submitted_on is not None
            ]
            return min(sent, default=None)
        sent = self.decisions.filter(submission__first_submitted_on__isnull=False)
        return sent.aggregate(first=models.Min("submission__first_submitted_on"))["first"]

    # --- Derived --------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def regime_rules(self) -> regimes.Regime:
        """The case's regime: fixed when the SIN is received; until then that of the day the authority knew."""
        return regimes.regime_by_code(self.regime) if self.regime else regimes.regime_for(self.la_aware_on)

    def sin_notification_clock(self, today: date) -> clocks.Clock:
        return clock_of(self, "sin_notification", today)

    def initiation_decision_clock(self, today: date) -> clocks.Clock:
        return clock_of(self, "initiation_decision", today)

    def decision_due(self) -> date | None:
        """The day the decision is due by the clock the case's regime measures decisions by."""
        name = self.regime_rules.decision_due_clock
        return due_of(self, name) if name else None

    def initiation_decision_due(self) -> date | None:
        """The day the decision whether to initiate is due, once the SIN is received; from the clock's row."""
        return due_of(self, "initiation_decision")
