"""The ward list's rows: built once per load, then filtered and sorted.

The row itself (its words, its keys) is the presentation layer's (itb_tui/present/row.py);
this module assesses a ward into rows, reuses unchanged ones, and filters and sorts them
with plain list work, so the logic is tested without a terminal.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import attrgetter
from datetime import date
from typing import Iterable, Mapping, Sequence

from itb_tui.clinical.records import Patient
from itb_tui.present.changes import STATE_UNCHANGED
from itb_tui.present.row import COLUMN_KEYS, Cell, WardRow, build_row, error_row

__all__ = ["COLUMN_KEYS", "Cell", "WardRow", "build_row", "error_row", "build_rows", "RowCache",
           "filter_rows", "RowFilter", "sort_rows", "natural_key", "next_sort_order", "SORT_ORDERS"]

SORT_ORDERS = ("urgency", "bed", "name", "alarm")
SORT_TITLES = {
    "urgency": "urgency",
    "bed": "ward & bed",
    "name": "name",
    "alarm": "alarm date",
}


def build_rows(patients: Iterable[Patient], as_of: date, rules=None, reviews: Mapping | None = None) -> list[WardRow]:
    """Assess every patient on `as_of` with the engine and build their rows; `reviews`:
    MRN -> the patient's last review with the audit entries since (store.patient_reviews)."""
    from itb_tui.clinical.engine import assess

    reviews = reviews or {}
    rows = []
    for patient in patients:
        try:
            assessment = assess(patient, as_of, rules)
            rows.append(build_row(patient, assessment, reviews.get(patient.mrn)))
        except Exception as error:  # noqa: BLE001 - one bad record must not hide the ward
            rows.append(error_row(patient, error))
    return rows


class RowCache:
    """`build_rows` that reuses the rows of patients unchanged since the last build.

    After a save the whole ward is read again, but only the patient saved has changed:
    a row depends on nothing but the patient's records, the date and the rules table
    (the engine is pure), and the store bumps a patient's `row_version` on every change
    to them (store/schema.py). So a row is reused when (MRN, store id, row_version)
    match for the same date and rules (the id tells a re-created patient from the old
    one); a patient without a row_version (not from the store) is always assessed.
    Keeps the rows of the last two dates (today and the "as of" date being looked at).
    """

    def __init__(self) -> None:
        self._by_date: dict[tuple, tuple[object, dict[tuple, WardRow]]] = {}

    def build(self, patients: Iterable[Patient], as_of: date, rules=None,
              reviews: Mapping | None = None) -> list[WardRow]:
        """As `build_rows`. A review bumps the patient's row_version (so does every entry
        after it); the key also names the review, for rows built without one."""
        reviews = reviews or {}
        context = (as_of, id(rules))
        entry = self._by_date.get(context)
        previous = entry[1] if entry is not None and entry[0] is rules else {}
        fresh: dict[tuple, WardRow] = {}
        rows: list[WardRow] = []
        for patient in patients:
            review = reviews.get(patient.mrn)
            key = (patient.mrn, patient.id, patient.row_version,
                   None if review is None else (review.audit_position, len(review.events)))
            row = previous.get(key) if patient.row_version is not None else None
            if row is None:
                row = build_rows((patient,), as_of, rules, reviews)[0]
            if patient.row_version is not None:
                fresh[key] = row
            rows.append(row)
        self._by_date.pop(context, None)
        self._by_date[context] = (rules, fresh)
        while len(self._by_date) > 2:
            del self._by_date[next(iter(self._by_date))]
        return rows


# --- filtering and sorting: plain list work -------------------------------------------


def filter_rows(
    rows: Iterable[WardRow],
    text: str = "",
    *,
    blocked_only: bool = False,
    due_within: int | None = None,
    ward: str | None = None,
    changed_only: bool = False,
) -> list[WardRow]:
    """Rows matching every active filter.

    text: every word must occur in the name, MRN or bed (case-insensitive).
    due_within: refill due within that many days (or overdue).
    changed_only: changed since the last review, or never reviewed (nothing says they
    were seen: present/changes.py).

    One list comprehension per active filter (not one test per row with `all()`): this
    runs on every keystroke in the filter box, over up to every patient of the clinic.
    """
    result = rows if isinstance(rows, list) else list(rows)
    if ward is not None:
        result = [row for row in result if row.ward == ward]
    if blocked_only:
        result = [row for row in result if row.status == "blocked"]
    if changed_only:
        result = [row for row in result if row.review != STATE_UNCHANGED]
    if due_within is not None:
        result = [row for row in result if row.days_to_refill is not None and row.days_to_refill <= due_within]
    for term in text.casefold().split():
        result = [row for row in result if term in row.search]
    return result if result is not rows else list(result)


