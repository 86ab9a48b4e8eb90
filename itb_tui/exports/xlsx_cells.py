"""SpreadsheetML cells and rows as text: the workbook's sheets without openpyxl (issue 17).

Why by hand: openpyxl built an object per cell and a style object per status cell, then
serialised them through ElementTree; at 10,000 patients that was 4.7x `status --json`.
Each function here writes what openpyxl 3.1 wrote for the same value, so a workbook read
back (by openpyxl, Excel or LibreOffice) holds the same values, types and styles
(tests/exports/test_xlsx_writer_same_workbook.py compares the two cell by cell):

- text is always an inline string (`t="inlineStr"`), never a formula, even when it starts
  with "=" (the XLSX form of CSV injection); escaped as ElementTree escapes text, cut at
  Excel's 32,767 characters as openpyxl cut it, `xml:space="preserve"` when it has
  leading or trailing blanks;
- numbers as `%.16g`, booleans as 1/0, dates as the Excel serial day with the date style;
- an empty value writes no cell unless the cell is styled (a status cell keeps its colour).

A control character (other than tab and line breaks) cannot be stored in a worksheet:
openpyxl refused it with a traceback; here it is an ExportError naming the row and the
column, and nothing is written.

`ward_rows` is a pure function of a chunk of (patient, assessment) pairs and the row
number of its first patient, so the chunks can be rendered anywhere (a process pool) and
joined in order.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from itb_tui.exports.columns import COLUMNS, DATE, STATUS_COLUMNS, refill_tone, row_values, tone
from itb_tui.exports.xlsx_parts import escape

# Style ids: positions in styles.xml's cellXfs (xlsx_parts.STYLES_XML), fixed.
DEFAULT, HEADER, DATE_STYLE, BOLD = 0, 1, 2, 3
TONE_STYLES = {"danger": 4, "warn": 5, "ok": 6, "muted": 7}

MAX_TEXT = 32767  # Excel's limit for one cell; openpyxl cut longer text here
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")  # openpyxl's ILLEGAL_CHARACTERS_RE
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()


def column_letter(index: int) -> str:
    """1 -> "A", 27 -> "AA"."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


LETTERS = tuple(column_letter(i) for i in range(1, len(COLUMNS) + 1))


class CellError(ValueError):
    """A value a worksheet cannot hold (str() says which row and column)."""


def excel_serial(value: date) -> int:
    """A date as Excel's serial day (1900 date system, openpyxl's to_excel for a date)."""
    days = value.toordinal() - _EXCEL_EPOCH
    return days - 1 if 0 < days <= 60 else days  # Excel's phantom 29 February 1900


def text_xml(text: str, where: str) -> str:
    """The `<is>` element of an inline string."""
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    if _ILLEGAL.search(text):
        raise CellError(f"{where} holds a control character that a spreadsheet cannot store")
    # openpyxl's whitespace(): preserve leading or trailing blanks of text that is not all blank
    preserve = (text[:1].isspace() or text[-1:].isspace()) and not text.isspace()
    text = escape(text)
    if preserve:
        return '<is><t xml:space="preserve">' + text + "</t></is>"
    return "<is><t>" + text + "</t></is>"


def cell_xml(ref: str, value: object, style: int = DEFAULT, where: str = "") -> str:
    """One `<c>` element as openpyxl wrote a cell holding `value` with style `style`
    ("" when an unstyled cell holds nothing: no element at all)."""
    s = f' s="{style}"' if style else ""
    if value is None:
        return f'<c r="{ref}"{s} t="n" />' if style else ""
    if isinstance(value, str):
        if value == "":
            return f'<c r="{ref}"{s} t="inlineStr" />'
        return f'<c r="{ref}"{s} t="inlineStr">' + text_xml(value, where or ref) + "</c>"
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float, Decimal)):
        return f'<c r="{ref}"{s} t="n"><v>{"%.16g" % value}</v></c>'
    if isinstance(value, date) and not isinstance(value, datetime):
        style_attr = f' s="{style or DATE_STYLE}"'
        return f'<c r="{ref}"{style_attr} t="n"><v>{excel_serial(value)}</v></c>'
    return cell_xml(ref, str(value), style, where)


