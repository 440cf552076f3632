"""A review's documents: the upload page and the download, both through the review's scope (SECURITY rows 1, 10, 14).

Another board's review or document is a 404 whatever the method; a panel user may download the
documents of a review in their scope but gets the 403 page on the upload page. The upload page
caps the file while it arrives (so an oversized upload is never written to disk in full), then
the service checks it by content and stores it. Each download writes one access event.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import AccessEvent
from audit.services import access_record
from scr_tracker.forms import add_service_errors
from scr_tracker.transitions import InvalidInput, RoleNotPermitted

from . import documents
from .models import DocumentKind, DocumentType
from .selectors import review_for_user

ACCEPT = ",".join([".pdf", ".docx", ".odt", *(content_type.value for content_type in DocumentType)])


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(
        choices=DocumentKind.choices,
        label="What is the document?",
        widget=forms.RadioSelect,
        error_messages={"required": documents.SELECT_KIND, "invalid_choice": documents.SELECT_KIND},
    )
    title = forms.CharField(
        label="Title",
        max_length=documents.TITLE_MAX,
        help_text="For example, Overview report, final draft. Do not use the names of the child, "
        "family members or professionals.",
        error_messages={"required": documents.ENTER_TITLE, "max_length": documents.TITLE_TOO_LONG},
    )
    file = forms.FileField(
        label="Upload a file",
        required=False,  # checked in clean_file, so that a file stopped for its size says so
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={
            "empty": documents.EMPTY,
            "invalid": documents.SELECT_FILE,
            "missing": documents.SELECT_FILE,
        },
    )

    def __init__(self, *args, too_big: bool = False, **kwargs):
        self.too_big = too_big
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"A PDF, DOCX or ODT file, smaller than {documents.size_limit()}"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template has the token
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("title", label_size=Size.SMALL),
            Field.text("file", label_size=Size.SMALL),
            Submit("submit", "Upload the document"),
        )

    def clean_file(self):
        if self.too_big:
            raise forms.ValidationError(documents.too_big_message())
        uploaded = self.cleaned_data.get("file")
        if not uploaded:
            raise forms.ValidationError(documents.SELECT_FILE)
        return uploaded


def _review_url(review) -> str | None:
    """The review's page, once the review pages are there."""
    try:
        return reverse("reviews:review", args=[review.public_id])
    except NoReverseMatch:
        return None


@csrf_exempt  # only so that the size limit is in place before the body is read; checked just below
@require_http_methods(["GET", "POST"])
def document_upload(request, review_id):
    if request.method == "POST":
        request.upload_handlers.insert(0, documents.DocumentSizeLimitHandler(request, settings.DOCUMENT_MAX_BYTES))
    return _document_upload(request, review_id)


@csrf_protect
def _document_upload(request, review_id):
    """The board adds a document to its review (GOV.UK file upload, no JavaScript needed)."""
    review = review_for_user(request.user, review_id)
    if not request.user.is_board_user:
        raise PermissionDenied("Only the board adds documents to its review")
    if request.method == "POST":
        form = DocumentUploadForm(request.POST, request.FILES, too_big=getattr(request, "document_too_big", False))
        if form.is_valid():
            try:
                document = documents.document_upload(
                    actor=request.user,
                    review_id=review.pk,
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    uploaded_file=form.cleaned_data["file"],
                )
            except InvalidInput as exc:
                add_service_errors(form, exc.errors)
            except RoleNotPermitted as exc:
                raise PermissionDenied(str(exc)) from exc
            else:
                messages.success(request, f"{document.get_kind_display()} uploaded")
                return redirect(_review_url(review) or reverse("documents:upload", args=[review.public_id]))
    else:
        form = DocumentUploadForm()
    back = _review_url(review) or reverse("accounts:dashboard")
    access_record(request=request, record=review)
    return render(request, "reviews/documents/upload.html", {"review": review, "form": form, "back": back})


@require_GET
def document_download(request, public_id):
    """The file itself, as an attachment, for anyone who may see its review; one access event each time."""
    document = documents.document_for_user(request.user, public_id)
    try:
        handle = documents.document_storage().open(document.stored_name, "rb")
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise Http404("Not found") from exc
    access_record(
        request=request, record=document, action=AccessEvent.Action.DOWNLOAD, board_id=document.review.board_id
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=documents.download_name(document),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    # Should a browser ever render it in place, it runs nothing and is framed nowhere.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
    return response
