"""The chair's upload page for a board's history (SPEC §8 "Import"): upload, check, confirm, import.

Thin (STYLE): each view gets the board or the run through `imports.selectors` (another board's run is a 404,
the board's staff get the 403 page), then calls one service and queues the worker's step after the commit.
The file is capped while it arrives, as a document is; what is in it is the check's to find. Pages that show
what the file holds (its problems, the cases it made) write one access event each.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import access_record
from reviews.documents import DocumentSizeLimitHandler
from scr_tracker.transitions import NotAllowedInState, RoleNotPermitted

from . import columns, selectors, services, spreadsheets, tasks
from .forms import ImportUploadForm
from .models import ImportState
from .progress import progress_read

ROWS_PER_PAGE = 100
REFRESH_SECONDS = 3  # how often our script checks a running import's page (no timed refresh without it)
TEMPLATE_NAME = "scr-tracker-import-template"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A run's state as the chair reads it, and its tag's colour.
STATE_TAGS = {
    ImportState.UPLOADED: ("Checking", "blue"),
    ImportState.CHECKED: ("Ready to confirm", "yellow"),
    ImportState.REFUSED: ("Not imported", "red"),
    ImportState.IMPORTING: ("Importing", "blue"),
    ImportState.IMPORTED: ("Imported", "green"),
}
TITLES = {
    ImportState.UPLOADED: "Checking your file",
    ImportState.CHECKED: "Check the cases before you import them",
    ImportState.REFUSED: "Your file was not imported",
    ImportState.IMPORTING: "Importing your cases",
    ImportState.IMPORTED: "Your cases are imported",
}
# Why a run cannot be confirmed, by its state.
NOT_NOW = {
    ImportState.UPLOADED: "its file is still being checked",
    ImportState.REFUSED: "its file has problems, so nothing can be imported from it",
    ImportState.IMPORTING: "it has already been confirmed and is being imported",
    ImportState.IMPORTED: "it has already been imported",
}


def _run_url(run) -> str:
    return reverse("imports:run", args=[run.public_id])


def _tag(state: str) -> dict:
    text, colour = STATE_TAGS.get(state, (state, "grey"))
    return {"text": text, "colour": colour}


# --- The upload page -------------------------------------------------------------------------------


@csrf_exempt  # only so that the size limit is in place before the body is read; checked just below
@require_http_methods(["GET", "POST"])
def upload(request):
    if request.method == "POST":
        request.upload_handlers.insert(0, DocumentSizeLimitHandler(request, settings.IMPORT_MAX_BYTES))
    return _upload(request)


@csrf_protect
def _upload(request):
    """The chair uploads the board's spreadsheet; a worker checks it, and the run's page shows what it found."""
    board = selectors.import_chair_board(request.user)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, too_big=getattr(request, "document_too_big", False))
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                run = services.import_run_create(
                    actor=request.user, board=board, file_name=uploaded.name, content=uploaded.read()
                )
            except RoleNotPermitted as exc:
                raise PermissionDenied(str(exc)) from exc
            tasks.import_queue(tasks.import_check_task, run.pk, request.user.pk)
            return redirect(_run_url(run))
    else:
        form = ImportUploadForm()
    runs = [{"run": run, "tag": _tag(run.state)} for run in selectors.import_runs_recent(board)]
    return render(
        request,
        "imports/upload.html",
        {"board": board, "form": form, "runs": runs},
    )


@require_GET
def template_download(request, fmt: str):
    """The empty spreadsheet to fill in: the header row, every column in the guide's order."""
    selectors.import_board_or_404(request.user)
    if fmt not in CONTENT_TYPES:
        raise Http404("No such format")
    body = spreadsheets.csv_bytes([]) if fmt == "csv" else spreadsheets.xlsx_bytes([])
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_NAME}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _column_rows() -> list[dict]:
    rows = []
    for column in columns.COLUMNS:
        labels = dict(column.choices.choices) if column.choices else {}
        rows.append(
            {
                "name": column.name,
                # A long name or value may break after an underscore on a narrow screen (copied, it is whole).
                "name_parts": column.name.split("_"),
                "words": column.words,
                "kind": column.kind,
                "required": column.required,
                # Each value with its words, when they say more than the value ("female (Female)" does not).
                "values": [
                    (value.split("_"), "" if str(labels.get(value, "")).lower() == value else labels.get(value, ""))
                    for value in column.allowed
                ],
            }
        )
    return rows


@require_GET
def column_guide(request):
    """What each column of the spreadsheet holds, written from the same table the import reads."""
    selectors.import_board_or_404(request.user)
    return render(
        request,
        "imports/columns.html",
        {"columns": _column_rows(), "kinds": columns, "max_rows": f"{settings.IMPORT_MAX_ROWS:,}"},
    )


# --- One run: checking, check your answers, problems, importing, the result -------------------------


def _by_regime(summary: dict) -> list[dict]:
    """The summary's cases and clocks grouped under each regime, in the regimes' order."""
    regimes: dict[str, dict] = {}
    for part in ("states", "clocks"):
        for item in summary.get("by_state" if part == "states" else "clocks", []):
            group = regimes.setdefault(item["regime"], {"regime": item["regime"], "states": [], "clocks": []})
            group[part].append(item)
    for group in regimes.values():
        group["cases"] = sum(item["count"] for item in group["states"])
    return list(regimes.values())


@require_GET
def run_detail(request, public_id):
    """The run as it stands: its progress while a worker has it, then what it found or made."""
    run = selectors.import_run_for_user(request.user, public_id)
    context = {
        "run": run,
        "page_title": TITLES.get(run.state, "Import"),
        "tag": _tag(run.state),
        "regimes": _by_regime(run.summary),
        "refresh": None,
    }
    if run.state in services.RUNNING_STATES:
        context["refresh"] = REFRESH_SECONDS
        context["progress"] = progress_read(run.pk)
    elif run.state == ImportState.REFUSED:
        problems = Paginator(run.problems, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        for problem in problems:
            problem["column_parts"] = str(problem.get("column", "")).split("_")  # to break after an underscore
        context["problems"] = problems
        access_record(request=request, record=run)
    elif run.state == ImportState.IMPORTED:
        cases = run.incidents.only("public_id", "reference", "external_reference", "child_pseudonym", "state")
        context["cases"] = Paginator(cases.order_by("reference"), ROWS_PER_PAGE).get_page(request.GET.get("page"))
        access_record(request=request, record=run)
    page = context.get("problems", context.get("cases"))
    if page is not None:
        context["page"] = page
        context["page_numbers"] = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return render(request, "imports/run.html", context)


@require_POST
def run_confirm(request, public_id):
    """The chair confirms what the check found: the import runs once, on a worker, all or nothing."""
    run = selectors.import_run_for_user(request.user, public_id)
    try:
        run = services.import_confirm(actor=request.user, run_id=run.pk)
    except RoleNotPermitted as exc:
        raise PermissionDenied(str(exc)) from exc
    except NotAllowedInState as exc:
        messages.error(request, f"You cannot confirm this import now: {NOT_NOW.get(exc.state, 'not from here')}.")
        return redirect(_run_url(run))
    tasks.import_queue(tasks.import_apply_task, run.pk, request.user.pk)
    return redirect(_run_url(run))
