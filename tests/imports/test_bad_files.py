"""A bad file names each problem exactly (line, column, value, rule), all of them at once, and saves nothing."""

import io
import zipfile
import zlib
from datetime import date

import pytest
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from audit.models import AuditEntry
from imports.columns import FORMULA
from imports.fictional import fictional_rows
from imports.models import ImportState
from imports.services import import_apply, import_check, import_run_create
from imports.spreadsheets import HEADER, csv_bytes, xlsx_bytes
from incidents.models import Incident
from tests.reviews.test_documents import OFFICE_RELATIONSHIP, VBA_MODULE, deflated, ole_file, raw_zip

pytestmark = pytest.mark.django_db


def rows(count=18, **changes):
    made = fictional_rows(count, board_code="AAA")
    for line, values in changes.items():  # {"line_3": {...}}
        made[int(line.removeprefix("line_")) - 2].update(values)
    return made


def run_file(chair, content: bytes, name="history.csv", apply=True):
    run = import_run_create(actor=chair, board=chair.board, file_name=name, content=content)
    return (import_apply if apply else import_check)(actor=chair, run_id=run.pk)


def problems(run):
    return [(p["line"], p["column"], p["value"], p["message"]) for p in run.problems]


def refused(run):
    assert run.state == ImportState.REFUSED
    assert not Incident.objects.exists(), "nothing is saved"
    assert run.content == b"", "the refused file is not kept"
    return problems(run)


def test_a_good_file_is_imported_for_comparison(chair_a):
    run = run_file(chair_a, csv_bytes(rows()))
    assert run.state == ImportState.IMPORTED, run.problems
    assert Incident.objects.filter(board=chair_a.board).count() == 18


def test_a_missing_column_is_named(chair_a):
    content = csv_bytes(rows()).decode()
    header, rest = content.split("\r\n", 1)
    names = header.split(",")
    index = names.index("la_aware_on")
    kept = [",".join(c for i, c in enumerate(line.split(",")) if i != index) for line in [header]]
    # Drop the column from the header only: the reader names the missing column before any row.
    found = refused(run_file(chair_a, (kept[0] + "\r\n" + rest).encode()))
    assert (1, "la_aware_on", "", "The column 'la_aware_on' is missing") in found


def test_an_unknown_column_is_named(chair_a):
    content = csv_bytes(rows()).decode().replace("decided_on", "decision_date", 1)
    found = refused(run_file(chair_a, content.encode()))
    assert (1, "decision_date", "decision_date", "Unknown column: use the column names of the template") in found


def test_a_bad_date_and_a_wrong_type_are_named_with_every_other_error_at_once(chair_a):
    made = rows(line_2={"incident_on": "31/02/2015"}, line_5={"age_at_incident": "four"}, line_9={"sex": "blue"})
    found = refused(run_file(chair_a, csv_bytes(made)))
    assert (2, "incident_on", "31/02/2015", "Enter a real date like 2015-03-31") in found
    assert (5, "age_at_incident", "four", "Enter a whole number, like 4") in found
    assert (9, "sex", "blue", "Enter one of: female, male, not_known") in found
    assert len(found) == 3


def test_a_date_that_is_not_a_date(chair_a):
    found = refused(run_file(chair_a, csv_bytes(rows(line_3={"received_on": "soon"}))))
    assert found == [(3, "received_on", "soon", "Enter a date like 2015-03-31 (or 31/03/2015)")]


def test_events_out_of_order_name_the_rule_and_the_date(chair_a):
    made = rows()
    line = next(i for i, r in enumerate(made) if r.get("decided_on")) + 2
    received = made[line - 2]["received_on"]
    made[line - 2]["decided_on"] = date(received.year - 1, 1, 2)
    found = refused(run_file(chair_a, csv_bytes(made)))
    assert found == [
        (
            line,
            "decided_on",
            f"{received.year - 1}-01-02",
            f"The decision cannot be before the SIN was received ({received:%-d %B %Y})",
        )
    ]


def test_an_event_without_the_event_it_follows(chair_a):
    made = rows()
    line = next(i for i, r in enumerate(made) if r.get("signed_off_on")) + 2
    made[line - 2]["signed_off_on"] = None
    found = refused(run_file(chair_a, csv_bytes(made)))
    assert (
        line,
        "report_sent_on",
        made[line - 2]["report_sent_on"].isoformat(),
        "This event needs the date the review was signed off ('signed_off_on') first",
    ) in found


