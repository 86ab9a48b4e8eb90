"""The ward list's saved rows: their key, their text, and the rule for using them.

Why: drawing the list of 10,000 patients at start from saved rows takes ~0.1 s; deriving
them again from ~290,000 records takes ~3 s. A saved row is only ever used under the
same `list_key` it was saved with: the presentation version (PRESENTATION_VERSION, bumped
whenever a row's words or keys change; tests/present/test_saved_rows.py fails until it
is), the rules version and table, and the date. The store adds the patient's
`row_version` (store/list_rows.py holds only the SQL). So a change to any of them makes
the saved row count as missing, never wrong (hazard H35 in docs/hazard-log.md); and the
list re-derives every row from the records straight after drawing saved ones.

The format is one CSV line of the row's fields, a record separator, and one CSV line of
its cells' text (the stdlib's C reader parses 10,000 rows' fields in ~0.02 s).
`encode` refuses (returns None for) any row that does not read back equal to itself, so
an odd character can cost a saved row but never change what is shown. The nine cells
of a decoded row are built when first read (the table reads only the rows on screen).

From the UI's side (`read_saved_rows`, `rows_to_save`, `differing_mrns`): the app reads
them once before its first frame, the list's load worker when the app did not, and both
apply the same rule: the list is drawn from saved rows only if EVERY patient has a valid
one. The store decides validity; this module the key and the text.
"""

from __future__ import annotations

import csv
import hashlib
import heapq
import io
import threading
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Iterable, Iterator, Sequence

from itb_tui.present.row import COLUMN_KEYS, Cell, WardRow

# Bump whenever what a row says or how it sorts changes (words, cells, urgency, engine
# output). The golden test in tests/present/test_saved_rows.py fails until it is.
PRESENTATION_VERSION = 4  # 4: the "Since review" cell and the review state (issue 16)
# Bump when the text layout below changes.
FORMAT = "w4"

_HEAD = 17  # fields before the cells: 11 row fields, the 5-part urgency key, the review state
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


def list_key(rules, as_of: date) -> str:
    """The key rows derived on `as_of` under `rules` by this presentation are saved with.
    The rules' digest covers a locally edited table that kept its version string; it is
    of the table's values, not of where it was read from (`origin`, for error messages),
    so rows saved by one install are reused by another install of the same table, and a
    moved install is not a cold start."""
    version = getattr(rules, "version", "")
    if getattr(rules, "origin", ""):
        rules = replace(rules, origin="")
    rules_digest = hashlib.sha256(repr(rules).encode()).hexdigest()[:16]
    return f"{FORMAT}.p{PRESENTATION_VERSION}.r{version}.{rules_digest}.{as_of.isoformat()}"


