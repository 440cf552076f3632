"""Reading an import file: checked like an uploaded document (size cap, content type, no formula run;
an XLSX gets the same package checks as a DOCX, `reviews.documents.office_package_check`), then its
header and rows, every problem found at once (SPEC §8 "Import")."""

import csv
import io
from dataclasses import dataclass

from django.conf import settings
from openpyxl import load_workbook

from reviews import documents
from reviews.documents import ZIP_MAGIC, DocumentRefused, office_package_check, size_limit

from .columns import BY_NAME, FORMULA, REQUIRED, looks_like_formula

FILE = "file"  # the "column" of a problem with the file as a whole
HEADER_LINE = 1

NOT_A_WORKBOOK = "The file is not an XLSX workbook"
# What the shared package checks find, said of a workbook.
PACKAGE_REFUSALS = {
    documents.MISMATCH: "The file is not an XLSX workbook that can be read",
    documents.NOT_SAFE: "The workbook is not safe to open: open it in a spreadsheet and save it again as .xlsx",
    documents.MACROS: "The workbook contains macros: save it as a plain .xlsx workbook",
    documents.ACTIVEX: "The workbook contains ActiveX controls: save it as a plain .xlsx workbook",
    documents.EXTERNAL: (
        "The workbook fetches content from outside itself when it is opened, such as a link to another "
        "workbook: remove the link and save it again"
    ),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: where (line and column), the value found and the rule it breaks."""

    line: int | None
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "value": self.value, "message": self.message}


class FileRefused(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


def _refuse(message: str, line: int | None = None) -> FileRefused:
    return FileRefused([Problem(line, FILE, "", message)])


def max_bytes() -> int:
    return settings.IMPORT_MAX_BYTES


def kind_of(file_name: str) -> str:
    """`csv` or `xlsx`, from the file's name; anything else is refused."""
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in ("csv", "xlsx"):
        raise _refuse("The file must be a CSV or an XLSX spreadsheet (a name ending .csv or .xlsx)")
    return extension


@dataclass(frozen=True)
class Table:
    """A file's column names, its rows as (line, {column: raw value}) and the problems of single cells
    (a formula, a cell past the last column): the rows with them are not replayed, the others are read."""

    header: list[str]
    rows: list[tuple[int, dict]]
    problems: list[Problem]


def read_rows(file_name: str, content: bytes) -> Table:
    """Read the file; `FileRefused` lists every problem with the file's shape and its header (then no
    cell can be trusted to be in its column)."""
    kind = kind_of(file_name)
    if not content:
        raise _refuse("The file is empty")
    if len(content) > max_bytes():
        raise _refuse(f"The file is too big: an import file must be {size_limit(max_bytes())} or smaller")
    table = _csv_table(content) if kind == "csv" else _xlsx_table(content)
    if not table:
        raise _refuse("The file has no header row: the first row names the columns (see the template)")
    header = [str(name or "").strip().lower() for name, _ in table[0][1]]
    problems = _header_problems(header)
    cells_wrong: list[Problem] = []
    rows: list[tuple[int, dict]] = []
    for line, cells in table[1:]:
        if all(_blank(value) for value, _ in cells):
            continue
        if len(cells) > len(header) and any(not _blank(value) for value, _ in cells[len(header) :]):
            cells_wrong.append(Problem(line, FILE, "", "The row has more cells than the header has columns"))
        row = {}
        for name, (value, is_formula) in zip(header, cells, strict=False):
            if is_formula or (isinstance(value, str) and looks_like_formula(value)):
                # Never read, never run: the row is refused and the cell left out of it.
                cells_wrong.append(Problem(line, name, str(value), FORMULA))
                continue
            if name in BY_NAME:
                row[name] = value
        rows.append((line, row))
    if len(rows) > settings.IMPORT_MAX_ROWS:
        problems.insert(
            0,
            Problem(
                None, FILE, "", f"The file has {len(rows)} rows: import at most {settings.IMPORT_MAX_ROWS} at a time"
            ),
        )
    if problems:
        raise FileRefused(problems)
    if not rows:
        raise _refuse("The file has a header but no rows")
    return Table(header, rows, cells_wrong)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_problems(header: list[str]) -> list[Problem]:
    problems = []
    seen = set()
    for name in header:
        if not name:
            continue
        if name not in BY_NAME:
            problems.append(Problem(HEADER_LINE, name, name, "Unknown column: use the column names of the template"))
        elif name in seen:
            problems.append(Problem(HEADER_LINE, name, name, "The column appears twice"))
        seen.add(name)
    for name in REQUIRED:
        if name not in seen:
            problems.append(Problem(HEADER_LINE, name, "", f"The column '{name}' is missing"))
    return problems


def _csv_table(content: bytes) -> list[tuple[int, list[tuple[object, bool]]]]:
    if b"\x00" in content:
        raise _refuse("The file is not a CSV text file (it holds binary data)")
    if content.startswith(ZIP_MAGIC):
        raise _refuse("The file is not a CSV text file: it looks like a spreadsheet workbook, so name it .xlsx")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise _refuse(
            f"The file is not UTF-8 text (line {line}, byte {exc.start + 1}): save it as 'CSV UTF-8'", line
        ) from exc
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise _refuse(f"The file is not a CSV file that can be read: {exc}") from exc
    # A row's line is its row number as a spreadsheet shows it (the header is line 1).
    return [(number, [(value, False) for value in record]) for number, record in enumerate(records, start=1)]


def _xlsx_table(content: bytes) -> list[tuple[int, list[tuple[object, bool]]]]:
    if not content.startswith(ZIP_MAGIC):
        raise _refuse(NOT_A_WORKBOOK)
    stream = io.BytesIO(content)
    try:
        names = office_package_check(stream, len(content))
    except DocumentRefused as exc:
        raise _refuse(PACKAGE_REFUSALS.get(exc.message, exc.message)) from exc
    if "xl/workbook.xml" not in names:
        raise _refuse(NOT_A_WORKBOOK)
    stream.seek(0)
    try:
        # Formulas are read as formulas (data_only=False) so that they are refused, never run.
        workbook = load_workbook(stream, read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        table = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            if number > settings.IMPORT_MAX_ROWS + 1:
                raise _refuse(f"The file has more than {settings.IMPORT_MAX_ROWS} rows: import fewer at a time")
            table.append((number, [(cell.value, cell.data_type == "f") for cell in row]))
        workbook.close()
    except FileRefused:
        raise
    except Exception as exc:  # a damaged workbook: whatever openpyxl raises, it is the file's problem
        raise _refuse("The workbook cannot be read: open it in a spreadsheet and save it again as .xlsx") from exc
    return table
