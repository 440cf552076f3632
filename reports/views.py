"""PDF reports and CSV/XLSX exports: ask for a report, watch it being made, download it; export a list.

Thin (STYLE): each view fetches what it is about through the permission-checked selectors (another
board's record is a 404, never a 403), then creates a job or writes a file. A job is its asker's
alone: anyone else gets a 404 for its page and its file.
"""

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audit.models import AccessEvent
from audit.services import access_record, access_record_many

from . import exports, kinds, selectors, services
from .models import JobState, ReportKind

REFRESH_SECONDS = 3


def _job_url(job) -> str:
    return reverse("reports:job", args=[job.public_id])


# --- Asking for a PDF -------------------------------------------------------------------------------


@require_POST
def case_pdf(request, public_id):
    """The case chronology of one incident in the user's scope."""
    job = services.job_create(
        user=request.user, kind=ReportKind.CASE_CHRONOLOGY, parameters={"incident": str(public_id)}
    )
    return redirect(_job_url(job))


@require_POST
def submission_pdf(request, public_id):
    """The panel submission pack of one submission in the user's scope."""
    job = services.job_create(
        user=request.user, kind=ReportKind.SUBMISSION_PACK, parameters={"submission": str(public_id)}
    )
    return redirect(_job_url(job))


class ReportYearForm(forms.Form):
    year = forms.TypedChoiceField(label="Year", coerce=int)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, f"1 April {year} to 31 March {year + 1}") for year in years]
        self.fields["year"].error_messages["invalid_choice"] = "Choose a year from the list"
        # The template draws the select itself (so that the year shown stays selected); the helper
        # is what the error summary reads.
        self.helper = FormHelper()
        self.helper.form_tag = False


def _current_report_year(today) -> int:
    return today.year if today.month >= 4 else today.year - 1


def _report_years(board, today) -> list[int]:
    first = max(board.active_from.year - (board.active_from.month < 4), selectors.YEAR_MIN)
    return list(range(_current_report_year(today), first - 1, -1))


def _board_or_404(user):
    # The annual report includes the board's action plan: the board's own chair and staff only.
    if not user.is_board_user:
        raise Http404("Not found")
    return user.board


@require_GET
def board_report(request):
    """A board's year of Serious Case Reviews, on screen, with a button to make it a PDF."""
    board = _board_or_404(request.user)
    today = timezone.localdate()
    years = _report_years(board, today)
    form = ReportYearForm(request.GET or {"year": years[0]}, years=years)
    year = form.cleaned_data["year"] if form.is_valid() else years[0]
    report = selectors.board_report(board, year, today)
    # Each review the report names (in its rows, by its recommendations or its publications) and each
    # initiation decision it lists: one event each, all of the board's.
    shown = [row["review"] for row in report["reviews"]]
    shown += [row["recommendation"].review for row in report["recommendations"]]
    shown += [row["publication"].review for row in report["publications"]]
    shown += report["decisions"]
    access_record_many(request=request, records=shown, board_of=lambda record: board.pk)
    return render(request, "reports/board_report.html", {**report, "form": form})


@require_POST
def board_pdf(request):
    board = _board_or_404(request.user)
    job = services.job_create(
        user=request.user,
        kind=ReportKind.BOARD_ANNUAL,
        parameters={"board": board.code, "year": kinds.report_year(request.POST.get("year"))},
    )
    return redirect(_job_url(job))


@require_POST
def national_pdf(request):
    """The statistics page's figures and charts for its period: all boards' (panel), or the board's own."""
    job = services.job_create(
        user=request.user,
        kind=ReportKind.NATIONAL_STATISTICS,
        parameters={"from": request.POST.get("from", ""), "to": request.POST.get("to", "")},
    )
    return redirect(_job_url(job))


# --- The job: progress, then the file ---------------------------------------------------------------


@require_GET
def job_detail(request, public_id):
    """Progress while the PDF is made, then the download link. No timed refresh (WCAG 2.2.1): a link to
    check again, and our script checks every REFRESH_SECONDS where JavaScript runs."""
    job = selectors.job_for_user(request.user, public_id)
    return render(
        request,
        "reports/job.html",
        {
            "job": job,
            "refresh": REFRESH_SECONDS if job.in_progress else None,
            "ready": job.state == JobState.READY,
            "keep_days": settings.REPORT_KEEP_DAYS,
        },
    )


@require_GET
def job_download(request, public_id):
    """The PDF as an attachment, for its asker while the subject is still in their scope; one access event."""
    job = selectors.job_for_user(request.user, public_id)
    if job.state != JobState.READY or not job.stored_name:
        raise Http404("Not ready")
    subject = kinds.job_subject(job, request.user)
    try:
        handle = services.report_storage().open(job.stored_name, "rb")
    except (FileNotFoundError, IsADirectoryError) as exc:
        raise Http404("Not found") from exc
    record = subject.record if hasattr(subject.record, "_meta") else job
    board_id = subject.board.pk if subject.board else None
    access_record(request=request, record=record, action=AccessEvent.Action.DOWNLOAD, board_id=board_id)
    response = FileResponse(handle, as_attachment=True, filename=job.file_name, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
    return response


# --- Exports ------------------------------------------------------------------------------------------


@require_GET
def export(request, name: str, fmt: str):
    """The list as the page shows it (same filters, same scope), every row, as CSV or XLSX."""
    export_list = exports.export_for(name, fmt)
    records = list(export_list.rows(request))
    rows = exports.table(export_list, records)
    exports.record_exports(request, export_list, records)
    if fmt == "csv":
        body, content_type = exports.to_csv(rows), exports.CSV_TYPE
    else:
        body, content_type = exports.to_xlsx(rows, title=export_list.title), exports.XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.file_name(export_list, fmt)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response
