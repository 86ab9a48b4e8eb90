"""The refill status as read, the headline alert and the urgency rank of one patient.

Why here and not in the engine: the engine says what is allowed (`blocked`, `caution`,
`ok`, `not_applicable`); a reader also needs to know what is *due*. "ok" beside a refill
date that has passed, an alarm that has passed or a drug past its stability reads as
"nothing to do", so it is never shown as OK (docs/rules.md, Display rules D1). Every
surface (list, detail, CLI, CSV, XLSX, round sheet) takes these from here, so they
cannot disagree on any patient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from itb_tui.clinical.assessment import Alert, Assessment
from itb_tui.present.words import StatusWords, alert_words, reason_words, status_words

ENGINE_STATUSES = ("blocked", "caution", "ok", "not_applicable")


@dataclass(frozen=True, slots=True)
class RefillView:
    code: str  # display code: a key of words.STATUS_WORDS (or an unknown engine code)
    words: StatusWords
    detail: str  # the reasons, the date it is due or overdue; '' when none

    @property
    def label(self) -> str:
        """'‼ REFILL NOW': symbol and word (the list's top line, the CLI's status)."""
        return f"{self.words.symbol} {self.words.word}"

    @property
    def line(self) -> str:
        """'‼ REFILL NOW · overdue since 2026-12-01': everything on one line."""
        return f"{self.label} · {self.detail}" if self.detail else self.label

    @property
    def list_detail(self) -> str:
        """The list's second line, at most 16 cells (the refill column's narrowest):
        'since 2026-12-01' under '‼ REFILL NOW' (the rest as `detail`)."""
        if self.code == "overdue":
            return self.detail.replace("overdue since ", "since ", 1)
        return self.detail

    @property
    def role(self) -> str:
        return self.words.role


def display_code(assessment: Assessment) -> str:
    """Which row of STATUS_WORDS this assessment reads as."""
    status = assessment.refill.status
    if status != "ok":
        return status if status in ENGINE_STATUSES else "unknown:" + status
    reservoir = assessment.reservoir
    if reservoir is not None and reservoir.days_to_refill < 0:
        return "overdue"  # refill date passed: also when the alarm passed or the drug expired
    if any(alert.severity == "critical" for alert in assessment.alerts):
        return "alert"
    if reservoir is not None and any(alert.code == "refill_due" for alert in assessment.alerts):
        return "due"
    return "ok"


def refill_view(assessment: Assessment) -> RefillView:
    code = display_code(assessment)
    reservoir = assessment.reservoir
    if code == "overdue":
        detail = f"overdue since {reservoir.refill_by.isoformat()}"
    elif code == "due":
        detail = f"by {reservoir.refill_by.isoformat()}"
    elif code == "alert":
        detail = "‼ " + headline_words(assessment)
    else:
        detail = reasons_text(assessment.refill.reasons)
    return RefillView(code, status_words(code), detail)


def reasons_text(reasons: tuple[str, ...]) -> str:
    """The most serious reason in words, plus how many more ('fungemia +1')."""
    if not reasons:
        return ""
    more = len(reasons) - 1
    first = reason_words(reasons[0])
    return f"{first} +{more}" if more else first


def headline_alert(assessment: Assessment) -> Alert | None:
    """The one alert a screen names when it has room for one: withdrawal risk first,
    else the engine's first (critical first, then warning, then info)."""
    if not assessment.alerts:
        return None
    for alert in assessment.alerts:
        if alert.code == "withdrawal_risk":
            return alert
    return assessment.alerts[0]


def headline_words(assessment: Assessment) -> str:
    """The headline alert in a word or two ('' when there is no alert)."""
    alert = headline_alert(assessment)
    return "" if alert is None else alert_words(alert.code, alert.severity).short


def counts_text(assessment: Assessment) -> str:
    """'‼ 2 ⚠ 1' (only the non-zero counts; '–' when there is no alert)."""
    parts = []
    if assessment.critical_count:
        parts.append(f"‼ {assessment.critical_count}")
    if assessment.warning_count:
        parts.append(f"⚠ {assessment.warning_count}")
    return " ".join(parts) if parts else "–"


# --- urgency: one order for the list, the CLI table and the round sheet ----------------

URGENCY_GROUPS = (
    "withdrawal risk",
    "refill overdue or no bridging plan",
    "refill blocked",
    "other critical alert",
    "refill with caution",
    "refill due within 7 days",
    "warnings",
    "the rest",
)
_NO_DATE = date.max.toordinal()


def urgency_group(assessment: Assessment) -> int:
    """The index in URGENCY_GROUPS (docs/rules.md, Display rules D2)."""
    codes = {alert.code for alert in assessment.alerts}
    reservoir = assessment.reservoir
    status = assessment.refill.status
    if "withdrawal_risk" in codes:
        return 0
    if (reservoir is not None and reservoir.days_to_refill < 0) or "no_bridging_plan" in codes:
        return 1
    if status == "blocked":
        return 2
    if any(alert.severity == "critical" for alert in assessment.alerts):
        return 3
    if status == "caution" or status not in ENGINE_STATUSES:
        return 4
    if reservoir is not None and "refill_due" in codes:
        return 5
    if any(alert.severity == "warning" for alert in assessment.alerts):
        return 6
    return 7


@lru_cache(maxsize=4096)  # a ward's few wards and beds, sorted 10,000 times (the round sheet)
def _natural(text: str | None) -> str:
    """Text that sorts numbers as numbers ('bed 9' before 'bed 10') as a plain string."""
    return re.sub(r"\d+", lambda m: m.group().zfill(12), (text or "").casefold())


def urgency_key(patient, assessment: Assessment) -> tuple[int, int, str, str, str]:
    """Sort ascending, most urgent first: group, earliest refill-by date, bed (ward,
    then bed, numbers as numbers), MRN. Two ints and three strings (the saved rows
    store exactly this shape)."""
    reservoir = assessment.reservoir
    refill_by = reservoir.refill_by.toordinal() if reservoir is not None else _NO_DATE
    return (urgency_group(assessment), refill_by, _natural(patient.ward), _natural(patient.bed),
            patient.mrn)
