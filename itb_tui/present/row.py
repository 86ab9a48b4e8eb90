"""The ward list's row as plain values: the one row mapping of a (patient, assessment).

Why plain values: the list must stay instant at 10,000 patients. Each row carries its
display text (two short lines per column, from present/cells.py and present/status.py)
and its sort and filter keys, so filtering and sorting are list comprehensions over
tuples, and drawing a screenful reads only the visible rows. The saved rows
(present/saved_rows.py) store exactly these fields.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from itb_tui.clinical.assessment import Assessment
from itb_tui.clinical.records import Patient
from itb_tui.present import cells as c
from itb_tui.present import changes as ch
from itb_tui.present import words as w
from itb_tui.present.status import refill_view, urgency_key

# Column keys, in display order. The table decides which fit the terminal.
# "changes": what changed since the last review (present/changes.py, issue 16).
COLUMN_KEYS = ("bed", "patient", "pump", "refill", "alarm", "antifungal", "reimplant", "alerts", "changes")


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
    status: str  # the engine's refill status code (the "blocked only" filter)
    withdrawal_risk: bool
    critical: int
    warning: int
    alarm_on: date | None
    days_to_refill: int | None
    urgency: tuple  # present.status.urgency_key; () for an error row (sorts first)
    search: str  # casefolded "name mrn bed" for the filter box
    cells: tuple[Cell, ...]  # one per COLUMN_KEYS
    # present.changes STATE_*: never reviewed, changed or unchanged since the last review
    # (the "changed" quick filter keeps the first two).
    review: str = ch.STATE_NOT_REVIEWED

    def text(self) -> str:
        """Everything the row shows, as one line (what a user reads; used in tests)."""
        parts = []
        for cell in self.cells:
            parts.extend(part for part in (cell.top, cell.bottom) if part)
        return " | ".join(parts)


# Colour role -> the table's component class, for the refill column and for the others.
REFILL_STYLES = {w.DANGER: "status-blocked", w.WARN: "status-caution", w.OK: "status-ok", w.MUTED: "dim"}
CELL_STYLES = {w.DANGER: "critical", w.WARN: "warning", w.OK: "status-ok", w.MUTED: "dim", w.PLAIN: ""}


def _cell(lines: c.Lines) -> Cell:
    return Cell(lines.top, lines.bottom, CELL_STYLES.get(lines.role, ""))


def build_row(patient: Patient, assessment: Assessment, review: ch.ReviewFacts | None = None) -> WardRow:
    """One list row from a patient, the engine's assessment of them and their last review
    on this ward with the audit entries since (None: never reviewed)."""
    refill = refill_view(assessment)
    changes = ch.changes_since(review, patient, assessment)
    top, bottom, role = ch.list_lines(review, changes)
    cells = (
        Cell(patient.bed or w.NONE_TEXT, patient.ward or "", ""),
        Cell(patient.name, f"MRN {patient.mrn}", "name"),
        _cell(c.pump_lines(patient, assessment.as_of)),
        Cell(refill.label, refill.list_detail, REFILL_STYLES.get(refill.role, "")),
        _cell(c.alarm_lines(patient, assessment)),
        _cell(c.antifungal_lines(assessment.antifungal)),
        _cell(c.reimplant_lines(assessment)),
        _cell(c.alerts_lines(assessment)),
        Cell(top, bottom, CELL_STYLES.get(role, "")),
    )
    reservoir = assessment.reservoir
    return WardRow(
        mrn=patient.mrn,
        name=patient.name,
        ward=patient.ward or "",
        bed=patient.bed or "",
        status=assessment.refill.status,
        withdrawal_risk=assessment.withdrawal_risk,
        critical=assessment.critical_count,
        warning=assessment.warning_count,
        alarm_on=reservoir.alarm_on if reservoir else None,
        days_to_refill=reservoir.days_to_refill if reservoir else None,
        urgency=urgency_key(patient, assessment),
        search=" ".join((patient.name, patient.mrn, patient.bed or "")).casefold(),
        cells=cells,
        review=ch.review_state(review, changes),
    )


def error_row(patient: Patient, error: Exception) -> WardRow:
    """A row for a patient the engine could not assess.

    Never drop a patient from the list: a missing row looks like "nothing to do". The
    row sorts first and says in words that the state is unknown.
    """
    message = f"{type(error).__name__}: {error}".splitlines()[0]
    unknown = w.status_words("error")
    cells = (
        Cell(patient.bed or w.NONE_TEXT, patient.ward or "", ""),
        Cell(patient.name, f"MRN {patient.mrn}", "name"),
        Cell("?", "", "dim"),
        Cell(f"{unknown.symbol} {unknown.word}", "not assessed", "critical"),
        Cell("?", "", "dim"),
        Cell("?", "", "dim"),
        Cell("?", "", "dim"),
        Cell("‼ ERROR", message, "critical"),
        Cell("?", "not assessed", "dim"),  # the "changed" filter keeps it (never reviewed)
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


_CHANGES = COLUMN_KEYS.index("changes")


def mark_new_results(rows: list[WardRow], unseen: set[str] | frozenset[str]) -> list[WardRow]:
    """The rows with the "✉ new result" marker (issue 15) on the patients in `unseen`:
    a laboratory result arrived since this user last opened them. Per user, so never in
    a saved row: the list adds it after every load (present/changes.py)."""
    if not unseen:
        return rows
    out = []
    for row in rows:
        if row.mrn in unseen:
            cells = tuple(row.cells)
            cell = cells[_CHANGES]
            marked = Cell(cell.top, ch.with_new_result(cell.bottom), cell.style)
            row = replace(row, cells=cells[:_CHANGES] + (marked,) + cells[_CHANGES + 1:])
        out.append(row)
    return out
