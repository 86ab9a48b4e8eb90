"""The ward list's rows as plain values: built once per load, then filtered and sorted.

Why plain values: the list must stay instant at 10,000 patients. Each row carries its
display text (two short lines per column) and its sort and filter keys, so filtering
and sorting are list comprehensions over tuples, and drawing a screenful reads only the
visible rows. No widget code here, so the logic is tested without a terminal.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import attrgetter
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Sequence

from itb_tui.clinical.assessment import Assessment
from itb_tui.clinical.records import Patient
from itb_tui.ui import format as fmt

# Column keys, in display order. The table decides which fit the terminal.
COLUMN_KEYS = ("bed", "patient", "pump", "refill", "alarm", "antifungal", "reimplant", "alerts")

SORT_ORDERS = ("urgency", "bed", "name", "alarm")
SORT_TITLES = {
    "urgency": "urgency",
    "bed": "ward & bed",
    "name": "name",
    "alarm": "alarm date",
}


@dataclass(frozen=True, slots=True)
class Cell:
    """Two lines of text and a style name (a component class of the table, or '')."""

    top: str
    bottom: str = ""
    style: str = ""


@dataclass(frozen=True, slots=True)
class WardRow:
    mrn: str
    name: str
    ward: str
    bed: str
    status: str  # refill status code
    withdrawal_risk: bool
    critical: int
    warning: int
    alarm_on: date | None
    days_to_refill: int | None
    urgency: tuple
    search: str  # casefolded "name mrn bed" for the filter box
    cells: tuple[Cell, ...]  # one per COLUMN_KEYS

    def text(self) -> str:
        """Everything the row shows, as one line (what a user reads; used in tests)."""
        parts = []
        for cell in self.cells:
            parts.extend(part for part in (cell.top, cell.bottom) if part)
        return " | ".join(parts)


_STATUS_STYLES = {
    "blocked": "status-blocked",
    "caution": "status-caution",
    "ok": "status-ok",
    "not_applicable": "dim",
}


def build_row(patient: Patient, assessment: Assessment, urgency: tuple) -> WardRow:
    """One list row from a patient and the engine's assessment of them."""
    as_of = assessment.as_of
    refill = assessment.refill
    cells = (
        Cell(patient.bed or fmt.NONE_TEXT, patient.ward or "", ""),
        Cell(patient.name, f"MRN {patient.mrn}", "name"),
        _pump_cell(patient, as_of),
        Cell(fmt.status_label(refill), fmt.reasons_text(refill), _STATUS_STYLES.get(refill.status, "")),
        _alarm_cell(patient, assessment),
        _antifungal_cell(assessment),
        _reimplant_cell(assessment),
        _alerts_cell(assessment),
    )
    reservoir = assessment.reservoir
    return WardRow(
        mrn=patient.mrn,
        name=patient.name,
        ward=patient.ward or "",
        bed=patient.bed or "",
        status=refill.status,
        withdrawal_risk=assessment.withdrawal_risk,
        critical=assessment.critical_count,
        warning=assessment.warning_count,
        alarm_on=reservoir.alarm_on if reservoir else None,
        days_to_refill=reservoir.days_to_refill if reservoir else None,
        urgency=urgency,
        search=" ".join((patient.name, patient.mrn, patient.bed or "")).casefold(),
        cells=cells,
    )


def _pump_cell(patient: Patient, as_of: date) -> Cell:
    pump = fmt.current_pump(patient, as_of)
    if pump is not None:
        return Cell(fmt.pump_name(pump), fmt.pump_dose_text(pump), "")
    removed = fmt.last_removed_pump(patient, as_of)
    if removed is not None:
        return Cell("no pump", f"removed {fmt.date_text(removed.removed_on)}", "dim")
    return Cell(fmt.NONE_TEXT, "", "dim")


def _alarm_cell(patient: Patient, assessment: Assessment) -> Cell:
    reservoir = assessment.reservoir
    if reservoir is None:
        if fmt.current_pump(patient, assessment.as_of) is not None:
            return Cell(fmt.NONE_TEXT, "no refill yet", "dim")
        return Cell(fmt.NONE_TEXT, "", "dim")
    if reservoir.days_to_alarm < 0:
        style = "critical"
    elif any(a.code in ("refill_due", "drug_stability_exceeded") for a in assessment.alerts):
        style = "warning"
    else:
        style = ""
    return Cell(fmt.date_text(reservoir.alarm_on), fmt.days_text(reservoir.days_to_alarm), style)