def test_an_unknown_board_and_another_boards_row(chair_a, board_b):
    made = rows(line_2={"board": "ZZZ"}, line_4={"board": "BBB"})
    found = refused(run_file(chair_a, csv_bytes(made)))
    assert found == [
        (2, "board", "ZZZ", "No board has the code 'ZZZ': this file is being imported into board AAA"),
        (4, "board", "BBB", "The row is board BBB's: this file is being imported into board AAA"),
    ]


def test_a_duplicate_reference_names_the_first_line(chair_a):
    made = rows(line_7={"external_reference": "HIST-00002"})
    found = refused(run_file(chair_a, csv_bytes(made)))
    assert found == [(7, "external_reference", "HIST-00002", "Duplicate reference: line 3 has the same one")]


def test_a_row_without_any_reference_is_refused(chair_a):
    found = refused(run_file(chair_a, csv_bytes(rows(line_2={"external_reference": ""}))))
    assert [(line, column) for line, column, _, _ in found] == [(2, "external_reference")]


def test_a_reference_of_another_board_or_format(chair_a, chair_b):
    made = rows(line_2={"reference": "BBB-2015-001"})
    found = refused(run_file(chair_a, csv_bytes(made)))
    assert found == [
        (2, "reference", "BBB-2015-001", "A reference in this service starts with the board's code (AAA-)")
    ]


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x.example")', "+1+1", "@SUM(A1)", "-A1"])
def test_a_formula_in_a_csv_cell_is_refused_never_run(chair_a, cell):
    found = refused(run_file(chair_a, csv_bytes(rows(line_6={"outline": cell}))))
    assert found == [(6, "outline", cell, FORMULA)]


def test_a_formula_in_an_xlsx_cell_is_refused_never_run(chair_a):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for values in rows(2):
        sheet.append(
            [
                v.isoformat() if isinstance(v, date) else ";".join(v) if isinstance(v, list) else v
                for v in (values.get(name) for name in HEADER)
            ]
        )
    sheet.cell(row=3, column=HEADER.index("age_at_incident") + 1, value="=2+2")
    out = io.BytesIO()
    workbook.save(out)
    found = refused(run_file(chair_a, out.getvalue(), name="history.xlsx"))
    assert found == [(3, "age_at_incident", "=2+2", FORMULA)]


def test_an_xlsx_file_is_imported_like_a_csv(chair_a):
    run = run_file(chair_a, xlsx_bytes(rows()), name="history.xlsx")
    assert run.state == ImportState.IMPORTED, run.problems
    assert Incident.objects.count() == 18


@override_settings(IMPORT_MAX_BYTES=1024 * 1024)
def test_an_oversized_file_is_refused(chair_a):
    found = refused(run_file(chair_a, csv_bytes(rows(2)) + b"\r\n" * (512 * 1024)))
    assert found == [(None, "file", "", "The file is too big: an import file must be 1 MB or smaller")]


def test_a_csv_that_is_not_utf8_names_the_line(chair_a):
    content = csv_bytes(rows(line_4={"outline": "Caf\u00e9 fictional outline"})).decode().encode("latin-1")
    found = refused(run_file(chair_a, content))
    assert len(found) == 1
    line, column, _, message = found[0]
    assert (line, column) == (4, "file")
    assert message.startswith("The file is not UTF-8 text (line 4, byte ") and message.endswith(
        "save it as 'CSV UTF-8'"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("history.txt", b"a,b", "The file must be a CSV or an XLSX spreadsheet (a name ending .csv or .xlsx)"),
        ("history.csv", b"", "The file is empty"),
        ("history.csv", b"%PDF-1.4\x00\x01", "The file is not a CSV text file (it holds binary data)"),
        ("history.xlsx", b"child_pseudonym,age\r\n", "The file is not an XLSX workbook"),
        (
            "history.csv",
            b"PK\x03\x04rest",
            "The file is not a CSV text file: it looks like a spreadsheet workbook, so name it .xlsx",
        ),
        ("history.csv", "\r\n".join(HEADER[:3]).encode(), None),
    ],
)
def test_the_wrong_kind_of_file_is_refused(chair_a, name, content, message):
    found = refused(run_file(chair_a, content, name=name))
    if message:
        assert found == [(None, "file", "", message)]
    else:
        assert all(column != "file" or line for line, column, _, _ in found)


def test_a_row_refused_by_a_service_rolls_back_every_other_row(chair_a):
    made = rows(36)
    line = next(i for i, r in enumerate(made) if r.get("published_on") and i > 20) + 2
    made[line - 2]["url"] = "not a web address"
    run = run_file(chair_a, csv_bytes(made))
    assert refused(run) == [
        (line, "url", "not a web address", "Enter a web address starting https://, like https://www.example.org/report")
    ]
    # The run's own audit entries stay: what was uploaded and why it was refused.
    assert list(AuditEntry.objects.filter(imported_from="").values_list("transition", flat=True)) == [
        "upload",
        "refuse",
    ]
    assert not AuditEntry.objects.filter(imported_line__isnull=False).exists()


