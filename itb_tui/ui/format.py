"""The screens' helpers for words: the wording itself lives in itb_tui/present/.

Why this module still exists: the forms and screens import their small helpers from here.
Every word is the presentation layer's (present/words.py: the one wording table), and the
"current pump" rule is the clinical package's (clinical/pumps.py); nothing is redefined
here. Only what is the app's own (the "as of" banner) is written here.
"""

from __future__ import annotations

from datetime import date

from itb_tui.clinical.assessment import Assessment, RefillState
from itb_tui.clinical.pumps import current_pump
from itb_tui.present.cells import last_removed_pump, pump_dose_text, pump_name
from itb_tui.present.status import counts_text as alert_counts_text
from itb_tui.present.status import headline_words as top_alert_text
from itb_tui.present.status import reasons_text as _reasons_text
from itb_tui.present.status import refill_view
from itb_tui.present.words import (
    BASIS_LABELS,
    NONE_TEXT,
    REASON_WORDS,
    SEVERITY_LABELS,
    SEVERITY_SYMBOLS,
    STATUS_WORDS,
    basis_label,
    date_days_text,
    date_text,
    days_text,
    number_text,
    severity_label,
)
from itb_tui.present.words import reason_words as reason_text

__all__ = [
    "BASIS_LABELS", "NONE_TEXT", "REASON_WORDS", "SEVERITY_LABELS", "SEVERITY_SYMBOLS",
    "STATUS_LABELS", "alert_counts_text", "as_of_banner", "as_of_text", "basis_label",
    "current_pump", "date_days_text", "date_text", "days_text", "last_removed_pump",
    "number_text", "pump_dose_text", "pump_name", "reason_text", "reasons_text",
    "refill_label", "severity_label", "status_label", "top_alert_text",
]

# The engine's four statuses as labels (the culture form's "before → after").
STATUS_LABELS = {
    code: f"{STATUS_WORDS[code].symbol} {STATUS_WORDS[code].word}"
    for code in ("blocked", "caution", "ok", "not_applicable")
}


def status_label(refill: RefillState) -> str:
    """The engine status alone ('✖ BLOCKED'); a screen showing a patient uses
    `refill_label`, which also knows when an allowed refill is due or overdue."""
    return STATUS_LABELS.get(refill.status, f"? {refill.status.upper()}")


def refill_label(assessment: Assessment) -> str:
    """'‼ REFILL NOW', '✖ BLOCKED', ... as on the list (present/status.py)."""
    return refill_view(assessment).label


def reasons_text(refill: RefillState) -> str:
    return _reasons_text(refill.reasons)


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