def encode(row: WardRow) -> str | None:
    """The row as one line of text; None when it cannot be saved exactly (it is then
    derived again next time, as if never saved)."""
    urgency = row.urgency
    if (row.status == "error" or len(urgency) != 5
            or not all(type(part) is int for part in urgency[:2])
            or not all(type(part) is str for part in urgency[2:])
            or not all(isinstance(cell, Cell) for cell in row.cells) or len(row.cells) != _CELLS):
        return None
    head = [
        row.mrn, row.name, row.ward, row.bed, row.status, "1" if row.withdrawal_risk else "",
        str(row.critical), str(row.warning), row.alarm_on.isoformat() if row.alarm_on else "",
        "" if row.days_to_refill is None else str(row.days_to_refill), row.search,
        str(urgency[0]), str(urgency[1]), urgency[2], urgency[3], urgency[4], row.review,
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
            put(row, "urgency", (int(f[11]), int(f[12]), f[13], f[14], f[15]))
            put(row, "cells", LazyCells(tail))
            put(row, "review", f[16])
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


# --- from the UI's side ---------------------------------------------------------------

# The rows decoded before the list's first frame when the rest can wait (issue 17): more
# than any terminal shows (two lines a row); the other rows follow just after that frame.
FIRST_ROWS = 120
# Said while the list shows only its most urgent rows (the rest being decoded).
# Short: it shares the one summary line with the "checking" words (120 columns).
FILLING_TEXT = "{shown} most urgent of {total} shown, the rest loading…"


@dataclass
class SavedRows:
    key: str
    # (row_version, key) of the row the store holds for each patient id, where valid
    held: dict[int, tuple[int, str]] = field(default_factory=dict)
    rows: list[WardRow] | None = None  # every patient's row, or None: draw nothing from them
    wards: list[str] = field(default_factory=list)
    # While `rows` is not decoded yet (`saved_rows_from(..., first=N)`): the N most urgent
    # rows of the WHOLE ward, in urgency order (hazard H98), and the number of
    # rows `fill` will give. Only ever set together with the payloads to decode.
    first: list[WardRow] | None = None
    total: int = 0
    _payloads: list[str] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def filling(self) -> bool:
        """Only `first` is decoded: `fill` gives the whole list."""
        return self._payloads is not None

    def fill(self) -> list[WardRow] | None:
        """Every row (decoded now if only `first` was): the whole list, or None when a
        saved row does not decode (then no saved row may be drawn: `held` is emptied, as
        when `saved_rows_from` meets one). Safe to call from two threads."""
        with self._lock:
            payloads, self._payloads = self._payloads, None
            if payloads is not None:
                self.first = None
                try:
                    self.rows = decode_all(payloads)
                except ValueError:
                    self.rows = None
                    self.held = {}
            return self.rows


def held_in(saved, key: str) -> dict[int, tuple[int, str]]:
    """patient id -> (row_version, key) of each patient the store's answer holds a valid
    saved row for (what a load need not save again)."""
    return {pid: (version, key) for pid, _mrn, version, payload in saved.patients if payload is not None}


def saved_rows_from(saved, key: str, filled: dict[int, str] | None = None, first: int | None = None) -> SavedRows:
    """What the store's answer (`store.saved_list_rows(key)`, or None when the store could
    not answer) holds for the list. `rows` is None unless every patient has a valid saved
    row, or a row in `filled`, that decodes. `filled`: patient id -> the payload of a row
    just derived from that patient's records for a patient without a valid saved row
    (ui/saved_rows.py: a few patients changed by another program since); they are not
    `held` (the store does not hold them: the load saves them). The store call itself is
    the UI's, so this layer never imports the store.

    `first`: decode only the `first` most urgent rows now (`SavedRows.first`, picked by
    the urgency key of EVERY row, `urgent_first`) and the rest at `fill`: at 10,000
    patients decoding every row took ~45 ms before the list's first frame (issue 17).
    Where that pick cannot be proved right (see `urgent_first`), every row is decoded
    now, as without `first`."""
    if saved is None:
        return SavedRows(key)
    result = SavedRows(key, held_in(saved, key), None, saved.wards)
    filled = filled or {}
    payloads = [payload if payload is not None else filled.get(pid) for pid, _mrn, _v, payload in saved.patients]
    if all(payload is not None for payload in payloads):
        try:
            order = None
            if first is not None and len(payloads) > first:
                order = urgent_first([mrn for _pid, mrn, _v, _p in saved.patients], payloads, first)
            if order is None:
                result.rows = decode_all(payloads)
            else:
                result.first = decode_all([payloads[i] for i in order])
                result.total = len(payloads)
                result._payloads = payloads
        except ValueError:
            result.held = {}
            result.first = result.rows = result._payloads = None
    return result


def urgent_first(mrns: Sequence[str], payloads: Sequence[str], count: int) -> list[int] | None:
    """The positions of the `count` most urgent of the saved rows `payloads` (of the
    patients `mrns`, one each), most urgent first: exactly the first `count` rows of the
    list's urgency order of ALL the rows (ui/widgets/ward_rows.sort_rows), reading only
    each row's urgency key. None when that cannot be proved: a row whose key does not
    end with its patient's MRN (MRNs are unique, so such keys never tie and the ward
    sort's tie-breakers never act; saved rows are never error rows). ValueError for a
    row `encode` did not write."""
    keys = []
    append = keys.append
    for mrn, payload in zip(mrns, payloads):
        end = payload.find(_SPLIT)
        if end < 0:
            raise ValueError("a saved list row has no cells")
        head = payload[:end]
        # The urgency key and the review state end the row's fields: read from the right.
        # A quote among them means a quoted field (a comma or quote in it): parse it all.
        parts = head.rsplit(",", 6)
        if len(parts) == 7 and '"' not in head[len(parts[0]):]:
            urgency = (int(parts[1]), int(parts[2]), parts[3], parts[4], parts[5])
        else:
            try:
                f = next(csv.reader([head]), [])
            except csv.Error as exc:
                raise ValueError(f"a saved list row cannot be read: {exc}") from None
            if len(f) != _HEAD:
                raise ValueError(f"a saved list row has {len(f)} leading fields, not {_HEAD}")
            urgency = (int(f[11]), int(f[12]), f[13], f[14], f[15])
        if urgency[4] != mrn:
            return None
        append(urgency)
    return heapq.nsmallest(count, range(len(keys)), key=keys.__getitem__)


def missing_from(saved, limit: int) -> list[str] | None:
    """The MRNs of the patients without a valid saved row, if there are some but at most
    `limit` of them and at most half the ward (else None: the list derives the whole ward
    as it would with no saved rows at all)."""
    if saved is None:
        return None
    missing = [mrn for _pid, mrn, _v, payload in saved.patients if payload is None]
    if not missing or len(missing) > limit or 2 * len(missing) > len(saved.patients):
        return None
    return missing


def rows_to_save(saved: SavedRows, patients, rows: list[WardRow]) -> list[tuple[int, int, str]]:
    """(patient id, row_version, payload) of the derived rows the store does not hold
    yet under `saved.key`, for rows that read back exactly (codec.encode)."""
    fresh = []
    for patient, row in zip(patients, rows):
        if patient.id is None or patient.row_version is None:
            continue
        if saved.held.get(patient.id) == (patient.row_version, saved.key):
            continue
        payload = encode(row)
        if payload is not None:
            fresh.append((patient.id, patient.row_version, payload))
    return fresh


def differing_mrns(saved: list[WardRow], derived: list[WardRow]) -> list[str]:
    """MRNs whose saved row is not the row derived from the records (or all, if the
    lists do not even hold the same patients)."""
    by_mrn = {row.mrn: row for row in derived}
    differed = [row.mrn for row in saved if by_mrn.get(row.mrn) != row]
    if len(saved) != len(derived) and not differed:
        differed = sorted(set(by_mrn) ^ {row.mrn for row in saved})
    return differed
