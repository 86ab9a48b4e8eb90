"""The patient's dated timeline: every recorded event, newest first, one selectable row each.

A row is selectable because the detail screen acts on it: `e` enters the result of the
selected culture, `delete` marks the selected record "entered in error". So each row keeps
the record kind and store id it came from (`TimelineEntry`); the pure
`timeline_entries()` builds them (testable without a terminal).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist

from itb_tui.clinical.records import Patient
from itb_tui.ui.format import date_text, number_text
from itb_tui.ui.textual_compat import measure_new_rows_now
from itb_tui.ui.widgets.detail_text import (
    BRIDGING_WORDS,
    EXAM_WORDS,
    RESULT_WORDS,
    SPECIMEN_WORDS,
    day_text,
    words,
)

# Record kinds the store can mark "entered in error" (Store.mark_entered_in_error).
ERROR_MARKABLE_KINDS = ("pump", "refill", "culture", "course", "bridging", "exam")

# Same-day order (newest first within a day reads oddly otherwise: the result before the draw).
_SAME_DAY_ORDER = {
    "explant": 0,
    "course_stop": 1,
    "refill": 2,
    "exam": 3,
    "bridging": 4,
    "culture": 5,
    "course_start": 6,
    "implant": 7,
    "symptoms": 8,
    "neutrophils": 9,
}


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One row: when, what (words), details, and the record it stands for."""

    on: date
    event: str  # a short label: "Culture: blood", "Refill", "Pump explanted"
    details: str
    kind: str  # store record kind (pump|refill|culture|course|bridging|exam) or "patient"
    record_id: int | None
    key: str  # unique row key
    record: object = None  # the record itself (e.g. the Culture for `e`)
    flag: str = ""  # "⚑ OVERRIDE": shown bold before the details

    @property
    def markable(self) -> bool:
        """Whether `delete` (entered in error) applies to this row."""
        return self.kind in ERROR_MARKABLE_KINDS and self.record_id is not None


def culture_details(culture) -> str:
    """`POSITIVE: Candida albicans · fluconazole S, micafungin S` as words."""
    text = words(culture.result, RESULT_WORDS)
    if culture.organism:
        text += f": {culture.organism}"
    if culture.susceptibility:
        text += " · " + ", ".join(f"{drug} {value}" for drug, value in sorted(culture.susceptibility.items()))
    return text


def corrected_text(past) -> str:
    """` · corrected (was positive: Candida albicans)`, oldest earlier value first, as
    laboratories mark a corrected report (`past`: clinical.corrections.PastCorrection)."""
    if not past:
        return ""
    return " · corrected (was " + "; then ".join(p.was for p in past) + ")"


