"""The ward list's columns as words: two short lines and a colour role per column.

One row mapping for the TUI list and the CLI table (which joins the two lines): the
pump, the alarm, the antifungal and reimplant countdowns and the alert counts read the
same everywhere. The "current pump" rule comes from the clinical package only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from itb_tui.clinical.assessment import AntifungalState, Assessment
from itb_tui.clinical.pumps import current_pump
from itb_tui.clinical.records import Patient, Pump
from itb_tui.present import words as w
from itb_tui.present.status import counts_text, headline_words


@dataclass(frozen=True, slots=True)
class Lines:
    top: str
    bottom: str = ""
    role: str = w.PLAIN

    @property
    def line(self) -> str:
        return f"{self.top} · {self.bottom}" if self.bottom else self.top


def last_removed_pump(patient: Patient, as_of: date) -> Pump | None:
    """The most recently explanted pump (by `as_of`), to say 'removed on ...'."""
    removed = [p for p in patient.pumps if p.removed_on is not None and p.removed_on <= as_of]
    return max(removed, key=lambda pump: pump.removed_on, default=None)


def pump_name(pump: Pump) -> str:
    return pump.model or pump.manufacturer or pump.serial


def pump_dose_text(pump: Pump) -> str:
    """'300 µg/d 500 µg/mL': the dose and the concentration a nurse checks (fits 20 cells)."""
    return f"{w.number_text(pump.daily_dose_ug)} µg/d {w.number_text(pump.concentration_ug_ml)} µg/mL"


def implant_text(pump: Pump) -> str:
    """The implant date, or 'implanted (date unknown)' (Display rule D4)."""
    return w.date_text(pump.implanted_on) if pump.implanted_on is not None else w.IMPLANT_DATE_UNKNOWN


def pump_lines(patient: Patient, as_of: date) -> Lines:
    pump = current_pump(patient, as_of)
    if pump is not None:
        if pump.implanted_on is None:
            return Lines(pump_name(pump), w.IMPLANT_DATE_UNKNOWN, w.WARN)
        return Lines(pump_name(pump), pump_dose_text(pump))
    removed = last_removed_pump(patient, as_of)
    if removed is not None:
        return Lines("no pump", f"removed {w.date_text(removed.removed_on)}", w.MUTED)
    return Lines(w.NONE_TEXT, "", w.MUTED)


def alarm_lines(patient: Patient, assessment: Assessment) -> Lines:
    reservoir = assessment.reservoir
    if reservoir is None:
        if current_pump(patient, assessment.as_of) is not None:
            return Lines(w.NONE_TEXT, "no refill yet", w.MUTED)
        return Lines(w.NONE_TEXT, "", w.MUTED)
    if reservoir.days_to_alarm < 0 or reservoir.days_to_refill < 0:
        role = w.DANGER
    elif any(a.code in ("refill_due", "drug_stability_exceeded") for a in assessment.alerts):
        role = w.WARN
    else:
        role = w.PLAIN
    return Lines(w.date_text(reservoir.alarm_on), w.days_text(reservoir.days_to_alarm), role)


def antifungal_lines(state: AntifungalState) -> Lines:
    """Two short lines for the antifungal countdown (Display rule D3): 'Day N of 14'
    only up to the required day; past it '14 of 14 given' / 'stop when decided'; a
    planned stop reads as such, never as 'Day 12 of 37'."""
    kind = state.state
    if kind in ("in_progress", "specialist_duration"):
        total = state.required_days
        planned = total is not None and (kind == "specialist_duration" or total > w.STANDARD_COURSE_DAYS)
        if state.day is None:
            if kind == "specialist_duration":
                return Lines("specialist", "no stop date yet", w.WARN)
            return Lines("Day –", w.left_text(state.days_left), w.WARN)
        over = state.days_left is not None and state.days_left < 0
        if planned:
            stop = w.date_text(state.required_until)
            if over:
                return Lines(f"Day {state.day}", f"planned stop {stop} passed", w.WARN)
            return Lines(f"Day {state.day}", f"planned stop {stop}", w.PLAIN)
        total = total if total is not None else w.STANDARD_COURSE_DAYS
        if state.day > total or over:
            return Lines(f"{total} of {total} given", "stop when decided", w.WARN)
        return Lines(f"Day {state.day} of {total}", w.left_text(state.days_left), w.PLAIN)
    if kind == "awaiting_clearance":
        return Lines("▲ not cleared", "draw cultures", w.WARN)
    if kind == "awaiting_symptom_resolution":
        return Lines("▲ cleared", "symptoms open", w.WARN)
    if kind == "complete":
        return Lines("✔ complete", w.date_text(state.completed_on), w.OK)
    if kind == "stopped_early":
        return Lines("‼ STOPPED", "too early", w.DANGER)
    if kind == "not_indicated":
        return Lines(w.NONE_TEXT, "", w.MUTED)
    return Lines("? " + kind.replace("_", " "), "check by hand", w.DANGER)


def reimplant_lines(assessment: Assessment) -> Lines:
    state = assessment.reimplant
    kind = state.state
    if kind == "waiting":
        if state.eligible_on is None:  # no date yet (e.g. the course was stopped early)
            return Lines("waiting", "no date yet", w.PLAIN)
        return Lines(w.date_text(state.eligible_on), w.days_text(state.days_left), w.PLAIN)
    if kind == "needs_culture":
        return Lines("▲ culture due", w.date_text(state.culture_due_on or state.eligible_on), w.WARN)
    if kind == "eligible":
        return Lines("✔ eligible", w.date_text(state.eligible_on), w.OK)
    if kind == "blocked":
        return Lines(reimplant_blocked_words(assessment)[0], "", w.DANGER)
    if kind == "not_applicable":
        return Lines(w.NONE_TEXT, "", w.MUTED)
    return Lines("? " + kind.replace("_", " "), "check by hand", w.DANGER)


def reimplant_blocked_words(assessment: Assessment) -> tuple[str, str]:
    """(list word, card headline) for a blocked reimplantation, named by its alert."""
    for alert in assessment.alerts:
        found = w.REIMPLANT_BLOCKED_WORDS.get(alert.code)
        if found is not None:
            return found
    return ("✖ blocked", "✖ BLOCKED")


def alerts_lines(assessment: Assessment) -> Lines:
    if assessment.critical_count:
        role = w.DANGER
    elif assessment.warning_count:
        role = w.WARN
    else:
        role = w.MUTED
    return Lines(counts_text(assessment), headline_words(assessment), role)
