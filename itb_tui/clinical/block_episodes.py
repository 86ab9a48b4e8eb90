"""The refill-block episodes of a patient up to a date: when each block began and ended.

Why: an export (the FHIR Flag) must say "blocked since 20 Nov" and, once lifted, "was
blocked 20 Nov - 3 Dec", with the same identity every day, instead of a new Flag every
day keyed by the export date. Only the engine decides whether a day is blocked, so the
episodes are the engine's answer (`assess`) on the days where it can change.

Bounded, not a day-by-day replay (exports stay within 1.5x of `status --json`, issue 17):
`assess` depends on the date only through record dates (a record counts from its own
day), the windows counted from them (a pending culture stops counting after
`pending_window_days`, a device-site culture after `episode_lookback_days`) and the dates
the assessment itself works out (the course's `required_until`, its completion, the
reimplant date). The status is constant between those days, so it is assessed on each of
them (and the day after each, where a rule counts "after"), and nowhere else. A patient
with no positive or pending culture was never blocked (every block reason needs one) and
costs nothing.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date, timedelta

from itb_tui.clinical.engine import assess
from itb_tui.clinical.records import Patient
from itb_tui.clinical.rules import Rules

_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class BlockEpisode:
    """One run of consecutive blocked days. `last_day` is None while it still holds on the
    date asked about; otherwise the last blocked day (the block lifted the day after)."""

    start_on: date
    last_day: date | None
    reasons: tuple[str, ...]  # of the last blocked day assessed, most serious first
    explanations: tuple[str, ...]

    @property
    def active(self) -> bool:
        return self.last_day is None


def _record_dates(patient: Patient, rules: Rules) -> set[date]:
    days: set[date | None] = {patient.symptoms_resolved_on, patient.neutrophil_recovery_on}
    for c in patient.cultures:
        days.add(c.drawn_on)
        days.add(c.drawn_on + timedelta(days=rules.pending_window_days + 1))
        days.add(c.drawn_on + timedelta(days=rules.episode_lookback_days + 1))
    for course in patient.antifungals:
        days.update((course.started_on, course.stopped_on, course.planned_stop_on))
    for pump in patient.pumps:
        days.update((pump.implanted_on, pump.removed_on))
    for b in patient.bridging:
        days.update((b.started_on, b.stopped_on))
    return {d for d in days if d is not None}


def _named_dates(a) -> tuple[date | None, ...]:
    f, r = a.antifungal, a.reimplant
    return (f.episode_start_on, f.clearance_on, f.anchor_on, f.required_until, f.completed_on,
            r.eligible_on, r.culture_due_on)


def refill_block_episodes(patient: Patient, as_of: date, rules: Rules) -> tuple[BlockEpisode, ...]:
    """Every refill-block episode from the patient's first positive or pending culture up
    to `as_of`, oldest first; the last one is active when the refill is blocked on `as_of`."""
    seeds = [c.drawn_on for c in patient.cultures if c.result in ("positive", "pending")]
    if not seeds or min(seeds) > as_of:
        return ()
    first = min(seeds)

    def wanted(d: date | None) -> bool:
        return d is not None and first <= d <= as_of

    queue: list[date] = []
    for d in _record_dates(patient, rules) | {first, as_of}:
        for day in (d, d + _DAY):
            if wanted(day):
                queue.append(day)
    heapq.heapify(queue)
    seen: dict[date, object] = {}
    while queue:
        day = heapq.heappop(queue)
        if day in seen:
            continue
        a = assess(patient, day, rules)
        seen[day] = a.refill
        for named in _named_dates(a):
            for d in (named, named + _DAY if named else None):
                if wanted(d) and d not in seen:
                    heapq.heappush(queue, d)
    episodes: list[BlockEpisode] = []
    start: date | None = None
    last_state = None
    for day in sorted(seen):
        refill = seen[day]
        if refill.status == "blocked":
            if start is None:
                start = day
            last_state = refill
        elif start is not None:
            episodes.append(BlockEpisode(start, day - _DAY, last_state.reasons, last_state.explanations))
            start = None
    if start is not None:
        episodes.append(BlockEpisode(start, None, last_state.reasons, last_state.explanations))
    return tuple(episodes)
