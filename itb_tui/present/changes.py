"""What changed since a patient's last review, in words (issue 16: "new: positive blood
culture"), for the ward list's "Since review" column and the top of the detail.

Why two sources: a review (store/reviews.py) keeps the audit position its screen covered
and a small summary of the assessment seen (`summary_of`). The changes since are
- every audit entry about the patient after that position that a round must hear of
  (`change_of_event`: a new or corrected result, a refill, an explant or implant, a new
  note, a record marked entered in error, an antifungal course or bridging started or
  stopped, an exam), and
- what the assessment says now that the summary did not (`summary_changes`): a block
  started or lifted, a new critical alert, the pump's dose or concentration changed.
  Those can change with no new record at all (a date passing), which is why they come
  from the assessment and not from the trail.

A patient never reviewed on this ward shows "not reviewed" (never "no change"), and the
"changed" filter keeps them: nothing says they were seen (docs/rules.md, D-changes).

Pure: the store's records (store/review_read.py) are read by attribute; no store import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Mapping, Protocol, Sequence

from itb_tui.clinical.assessment import Assessment
from itb_tui.clinical.pumps import current_pump
from itb_tui.clinical.records import Patient
from itb_tui.present import words as w

# The kinds of change, most telling first (the list shows the first; the detail all, in
# this order). Each has one role (its colour: danger, warn or plain).
BLOCK_STARTED = "block_started"
CRITICAL_ALERT = "critical_alert"
POSITIVE_RESULT = "positive_result"
CORRECTED_RESULT = "corrected_result"
EXPLANT = "explant"
IMPLANT = "implant"
DOSE = "dose"
CONCENTRATION = "concentration"
BLOCK_LIFTED = "block_lifted"
REFILL = "refill"
NEW_RESULT = "new_result"
NOTE = "note"
ENTERED_IN_ERROR = "entered_in_error"
TREATMENT = "treatment"  # antifungal course, bridging, exam

# A new positive or corrected result comes before the block it starts: the refill column
# already says BLOCKED, the list's "Since review" cell says why it is new.
KIND_ORDER = (POSITIVE_RESULT, CORRECTED_RESULT, BLOCK_STARTED, CRITICAL_ALERT, EXPLANT, IMPLANT,
              DOSE, CONCENTRATION, BLOCK_LIFTED, REFILL, NEW_RESULT, NOTE, ENTERED_IN_ERROR, TREATMENT)
KIND_ROLES = {
    BLOCK_STARTED: w.DANGER, CRITICAL_ALERT: w.DANGER, POSITIVE_RESULT: w.DANGER,
    CORRECTED_RESULT: w.WARN, EXPLANT: w.WARN, IMPLANT: w.WARN, DOSE: w.WARN, CONCENTRATION: w.WARN,
    BLOCK_LIFTED: w.WARN, REFILL: w.PLAIN, NEW_RESULT: w.PLAIN, NOTE: w.PLAIN,
    ENTERED_IN_ERROR: w.WARN, TREATMENT: w.PLAIN,
}

# The handover notes (another part of issue 16) are written to this table; a note added
# after the review reads "new note: <its first words>". Rename here if the notes table is
# named otherwise; `note_words` takes the audit entry's `after`.
NOTE_TABLES = ("notes",)
NOTE_PREVIEW_CHARS = 40

# The list's marker symbols.
CHANGED_MARK = "●"
NOT_REVIEWED_MARK = "○"
REVIEWED_MARK = "✓"
NEW_RESULT_MARK = "✉"
NOT_REVIEWED_TEXT = f"{NOT_REVIEWED_MARK} not reviewed"
NEW_RESULT_TEXT = f"{NEW_RESULT_MARK} new result"

# The printed round sheet's section title (present/round_sheet.py changes_section).
SHEET_TITLE = "Changes since the last review"

# The ward summary line's words for the `c` quick filter.
CHANGED_FILTER_TEXT = "changed or not reviewed"

# Row states (WardRow.review): what the "changed" filter reads.
STATE_NOT_REVIEWED, STATE_CHANGED, STATE_UNCHANGED = "not_reviewed", "changed", "unchanged"

SPECIMEN_WORDS = {"csf": "CSF", "catheter_tip": "catheter tip"}
COURSE_WORDS = {"oral_baclofen": "oral baclofen"}


class EventFacts(Protocol):
    table: str
    action: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


class ReviewFacts(Protocol):
    reviewed_by: str
    reviewed_at: datetime
    summary: Mapping[str, Any]
    events: Sequence[EventFacts]


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # one of KIND_ORDER
    words: str  # "new: positive blood culture (Staphylococcus aureus)"

    @property
    def role(self) -> str:
        return KIND_ROLES.get(self.kind, w.PLAIN)


# --- the summary a review keeps -----------------------------------------------------------

def summary_of(patient: Patient, assessment: Assessment) -> dict[str, Any]:
    """What a review stores of the assessment on screen (plain JSON values)."""
    pump = current_pump(patient, assessment.as_of)
    return {
        "refill": assessment.refill.status,
        "critical": sorted({a.code for a in assessment.alerts if a.severity == "critical"}),
        "pump": pump.serial if pump is not None else None,
        "dose": None if pump is None else str(pump.daily_dose_ug),
        "concentration": None if pump is None else str(pump.concentration_ug_ml),
    }


def _number(text: Any) -> str:
    from decimal import Decimal, InvalidOperation

    try:
        return w.number_text(Decimal(str(text)))
    except (InvalidOperation, ValueError):
        return str(text)


def summary_changes(summary: Mapping[str, Any], patient: Patient, assessment: Assessment) -> list[Change]:
    """What the assessment says now that the review's summary did not."""
    now = summary_of(patient, assessment)
    out: list[Change] = []
    was, status = summary.get("refill"), now["refill"]
    if status == "blocked" and was != "blocked":
        reasons = ", ".join(w.reason_words(r) for r in assessment.refill.reasons)
        out.append(Change(BLOCK_STARTED, "refill block started" + (f": {reasons}" if reasons else "")))
    elif was == "blocked" and status != "blocked":
        out.append(Change(BLOCK_LIFTED, f"refill block lifted (now {w.status_words(status).word})"))
    seen = set(summary.get("critical") or ())
    for code in now["critical"]:
        if code not in seen:
            out.append(Change(CRITICAL_ALERT, f"new critical alert: {w.alert_words(code).title}"))
    if now["pump"] is not None and now["pump"] == summary.get("pump"):
        for key, kind, unit, label in (("dose", DOSE, "µg/d", "dose"),
                                       ("concentration", CONCENTRATION, "µg/mL", "concentration")):
            old, new = summary.get(key), now[key]
            if old is not None and _number(old) != _number(new):
                out.append(Change(kind, f"{label} changed: {_number(old)} → {_number(new)} {unit}"))
    return out


