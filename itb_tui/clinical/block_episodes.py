"""The refill-block episodes of a patient up to a date: when each block began and ended.

Why: an export (the FHIR Flag) must say "blocked since 20 Nov" and, once lifted, "was
blocked 20 Nov - 3 Dec", with the same identity every day, instead of a new Flag every
day keyed by the export date. Only the engine decides whether a day is blocked, so the
episodes are the engine's answer (`assess`) on the days where it can change.

Bounded, not a day-by-day replay (exports stay within 1.5x of `status --json`, issue 17):
the engine is asked only inside the spans where a block is possible at all and only on
the days an input of the refill status changes there (clinical/block_window.py: both read
from the records alone, by the grounds of each blocking reason in refill.BLOCK_GROUNDS; the
status holds from each such day to the day before the next),
plus once on the last blocked day of each lifted episode, whose reasons it carries. Each
ask is the engine's refill alone (refill_only.py: the first half of `assess`, the same
answer; half the cost). The answer equals the engine run on every day
(tests/clinical/test_block_episodes_property.py).
A patient with no positive culture or no pump was never blocked and costs nothing.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta

from itb_tui.clinical.assessment import RefillState
from itb_tui.clinical.block_window import block_windows, change_days, sure_blocked
from itb_tui.clinical.frozen_record import frozen_record
from itb_tui.clinical.refill_only import refill_on as refill_alone
from itb_tui.clinical.records import Patient
from itb_tui.clinical.rules import Rules

_DAY = timedelta(days=1)


@frozen_record  # a frozen slotted dataclass, made quicker at import (the FHIR export's start)
class BlockEpisode:
    """One run of consecutive blocked days. `last_day` is None while it still holds on the
    date asked about; otherwise the last blocked day (the block lifted the day after)."""

    start_on: date
    last_day: date | None
    reasons: tuple[str, ...]  # of the last blocked day (`as_of` while active), most serious first
    explanations: tuple[str, ...]

    @property
    def active(self) -> bool:
        return self.last_day is None


def refill_block_episodes(patient: Patient, as_of: date, rules: Rules,
                          refill_on_as_of: RefillState | None = None) -> tuple[BlockEpisode, ...]:
    """Every refill-block episode up to `as_of`, oldest first; the last one is active when
    the refill is blocked on `as_of`. A lifted episode carries the reasons of its last
    blocked day, an active one those of `as_of` (`refill_on_as_of`: the engine's refill
    on `as_of` when the caller has it, one engine run saved)."""
    windows = block_windows(patient, as_of, rules)
    if not windows:
        return ()
    changes = sorted(change_days(patient, rules))
    sure = sure_blocked(patient, as_of)
    sure_starts = [first for first, _ in sure]
    known: dict[date, RefillState] = {}

    def refill_on(day: date) -> RefillState:
        if day not in known:
            known[day] = refill_alone(patient, day, rules)
        return known[day]

    if refill_on_as_of is not None:
        known[as_of] = refill_on_as_of
    episodes: list[BlockEpisode] = []
    for first, last in windows:
        start: date | None = None
        for day in [first] + changes[bisect_right(changes, first):bisect_right(changes, last)]:
            index = bisect_right(sure_starts, day) - 1
            blocked = (index >= 0 and day <= sure[index][1]) or refill_on(day).status == "blocked"
            if blocked and start is None:
                start = day
            elif not blocked and start is not None:
                episodes.append(_episode(start, day - _DAY, refill_on(day - _DAY)))
                start = None
        if start is not None:
            # no day after the window can be blocked
            episodes.append(_episode(start, last if last < as_of else None, refill_on(last)))
    return tuple(episodes)


def _episode(start: date, last_day: date | None, refill: RefillState) -> BlockEpisode:
    return BlockEpisode(start, last_day, refill.reasons, refill.explanations)
