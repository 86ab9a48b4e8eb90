"""The ward list as CSV: one row per patient with the computed columns.

The header is the machine column keys (stable for scripts). Cells a spreadsheet would run
as a formula are neutralised with a leading single quote: a patient name, ward or
organism typed as `=HYPERLINK(...)` must not become a live link or command when the
infection-control team opens the file (CSV injection, OWASP). Numbers the app computes
(a negative "days to alarm") are left alone: they are numbers, not formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date

from itb_tui.exports.columns import COLUMNS, INT, as_text, row_values

# What a spreadsheet treats as the start of a formula (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a single quote when the text would start a spreadsheet formula."""
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def render_text(pairs, *, as_of: date) -> str:
    """The CSV text: a header row, then one row per pair in the order given.

    The last column, `as_of`, repeats the date the list was computed for: every day count
    in the row is relative to it, and a CSV travels without its covering note.
    """
    return header_text() + rows_text(pairs, as_of=as_of)


def header_text() -> str:
    """The header row (the machine column keys, then `as_of`)."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerow([c.key for c in COLUMNS] + ["as_of"])
    return out.getvalue()


def rows_text(pairs, *, as_of: date) -> str:
    """The rows of `pairs`, in the order given: the CSV after its header. Rows are
    independent of each other, so a big ward's rows are made chunk by chunk
    (cli/chunked.py) and joined: the same bytes."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    day = as_of.isoformat()
    for patient, assessment in pairs:
        cells = []
        for column, value in zip(COLUMNS, row_values(patient, assessment)):
            text = as_text(value)
            cells.append(text if column.kind == INT else neutralise(text))
        cells.append(day)
        writer.writerow(cells)
    return out.getvalue()


def document(rows: Iterable[bytes], *, for_file: bool = True) -> Iterable[bytes]:
    """`render`'s bytes around rows already encoded (UTF-8): the byte-order mark of a
    file, the header, the rows."""
    yield (header_text().encode("utf-8-sig" if for_file else "utf-8"))
    yield from rows


def render(pairs, *, as_of: date, rules, generated_at, for_file: bool = True) -> bytes:
    """CSV bytes. Files get a UTF-8 byte-order mark so Excel reads accented names right;
    the terminal (a pipe into another tool) gets plain UTF-8."""
    encoding = "utf-8-sig" if for_file else "utf-8"
    return render_text(pairs, as_of=as_of).encode(encoding)
