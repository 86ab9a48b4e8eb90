"""Words and symbols for what the engine decided, shared by every screen.

Why one module: a nurse must read the same state the same way on the list, the detail
screen and the forms. Every status carries a word AND a symbol, never colour alone,
so the app reads in monochrome (NO_COLOR), on a bad projector and for colour-blind
users. Nothing here decides anything clinical; it only puts the Assessment into words.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from itb_tui.clinical.assessment import (
    AntifungalState,
    Assessment,
    RefillState,
    ReimplantState,
)
from itb_tui.clinical.records import Patient, Pump

NONE_TEXT = "–"

STATUS_LABELS = {
    "blocked": "✖ BLOCKED",
    "caution": "▲ CAUTION",
    "ok": "✔ OK",
    "not_applicable": "– no pump",
}

# Short words for the list; the engine's explanations carry the full sentence.
REASON_WORDS = {
    "fungemia": "fungemia",
    "bacteremia": "bacteremia",
    "csf_infection": "CSF infection",
    "pocket_infection": "pocket infection",
    "antifungal_course_open": "course incomplete",
    "culture_pending": "culture pending",
}

SEVERITY_SYMBOLS = {"critical": "‼", "warning": "⚠", "info": "ℹ"}
SEVERITY_LABELS = {"critical": "‼ CRITICAL", "warning": "⚠ WARNING", "info": "ℹ info"}

# local_policy is shouted because a hospital's safety officer must review those rules.
BASIS_LABELS = {
    "guideline": "guideline",
    "expert_summary": "expert summary",
    "local_policy": "▲ LOCAL POLICY",
}


def status_label(refill: RefillState) -> str:
    """'✖ BLOCKED', '▲ CAUTION', '✔ OK' or '– no pump'."""
    return STATUS_LABELS.get(refill.status, refill.status.upper())


def reason_text(code: str) -> str:
    """A reason code in words ('antifungal_course_open' -> 'course incomplete')."""
    return REASON_WORDS.get(code, code.replace("_", " "))


def reasons_text(refill: RefillState) -> str:
    """The most serious reason in words, plus how many more ('fungemia +1')."""
    if not refill.reasons:
        return ""
    first = reason_text(refill.reasons[0])
    more = len(refill.reasons) - 1
    return f"{first} +{more}" if more else first


def days_text(days: int | None) -> str:
    """'in 3 d', 'today', '2 d ago' ('–' when there is no countdown)."""
    if days is None:
        return NONE_TEXT
    if days == 0:
        return "today"
    if days > 0:
        return f"in {days} d"
    return f"{-days} d ago"


def date_text(day: date | None) -> str:
    """ISO dates everywhere: unambiguous across locales on a shared ward screen."""
    return day.isoformat() if day else NONE_TEXT


def date_days_text(day: date | None, days: int | None) -> str:
    """'2026-12-03 (in 8 d)'."""
    if day is None:
        return NONE_TEXT
    return f"{day.isoformat()} ({days_text(days)})"


def number_text(value: Decimal | int | float | None) -> str:
    """A quantity without trailing zeros or exponent: 300, 62.5, 0.75."""
    if value is None:
        return NONE_TEXT
    text = format(Decimal(value).normalize(), "f")
    return text


def alert_counts_text(assessment: Assessment) -> str:
    """'‼ 2 ⚠ 1' (only the non-zero counts; '–' when there is no alert)."""
    parts = []
    if assessment.critical_count:
        parts.append(f"‼ {assessment.critical_count}")
    if assessment.warning_count:
        parts.append(f"⚠ {assessment.warning_count}")
    return " ".join(parts) if parts else NONE_TEXT


# At most 10 cells: the list's alert column names the most urgent alert in a word or two.
ALERT_SHORT = {
    "withdrawal_risk": "WITHDRAWAL",
    "relapse": "RELAPSE",
    "reservoir_alarm_passed": "alarm past",
    "drug_stability_exceeded": "drug old",
    "no_bridging_plan": "no bridge",
    "device_removal_indicated": "explant",
    "antifungal_stopped_early": "AF stopped",
    "no_antifungal": "no therapy",
    "azole_intrinsic_resistance": "azole R",
    "drug_resistant": "drug R",
    "refill_due": "refill due",
    "alarm_date_mismatch": "alarm diff",
    "followup_culture_due": "BC due",
    "eye_exam_due": "eye exam",
    "azole_reduced_susceptibility": "azole SDD",
    "poor_cns_penetration": "CNS drug",
    "c_auris": "C. auris",
}


def top_alert_text(assessment: Assessment) -> str:
    """The most urgent alert in a word (withdrawal risk first, then the engine's order)."""
    if not assessment.alerts:
        return ""
    if assessment.withdrawal_risk:
        return ALERT_SHORT["withdrawal_risk"]
    code = assessment.alerts[0].code
    return ALERT_SHORT.get(code, code.replace("_", " "))


def severity_label(severity: str) -> str:
    return SEVERITY_LABELS.get(severity, severity)


def basis_label(basis: str) -> str:
    return BASIS_LABELS.get(basis, basis.replace("_", " "))


def current_pump(patient: Patient, as_of: date) -> Pump | None:
    """The pump in the patient on `as_of` (implanted by then, not yet removed).

    Display only: which pump's model and dose the list shows. The engine decides
    everything that depends on the pump.
    """
    implanted = [
        pump
        for pump in patient.pumps
        if pump.implanted_on is not None
        and pump.implanted_on <= as_of
        and (pump.removed_on is None or pump.removed_on > as_of)
    ]
    if not implanted:
        return None
    return max(implanted, key=lambda pump: pump.implanted_on)


def last_removed_pump(patient: Patient, as_of: date) -> Pump | None:
    """The most recently explanted pump (by `as_of`), to say 'removed on ...'."""
    removed = [p for p in patient.pumps if p.removed_on is not None and p.removed_on <= as_of]
    if not removed:
        return None
    return max(removed, key=lambda pump: pump.removed_on)


def pump_dose_text(pump: Pump) -> str:
    """'300 µg/d 500 µg/mL': the dose and the concentration a nurse checks (fits 20 cells)."""
    return f"{number_text(pump.daily_dose_ug)} µg/d {number_text(pump.concentration_ug_ml)} µg/mL"


def pump_name(pump: Pump) -> str:
    return pump.model or pump.manufacturer or pump.serial


def antifungal_text(state: AntifungalState) -> tuple[str, str]:
    """Two short lines for the antifungal countdown: ('Day 4 of 14', '10 d left')."""
    kind = state.state
    if kind == "in_progress":
        total = state.required_days if state.required_days is not None else 14
        return (f"Day {state.day} of {total}", _left_text(state.days_left))
    if kind == "awaiting_clearance":
        return ("▲ not cleared", "draw cultures")
    if kind == "awaiting_symptom_resolution":
        return ("▲ cleared", "symptoms open")
    if kind == "complete":
        return ("✔ complete", date_text(state.completed_on))
    if kind == "stopped_early":
        return ("‼ STOPPED", "too early")
    return (NONE_TEXT, "")


def _left_text(days_left: int | None) -> str:
    if days_left is None:
        return ""
    if days_left < 0:
        return f"{-days_left} d over"
    return f"{days_left} d left"


def reimplant_text(state: ReimplantState) -> tuple[str, str]:
    """Two short lines for reimplantation: ('2027-01-12', 'in 48 d')."""
    kind = state.state
    if kind == "waiting":
        if state.eligible_on is None:  # no date yet (e.g. the course was stopped early)
            return ("waiting", "no date yet")
        return (date_text(state.eligible_on), days_text(state.days_left))
    if kind == "needs_culture":
        return ("▲ culture due", date_text(state.culture_due_on))
    if kind == "eligible":
        return ("✔ eligible", date_text(state.eligible_on))
    if kind == "blocked":
        return ("✖ relapse", "")
    return (NONE_TEXT, "")


def as_of_banner(as_of: date, today: date) -> str | None:
    """The warning shown app-wide when the user looks at another date than today."""
    if as_of == today:
        return None
    return f"AS OF {as_of.isoformat()} — NOT TODAY (t: back to today)"


def as_of_text(as_of: date, today: date) -> str:
    """'as of 2026-11-25 (today)' or 'AS OF 2026-12-01 (+6 d, not today)'."""
    if as_of == today:
        return f"as of {as_of.isoformat()} (today)"
    delta = (as_of - today).days
    sign = "+" if delta > 0 else "-"
    return f"AS OF {as_of.isoformat()} ({sign}{abs(delta)} d, not today)"
