"""An import of a board's history (SPEC §8 "Import"): the file, what checking it found, and what it made.

Every import is one of these, from the chair's upload page or from `manage.py import_cases`, and each
step writes an audit entry on it (uploaded, checked, confirmed, imported or refused).
"""

import uuid

from django.conf import settings
from django.db import models


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"  # waiting for its check
    CHECKED = "checked", "Checked"  # the preview is ready: waiting for the chair to confirm
    REFUSED = "refused", "Has errors"  # the check or the import found problems: nothing saved
    IMPORTING = "importing", "Importing"
    IMPORTED = "imported", "Imported"


class ImportRun(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    board = models.ForeignKey("accounts.Board", on_delete=models.PROTECT, related_name="imports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # The file is kept only until it is imported or refused (special-category data).
    content = models.BinaryField(blank=True, default=b"", editable=False)
    from_command = models.BooleanField(default=False, help_text="Run by manage.py import_cases")
    state = models.CharField(max_length=16, choices=ImportState.choices, default=ImportState.UPLOADED)
    rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0, help_text="Progress while it runs")
    # What the check or the import found: the summary of what it creates, and every problem.
    summary = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    incidents = models.ManyToManyField("incidents.Incident", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once, when the import that keeps the cases begins: a second start is refused.
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"
