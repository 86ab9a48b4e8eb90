"""The computed columns of the ward list, defined once for CSV, XLSX and the round sheet.

Each column reads one value from a (Patient, Assessment) pair. The CSV, the spreadsheet
and the printed round sheet all take their values from here, so a list handed to the
infection-control team can never disagree with the one printed for the round. Values
keep their type (dates stay `date`, counts stay `int`, missing stays `None`); each format
decides how to show them. Codes are the contract codes of the status report, not words,
so a filter in a spreadsheet matches what `status --json` says; beside them, the words
a person reads on the ward list (`refill_shown`, `headline_alert`), from the one
presentation layer (itb_tui/present/), so a printout never reads "ok" where the list says
"REFILL NOW".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from itb_tui.clinical.assessment import Assessment
from itb_tui.clinical.records import Patient
from itb_tui.present.status import headline_words, refill_view

# Joins several codes in one cell. "; " because a comma would clash with CSV habits.
CODE_SEPARATOR = "; "

TEXT = "text"  # free text a person typed (name, ward, bed): the formula-injection risk
WORDS = "words"  # the app's own words for a state (present/): shown as they are
CODE = "code"  # one contract code
CODES = "codes"  # several contract codes joined by CODE_SEPARATOR
DATE = "date"
INT = "int"


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # CSV header and machine name
    title: str  # header in the spreadsheet and the round sheet
    kind: str  # TEXT | CODE | CODES | DATE | INT
    value: Callable[[Patient, Assessment], object]
    width: int = 12  # spreadsheet column width in characters


def _alert_codes(severity: str) -> Callable[[Patient, Assessment], str]:
    def codes(_p: Patient, a: Assessment) -> str:
        return CODE_SEPARATOR.join(x.code for x in a.alerts if x.severity == severity)

    return codes


def _reservoir(attr: str) -> Callable[[Patient, Assessment], object]:
    def get(_p: Patient, a: Assessment) -> object:
        return None if a.reservoir is None else getattr(a.reservoir, attr)

    return get


COLUMNS: tuple[Column, ...] = (
    Column("mrn", "MRN", TEXT, lambda p, a: p.mrn, 10),
    Column("name", "Name", TEXT, lambda p, a: p.name, 24),
    Column("ward", "Ward", TEXT, lambda p, a: p.ward, 12),
    Column("bed", "Bed", TEXT, lambda p, a: p.bed, 6),
    Column("refill_status", "Refill", CODE, lambda p, a: a.refill.status, 14),
    Column("refill_reasons", "Refill reasons", CODES,
           lambda p, a: CODE_SEPARATOR.join(a.refill.reasons), 28),
    Column("refill_shown", "Refill (as the list reads)", WORDS, lambda p, a: refill_view(a).line, 30),
    Column("headline_alert", "Headline alert", WORDS, lambda p, a: headline_words(a) or None, 14),
    Column("alarm_on", "Alarm date", DATE, _reservoir("alarm_on"), 12),
    Column("days_to_alarm", "Days to alarm", INT, _reservoir("days_to_alarm"), 8),
    Column("refill_by", "Refill by", DATE, _reservoir("refill_by"), 12),
    Column("days_to_refill", "Days to refill", INT, _reservoir("days_to_refill"), 8),
    Column("antifungal_state", "Antifungal", CODE, lambda p, a: a.antifungal.state, 24),
    Column("antifungal_day", "Day", INT, lambda p, a: a.antifungal.day, 6),
    Column("required_until", "Required until", DATE,
           lambda p, a: a.antifungal.required_until, 12),
    Column("antifungal_days_left", "Days left", INT, lambda p, a: a.antifungal.days_left, 8),
    Column("reimplant_state", "Reimplant", CODE, lambda p, a: a.reimplant.state, 14),
    Column("eligible_on", "Eligible on", DATE, lambda p, a: a.reimplant.eligible_on, 12),
    Column("critical_alerts", "Critical alerts", CODES, _alert_codes("critical"), 36),
    Column("warning_alerts", "Warnings", CODES, _alert_codes("warning"), 30),
    Column("info_alerts", "Info", CODES, _alert_codes("info"), 16),
)

COLUMN_KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS)

# Which columns carry a state a reader should see at a glance (coloured in XLSX and HTML).
STATUS_COLUMNS = ("refill_status", "antifungal_state", "reimplant_state")

# The tone of each state: danger (act now), warn (watch), ok, muted (does not apply).
# One table for every format, so red means the same thing on screen, paper and Excel.
TONES: dict[str, dict[str, str]] = {
    "refill_status": {
        "blocked": "danger",
        "caution": "warn",
        "ok": "ok",
        "not_applicable": "muted",
    },
    "antifungal_state": {
        "awaiting_clearance": "danger",
        "stopped_early": "danger",
        "awaiting_symptom_resolution": "warn",
        "in_progress": "warn",
        "complete": "ok",
        "not_indicated": "muted",
    },
    "reimplant_state": {
        "blocked": "danger",
        "needs_culture": "warn",
        "waiting": "warn",
        "eligible": "ok",
        "not_applicable": "muted",
    },
}


def tone(column_key: str, code: object) -> str:
    """The tone of a state code in a status column ("muted" when unknown)."""
    return TONES.get(column_key, {}).get(str(code), "muted")


# Colour role of the presentation layer -> the exports' tone.
ROLE_TONES = {"danger": "danger", "warn": "warn", "ok": "ok", "muted": "muted", "": "muted"}


def refill_tone(assessment: Assessment) -> str:
    """The refill's tone as the list colours it (an allowed but overdue refill is red)."""
    return ROLE_TONES.get(refill_view(assessment).role, "danger")


def row_values(patient: Patient, assessment: Assessment) -> tuple[object, ...]:
    """The typed values of one patient's row, in COLUMNS order."""
    return tuple(column.value(patient, assessment) for column in COLUMNS)


def as_text(value: object) -> str:
    """A value as plain text: ISO dates, empty for missing (the CSV and HTML form)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def label(code: object) -> str:
    """A contract code as words for people ("not_applicable" -> "not applicable")."""
    return as_text(code).replace("_", " ")