class RowFilter:
    """`filter_rows` with memory, for the filter box: typing narrows, backspace widens.

    A query whose words each contain a word of an earlier query (typing "mar" after
    "ma", or a second word) can only match a subset of that query's rows, so it is
    filtered from that smaller result; a query seen before (backspace back to "ma") is
    answered from memory. Remembers the last `size` results for one source list; a new
    source list (a reload, another sort order) starts afresh.
    """

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._source: list[WardRow] | None = None
        self._results: dict[tuple, list[WardRow]] = {}

    def rows(
        self,
        source: list[WardRow],
        text: str = "",
        *,
        blocked_only: bool = False,
        due_within: int | None = None,
        ward: str | None = None,
        changed_only: bool = False,
    ) -> list[WardRow]:
        if source is not self._source:
            self._source = source
            self._results = {}
        terms = tuple(text.casefold().split())
        flags = (blocked_only, due_within, ward, changed_only)
        key = (terms, flags)
        found = self._results.pop(key, None)
        if found is None:
            narrower = [result for (old_terms, old_flags), result in self._results.items()
                        if old_flags == flags and _narrows(old_terms, terms)]
            if narrower:  # those rows already passed the other filters
                found = filter_rows(min(narrower, key=len), " ".join(terms))
            else:
                found = filter_rows(source, " ".join(terms), blocked_only=blocked_only,
                                    due_within=due_within, ward=ward, changed_only=changed_only)
        self._results[key] = found  # most recent last
        while len(self._results) > self.size:
            del self._results[next(iter(self._results))]
        return found


def _narrows(old_terms: tuple[str, ...], new_terms: tuple[str, ...]) -> bool:
    """Every row matching `new_terms` also matches `old_terms`."""
    return all(any(old in new for new in new_terms) for old in old_terms)


@lru_cache(maxsize=8192)
def natural_key(text: str) -> tuple:
    """'Bed 10' after 'Bed 9': numbers compare as numbers. Remembered: a clinic of 10,000
    has a few dozen ward and bed names, and sorting split each anew (~0.1 s per sort)."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", text)
        if part
    )


def sort_rows(rows: Sequence[WardRow], order: str) -> list[WardRow]:
    """Rows in one of SORT_ORDERS (ties broken by ward, bed and name)."""
    if order == "urgency":
        fast = _by_urgency_alone(rows)
        if fast is not None:
            return fast
        key = lambda r: (r.status != "error", r.urgency, natural_key(r.ward), natural_key(r.bed), r.name.casefold())
    elif order == "bed":
        key = lambda r: (natural_key(r.ward), natural_key(r.bed), r.name.casefold())
    elif order == "name":
        key = lambda r: (r.name.casefold(), r.mrn)
    elif order == "alarm":
        key = lambda r: (
            r.alarm_on is None,
            r.alarm_on or date.max,
            r.status != "error",
            r.urgency,
            r.name.casefold(),
        )
    else:
        raise ValueError(f"unknown sort order {order!r}; expected one of {', '.join(SORT_ORDERS)}")
    return sorted(rows, key=key)


def _by_urgency_alone(rows: Sequence[WardRow]) -> list[WardRow] | None:
    """The urgency order without building tie-breakers, when none is needed: no error
    row and no two equal urgency keys (each ends with the MRN, so this is the usual
    case). Exactly the order of the full key then; None otherwise. At 10,000 rows this
    halves the sort the list does before its first frame."""
    if any(row.status == "error" for row in rows):
        return None
    ordered = sorted(rows, key=_URGENCY)
    for before, after in zip(ordered, ordered[1:]):
        if before.urgency == after.urgency:
            return None
    return ordered


_URGENCY = attrgetter("urgency")


def next_sort_order(order: str) -> str:
    return SORT_ORDERS[(SORT_ORDERS.index(order) + 1) % len(SORT_ORDERS)]