# --- the trail's entries ------------------------------------------------------------------

def _specimen(value: Any) -> str:
    return w.words(str(value or "other"), SPECIMEN_WORDS)


def _culture_result(after: Mapping[str, Any]) -> str:
    result = after.get("result")
    organism = after.get("organism")
    if result == "positive":
        return f"positive ({organism})" if organism else "positive"
    return w.words(str(result or "unknown"))


def note_words(after: Mapping[str, Any] | None) -> str:
    """'new note: <its first words>' (the notes table is another part's: NOTE_TABLES)."""
    text = " ".join(str((after or {}).get("text") or "").split())
    if len(text) > NOTE_PREVIEW_CHARS:
        text = text[:NOTE_PREVIEW_CHARS - 1] + "…"
    return f"new note: {text}" if text else "new note"


_RECORD_WORDS = {"cultures": "culture", "refills": "refill", "pumps": "pump",
                 "antifungal_courses": "antifungal course", "bridging": "bridging", "exams": "exam"}


def change_of_event(table: str, action: str, before: Mapping[str, Any] | None,
                    after: Mapping[str, Any] | None) -> Change | None:
    """The change one audit entry stands for, or None when the round need not hear of it
    (demographics, a lab report's own row: its culture's entry says it, a deferral)."""
    before, after = before or {}, after or {}
    if table in NOTE_TABLES:
        return Change(NOTE, note_words(after)) if action == "create" else None
    if action == "entered_in_error":
        return Change(ENTERED_IN_ERROR, f"{_RECORD_WORDS.get(table, table)} marked entered in error")
    if table == "cultures":
        specimen = _specimen(after.get("specimen") or before.get("specimen"))
        if action == "create":
            if after.get("result") == "positive":
                return Change(POSITIVE_RESULT, f"new: positive {specimen} culture"
                              + (f" ({after['organism']})" if after.get("organism") else ""))
            if after.get("result") == "pending":
                return Change(NEW_RESULT, f"new: {specimen} culture drawn (pending)")
            return Change(NEW_RESULT, f"new: {specimen} culture {_culture_result(after)}")
        if action == "update":
            old, new = _culture_result(before), _culture_result(after)
            if old == new:
                return None
            if before.get("result") == "pending":
                kind = POSITIVE_RESULT if after.get("result") == "positive" else NEW_RESULT
                return Change(kind, f"result: {specimen} culture {new}")
            return Change(CORRECTED_RESULT, f"corrected: {specimen} culture now {new} (was {old})")
        return None
    if table == "refills" and action == "create":
        volume = after.get("volume_ml")
        on = after.get("on")
        words = "refill" + (f" {_number(volume)} mL" if volume is not None else "") + (f" on {on}" if on else "")
        if after.get("override_reason"):
            words += " (block overridden)"
        return Change(REFILL, words)
    if table == "pumps":
        serial = after.get("serial") or before.get("serial") or ""
        if action == "create":
            return Change(IMPLANT, f"implant: pump {serial}".rstrip())
        if action == "update" and after.get("removed_on") and not before.get("removed_on"):
            return Change(EXPLANT, f"explant: pump {serial} removed {after['removed_on']}")
        return None  # dose and concentration: from the summary (summary_changes)
    if table == "antifungal_courses":
        drug = after.get("drug") or before.get("drug") or ""
        if action == "create":
            return Change(TREATMENT, f"antifungal started: {drug}")
        if action == "update" and after.get("stopped_on") and not before.get("stopped_on"):
            return Change(TREATMENT, f"antifungal stopped: {drug}")
        return None
    if table == "bridging":
        method = w.words(str(after.get("method") or before.get("method") or ""), COURSE_WORDS)
        if action == "create":
            return Change(TREATMENT, f"bridging started: {method}")
        if action == "update" and after.get("stopped_on") and not before.get("stopped_on"):
            return Change(TREATMENT, f"bridging stopped: {method}")
        return None
    if table == "exams" and action == "create":
        return Change(TREATMENT, f"exam recorded: {w.words(str(after.get('kind') or 'exam'))}")
    return None


