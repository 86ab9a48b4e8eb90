"""The refill policy (clinical/policy.py): what an override reason must be, and what
recording a refill means on the refill date. One rule for the store and the refill form
(hazard log H1, H2)."""

from __future__ import annotations

import pytest
from clinical_factories import culture, d, patient, pump, refill

from itb_tui.clinical.policy import (
    MIN_OVERRIDE_REASON,
    REASON_MISSING,
    REASON_TOO_SHORT,
    decide_refill,
    override_problem,
    override_text,
)
from itb_tui.clinical.rules import load_rules

RULES = load_rules()
PUMP = pump(refill("2026-10-20"))


@pytest.mark.parametrize("raw,kept,problem", [
    (None, None, REASON_MISSING),
    ("", None, REASON_MISSING),
    ("   \n\t ", None, REASON_MISSING),           # white space is no reason
    ("too short", "too short", REASON_TOO_SHORT),  # 9 characters
    ("ten chars!", "ten chars!", None),             # exactly MIN_OVERRIDE_REASON (10)
    ("  ten   chars ", "ten chars", REASON_TOO_SHORT),  # collapsed to 9: the padding does not count
    ("withdrawal imminent,\n discussed with micro", "withdrawal imminent, discussed with micro", None),
])
def test_an_override_reason_is_collapsed_then_needs_ten_characters(raw, kept, problem):
    assert MIN_OVERRIDE_REASON == 10
    assert override_text(raw) == kept
    assert override_problem(raw) == problem


# CSF positive 2026-10-11, repeat CSF culture drawn 2026-11-11 with no growth. Revision 3
# (change 2): a device infection lasts until a later no-growth culture of the same site,
# not 30 days. A refill on 2026-11-10: the repeat culture is not drawn yet (it is after
# that day), so the CSF infection blocks. On 2026-11-11 the repeat, drawn that day and on a
# later date than the positive, clears it: the refill is not blocked.
CSF = patient(pumps=[PUMP], cultures=[culture("csf", "2026-10-11", organism="S. epidermidis"),
                                      culture("csf", "2026-11-11", "no_growth")])


@pytest.mark.parametrize("on,reason,blocked,stored,problem", [
    ("2026-11-10", None, True, None, REASON_MISSING),
    ("2026-11-10", "short", True, None, REASON_TOO_SHORT),
    ("2026-11-10", "benefit outweighs risk, ID consulted", True, "benefit outweighs risk, ID consulted", None),
    # not blocked: nothing to lift, so nothing is kept as an override (the note is audit only)
    ("2026-11-11", None, False, None, None),
    ("2026-11-11", "routine refill, fine", False, None, None),
])
def test_a_refill_is_recorded_as_given_only_when_its_block_is_lifted_with_a_reason(on, reason, blocked, stored, problem):
    decision = decide_refill(CSF, d(on), RULES, reason)
    assert decision.blocked is blocked
    assert decision.lift_needs_permission is blocked  # only a block needs override_refill_block
    assert decision.stored_override == stored
    assert decision.problem == problem
    assert decision.note == override_text(reason)
    if blocked:
        assert decision.state.reasons == ("csf_infection",)
