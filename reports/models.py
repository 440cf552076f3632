"""A PDF report asked for by one user and made in the background (SPEC §6).

The job keeps what was asked (kind and parameters), for whom and for which board, how far the
rendering got, and where the finished file is kept: in the same private store as uploaded
documents, which no URL serves. Only the user who asked can see the job or download its file.
"""

import uuid

from django.conf import settings
from django.db import models


class ReportKind(models.TextChoices):
    CASE_CHRONOLOGY = "case_chronology", "Case chronology"
    SUBMISSION_PACK = "submission_pack", "Panel submission pack"
    BOARD_ANNUAL = "board_annual", "Board annual Serious Case Review report"
    NATIONAL_STATISTICS = "national_statistics", "National statistics report"


class JobState(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Deleted after its keeping period"


class ReportJob(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=32, choices=ReportKind.choices)
    parameters = models.JSONField(default=dict, help_text="What the report is of: record ids, a year, a period")
    title = models.CharField(max_length=200, help_text="What the report is of, in words, without case content")
    reference = models.CharField(max_length=64, help_text="The running header: a case or board reference")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    board = models.ForeignKey(
        "accounts.Board",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: all boards",
    )
    state = models.CharField(max_length=16, choices=JobState.choices, default=JobState.QUEUED, db_index=True)
    stored_name = models.CharField(max_length=80, blank=True, editable=False, help_text="Made by the server")
    size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    pages = models.PositiveIntegerField(null=True, blank=True, editable=False)
    error = models.CharField(max_length=300, blank=True, help_text="Why it failed, for the person who asked")
    attempts = models.PositiveSmallIntegerField(default=0, editable=False, help_text="Times a worker took it")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference} ({self.get_state_display()})"

    @property
    def in_progress(self) -> bool:
        return self.state in (JobState.QUEUED, JobState.RUNNING)

    @property
    def file_name(self) -> str:
        """The download's name: the kind and the reference, nothing about the child."""
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in self.reference)
        return f"{FILE_PREFIXES.get(self.kind, '')}{safe}.pdf"


# A statistics report's reference already says what it is ("National statistics 2025-04-01 to ...").
FILE_PREFIXES = {
    ReportKind.CASE_CHRONOLOGY: "case-chronology-",
    ReportKind.SUBMISSION_PACK: "submission-pack-",
    ReportKind.BOARD_ANNUAL: "annual-scr-report-",
}