def changes_since(review: ReviewFacts | None, patient: Patient, assessment: Assessment) -> tuple[Change, ...]:
    """Every change since `review` (none for a patient never reviewed: see `review_state`),
    most serious first, each said once."""
    if review is None:
        return ()
    found: list[Change] = []
    for event in review.events:
        change = change_of_event(event.table, event.action, event.before, event.after)
        if change is not None:
            found.append(change)
    found.extend(summary_changes(review.summary or {}, patient, assessment))
    unique = list(dict.fromkeys(found))
    rank = {kind: i for i, kind in enumerate(KIND_ORDER)}
    unique.sort(key=lambda c: rank.get(c.kind, len(rank)))
    return tuple(unique)


def review_state(review: ReviewFacts | None, changes: Sequence[Change]) -> str:
    if review is None:
        return STATE_NOT_REVIEWED
    return STATE_CHANGED if changes else STATE_UNCHANGED


def reviewed_text(review: ReviewFacts) -> str:
    """'reviewed by nora 2026-11-10 09:12 UTC'."""
    at = review.reviewed_at
    return f"reviewed by {review.reviewed_by} {at:%Y-%m-%d %H:%M} UTC"


def _strongest(changes: Iterable[Change]) -> str:
    roles = {c.role for c in changes}
    return w.DANGER if w.DANGER in roles else w.WARN if w.WARN in roles else w.PLAIN


def list_lines(review: ReviewFacts | None, changes: Sequence[Change]) -> tuple[str, str, str]:
    """(top, bottom, role) of the list's "Since review" cell."""
    if review is None:
        return NOT_REVIEWED_TEXT, "", w.MUTED
    if not changes:
        return f"{REVIEWED_MARK} no change", f"by {review.reviewed_by} {review.reviewed_at:%Y-%m-%d}", w.MUTED
    first = changes[0]
    more = len(changes) - 1
    bottom = f"+{more} more since review" if more else f"since {review.reviewed_by}'s review"
    return f"{CHANGED_MARK} {first.words}", bottom, _strongest(changes)


def with_new_result(bottom: str) -> str:
    """The cell's second line for a patient with a laboratory result the user has not
    opened yet (issue 15): the marker first, what was there after it."""
    return f"{NEW_RESULT_TEXT} · {bottom}" if bottom else NEW_RESULT_TEXT


def detail_lines(review: ReviewFacts | None, changes: Sequence[Change]) -> tuple[str, list[tuple[str, str]]]:
    """The detail's "since review" section: a heading and (text, role) lines."""
    if review is None:
        return (f"{NOT_REVIEWED_MARK} Not reviewed on this ward yet: press v once you have "
                "reviewed this patient."), []
    if not changes:
        return f"{REVIEWED_MARK} No change since {reviewed_text(review)}.", []
    return (f"{CHANGED_MARK} Changed since {reviewed_text(review)}:",
            [(f"{CHANGED_MARK} {c.words}", c.role) for c in changes])