def test_the_check_shows_every_problem_of_every_row_and_saves_nothing(chair_a):
    made = rows(line_2={"sex": "x"}, line_6={"decided_on": date(2001, 1, 1)}, line_19={"ofsted_notified_on": "x"})
    run = run_file(chair_a, csv_bytes(made), apply=False)
    assert [(line, column) for line, column, _, _ in refused(run)] == [
        (2, "sex"),
        (6, "decided_on"),
        (19, "ofsted_notified_on"),
    ]


def test_a_cell_whose_event_has_no_date_is_refused_not_lost(chair_a):
    made = rows()
    # Line 3 is a notified case: a methodology and a reason for the panel's advice with no event.
    made[1].update(methodology="silp", submission_advice_1_reasons="Fictional reasons")
    found = refused(run_file(chair_a, csv_bytes(made)))
    assert found == [
        (
            3,
            "methodology",
            "silp",
            "This belongs to the event dated in 'review_started_on', which is empty: give its date too",
        ),
        (
            3,
            "submission_advice_1_reasons",
            "Fictional reasons",
            "This belongs to the event dated in 'submission_advice_1_on', which is empty: give its date too",
        ),
    ]


def test_a_review_without_a_decision_is_refused(chair_a):
    made = rows()
    made[1].update(review_started_on=made[1]["received_on"], methodology="silp", lead_reviewer="A. Reviewer")
    found = refused(run_file(chair_a, csv_bytes(made)))
    assert found == [
        (
            3,
            "review_started_on",
            made[1]["received_on"].isoformat(),
            "This event needs the decision ('decided_on') first",
        )
    ]


def test_a_submission_the_case_does_not_have_is_refused(chair_a):
    made = rows()
    line = next(
        i for i, r in enumerate(made) if r.get("decision") == "initiate_scr" and not r.get("submission_sent_on")
    )
    made[line].update(submission_sent_on=made[line]["decided_on"])
    found = refused(run_file(chair_a, csv_bytes(made)))
    assert found == [
        (
            line + 2,
            "submission_sent_on",
            made[line]["decided_on"].isoformat(),
            "The decision opened no submission to the panel",
        )
    ]


def test_an_import_runs_once(chair_a):
    from imports.services import import_run_create
    from scr_tracker.transitions import NotAllowedInState

    run = import_run_create(actor=chair_a, board=chair_a.board, file_name="h.csv", content=csv_bytes(rows(2)))
    import_apply(actor=chair_a, run_id=run.pk)
    with pytest.raises(NotAllowedInState):
        import_apply(actor=chair_a, run_id=run.pk)
    with pytest.raises(NotAllowedInState):
        import_check(actor=chair_a, run_id=run.pk)
    run.refresh_from_db()
    assert run.state == ImportState.IMPORTED and Incident.objects.count() == 2


def test_a_formula_and_the_other_bad_cells_are_reported_at_once(chair_a):
    made = rows(line_3={"outline": "=1+1"}, line_5={"sex": "blue"}, line_8={"incident_on": "soon"})
    found = refused(run_file(chair_a, csv_bytes(made)))
    assert found == [
        (3, "outline", "=1+1", FORMULA),
        (5, "sex", "blue", "Enter one of: female, male, not_known"),
        (8, "incident_on", "soon", "Enter a date like 2015-03-31 (or 31/03/2015)"),
    ]


def test_a_value_and_its_date_come_together(chair_a):
    made = rows()
    line = next(i for i, r in enumerate(made) if r.get("published_on")) + 2
    published = made[line - 2]["published_on"]
    made[line - 2]["published_on"] = None
    made[3]["url"] = None  # line 5 has no publication: nothing to say
    found = refused(run_file(chair_a, csv_bytes(made)))
    assert (
        line,
        "published_on",
        "",
        "Enter the date: the row gives 'url', which needs its date in this column",
    ) in found
    made[line - 2].update(published_on=published, url=None)
    found = refused(run_file(chair_a, csv_bytes(made)))
    assert found == [(line, "url", "", f"Enter the 'url' given on {published:%-d %B %Y}")]


# --- An XLSX gets the document upload's package checks (issue 18, finding 3) -------------------------


