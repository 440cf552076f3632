"""The chair's initiation decision (SPEC §4.2). Reviews themselves arrive with issue 5."""

import uuid
from datetime import date

from django.conf import settings
from django.db import models

from incidents.choices import PostMortem
from scr_tracker import clocks
from scr_tracker.clock_rows import clock_of, hand_out

from ..choices import DecisionKind


class DecisionQuerySet(models.QuerySet):
    def current(self):
        """The latest decision of each incident (after `reconsider` there can be several)."""
        latest = Decision.objects.filter(incident=models.OuterRef("incident")).order_by("-decided_on", "-pk")
        return self.filter(pk=models.Subquery(latest.values("pk")[:1]))


class Decision(models.Model):
    """Whether to initiate a Serious Case Review, recorded by the chair or by accepting panel advice.

    Written once, never edited: a reconsidered decision is a new row. The facts the derived
    flags need are copied in when it is made, so later edits to the incident cannot change them.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=16, choices=DecisionKind.choices)
    decided_on = models.DateField()
    rationale = models.JSONField(help_text="Text against each limb of regulation 5")
    subgroup_recommendation = models.CharField(max_length=16, choices=DecisionKind.choices, blank=True)
    subgroup_recommended_on = models.DateField(null=True, blank=True)
    alternative_review = models.TextField(blank=True, help_text="Another kind of review or learning, if any")
    following_panel_advice = models.BooleanField(default=False)
    # The rapid review's outcome, where the case's regime asks for it (`Regime.decision_asks`).
    national_review_recommended = models.BooleanField(
        null=True, blank=True, help_text="Whether the partners recommend a national review to the panel"
    )
    rapid_review_summary = models.TextField(
        blank=True, help_text="The rapid review: the facts, the immediate actions taken and the learning"
    )
    panel_notified_on = models.DateField(null=True, blank=True)
    joined_review = models.ForeignKey(
        "reviews.SeriousCaseReview",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="joined_decisions",
        help_text="A decision to initiate that brings this incident into a sibling's review already under way",
    )

    # Facts at the time of the decision, for the flags (SPEC §4.2).
    post_mortem_at_decision = models.CharField(max_length=16, choices=PostMortem.choices)
    initiation_due_at_decision = models.DateField(null=True)
    incident_on = models.DateField()

    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["decided_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision=DecisionKind.INITIATE_SCR) | models.Q(panel_notified_on__isnull=True),
                name="decision_panel_notified_only_for_initiation",
            ),
            models.CheckConstraint(
                condition=models.Q(decision=DecisionKind.INITIATE_SCR) | models.Q(joined_review__isnull=True),
                name="decision_joins_a_review_only_when_initiating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} on {self.decided_on}"

    @property
    def premature(self) -> bool:
        """Decided while the post-mortem was still pending."""
        return self.post_mortem_at_decision == PostMortem.PENDING

    @property
    def late(self) -> bool:
        """Decided after the due date of the clock the case's regime measures decisions by."""
        return self.initiation_due_at_decision is not None and self.decided_on > self.initiation_due_at_decision

    @property
    def delay_days(self) -> int:
        """Days from the incident to the decision."""
        return (self.decided_on - self.incident_on).days

    def clocks(self, today: date) -> list[clocks.Clock]:
        """The clocks the decision starts (SPEC §3): on the submission it opens, or on its review."""
        regime = self.incident.regime_rules
        if self.decision == DecisionKind.NOT_INITIATE:
            # A missing reverse one-to-one is an AttributeError.
            record, kind = getattr(self, "submission", None), "submission"
        else:
            # The review's own clock: extended by its stopped days, met or missed at its end event.
            record, kind = self.covering_review, "review"
        case_rows = getattr(self.incident, "_prefetched_objects_cache", {}).get("case_clock_rows")
        # A list read the case's rows with its decisions; a joined review's rows are its sibling's.
        if record is not None and case_rows is not None and self.joined_review_id is None:
            hand_out(case_rows, [record])
        return [
            clock_of(record, clock.name, today)
            if record is not None
            else clocks.clock_state(name=clock.name, starts_on=None, due=None, ended_on=None, today=today)
            for clock in regime.clocks_of(kind)
            if clock.starts.name == "record_decision"
        ]

    @property
    def covering_review(self):
        """The review this decision opened, or the sibling's review it joined; None for `not_initiate`."""
        if self.decision != DecisionKind.INITIATE_SCR:
            return None
        if self.joined_review_id is not None:
            return self.joined_review
        return getattr(self, "review", None)  # a missing reverse one-to-one is an AttributeError
