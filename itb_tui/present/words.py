"""Every word a person reads for an engine code: THE wording table (issue 12).

Why one file: a nurse must read the same state the same way on the ward list, the
detail, the CLI table, the CSV, the spreadsheet and the printed round sheet. A newcomer
finds here every word the ward list shows for a refill status (`STATUS_WORDS`), a refill
reason (`REASON_WORDS`), an alert (`ALERT_WORDS`) and a countdown state. Every status
carries a word AND a symbol, never colour alone (NO_COLOR terminals, printouts,
colour-blind readers); the colour is a *role* each surface maps to its own style.

Unknown codes (a newer engine, a damaged record) fall back to a safe generic wording:
never a crash, never "OK" (`status_words`, `alert_words`). Pure Python: no Textual, no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

NONE_TEXT = "–"

# Colour roles: what the colour means, each surface picks its style for it.
DANGER, WARN, OK, MUTED, PLAIN = "danger", "warn", "ok", "muted", ""


@dataclass(frozen=True, slots=True)
class StatusWords:
    symbol: str
    word: str  # capitals: the status as read aloud
    role: str  # DANGER | WARN | OK | MUTED
    sentence: str  # what the detail banner adds after the word


# The refill status as shown. Keys are DISPLAY codes (present/status.py decides which):
# the engine's four statuses, split where "ok" alone would mislead (issue 12, rule D1).
STATUS_WORDS: dict[str, StatusWords] = {
    "blocked": StatusWords("✖", "BLOCKED", DANGER, "do not refill this pump"),
    "caution": StatusWords("▲", "CAUTION", WARN, "refill only after checking every reason"),
    "overdue": StatusWords("‼", "REFILL NOW", DANGER, "refill allowed and overdue: refill today"),
    "due": StatusWords("●", "REFILL DUE", WARN, "refill allowed: book it"),
    "alert": StatusWords("▲", "REFILL ALLOWED", WARN, "allowed, but read the critical alert"),
    "ok": StatusWords("✔", "REFILL OK", OK, "refill allowed, nothing due"),
    "not_applicable": StatusWords("–", "NO PUMP", MUTED, "nothing to refill"),
    "error": StatusWords("‼", "UNKNOWN", DANGER, "not assessed: check the records by hand"),
}
# Any status code this table does not know: never "OK".
UNKNOWN_STATUS = StatusWords("?", "CHECK", DANGER, "unknown refill status: check by hand")


def status_words(display_code: str) -> StatusWords:
    return STATUS_WORDS.get(display_code, UNKNOWN_STATUS)


# Refill reasons in a word or two (the engine's explanations carry the full sentence).
REASON_WORDS = {
    "fungemia": "fungemia",
    "bacteremia": "bacteremia",
    "csf_infection": "CSF infection",
    "pocket_infection": "pocket infection",
    "antifungal_course_open": "course incomplete",
    "culture_pending": "culture pending",
    "device_retained": "pump kept in infection",  # revision 3: caution
}


def reason_words(code: str) -> str:
    return REASON_WORDS.get(code, code.replace("_", " "))


@dataclass(frozen=True, slots=True)
class AlertWords:
    short: str  # at most 10 cells: the list's alert column and the CLI's headline
    title: str  # a few words: the detail banner and `show`


ALERT_WORDS: dict[str, AlertWords] = {
    "withdrawal_risk": AlertWords("WITHDRAWAL", "baclofen withdrawal risk"),
    "relapse": AlertWords("RELAPSE", "relapse after the course"),
    "reservoir_alarm_passed": AlertWords("alarm past", "reservoir alarm date passed"),
    "drug_stability_exceeded": AlertWords("drug old", "drug past its stability"),
    "no_bridging_plan": AlertWords("no bridge", "no bridging plan after explant"),
    "device_removal_indicated": AlertWords("explant", "remove the pump"),
    "antifungal_stopped_early": AlertWords("AF stopped", "antifungal stopped too early"),
    "no_antifungal": AlertWords("no therapy", "no antifungal for this episode"),
    "azole_intrinsic_resistance": AlertWords("azole R", "organism resistant to the azole"),
    "drug_resistant": AlertWords("drug R", "organism resistant to the drug"),
    "refill_due": AlertWords("refill due", "refill due"),
    "alarm_date_mismatch": AlertWords("alarm diff", "printed and computed alarm differ"),
    "followup_culture_due": AlertWords("BC due", "follow-up blood culture due"),
    "eye_exam_due": AlertWords("eye exam", "dilated eye exam due"),
    "azole_reduced_susceptibility": AlertWords("azole SDD", "reduced azole susceptibility"),
    "poor_cns_penetration": AlertWords("CNS drug", "drug reaches the CSF poorly"),
    "c_auris": AlertWords("C. auris", "Candida auris: isolate and notify"),
    # clinical rules revision 3
    "device_infection": AlertWords("pump infct", "pump system infected"),
    "device_retained": AlertWords("pump kept", "pump kept through a fungal infection"),
    "non_candida_fungus": AlertWords("ID regimen", "not Candida: specialist regimen"),
    "drug_inactive": AlertWords("wrong drug", "drug inactive against this fungus"),
    "infection_before_reimplant": AlertWords("infection", "infection before reimplant"),
}


def alert_words(code: str, severity: str = "critical") -> AlertWords:
    """An unknown code still reads as an alert of its severity (never as nothing)."""
    known = ALERT_WORDS.get(code)
    if known is not None:
        return known
    words = code.replace("_", " ")
    return AlertWords(words[:10], words)


SEVERITY_SYMBOLS = {"critical": "‼", "warning": "⚠", "info": "ℹ"}
SEVERITY_LABELS = {"critical": "‼ CRITICAL", "warning": "⚠ WARNING", "info": "ℹ info"}

# local_policy is shouted because a hospital's safety officer must review those rules.
BASIS_LABELS = {
    "guideline": "guideline",
    "expert_summary": "expert summary",
    "local_policy": "▲ LOCAL POLICY",
}


def severity_label(severity: str) -> str:
    return SEVERITY_LABELS.get(severity, f"‼ {severity.upper()}")


def basis_label(basis: str) -> str:
    return BASIS_LABELS.get(basis, basis.replace("_", " "))


# Countdown card headlines (capitalised as shown; alarms in capitals).
ANTIFUNGAL_STATE_WORDS = {
    "not_indicated": "Not indicated",
    "awaiting_clearance": "Awaiting clearance",
    "awaiting_symptom_resolution": "Awaiting symptom resolution",
    "in_progress": "In progress",
    "specialist_duration": "Specialist duration",  # revision 3: no 14-day countdown
    "complete": "Complete",
    "stopped_early": "‼ STOPPED EARLY",
}
# Reimplant headlines. "blocked" is named by the alert that blocks it (see reimplant_lines).
REIMPLANT_STATE_WORDS = {
    "not_applicable": "Not applicable",
    "waiting": "Waiting",
    "needs_culture": "Needs a confirming blood culture",
    "eligible": "✔ Eligible",
    "blocked": "✖ BLOCKED (relapse)",
}
REIMPLANT_BLOCKED_WORDS = {  # alert code -> (list word, card headline)
    "relapse": ("✖ relapse", "✖ BLOCKED (relapse)"),
    "infection_before_reimplant": ("✖ infection", "✖ BLOCKED (infection not cleared)"),
}

# The pump cell/card when the pump's implant date is not recorded (rule D4).
IMPLANT_DATE_UNKNOWN = "implanted (date unknown)"

# The standard course: "Day N of 14" (clinical-rules.md).
STANDARD_COURSE_DAYS = 14


def words(code: str | None, table: dict[str, str] | None = None) -> str:
    """A code as words: from `table` when it knows the code, else underscores to spaces."""
    if code is None:
        return NONE_TEXT
    if table and code in table:
        return table[code]
    return code.replace("_", " ")


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
    return format(Decimal(value).normalize(), "f")


def left_text(days_left: int | None) -> str:
    if days_left is None:
        return ""
    if days_left < 0:
        return f"{-days_left} d over"
    return f"{days_left} d left"


# The laboratory's report status of a culture that came from the lab feed (issue 15). A
# preliminary result ("yeast seen", "growth, identification to follow") blocks the refill
# as the final would; wherever it is shown it says it is preliminary, so nobody reads it
# as final (or a preliminary "no growth to date" as a cleared culture).
PRELIMINARY_WORD = "preliminary"
PRELIMINARY_NOTE = "preliminary (laboratory report, final to follow)"
PRELIMINARY_SHOW_LABEL = "rests on a preliminary laboratory report"
LAB_RESULT_WORDS = {"pending": "pending", "no_growth": "no growth", "positive": "positive"}
LAB_SPECIMEN_WORDS = {"blood": "blood", "csf": "CSF", "pocket": "pump pocket", "wound": "wound",
                      "catheter_tip": "catheter tip", "urine": "urine", "other": "other"}


# --- The refill and culture forms: the refill status on the form's date ---------------
# (The forms word nothing themselves: what a nurse reads while recording a refill or a
# culture is here with every other status word.)

REFILL_OVERRIDE_NEEDED = ("To record it anyway a clinician must give an override reason "
                          "(kept in the audit trail).")
REFILL_OVERRIDE_NOT_YOURS = ("✖ You may not override the block with your role: ask a clinician "
                             "to record this refill.")
CORRECTION_NOT_YOURS = "✖ You may not correct a final result with your role: ask a clinician."


def refill_on_words(status: str, day: str) -> tuple[str, str]:
    """(the line, its colour role) for the engine's refill `status` on `day` (already
    formatted by the surface). An unknown status never reads as allowed."""
    if status == "blocked":
        return f"✖ REFILL BLOCKED on {day}", DANGER
    if status == "caution":
        return f"▲ CAUTION on {day}: refill allowed", WARN
    if status == "not_applicable":
        return f"– No pump implanted on {day}.", PLAIN
    if status == "ok":
        return f"✔ Refill allowed on {day}.", PLAIN
    return f"? Refill status {status!r} on {day}: check by hand", DANGER


def refill_stays_words(label: str) -> str:
    return f"Refill status stays {label}."


REFILL_CHANGES = "Saving this changes the refill status: "

# The labels of the reservoir and reimplant countdowns, in the detail (show.py) and on the
# round sheet (exports/html_export.py).
REFILL_BY_LABEL = "refill by"
ELIGIBLE_ON_LABEL = "eligible on"
CONFIRMING_CULTURE_ON = "draw blood culture on or after"


def correction_heading(was: str) -> str:
    return (f"✎ CORRECTION of a final result (was {was}): a clinician's decision with a reason; "
            "the earlier value is kept.")


def correction_lifts_block(reasons: list[str]) -> str:
    return "✖ This correction LIFTS THE REFILL BLOCK (" + ", ".join(reasons) + ")"
