"""The XLSX writer as it was before issue 17 (openpyxl, every cell an object), kept in the
tests only as the reference the new writer is compared with: a workbook a user opens must
read the same (values, types, fills, fonts, formats, widths, panes, filter, header).
"""
from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from itb_tui.exports.columns import COLUMNS, DATE, STATUS_COLUMNS, refill_tone, row_values, tone

DATE_FORMAT = "yyyy-mm-dd"
HEADER_FONT = Font(bold=True)
# Fill and font per tone; light fills keep the word readable when printed in grey.
TONE_STYLE = {
    "danger": (PatternFill("solid", fgColor="F4C7C3"), Font(bold=True, color="9C0006")),
    "warn": (PatternFill("solid", fgColor="FFEB9C"), Font(color="7F6000")),
    "ok": (PatternFill("solid", fgColor="C6EFCE"), Font(color="006100")),
    "muted": (PatternFill("solid", fgColor="EDEDED"), Font(color="595959")),
}
RULE_HEADERS = ("Code", "Title", "Threshold", "Value", "Basis", "Source", "Rule")


def _set_text(cell, value) -> None:
    """Store text as text even when it starts with '=' (no formula injection)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _ward_sheet(ws, pairs) -> None:
    ws.title = "Ward list"
    for col, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=col, value=column.title)
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(col)].width = column.width
    status_cols = {c.key: i for i, c in enumerate(COLUMNS) if c.key in STATUS_COLUMNS + ("refill_shown",)}
    for row, (patient, assessment) in enumerate(pairs, start=2):
        values = row_values(patient, assessment)
        for col, (column, value) in enumerate(zip(COLUMNS, values), start=1):
            cell = ws.cell(row=row, column=col)
            if column.kind == DATE and value is not None:
                cell.value = value
                cell.number_format = DATE_FORMAT
            elif value == "" or value is None:
                cell.value = None
            else:
                _set_text(cell, value)
        shown_tone = refill_tone(assessment)  # the list's colour: never green when overdue
        for key, index in status_cols.items():
            fill, font = TONE_STYLE[shown_tone if key in ("refill_status", "refill_shown")
                                    else tone(key, values[index])]
            cell = ws.cell(row=row, column=index + 1)
            cell.fill = fill
            cell.font = font
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(1, len(pairs) + 1)}"


def _cell_number(value):
    """A threshold as a spreadsheet number (Decimal is not a cell type); other values as
    text so a tuple or a date-like code is shown, not dropped."""
    if value is None or isinstance(value, (bool, int, float, str, date)):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


def _rules_sheet(ws, rules, as_of: date, generated_at: datetime) -> None:
    ws.append(["Rules version", getattr(rules, "version", "")])
    ws.append(["As of", as_of])
    ws["B2"].number_format = DATE_FORMAT
    ws.append(["Generated", generated_at.isoformat(timespec="minutes")])
    ws.append([])
    ws.append(list(RULE_HEADERS))
    header_row = ws.max_row
    for col in range(1, len(RULE_HEADERS) + 1):
        ws.cell(row=header_row, column=col).font = HEADER_FONT
    for col in (1, 2, 3):
        ws.cell(row=col, column=1).font = HEADER_FONT
    for entry in getattr(rules, "entries", ()):
        value = _cell_number(entry.value)
        row = [entry.code, entry.title, entry.threshold_name, value, entry.basis,
               entry.source, entry.text]
        ws.append([None] * len(row))
        for col, item in enumerate(row, start=1):
            _set_text(ws.cell(row=ws.max_row, column=col), item)
    for col, width in enumerate((28, 36, 30, 10, 16, 40, 80), start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def render(pairs, *, as_of: date, rules, generated_at: datetime, for_file: bool = True) -> bytes:
    """The workbook as bytes (written to disk by the caller, atomically)."""
    pairs = list(pairs)
    wb = Workbook()
    _ward_sheet(wb.active, pairs)
    _rules_sheet(wb.create_sheet("Rules"), rules, as_of, generated_at)
    wb.properties.title = f"ITB pump ward list as of {as_of.isoformat()}"
    wb.properties.creator = "itb-tui"
    wb.active.oddHeader.center.text = f"ITB pump ward list, as of {as_of.isoformat()}"
    wb.active.page_setup.orientation = "landscape"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