def repacked(content: bytes, *extra: tuple[str, bytes], replace: dict | None = None) -> bytes:
    """The workbook's parts, some replaced (name: function of the old bytes), others added."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            target.writestr(member.filename, replace.get(member.filename, lambda old: old)(data))
        for name, data in extra:
            target.writestr(name, data)
    return out.getvalue()


def add_type(part: str, content_type: str):
    override = f'<Override PartName="{part}" ContentType="{content_type}"/></Types>'.encode()
    return {"[Content_Types].xml": lambda old: old.replace(b"</Types>", override)}


def workbook_rels(kind: str, target: str, mode: str | None = None):
    relationship = (
        f'<Relationship Id="rId99" Type="{OFFICE_RELATIONSHIP}/{kind}" Target="{target}"'
        + (f' TargetMode="{mode}"' if mode else "")
        + "/></Relationships>"
    ).encode()
    return {"xl/_rels/workbook.xml.rels": lambda old: old.replace(b"</Relationships>", relationship)}


def understated_workbook_bomb() -> bytes:
    """The workbook with a part that claims 1 KB and inflates to 200 MB (the budget is 100 MB)."""
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows(2)))) as source:
        parts = [(m.filename, source.read(m)) for m in source.infolist()]
    members = [(name, deflated(data), zipfile.ZIP_DEFLATED, zlib.crc32(data), len(data)) for name, data in parts]
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(bytes(16 * 1024 * 1024)) + compressor.flush(zlib.Z_FULL_FLUSH)
    members.append(("xl/media/image1.png", block * 13 + compressor.flush(), zipfile.ZIP_DEFLATED, 0, 1024))
    return raw_zip(members)


MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
WORKBOOK_NOT_SAFE = "The workbook is not safe to open: open it in a spreadsheet and save it again as .xlsx"
WORKBOOK_MACROS = "The workbook contains macros: save it as a plain .xlsx workbook"


def workbook_refusals():
    good = xlsx_bytes(rows(2))
    return [
        pytest.param(understated_workbook_bomb(), WORKBOOK_NOT_SAFE, id="bomb-with-understated-sizes"),
        pytest.param(
            repacked(good, ("xl/macros.bin", b"\xd0\xcf\x11\xe0"), replace=workbook_rels("vbaProject", "macros.bin")),
            WORKBOOK_MACROS,
            id="macros-bin-related-as-vba-project",
        ),
        pytest.param(
            repacked(
                good,
                replace={
                    "[Content_Types].xml": lambda old: old.replace(
                        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                        MACRO_MAIN.encode(),
                    )
                },
            ),
            WORKBOOK_MACROS,
            id="macro-enabled-workbook",
        ),
        pytest.param(
            repacked(
                good,
                ("xl/macrosheets/sheet2.xml", b"<xm:macrosheet/>"),
                replace=add_type("/xl/macrosheets/sheet2.xml", "application/vnd.ms-excel.macrosheet+xml"),
            ),
            WORKBOOK_MACROS,
            id="excel-4-macro-sheet",
        ),
        pytest.param(
            repacked(good, ("xl/embeddings/oleObject1.bin", ole_file("Module1", VBA_MODULE))),
            WORKBOOK_MACROS,
            id="vba-in-an-ole-part",
        ),
        pytest.param(
            repacked(
                good,
                ("xl/activeX/activeX1.xml", b"<ax/>"),
                replace=add_type("/xl/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml"),
            ),
            "The workbook contains ActiveX controls: save it as a plain .xlsx workbook",
            id="activex",
        ),
        pytest.param(
            repacked(good, replace=workbook_rels("externalLinkPath", "http://169.254.169.254/book.xlsx", "External")),
            "The workbook fetches content from outside itself when it is opened, such as a link to another "
            "workbook: remove the link and save it again",
            id="external-link",
        ),
        pytest.param(good[:-30], "The file is not an XLSX workbook that can be read", id="truncated"),
    ]


@pytest.mark.parametrize(("content", "message"), workbook_refusals())
def test_an_unsafe_workbook_is_refused_like_an_unsafe_document(chair_a, content, message):
    assert refused(run_file(chair_a, content, name="history.xlsx")) == [(None, "file", "", message)]


def test_a_workbook_with_a_web_link_in_a_cell_is_still_imported(chair_a):
    workbook = load_workbook(io.BytesIO(xlsx_bytes(rows())))
    workbook.active["A1"].hyperlink = "https://www.gov.uk/"
    out = io.BytesIO()
    workbook.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as package:  # the link is an external relationship
        assert b'TargetMode="External"' in package.read("xl/worksheets/_rels/sheet1.xml.rels")
    run = run_file(chair_a, out.getvalue(), name="history.xlsx")
    assert run.state == ImportState.IMPORTED, run.problems