_STATUS_INDEX = tuple(i for i, c in enumerate(COLUMNS) if c.key in STATUS_COLUMNS + ("refill_shown",))
_REFILL_TONED = frozenset(i for i, c in enumerate(COLUMNS) if c.key in ("refill_status", "refill_shown"))
_DATE_INDEX = frozenset(i for i, c in enumerate(COLUMNS) if c.kind == DATE)


def header_row() -> str:
    """Row 1 of the ward sheet: the column titles, bold, wrapped, top-aligned."""
    return '<row r="1">' + "".join(cell_xml(f"{LETTERS[i]}1", c.title, HEADER)
                                   for i, c in enumerate(COLUMNS)) + "</row>"


# The row number of a row rendered unnumbered (`ward_rows(pairs, None)`): a character no
# cell can hold (text_xml refuses it), replaced by the number when the rows are joined
# (`number_rows`).
ROW_MARK = "\x00"
_ROW_START = b'<row r="' + ROW_MARK.encode("ascii")


def ward_rows(pairs, first_row: int | None) -> str:
    """The `<row>` elements of `pairs`, the first numbered `first_row` (a pure function of
    its arguments: the chunks of a ward can be rendered apart and joined in order). With
    `first_row` None every row number is ROW_MARK, for `number_rows` to fill in once the
    chunks are joined (a chunk rendered before the number of rows above it is known).

    Raises CellError for a value no worksheet can hold."""
    out: list[str] = []
    status_index = _STATUS_INDEX
    date_index = _DATE_INDEX
    refill_toned = _REFILL_TONED
    letters = LETTERS
    numbered = enumerate(pairs, start=first_row) if first_row is not None else \
        ((ROW_MARK, pair) for pair in pairs)
    for r, (patient, assessment) in numbered:
        values = row_values(patient, assessment)
        styles = {}
        if status_index:
            shown_tone = refill_tone(assessment)  # the list's colour: never green when overdue
            for i in status_index:
                styles[i] = TONE_STYLES[shown_tone if i in refill_toned else tone(COLUMNS[i].key, values[i])]
        cells = [f'<row r="{r}">']
        for i, value in enumerate(values):
            style = styles.get(i, DEFAULT)
            if value == "" or value is None:
                if style:
                    cells.append(f'<c r="{letters[i]}{r}" s="{style}" t="n" />')
                continue
            if i in date_index and isinstance(value, date):
                cells.append(cell_xml(f"{letters[i]}{r}", value, style or DATE_STYLE))
            elif isinstance(value, str):
                cells.append(f'<c r="{letters[i]}{r}"' + (f' s="{style}"' if style else "")
                             + ' t="inlineStr">'
                             + text_xml(value, f"row {r}, column {COLUMNS[i].title!r}") + "</c>")
            else:
                cells.append(cell_xml(f"{letters[i]}{r}", value, style,
                                      f"row {r}, column {COLUMNS[i].title!r}"))
        cells.append("</row>")
        out.append("".join(cells))
    return "".join(out)


def number_rows(rows: bytes, first_row: int) -> list[bytes]:
    """`rows` (UTF-8 `ward_rows(..., None)` output, joined) with every ROW_MARK replaced
    by its row's number, the first row numbered `first_row`: the bytes `ward_rows(pairs,
    first_row)` would have written."""
    parts = rows.split(_ROW_START)
    out = [parts[0]] if parts[0] else []
    mark = ROW_MARK.encode("ascii")
    for r, part in enumerate(parts[1:], start=first_row):
        num = str(r).encode("ascii")
        out.append(b'<row r="' + num + part.replace(mark, num))
    return out