def timeline_entries(patient: Patient, corrections=None, lab_reports=None) -> list[TimelineEntry]:
    """Every dated event of the patient, newest first. `corrections`: culture id -> its
    corrections (Store.culture_corrections), shown on the culture's row; `lab_reports`:
    culture id -> (accession, report status) (Store.lab_reports), a preliminary report
    said on its row (the words are present/lab_reports.py's)."""
    from itb_tui.present.lab_reports import culture_note

    corrections = corrections or {}
    rows: list[tuple[str, TimelineEntry]] = []

    def add(order_kind: str, entry: TimelineEntry) -> None:
        rows.append((order_kind, entry))

    for index, pump in enumerate(patient.pumps):
        name = " ".join(part for part in (pump.manufacturer, pump.model) if part) or "pump"
        label = f"{name} {pump.serial}"
        pid = pump.id if pump.id is not None else f"n{index}"
        if pump.implanted_on:
            add("implant", TimelineEntry(
                pump.implanted_on, "Pump implanted",
                f"{label} · {number_text(pump.daily_dose_ug)} µg/day at "
                f"{number_text(pump.concentration_ug_ml)} µg/mL",
                "pump", pump.id, f"pump:{pid}:implant", pump))
        if pump.removed_on:
            add("explant", TimelineEntry(
                pump.removed_on, "Pump explanted",
                f"{label} · {pump.removal_reason or 'no reason recorded'}",
                "pump", pump.id, f"pump:{pid}:explant", pump))
        for rindex, refill in enumerate(pump.refills):
            details = f"{number_text(refill.volume_ml)} mL into {pump.serial}"
            if refill.programmer_alarm_on:
                details += f" · programmer alarm {date_text(refill.programmer_alarm_on)}"
            flag = ""
            if refill.override_reason:
                flag = "⚑ OVERRIDE"
                details += f" · override: {refill.override_reason}"
            rid = refill.id if refill.id is not None else f"n{index}-{rindex}"
            add("refill", TimelineEntry(refill.on, "Refill", details, "refill", refill.id,
                                        f"refill:{rid}", refill, flag))
    for index, culture in enumerate(patient.cultures):
        cid = culture.id if culture.id is not None else f"n{index}"
        add("culture", TimelineEntry(
            culture.drawn_on, f"Culture: {words(culture.specimen, SPECIMEN_WORDS)}",
            culture_details(culture) + culture_note(culture, lab_reports) + corrected_text(corrections.get(culture.id)),
            "culture", culture.id, f"culture:{cid}", culture))
    for index, course in enumerate(patient.antifungals):
        aid = course.id if course.id is not None else f"n{index}"
        dose = f" {number_text(course.dose_mg)} mg" if course.dose_mg is not None else ""
        plan = f" · planned stop {date_text(course.planned_stop_on)}" if course.planned_stop_on else ""
        add("course_start", TimelineEntry(
            course.started_on, "Antifungal started", f"{course.drug}{dose} daily{plan}",
            "course", course.id, f"course:{aid}:start", course))
        if course.stopped_on:
            add("course_stop", TimelineEntry(
                course.stopped_on, "Antifungal stopped", f"{course.drug} (started "
                f"{date_text(course.started_on)})", "course", course.id, f"course:{aid}:stop", course))
    for index, bridge in enumerate(patient.bridging):
        bid = bridge.id if bridge.id is not None else f"n{index}"
        detail = f": {bridge.detail}" if bridge.detail else ""
        if bridge.stopped_on:
            detail += f" · stopped {date_text(bridge.stopped_on)}"
        add("bridging", TimelineEntry(
            bridge.started_on, "Bridging started", f"{words(bridge.method, BRIDGING_WORDS)}{detail}",
            "bridging", bridge.id, f"bridging:{bid}", bridge))
    for index, exam in enumerate(patient.exams):
        eid = exam.id if exam.id is not None else f"n{index}"
        add("exam", TimelineEntry(
            exam.on, f"Exam: {words(exam.kind, EXAM_WORDS)}", exam.finding or "no finding recorded",
            "exam", exam.id, f"exam:{eid}", exam))
    if patient.symptoms_resolved_on:
        add("symptoms", TimelineEntry(
            patient.symptoms_resolved_on, "Symptoms resolved", "anchors the antifungal count (change with y)",
            "patient", None, "patient:symptoms"))
    if patient.neutrophil_recovery_on:
        add("neutrophils", TimelineEntry(
            patient.neutrophil_recovery_on, "Neutrophil recovery", "anchors the antifungal count (change with y)",
            "patient", None, "patient:neutrophils"))
    # Newest first; within a day, later steps of care first.
    rows.sort(key=lambda pair: (-pair[1].on.toordinal(), _SAME_DAY_ORDER[pair[0]]))
    return [entry for _, entry in rows]


class Timeline(DataTable):
    """The timeline table; the cursor row is "the selected timeline entry"."""

    DEFAULT_CSS = """
    Timeline {
        height: auto;
        max-height: 100%;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._entries: dict[str, TimelineEntry] = {}

    def on_mount(self) -> None:
        self._ensure_columns()

    def _ensure_columns(self) -> None:
        # Also from show(): the screen may show a patient it already has in its own on_mount.
        if not self.columns:
            self.add_column("Date", key="date", width=14)
            self.add_column("Event", key="event", width=22)
            self.add_column("Details", key="details")

    def show_nothing(self) -> None:
        """No rows (loading, or no such patient)."""
        self.clear()
        self._entries = {}

    def show(self, patient: Patient, corrections=None, lab_reports=None) -> None:
        """Replace the rows with the patient's events, keeping the cursor on the same record."""
        self._ensure_columns()
        selected = self.selected_entry
        self.clear()
        self._entries = {}
        for entry in timeline_entries(patient, corrections, lab_reports):
            self._entries[entry.key] = entry
            details = Text(entry.details)
            if entry.flag:
                details = Text.assemble((entry.flag + " ", "bold"), entry.details)
            self.add_row(day_text(entry.on), entry.event, details, key=entry.key)
        self._size_rows_now()
        if selected is not None and selected.key in self._entries:
            self.move_cursor(row=self.get_row_index(selected.key))

    def _size_rows_now(self) -> None:
        """Measure the new rows now, not when the table next goes idle.

        DataTable measures added rows on its next idle and only then asks for a layout:
        that is a second layout and paint one frame after the patient first shows (the
        scrollbar and column widths settle late, and opening waits for two frames).
        Measuring here folds it into the first frame. Uses DataTable internals (see
        `textual_compat`); without them the table simply measures on idle as before.
        """
        measure_new_rows_now(self)

    @property
    def entries(self) -> list[TimelineEntry]:
        return list(self._entries.values())

    @property
    def selected_entry(self) -> TimelineEntry | None:
        """The entry under the cursor, or None when the table is empty."""
        if not self._entries or self.row_count == 0:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except CellDoesNotExist:  # cursor outside the rows: nothing selected
            return None
        return self._entries.get(key.value)
