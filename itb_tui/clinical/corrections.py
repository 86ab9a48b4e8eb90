"""Corrections of culture results: when a change to a result is a correction, and what it does.

Laboratories issue *corrected reports*: a blood culture reported positive for Candida may
later be corrected to "no growth" (a mislabelled bottle), an organism re-identified, a
susceptibility revised. Entering the result of a *pending* culture is ordinary data
entry (a nurse may); changing a result that was already final is a correction: it can
lift a fungemia refill block, so it is a clinician's decision, with a written reason,
and the earlier value stays on record (the audit trail's before-image) and on screen
("corrected (was …)").

Pure policy: records in, decision out (no database, no UI). The store enforces it, the
culture result form and the import use it to say so before anything is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from itb_tui.clinical.records import Culture, Patient

# A result the laboratory has reported; "pending" is not final.
FINAL_RESULTS = ("no_growth", "positive")
# The fields of a culture that carry its result (what `record_culture_result` may enter).
RESULT_FIELDS = ("result", "organism", "susceptibility")
# The role-table action a correction needs (security/roles.py: a clinician).
CORRECTION_ACTION = "correct_culture_result"
# A correction's reason, like a refill override's, must say something (not "ok").
MIN_CORRECTION_REASON = 10


def _result_of(culture: Culture | Mapping[str, Any]) -> tuple[Any, Any, dict]:
    get = culture.get if isinstance(culture, Mapping) else lambda name: getattr(culture, name)
    return get("result"), get("organism") or None, dict(get("susceptibility") or {})


def is_correction(old: Culture | Mapping[str, Any], new: Culture | Mapping[str, Any]) -> bool:
    """True when `new` changes the result of `old` and `old`'s result was final.

    Accepts records or their audit images (dicts with the ward-file field names), so the
    same rule reads the store's history. Pending -> a result is an entry, not a correction;
    a final result changed in any result field (back to pending included) is one."""
    before = _result_of(old)
    return before[0] in FINAL_RESULTS and before != _result_of(new)


def result_words(culture: Culture | Mapping[str, Any]) -> str:
    """The result in a line: `positive: Candida albicans, fluconazole S` / `no growth`."""
    result, organism, susceptibility = _result_of(culture)
    text = str(result).replace("_", " ")
    if organism:
        text += f": {organism}"
    if susceptibility:
        text += ", " + ", ".join(f"{drug} {value}" for drug, value in sorted(susceptibility.items()))
    return text


@dataclass(frozen=True, slots=True)
class Correction:
    """What saving a culture change means. `correction` False: an entry, nothing more."""

    correction: bool
    was: str = ""  # the earlier result, in words ("positive: Candida albicans")
    now: str = ""
    # The refill block this correction lifts on the assessment date: the reasons it had
    # (empty when the refill was not blocked before, or stays blocked after).
    lifts_block: tuple[str, ...] = ()

    @property
    def action(self) -> str:
        return CORRECTION_ACTION if self.correction else "record_culture_result"

    def summary(self) -> str:
        """One line for a refusal or a confirmation: what changes and what it lifts."""
        text = f"corrects a final result: {self.was} -> {self.now}"
        if self.lifts_block:
            text += " (this lifts the refill block: " + ", ".join(self.lifts_block) + ")"
        return text


def decide(before: Patient, after: Patient, old: Culture, new: Culture, on: date, rules=None) -> Correction:
    """Whether changing `old` into `new` (the patient `before` -> `after`) is a correction,
    and whether it lifts a refill block on `on` (blocked before, not blocked after)."""
    if not is_correction(old, new):
        return Correction(False)
    return Correction(True, was=result_words(old), now=result_words(new),
                      lifts_block=lifted_block(before, after, on, rules))


def lifted_block(before: Patient, after: Patient, on: date, rules=None) -> tuple[str, ...]:
    """The block reasons `before` had on `on` when `after` is no longer blocked; else ()."""
    from itb_tui.clinical.engine import assess

    was = assess(before, on, rules).refill
    if was.status != "blocked":
        return ()
    now = assess(after, on, rules).refill
    return tuple(was.reasons) if now.status != "blocked" else ()


def reason_problem(reason: str | None) -> str | None:
    """Why a correction's reason is not enough, or None."""
    text = " ".join(str(reason or "").split())
    if not text:
        return ("is required: changing a final culture result is a correction; say why "
                "(e.g. the laboratory's corrected report)")
    if len(text) < MIN_CORRECTION_REASON:
        return f"must be at least {MIN_CORRECTION_REASON} characters: say why the result is corrected"
    return None


@dataclass(frozen=True, slots=True)
class PastCorrection:
    """A correction on record: which culture, what it was before, who, when and why."""

    culture_id: int
    was: str
    by: str
    at: Any  # a datetime (UTC)
    reason: str | None


def past_corrections(entries) -> dict[int, tuple[PastCorrection, ...]]:
    """Culture id -> its corrections, oldest first, read from audit entries (any objects
    with table, action, record_id, before, after, actor/username, at, reason): every
    update of a culture whose before-image had a final result that the after-image
    changed. Derived from the trail itself, so a change made before this rule existed
    (or by an import) is shown too."""
    found: dict[int, list[PastCorrection]] = {}
    for e in entries:
        if e.table != "cultures" or e.action != "update" or not e.before or not e.after:
            continue
        if e.record_id is None or not is_correction(e.before, e.after):
            continue
        if e.before.get("report_status") == "preliminary":
            continue  # the lab's final report replacing its preliminary one (issue 15): no correction
        found.setdefault(e.record_id, []).append(PastCorrection(
            e.record_id, result_words(e.before), e.username or e.actor, e.at, e.reason))
    return {cid: tuple(items) for cid, items in found.items()}
