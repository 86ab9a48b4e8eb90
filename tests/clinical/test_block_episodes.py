"""Refill-block episodes (clinical/block_episodes.py): when each block began and ended,
from the engine's answer on the days the status can change, never a day-by-day replay.

Rules used (rules.toml): a bacteremia / fungemia blocks until a blood culture drawn on a
LATER day shows no growth; a pending culture alone is `caution`, never a block; a
cleared fungemia blocks while the antifungal course is open (the fungemia row below).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from clinical_factories import blood, course, d, patient, pump
from itb_tui.clinical.block_episodes import refill_block_episodes
from itb_tui.clinical.engine import assess
from itb_tui.clinical.rules import load_rules

RULES = load_rules()

CASES = [
    # (what, patient, as_of, [(start, last blocked day or None)])
    ("no culture: never blocked, nothing assessed",
     patient(pumps=(pump(),)), "2026-12-01", []),
    ("pending blood culture only: caution, not a block",
     patient(pumps=(pump(),), cultures=(blood("2026-11-20", "pending"),)), "2026-12-01", []),
    ("bacteremia 20 Nov, still uncleared on 1 Dec: one open episode",
     patient(pumps=(pump(),), cultures=(blood("2026-11-20", "positive", "Escherichia coli"),)),
     "2026-12-01", [("2026-11-20", None)]),
    ("bacteremia 20 Nov, no growth drawn 22 Nov: blocked 20-21 Nov, lifted 22 Nov",
     patient(pumps=(pump(),), cultures=(blood("2026-11-20", "positive", "Escherichia coli"),
                                        blood("2026-11-22", "no_growth"))),
     "2026-12-01", [("2026-11-20", "2026-11-21")]),
    ("no pump: not applicable, never blocked",
     patient(cultures=(blood("2026-11-20", "positive", "Escherichia coli"),)), "2026-12-01", []),
    ("as of a day before the culture: nothing yet",
     patient(pumps=(pump(),), cultures=(blood("2026-11-20", "positive", "Escherichia coli"),)),
     "2026-11-19", []),
    # Fungemia 1 Nov, cleared 5 Nov, symptoms resolved 3 Nov; course 2 Nov - 19 Nov (the
    # required course ends 19 Nov, the engine's required_until): blocked from 1 Nov by
    # fungemia, then by the open course through 18 Nov; on 19 Nov, the recorded stop date
    # and the last required day, the engine calls the course complete and the pump kept in
    # is `caution` (device_retained), not a block.
    ("fungemia, course completed on 19 Nov: one episode 1-18 Nov",
     patient(pumps=(pump(),), cultures=(blood("2026-11-01", "positive", "Candida albicans"),
                                        blood("2026-11-05", "no_growth")),
             courses=(course("fluconazole", "2026-11-02", stopped="2026-11-19"),), symptoms="2026-11-03"),
     "2026-12-10", [("2026-11-01", "2026-11-18")]),
]


@pytest.mark.parametrize("what, p, as_of, expected", CASES, ids=[c[0] for c in CASES])
def test_episodes(what, p, as_of, expected):
    got = [(e.start_on, e.last_day) for e in refill_block_episodes(p, d(as_of), RULES)]
    assert got == [(d(start), d(end)) for start, end in expected]


def _replayed(p, start: date, end: date) -> set[date]:
    days, day = set(), start
    while day <= end:
        if assess(p, day, RULES).refill.status == "blocked":
            days.add(day)
        day += timedelta(days=1)
    return days


@pytest.mark.parametrize("today", [date(2026, 12, 1), date(2027, 3, 15)])
def test_episodes_agree_with_a_day_by_day_replay_on_the_demo_ward(today):
    """The bounded method must give exactly the blocked days a replay of every day gives
    (over the last 150 days), for every demo patient (their scenarios cover each reason)."""
    from itb_tui.demo import build_demo_ward

    start = today - timedelta(days=150)
    for p in build_demo_ward(today, 120):
        derived = set()
        for ep in refill_block_episodes(p, today, RULES):
            day = ep.start_on
            while day <= (ep.last_day or today):
                if day >= start:
                    derived.add(day)
                day += timedelta(days=1)
        assert derived == _replayed(p, start, today), p.mrn


def test_the_open_episode_agrees_with_the_assessment_of_the_day():
    from itb_tui.demo import build_demo_ward

    today = date(2026, 12, 1)
    for p in build_demo_ward(today, 120):
        episodes = refill_block_episodes(p, today, RULES)
        blocked = assess(p, today, RULES).refill.status == "blocked"
        assert bool(episodes and episodes[-1].active) == blocked, p.mrn


def test_a_block_lifted_by_the_look_back_alone_ends_on_its_day():
    """With the look-back shortened to 20 days: Candida fungemia 1 Oct, cleared 3 Oct,
    symptoms resolved 2 Oct; a Candida CSF culture 10 Oct, cleared 12 Oct; fluconazole 1-15
    Oct, planned to stop 15 Oct. Days of therapy after 3 Oct: 4..15 Oct = 12 of 14, so the
    blood episode's course is stopped early: blocked. On 22 Oct (1 Oct + 21 days) the
    cleared blood episode closes and the CSF episode (specialist duration, stopped on its
    planned day: complete) takes over: `caution`. No record is dated 22 Oct; the episode
    must still end on 21 Oct, not run on to the end of the CSF culture's look-back."""
    import dataclasses

    from clinical_factories import culture

    rules = dataclasses.replace(RULES, episode_lookback_days=20)
    p = patient(pumps=(pump(implanted="2026-01-01"),),
                cultures=(blood("2026-10-01", "positive", "Candida albicans"), blood("2026-10-03", "no_growth"),
                          culture("csf", "2026-10-10", "positive", "Candida albicans"),
                          culture("csf", "2026-10-12", "no_growth")),
                courses=(course("fluconazole", "2026-10-01", stopped="2026-10-15", planned="2026-10-15"),),
                symptoms="2026-10-02")
    got = [(e.start_on, e.last_day) for e in refill_block_episodes(p, d("2026-11-20"), rules)]
    assert got == [(d("2026-10-01"), d("2026-10-21"))]
    assert assess(p, d("2026-10-22"), rules).refill.status == "caution"
