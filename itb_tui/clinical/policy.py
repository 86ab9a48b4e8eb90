"""The clinical policy for recording a refill: when a block must be lifted, and what a
reason to lift it must say. One rule for the store (which enforces it in the write's
transaction) and the refill form (which asks for the reason before saving).

- Whether the refill is blocked is the engine's answer on the refill date
  (`engine.assess(...).refill`), never the caller's.
- A blocked refill is recorded only with a written override reason of at least
  `MIN_OVERRIDE_REASON` characters (after collapsing white space: "   " is no reason);
  the reason is kept on the refill and in its audit row. A refill that is not blocked
  keeps no override (a reason typed anyway is only the audit note).
- Who may lift a block: a role holding `override_refill_block` (a clinician, the role
  table in `security/roles.py`, docs/roles.md); `lift_needs_permission` says when that
  check applies. The role table is security's; when to consult it is decided here.

Pure: records, rules and text in, a decision out (hazard log H1, H2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

MIN_OVERRIDE_REASON = 10

# Why a blocked refill cannot be recorded as given.
REASON_MISSING = "missing"
REASON_TOO_SHORT = "too_short"


def override_text(raw: str | None) -> str | None:
    """The reason as kept: white space collapsed; None when nothing was written."""
    return " ".join(str(raw or "").split()) or None


def override_problem(raw: str | None) -> str | None:
    """REASON_MISSING, REASON_TOO_SHORT or None (a reason that may lift a block)."""
    text = override_text(raw)
    if text is None:
        return REASON_MISSING
    if len(text) < MIN_OVERRIDE_REASON:
        return REASON_TOO_SHORT
    return None


@dataclass(frozen=True)
class RefillDecision:
    """What recording a refill on `on` means for this patient."""

    state: Any  # the engine's RefillState on the refill date (status, reasons, explanations)
    note: str | None  # the reason as given, collapsed (the audit row's reason)
    stored_override: str | None  # what the refill keeps: the note when it lifts a block
    problem: str | None  # None when the refill may be recorded; else REASON_*

    @property
    def blocked(self) -> bool:
        return self.state.status == "blocked"

    @property
    def lift_needs_permission(self) -> bool:
        """The recorder must hold `override_refill_block` (security.roles.require_refill)."""
        return self.blocked


def decide_refill(patient, on: date, rules, override_reason: str | None) -> RefillDecision:
    """The engine's refill state on `on` and what the override reason does to it."""
    from itb_tui.clinical.engine import assess

    state = assess(patient, on, rules).refill
    note = override_text(override_reason)
    if state.status != "blocked":
        return RefillDecision(state, note, None, None)
    problem = override_problem(override_reason)
    return RefillDecision(state, note, note if problem is None else None, problem)
