"""CSV and XLSX exports of the lists (SPEC §6: any list the user can see): cases, the action plan,
submissions, reviews and publications.

An export is the page's own list: the same filter form and the same scoped queryset, through the
one function the page calls (`incidents.views.case_list_rows`, `reviews.views.action_plan_list`,
`panel.views.submission_list_rows`, `reviews.views.review_list_rows`,
`publication.views.publication_list_rows`), so a filter or a scope rule can never differ between the two.
Every row is written as an access event of action `export` (SECURITY row 10), in one query.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return
before one) as a formula; free text typed by a user could do that to whoever opens the file.
Such text cells are written with a leading apostrophe, in both formats (OWASP CSV injection).
XLSX is written with openpyxl (see docs/decisions/0017-reports-and-exports.md).
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font

from audit.models import AccessEvent
from incidents.words import state_words as incident_state_words
from panel.words import kind_words, outcome_words, submission_state_words
from publication.words import publication_mode_words, publication_state_words
from reviews.words import action_status_words, agency_words, decision_words, methodology_words, review_state_words
from scr_tracker.regimes import record_clock
from scr_tracker.terms import term

from .selectors import submission_incident

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
ACCESS_EVENT_BATCH = 500


def neutralise(value):
    """A text value that a spreadsheet would run as a formula, made plain text; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[object], object]


@dataclass(frozen=True)
class ExportList:
    name: str
    title: str
    rows: Callable[[object], QuerySet]
    columns: tuple[Column, ...]
    board_id: Callable[[object], int | None]


def _yes(value) -> str:
    return "Yes" if value else "No"


def _cases_of(review) -> str:
    return ", ".join(incident.reference for incident in review.incidents.all())


def _review_of(action) -> str:
    return _cases_of(action.recommendation.review)


def _case_rows(request) -> QuerySet:
    from incidents.views import case_list_rows

    return case_list_rows(request)[1]


def _action_rows(request) -> QuerySet:
    from reviews.views import action_plan_list

    return action_plan_list(request)[1]


def _submission_rows(request) -> QuerySet:
    from panel.views import submission_list_rows

    return submission_list_rows(request)[1]


def _review_rows(request) -> QuerySet:
    from reviews.views import review_list_rows

    return review_list_rows(request)


def _publication_rows(request) -> QuerySet:
    from publication.views import publication_list_rows

    return publication_list_rows(request)[1]


def _completion(review) -> str:
    if review.signed_off_on is None or review.completion_due() is None:
        return ""
    return "Met" if review.signed_off_on <= review.completion_due() else "Missed"


CASES = ExportList(
    "cases",
    "Cases",
    _case_rows,
    (
        Column("Reference", lambda c: c.reference),
        Column("Board", lambda c: c.board.code),
        Column("Child", lambda c: c.child_pseudonym),
        Column("Nature", lambda c: c.get_nature_display()),
        Column("Incident date", lambda c: c.incident_on),
        Column("SIN received", lambda c: c.received_on),
        Column("State", lambda c: incident_state_words(c.state)),
        # The headings cover every regime; a row's words are its own case's (SPEC §10).
        Column("Rules", lambda c: c.regime_rules.title),
        Column("Current decision", lambda c: decision_words(c.current_decision, c) if c.current_decision else ""),
        Column("Decided on", lambda c: c.current_decided_on),
        Column("Next deadline", lambda c: c.next_due),
        Column("RAG", lambda c: (c.rag or "").capitalize()),
        Column("Premature", lambda c: _yes(c.premature and c.current_decided_on)),
        Column("Late", lambda c: _yes(c.late)),
    ),
    lambda c: c.board_id,
)

ACTIONS = ExportList(
    "actions",
    "Action plan",
    _action_rows,
    (
        Column("Review", _review_of),
        Column("Recommendation", lambda a: a.recommendation.number),
        Column("Action", lambda a: a.description),
        Column("Owner agency", lambda a: agency_words(a.owner_agency)),
        Column("Owner", lambda a: a.owner_person),
        Column("Created", lambda a: a.created_on),
        Column("Due", lambda a: a.due_on),
        Column("Status", lambda a: action_status_words(a.status)),
        Column("Completed", lambda a: a.completed_on),
        Column("Overdue", lambda a: _yes(a.completed_on is None and a.due_on < timezone.localdate())),
    ),
    lambda a: a.board_id,
)

