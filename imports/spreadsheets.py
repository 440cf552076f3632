"""Writing import files: the downloadable templates and the fictional files of `scripts/`.

Cells are written as text in the column order of `columns.COLUMNS`; a date as `YYYY-MM-DD`.
"""

import csv
import io
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font

from .columns import COLUMNS

HEADER = [column.name for column in COLUMNS]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ";".join(value)
    return str(value)


def csv_bytes(rows: list[dict]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([_text(row.get(name)) for name in HEADER])
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[dict]) -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "Cases"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_text(row.get(name)) for name in HEADER])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if cell.value is not None:
                cell.data_type = TYPE_STRING  # a text that begins "=" is text, never a formula
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
