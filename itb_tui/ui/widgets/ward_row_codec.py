"""Ward list rows to and from the text the store saves for them (store/list_rows.py).

Why: drawing the list of 10,000 patients at start from saved rows takes ~0.1 s; deriving
them again from ~290,000 records takes ~3 s. A saved row is only ever used under the
same `list_key` it was saved with: the derivation code (a digest of the source files
that decide a row's content), the rules table and the date. The store adds the
patient's `row_version`. So a change to any of them makes the saved row count as
missing, never wrong (hazard H35 in docs/hazard-log.md).

The format is one CSV line of the row's fields, a record separator, and one CSV line of
its cells' text (the stdlib's C reader parses 10,000 rows' fields in ~0.02 s).
`encode` refuses (returns None for) any row that does not read back equal to itself, so
an odd character can cost a saved row but never change what is shown. The eight cells
of a decoded row are built when first read (the table reads only the rows on screen).
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date
from functools import cache
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from itb_tui.ui.widgets.ward_rows import COLUMN_KEYS, Cell, WardRow

# Bump when the layout below changes (the code digest would catch it too).
FORMAT = "w2"

_PACKAGE = Path(__file__).resolve().parents[2]  # itb_tui/
# Everything that decides what a list row says: the engine, the text helpers, the row
# builder and this codec. A new release (or a local edit) changes the digest.
_ROW_SOURCES = ("clinical/*.py", "ui/format.py", "ui/widgets/ward_rows.py", "ui/widgets/ward_row_codec.py")

_HEAD = 18  # fields before the cells: 11 row fields and the 7-part urgency key
_CELLS = len(COLUMN_KEYS)
# Between the row's fields and its cells' text (a record separator): the cells are parsed
# only when the row is drawn. A row whose text holds one is refused by encode's check.
_SPLIT = "\x1e"


def _csv_line(fields: list[str]) -> str:
    """One CSV line without its line end (written with one, so that fields holding a
    line break are quoted)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(fields)
    return buffer.getvalue()[:-2]


@cache
def code_digest() -> str:
    """A digest of the source of every module that shapes a list row."""
    digest = hashlib.sha256()
    for pattern in _ROW_SOURCES:
        for path in sorted(_PACKAGE.glob(pattern)):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def list_key(rules, as_of: date) -> str:
    """The key rows derived on `as_of` under `rules` by this code are saved with."""
    rules_digest = hashlib.sha256(repr(rules).encode()).hexdigest()[:16]
    return f"{FORMAT}.{code_digest()}.{rules_digest}.{as_of.isoformat()}"


def encode(row: WardRow) -> str | None:
    """The row as one line of text; None when it cannot be saved exactly (it is then
    derived again next time, as if never saved)."""
    urgency = row.urgency
    if (row.status == "error" or len(urgency) != 7 or not isinstance(urgency[6], str)
            or not all(type(part) is int for part in urgency[:6])
            or not all(isinstance(cell, Cell) for cell in row.cells) or len(row.cells) != _CELLS):
        return None
    head = [
        row.mrn, row.name, row.ward, row.bed, row.status, "1" if row.withdrawal_risk else "",
        str(row.critical), str(row.warning), row.alarm_on.isoformat() if row.alarm_on else "",
        "" if row.days_to_refill is None else str(row.days_to_refill), row.search,
        *(str(part) for part in urgency[:6]), urgency[6],
    ]
    cells = [text for cell in row.cells for text in (cell.top, cell.bottom, cell.style)]
    try:
        text = _csv_line(head) + _SPLIT + _csv_line(cells)
    except csv.Error:
        return None
    try:
        back = decode_all([text])
        same = back == [row] and not back[0].cells.unreadable
    except (ValueError, csv.Error):
        same = False
    return text if same else None


def decode_all(payloads: Iterable[str]) -> list[WardRow]:
    """Rows from saved lines; ValueError if any line is not one `encode` wrote."""
    new = object.__new__
    put = object.__setattr__
    dates: dict[str, date] = {}
    rows = []
    append = rows.append
    heads: list[str] = []
    tails: list[str] = []
    for payload in payloads:
        head, split, tail = payload.partition(_SPLIT)
        if not split:
            raise ValueError("a saved list row has no cells")
        heads.append(head)
        tails.append(tail)
    try:
        for f, tail in zip(csv.reader(heads), tails):
            if len(f) != _HEAD:
                raise ValueError(f"a saved list row has {len(f)} leading fields, not {_HEAD}")
            alarm = f[8]
            if alarm:
                alarm = dates.get(alarm) or dates.setdefault(alarm, date.fromisoformat(alarm))
            row = new(WardRow)
            put(row, "mrn", f[0])
            put(row, "name", f[1])
            put(row, "ward", f[2])
            put(row, "bed", f[3])
            put(row, "status", f[4])
            put(row, "withdrawal_risk", f[5] == "1")
            put(row, "critical", int(f[6]))
            put(row, "warning", int(f[7]))
            put(row, "alarm_on", alarm or None)
            put(row, "days_to_refill", int(f[9]) if f[9] else None)
            put(row, "search", f[10])
            put(row, "urgency", (int(f[11]), int(f[12]), int(f[13]), int(f[14]), int(f[15]), int(f[16]), f[17]))
            put(row, "cells", LazyCells(tail))
            append(row)
    except csv.Error as exc:
        raise ValueError(f"a saved list row cannot be read: {exc}") from None
    return rows


_UNREADABLE = tuple(Cell("‼ UNREADABLE", "saved row damaged", "critical") for _ in COLUMN_KEYS)


class LazyCells(Sequence):
    """A decoded row's cells, made from the saved fields when first read; equal to the
    tuple of the same cells."""

    __slots__ = ("_text", "_cells")

    def __init__(self, text: str) -> None:
        self._text = text
        self._cells: tuple[Cell, ...] | None = None

    @property
    def unreadable(self) -> bool:
        """The saved text did not parse (never so for what encode() wrote: it checks)."""
        return self._get() is _UNREADABLE

    def _get(self) -> tuple[Cell, ...]:
        if self._cells is None:
            try:
                f = next(csv.reader([self._text]), [])
            except csv.Error:
                f = []
            if len(f) == 3 * _CELLS:
                self._cells = tuple(Cell(f[i], f[i + 1], f[i + 2]) for i in range(0, 3 * _CELLS, 3))
            else:  # altered in the database: say so in the row (the check replaces it)
                self._cells = _UNREADABLE
            self._text = None
        return self._cells

    def __getitem__(self, index):
        return self._get()[index]

    def __len__(self) -> int:
        return _CELLS

    def __iter__(self) -> Iterator[Cell]:
        return iter(self._get())

    def __eq__(self, other) -> bool:
        if isinstance(other, LazyCells):
            other = other._get()
        return self._get() == other

    def __hash__(self) -> int:
        return hash(self._get())

    def __repr__(self) -> str:
        return repr(self._get())