_ANTIFUNGAL_STYLES = {
    "stopped_early": "critical",
    "awaiting_clearance": "warning",
    "awaiting_symptom_resolution": "warning",
    "complete": "status-ok",
    "not_indicated": "dim",
}


def _antifungal_cell(assessment: Assessment) -> Cell:
    top, bottom = fmt.antifungal_text(assessment.antifungal)
    return Cell(top, bottom, _ANTIFUNGAL_STYLES.get(assessment.antifungal.state, ""))


_REIMPLANT_STYLES = {
    "blocked": "critical",
    "needs_culture": "warning",
    "eligible": "status-ok",
    "not_applicable": "dim",
}


def _reimplant_cell(assessment: Assessment) -> Cell:
    top, bottom = fmt.reimplant_text(assessment.reimplant)
    return Cell(top, bottom, _REIMPLANT_STYLES.get(assessment.reimplant.state, ""))


def _alerts_cell(assessment: Assessment) -> Cell:
    if assessment.critical_count:
        style = "critical"
    elif assessment.warning_count:
        style = "warning"
    else:
        style = "dim"
    return Cell(fmt.alert_counts_text(assessment), fmt.top_alert_text(assessment), style)


def error_row(patient: Patient, error: Exception) -> WardRow:
    """A row for a patient the engine could not assess.

    Never drop a patient from the list: a missing row looks like "nothing to do". The
    row sorts first and says in words that the state is unknown.
    """
    message = f"{type(error).__name__}: {error}".splitlines()[0]
    cells = (
        Cell(patient.bed or fmt.NONE_TEXT, patient.ward or "", ""),
        Cell(patient.name, f"MRN {patient.mrn}", "name"),
        Cell("?", "", "dim"),
        Cell("‼ UNKNOWN", "not assessed", "critical"),
        Cell("?", "", "dim"),
        Cell("?", "", "dim"),
        Cell("?", "", "dim"),
        Cell("‼ ERROR", message, "critical"),
    )
    return WardRow(
        mrn=patient.mrn,
        name=patient.name,
        ward=patient.ward or "",
        bed=patient.bed or "",
        status="error",
        withdrawal_risk=False,
        critical=1,
        warning=0,
        alarm_on=None,
        days_to_refill=None,
        urgency=(),
        search=" ".join((patient.name, patient.mrn, patient.bed or "")).casefold(),
        cells=cells,
    )


def build_rows(patients: Iterable[Patient], as_of: date, rules=None) -> list[WardRow]:
    """Assess every patient on `as_of` with the engine and build their rows."""
    from itb_tui.clinical.engine import assess
    from itb_tui.clinical.urgency import urgency_key

    rows = []
    for patient in patients:
        try:
            assessment = assess(patient, as_of, rules)
            rows.append(build_row(patient, assessment, urgency_key(assessment)))
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

    def build(self, patients: Iterable[Patient], as_of: date, rules=None) -> list[WardRow]:
        context = (as_of, id(rules))
        entry = self._by_date.get(context)
        previous = entry[1] if entry is not None and entry[0] is rules else {}
        fresh: dict[tuple, WardRow] = {}
        rows: list[WardRow] = []
        for patient in patients:
            key = (patient.mrn, patient.id, patient.row_version)
            row = previous.get(key) if patient.row_version is not None else None
            if row is None:
                row = build_rows((patient,), as_of, rules)[0]
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
) -> list[WardRow]:
    """Rows matching every active filter.

    text: every word must occur in the name, MRN or bed (case-insensitive).
    due_within: refill due within that many days (or overdue).

    One list comprehension per active filter (not one test per row with `all()`): this
    runs on every keystroke in the filter box, over up to every patient of the clinic.
    """
    result = rows if isinstance(rows, list) else list(rows)
    if ward is not None:
        result = [row for row in result if row.ward == ward]
    if blocked_only:
        result = [row for row in result if row.status == "blocked"]
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
    ) -> list[WardRow]:
        if source is not self._source:
            self._source = source
            self._results = {}
        terms = tuple(text.casefold().split())
        flags = (blocked_only, due_within, ward)
        key = (terms, flags)
        found = self._results.pop(key, None)
        if found is None:
            narrower = [result for (old_terms, old_flags), result in self._results.items()
                        if old_flags == flags and _narrows(old_terms, terms)]
            if narrower:  # those rows already passed the other filters
                found = filter_rows(min(narrower, key=len), " ".join(terms))
            else:
                found = filter_rows(source, " ".join(terms), blocked_only=blocked_only,
                                    due_within=due_within, ward=ward)
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