SUBMISSIONS = ExportList(
    "submissions",
    "Submissions to the panel",
    _submission_rows,
    (
        Column("Case", lambda s: getattr(submission_incident(s), "reference", "")),
        Column("Board", lambda s: s.board.name),
        Column("Kind", lambda s: kind_words(s.kind)),
        Column("Send to the panel by", lambda s: s.send_to_panel_due()),
        Column("Sent", lambda s: s.first_submitted_on),
        Column("State", lambda s: submission_state_words(s.state)),
        Column("Outcome", lambda s: outcome_words(s.outcome, s)),
        Column("First advised", lambda s: s.first_advised_on),
        Column("Information due", lambda s: s.information_due),
        Column("Panel meeting", lambda s: s.meeting.meets_on if s.meeting_id else None),
    ),
    lambda s: s.board_id,
)

REVIEWS = ExportList(
    "reviews",
    "Local reviews",
    _review_rows,
    (
        Column("Cases", _cases_of),
        Column("Board", lambda r: r.board.name),
        Column("Review", lambda r: term(r, "review")),
        Column("Initiated", lambda r: r.initiated_on),
        Column("Following panel advice", lambda r: _yes(r.following_panel_advice)),
        Column("State", lambda r: review_state_words(r.state)),
        Column("Methodology", lambda r: methodology_words(r.methodology)),
        Column("Lead reviewer", lambda r: r.lead_reviewer),
        # An export spans cases: its heading gives the latest regime's rule.
        Column(f"Due ({record_clock('scr_completion').length(spelt=True)})", lambda r: r.completion_due_original()),
        Column("Due (with stopped days)", lambda r: r.completion_due()),
        Column("Days stopped", lambda r: r.stopped_days),
        Column("Clock stopped now", lambda r: _yes(r.open_stops)),
        Column("Signed off", lambda r: r.signed_off_on),
        Column("Completion", _completion),
    ),
    lambda r: r.board_id,
)

PUBLICATIONS = ExportList(
    "publications",
    "Publications",
    _publication_rows,
    (
        Column("Case", lambda p: p.review.decision.incident.reference),
        Column("Board", lambda p: p.review.board.name),
        Column("State", lambda p: publication_state_words(p.state)),
        Column("Mode", lambda p: publication_mode_words(p.mode)),
        Column("Review completed", lambda p: p.review.signed_off_on),
        Column("Report sent to the panel", lambda p: p.report_sent_on),
        Column("Planned publication", lambda p: p.planned_publication_on),
        Column("Published", lambda p: p.published_on),
        Column("Days from completion to publication", lambda p: p.days_to_publication(timezone.localdate())),
        Column("Web address", lambda p: p.url),
        Column("Taken down", lambda p: p.taken_down_on),
        Column("NSPCC repository deposit", lambda p: p.nspcc_deposited_on),
    ),
    lambda p: p.review.board_id,
)

EXPORTS = {export.name: export for export in (CASES, ACTIONS, SUBMISSIONS, REVIEWS, PUBLICATIONS)}


def export_for(name: str, fmt: str) -> ExportList:
    if name not in EXPORTS or fmt not in FORMATS:
        raise Http404("No such export")
    return EXPORTS[name]


def table(export: ExportList, records: Iterable) -> list[list]:
    """The export's rows, headings first, every value neutralised."""
    rows = [[column.heading for column in export.columns]]
    rows += [[neutralise(column.value(record)) for column in export.columns] for record in records]
    return rows


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def to_csv(rows: list[list]) -> bytes:
    """UTF-8 with a byte order mark, so that Excel reads the pseudonyms' accents right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    bold = Font(bold=True)
    for row_number, row in enumerate(rows, start=1):
        for column_number, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column_number)
            cell.value = value
            if isinstance(value, str):
                # Always text: never a formula or an error code, whatever the text is.
                cell.data_type = TYPE_STRING
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            if row_number == 1:
                cell.font = bold
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def record_exports(request, export: ExportList, records: list) -> None:
    """One access event of action `export` for each exported record, written in one statement."""
    user = request.user
    request_id = getattr(request, "request_id", "")
    events = [
        AccessEvent(
            record=record,
            board_id=export.board_id(record),
            user=user,
            user_role=user.role,
            user_board_id=user.board_id,
            action=AccessEvent.Action.EXPORT,
            request_id=request_id,
        )
        for record in records
    ]
    AccessEvent.objects.bulk_create(events, batch_size=ACCESS_EVENT_BATCH)


def file_name(export: ExportList, fmt: str) -> str:
    return f"{export.name}-{timezone.localdate():%Y-%m-%d}.{fmt}"
