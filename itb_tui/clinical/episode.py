"""Fungemia and bacteremia: is a bloodstream infection active, and which fungal episode is current.

Why these definitions (clinical-rules.md, Terms): clearance needs a no-growth blood
culture drawn on a LATER day than the last positive, because a negative set drawn the
same day as a positive proves nothing. The *current* episode drives the course countdown,
the device alert and reimplantation; it closes after a reimplantation or after
`episode_lookback_days`. The refill block does NOT close with the episode: refilling is
blocked while any positive blood culture lacks a documented clearance, however old (the
safe reading; the clinician lifts it by recording the clearing culture).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date

from itb_tui.clinical.facts import Facts
from itb_tui.clinical.records import Culture
from itb_tui.clinical.rules import Rules


@dataclass(frozen=True, slots=True)
class Episode:
    start_on: date
    positives: tuple[Culture, ...]  # the episode's positive fungal blood cultures, oldest first
    clearance_on: date | None

    @property
    def latest_positive(self) -> Culture:
        return self.positives[-1]

    @property
    def first_positive(self) -> Culture:
        return self.positives[0]


def first_no_growth_after(no_growth_dates: list[date], day: date) -> date | None:
    """The first no-growth date strictly after `day` (same-day negatives do not count)."""
    index = bisect_right(no_growth_dates, day)
    return no_growth_dates[index] if index < len(no_growth_dates) else None


def uncleared(positives: list[Culture], no_growth_dates: list[date]) -> Culture | None:
    """The latest positive blood culture when no no-growth blood culture follows it."""
    if not positives:
        return None
    latest = positives[-1]
    if first_no_growth_after(no_growth_dates, latest.drawn_on) is None:
        return latest
    return None


def current_episode(facts: Facts, rules: Rules) -> Episode | None:
    """The open fungal episode on facts.as_of, or None (no episode, or closed)."""
    positives = facts.fungal_blood_positives
    if not positives:
        return None
    latest = positives[-1]
    if (facts.as_of - latest.drawn_on).days > rules.episode_lookback_days:
        return None
    for pump in facts.pumps:
        if pump.implanted_on is not None and pump.implanted_on > latest.drawn_on:
            return None  # reimplanted after the last positive: that episode is over
    no_growth = facts.blood_no_growth_dates
    # The latest negative drawn before the latest positive separates this episode from
    # an earlier, cleared one: positives on or after that day belong to this episode.
    index = bisect_left(no_growth, latest.drawn_on) - 1
    since = no_growth[index] if index >= 0 else date.min
    members = tuple(c for c in positives if c.drawn_on >= since)
    return Episode(
        start_on=members[0].drawn_on,
        positives=members,
        clearance_on=first_no_growth_after(no_growth, latest.drawn_on),
    )
