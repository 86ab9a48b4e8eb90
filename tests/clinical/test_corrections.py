"""clinical.corrections: which culture changes are corrections, and which lift a refill block.

Dates (as_of 2026-11-10): a Candida blood culture drawn 2026-11-08, no later clearance:
fungemia, refill blocked. Corrected to no growth there is no episode: refill ok.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from itb_tui.clinical.corrections import decide, is_correction, reason_problem, result_words
from itb_tui.clinical.records import Culture, Patient, Pump

POS = Culture("blood", date(2026, 11, 8), "positive", "Candida albicans", {"fluconazole": "S"})
PENDING = Culture("blood", date(2026, 11, 8), "pending")
NEG = Culture("blood", date(2026, 11, 8), "no_growth")
PUMP = Pump("S1", None, None, Decimal(20), Decimal(2), date(2023, 5, 1), None, None, Decimal(500), Decimal(300))
ON = date(2026, 11, 10)


@pytest.mark.parametrize("old, new, expected", [
    (PENDING, NEG, False),                                        # entering a pending result
    (PENDING, POS, False),
    (NEG, NEG, False),                                            # nothing changed
    (POS, POS, False),
    (POS, NEG, True),                                             # positive -> no growth
    (NEG, POS, True),                                             # no growth -> positive
    (POS, replace(POS, organism="Candida glabrata"), True),       # organism re-identified
    (POS, replace(POS, susceptibility={"fluconazole": "R"}), True),  # susceptibility revised
    (POS, replace(POS, organism=None, result="pending", susceptibility={}), True),  # withdrawn
    (NEG, replace(NEG, drawn_on=date(2026, 11, 7)), False),       # not a result field
])
def test_which_changes_are_corrections(old, new, expected):
    assert is_correction(old, new) is expected


def test_audit_images_are_read_like_records():
    assert is_correction({"result": "positive", "organism": "Candida albicans", "susceptibility": {}},
                         {"result": "no_growth", "organism": None, "susceptibility": {}})
    assert result_words(POS) == "positive: Candida albicans, fluconazole S"


def test_a_correction_to_no_growth_lifts_the_fungemia_block_and_says_so():
    before = Patient("C1", "Case", pumps=(PUMP,), cultures=(POS,))
    after = replace(before, cultures=(NEG,))
    decision = decide(before, after, POS, NEG, ON)
    assert decision.correction and decision.lifts_block == ("fungemia",)
    assert decision.summary() == ("corrects a final result: positive: Candida albicans, fluconazole S -> "
                                  "no growth (this lifts the refill block: fungemia)")
    # re-identified as another yeast: still fungemia, nothing lifted
    other = replace(POS, organism="Candida glabrata")
    assert decide(before, replace(before, cultures=(other,)), POS, other, ON).lifts_block == ()
    assert decide(before, after, PENDING, NEG, ON).correction is False


@pytest.mark.parametrize("reason, ok", [(None, False), ("", False), ("too short", False),
                                        ("lab corrected report", True)])
def test_a_correction_needs_a_reason_of_ten_characters(reason, ok):
    assert (reason_problem(reason) is None) is ok
