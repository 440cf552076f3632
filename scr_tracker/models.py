"""Clocks as rows (SPEC §3): one row per statutory clock of a record, written by the transition runner.

A row holds what the regime's declaration gives for one record: when the clock started, its due
date (indexed, empty while a stop is open) and when its end event happened. Pages, the API, case
lists, dashboards, reminders, the calendar feed, exports, PDFs and statistics read these rows;
nothing else computes a due date. Rows are written and recomputed only by `scr_tracker.clock_rows`.
"""

from dataclasses import replace
from datetime import date

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from scr_tracker import clocks


class ClockRow(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    name = models.CharField(max_length=32)
    regime = models.CharField(max_length=16)
    # The case the clock belongs to (its regime, its reference) and its board (scope).
    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="case_clock_rows")
    # The review for clocks of a review, its contributions, actions and publication: sibling cases
    # that joined the review wait on these clocks too.
    review = models.ForeignKey(
        "reviews.SeriousCaseReview", null=True, blank=True, on_delete=models.CASCADE, related_name="review_clock_rows"
    )
    board = models.ForeignKey("accounts.Board", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    due_on = models.DateField(null=True, blank=True, db_index=True, help_text="Empty while a stop is open")
    # The rule's due date before any stopped days (the review's "originally"); due_on for clocks without stops.
    original_due_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    stopped = models.BooleanField(default=False)
    # The record left the workflow (a withdrawn case or submission): nothing is waited for any more.
    halted = models.BooleanField(default=False)
    # A clock met by reaching its due date without its end event (a report's 12 months online).
    met_by_lapse = models.BooleanField(default=False)
    case_deadline = models.BooleanField(default=False, help_text="The case waits on this clock while it runs")
    # Where a reminder or a calendar entry links: the URL name and the public id it takes.
    page = models.CharField(max_length=64)
    page_public_id = models.UUIDField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "name"], name="one_clock_row_per_record"),
        ]
        indexes = [
            models.Index(fields=["incident", "due_on"], name="clock_row_case_due"),
            models.Index(fields=["name", "due_on"], name="clock_row_name_due"),
        ]

    def __str__(self) -> str:
        return f"{self.name} from {self.starts_on}, due {self.due_on}"

    def state(self, today: date) -> clocks.Clock:
        """Status, days and RAG on `today` (SPEC §3)."""
        ended = self.ended_on
        if self.met_by_lapse and ended is None and self.due_on is not None and today >= self.due_on:
            ended = self.due_on
        clock = clocks.clock_state(
            name=self.name, starts_on=self.starts_on, due=self.due_on, ended_on=ended, today=today, stopped=self.stopped
        )
        if self.met_by_lapse:
            # Nothing is asked of the board while it runs.
            return replace(clock, rag=None)
        return clock
