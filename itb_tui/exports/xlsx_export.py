"""The ward list as an Excel workbook, plus the rules it was computed with.

Sheet "Ward list": the shared columns, a bold header, frozen panes (header row and the
MRN/name columns stay in view), an autofilter, real dates (so the pump clinic can sort
by refill date) and status cells both coloured and worded (colour alone fails on a
black-and-white printer and for colour-blind readers). Sheet "Rules": every rule's code,
threshold and value, basis and source, with the rules version and as-of date, so a list
handed on carries the rules that produced it.

Text a person typed is stored as a string cell, never a formula (the XLSX form of CSV
injection): xlsx_cells writes every text as an inline string.

Why not openpyxl: it built an object per cell and per style and cost 4.7x `status --json`
at 10,000 patients (issue 17: an export costs at most 1.5x). The package is written here
as SpreadsheetML text with zipfile (xlsx_cells: the cells, xlsx_parts: the fixed parts,
xlsx_theme: the default theme); openpyxl stays a dependency for reading workbooks back in
the tests, which hold the new workbook to the old writer's cell by cell.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

from itb_tui.exports import xlsx_parts as parts
from itb_tui.exports.columns import COLUMNS
from itb_tui.exports.xlsx_cells import BOLD, DATE_STYLE, LETTERS, CellError, cell_xml, \
    column_letter, header_row, ward_rows
from itb_tui.exports.xlsx_theme import THEME_XML

DATE_FORMAT = parts.DATE_FORMAT
WARD_SHEET = "Ward list"
RULES_SHEET = "Rules"
RULE_HEADERS = ("Code", "Title", "Threshold", "Value", "Basis", "Source", "Rule")
RULE_WIDTHS = (28, 36, 30, 10, 16, 40, 80)
CHUNK = 1000  # patients rendered per ward_rows call (and per write into the zip member)
# Level 1: the ward sheet's XML is ~0.7 KB a patient and very repetitive; level 1 deflates
# it to about the size openpyxl's level 6 did, in a fraction of the time.
COMPRESS_LEVEL = 1


def _cell_number(value):
    """A threshold as a spreadsheet number (Decimal is not a cell type); other values as
    text so a tuple or a date-like code is shown, not dropped."""
    if value is None or isinstance(value, (bool, int, float, str, date)):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


def _row(r: int, cells) -> str:
    return f'<row r="{r}">' + "".join(cells) + "</row>" if any(cells) else ""


def _rules_rows(rules, as_of: date, generated_at: datetime) -> tuple[str, int, int]:
    """The rules sheet's rows, its table's header row and its last row."""
    rows = [
        _row(1, [cell_xml("A1", "Rules version", BOLD), cell_xml("B1", getattr(rules, "version", ""))]),
        _row(2, [cell_xml("A2", "As of", BOLD), cell_xml("B2", as_of, DATE_STYLE)]),
        _row(3, [cell_xml("A3", "Generated", BOLD),
                 cell_xml("B3", generated_at.isoformat(timespec="minutes"))]),
    ]
    header = 5  # row 4 is left empty
    rows.append(_row(header, [cell_xml(f"{column_letter(c)}{header}", title, BOLD)
                              for c, title in enumerate(RULE_HEADERS, start=1)]))
    r = header
    for entry in getattr(rules, "entries", ()):
        r += 1
        values = (entry.code, entry.title, entry.threshold_name, _cell_number(entry.value),
                  entry.basis, entry.source, entry.text)
        rows.append(_row(r, [cell_xml(f"{column_letter(c)}{r}", v, where=f"rule {entry.code!r}")
                             for c, v in enumerate(values, start=1)]))
    return "".join(rows), header, r


def _member(name: str, when: datetime) -> zipfile.ZipInfo:
    stamp = when.timetuple()[:6] if when.year >= 1980 else (1980, 1, 1, 0, 0, 0)
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def render(pairs, *, as_of: date, rules, generated_at: datetime, for_file: bool = True) -> bytes:
    """The workbook as bytes (written to disk by the caller, atomically).

    Raises ExportError (one line) when a value cannot be stored in a worksheet."""
    pairs = list(pairs)
    rows = (ward_rows(pairs[start:start + CHUNK], start + 2).encode("utf-8")
            for start in range(0, len(pairs), CHUNK))
    return workbook(rows, len(pairs), as_of=as_of, rules=rules, generated_at=generated_at)


def workbook(rows, count: int, *, as_of: date, rules, generated_at: datetime) -> bytes:
    """The workbook around the ward sheet's `rows` (UTF-8 `<row>` elements numbered from
    2, as blocks, in order; `count` of them): `render`'s bytes, whoever rendered the rows
    (cli/chunked.py renders them chunk by chunk on both cores).

    Raises ExportError (one line) when a value cannot be stored in a worksheet."""
    from itb_tui.exports import ExportError

    last_row = max(1, count + 1)
    last_col = LETTERS[len(COLUMNS) - 1]
    filter_ref = f"A1:{last_col}{last_row}"
    header_text = f"ITB pump ward list, as of {as_of.isoformat()}"
    buffer = io.BytesIO()
    try:
        rules_rows, rules_header, rules_last = _rules_rows(rules, as_of, generated_at)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as zf:
            def put(name: str, text: str) -> None:
                zf.writestr(_member(name, generated_at), text.encode("utf-8"),
                            compresslevel=COMPRESS_LEVEL)

            put("docProps/app.xml", parts.APP_XML)
            put("docProps/core.xml", parts.core_xml(f"ITB pump ward list as of {as_of.isoformat()}",
                                                    "itb-tui", generated_at))
            put("xl/theme/theme1.xml", THEME_XML)
            with zf.open(_member("xl/worksheets/sheet1.xml", generated_at), "w") as sheet:
                sheet.write(parts.ward_sheet_head(filter_ref, [c.width for c in COLUMNS]).encode("utf-8"))
                sheet.write(header_row().encode("utf-8"))
                for block in rows:
                    sheet.write(block)
                sheet.write(parts.ward_sheet_tail(filter_ref, header_text).encode("utf-8"))
            put("xl/worksheets/sheet2.xml",
                parts.rules_sheet_xml(f"A1:{column_letter(len(RULE_HEADERS))}{rules_last}",
                                      rules_header, RULE_WIDTHS, rules_rows))
            put("xl/styles.xml", parts.STYLES_XML)
            put("_rels/.rels", parts.ROOT_RELS_XML)
            put("xl/workbook.xml", parts.workbook_xml(WARD_SHEET, RULES_SHEET, filter_ref))
            put("xl/_rels/workbook.xml.rels", parts.WORKBOOK_RELS_XML)
            put("[Content_Types].xml", parts.CONTENT_TYPES_XML)
    except CellError as exc:
        raise ExportError(f"cannot write the workbook: {exc}") from None
    return buffer.getvalue()
