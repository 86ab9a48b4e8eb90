"""The grounds of every blocking reason (refill.BLOCK_GROUNDS) are the one source of where
a refill block can be and of the days it can change: refill.py blocks on exactly those
codes, and block_window.py derives its windows and change days from the table alone.

So the table itself must be true of the engine, reason by reason (the episodes' property
test, test_block_episodes_property.py, holds only the union to it): built from ONE
reason's grounds, the windows hold every day the engine gives that reason, and the
reason comes or goes only on a change day of its own grounds. The reasons are read from
the table, never listed here: a reason added to the table is tested by adding it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from clinical_factories import culture, patient, pump
from hypothesis import given
from hypothesis import strategies as st
from test_block_episodes_property import RULES, SETTINGS, SHORT_LOOKBACK, days, histories

from itb_tui.clinical.block_window import BLOCKS, BlockInputs
from itb_tui.clinical.records import AntifungalCourse, Patient
from itb_tui.clinical.refill import BLOCK_GROUNDS, BLOCKING, BlockGround
from itb_tui.clinical.refill_only import refill_on

_DAY = timedelta(days=1)
ONE_REASON = {code: BlockInputs({code: grounds}) for code, grounds in BLOCK_GROUNDS.items()}


def _inside(day: date, spans: list[tuple[date, date]]) -> bool:
    return any(first <= day <= last for first, last in spans)


def _every_day(patient: Patient, as_of: date, rules):
    """(day, refill) from the day before the first record to `as_of` (the engine's
    refill alone, held to `assess` by test_refill_only_property.py)."""
    dates = [c.drawn_on for c in patient.cultures] + [c.started_on for c in patient.antifungals]
    dates += [p.implanted_on for p in patient.pumps if p.implanted_on is not None]
    day = min(dates, default=as_of) - _DAY
    while day <= as_of:
        yield day, refill_on(patient, day, rules)
        day += _DAY


@SETTINGS
@given(histories(), days, st.sampled_from([RULES, SHORT_LOOKBACK]))
def test_each_reason_holds_inside_its_own_windows_and_changes_on_its_own_days(patient, as_of, rules):
    answers = list(_every_day(patient, as_of, rules))
    for code, inputs in ONE_REASON.items():
        windows = inputs.windows(patient, as_of, rules)
        changes = inputs.change_days(patient, rules)
        before = False  # the day before the first record: no culture, no reason
        for day, refill in answers:
            now = code in refill.reasons
            assert not now or _inside(day, windows), (code, day, windows)
            assert now == before or day in changes, (code, day, sorted(changes))
            before = now
    for first, last in BLOCKS.sure_blocked(patient, as_of):
        assert all(refill.status == "blocked" for day, refill in answers if first <= day <= last)


def test_refill_blocks_on_exactly_the_reasons_of_the_table_and_each_is_a_rule():
    """Blocked or caution is decided by the table's codes; each has its entry in the
    rules table (Help and docs/rules.md show it)."""
    assert BLOCKING == tuple(BLOCK_GROUNDS)
    for code in BLOCK_GROUNDS:
        assert RULES.entry(code).kind == "refill_reason"


def test_every_record_date_a_ground_names_is_a_date_of_the_records():
    course = AntifungalCourse("fluconazole", None, date(2026, 11, 1), date(2026, 11, 15))
    p = Patient(mrn="P0003", name="Synthetic, Test", symptoms_resolved_on=date(2026, 11, 2),
                neutrophil_recovery_on=date(2026, 11, 3), antifungals=(course,))
    paths = {path for grounds in BLOCK_GROUNDS.values() for g in grounds for path in g.record_dates}
    assert paths
    for path in paths:
        value = p
        for name in path.split("."):
            value = getattr(value, name)
            value = value[0] if isinstance(value, tuple) else value
        assert isinstance(value, date), path


def _with_urine() -> Patient:
    return patient(pumps=[pump(implanted="2025-01-01")],
                   cultures=[culture("urine", "2026-11-01", "positive", "Escherichia coli"),
                             culture("urine", "2026-11-09", "no_growth")])


def test_a_reason_added_to_the_table_alone_is_known_to_the_windows_and_change_days():
    """A hypothetical reason standing on a positive urine culture (not a rule of ours):
    the table entry alone makes its days a window (1 Nov to 8 Nov, the day before the
    no-growth urine culture of 9 Nov) and its culture days change days."""
    extra = BlockInputs({**BLOCK_GROUNDS, "urine_infection": (BlockGround(("urine",), None, True, None),)})
    p = _with_urine()
    assert BLOCKS.windows(p, date(2026, 11, 30), RULES) == []
    assert extra.windows(p, date(2026, 11, 30), RULES) == [(date(2026, 11, 1), date(2026, 11, 8))]
    assert {date(2026, 11, 1), date(2026, 11, 9)} <= extra.change_days(p, RULES)
    assert extra.sure_specimens == ("blood", "urine")


@pytest.mark.parametrize("ground, words", [
    (BlockGround(("blood",), True, True, "monthly"), "expires='monthly'"),
    (BlockGround(("blood",), True, True, None, record_dates=("antifungals.course.started_on",)), "record date"),
])
def test_a_ground_the_windows_cannot_read_is_refused_when_built(ground, words):
    with pytest.raises(ValueError, match=words):
        BlockInputs({"new_reason": (ground,)})
    with pytest.raises(ValueError, match="stands on no culture"):
        BlockInputs({"new_reason": ()})
