"""A review's uploaded documents (SPEC §4.3; SECURITY row 14).

The row holds what the server found, never what the browser claimed: the type detected from the
file's contents, the size and SHA-256 of the bytes stored, and a file name the server made up.
The person's own file name is kept, cleaned, for display only. The bytes live in private storage
(`reviews.documents.document_storage`) and reach a browser only through the download view.
A document uploaded by mistake is withdrawn (`Withdrawable`): it leaves the review's list and its
download is a 404; its bytes stay in the store (retention deletes them, in its own time).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from .withdrawals import Withdrawable


class DocumentKind(models.TextChoices):
    TERMS_OF_REFERENCE = "terms_of_reference", "Terms of reference"
    CONTRIBUTION = "contribution", "Agency contribution"
    OVERVIEW_REPORT = "overview_report", "Overview report"
    EXECUTIVE_SUMMARY = "executive_summary", "Executive summary"


class DocumentType(models.TextChoices):
    """The file types accepted, by detected content type; the label is what people call them."""

    PDF = "application/pdf", "PDF"
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"
    ODT = "application/vnd.oasis.opendocument.text", "ODT"


class Document(Withdrawable):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey("reviews.SeriousCaseReview", on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=32, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    original_name = models.CharField(max_length=255, help_text="The uploader's file name, cleaned; for display only")
    stored_name = models.CharField(max_length=64, unique=True, editable=False, help_text="Made by the server")
    content_type = models.CharField(max_length=100, choices=DocumentType.choices, editable=False)
    size = models.PositiveBigIntegerField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        default_manager_name = "objects"
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="document_not_empty"),
            models.CheckConstraint(
                condition=models.Q(content_type__in=DocumentType.values), name="document_type_accepted"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def file_type(self) -> str:
        """PDF, DOCX or ODT."""
        return DocumentType(self.content_type).label
