"""Fungemia, bacteremia and device infection: what is active, and which fungal episode is current.

Why these definitions (clinical-rules.md, Terms): clearance needs a no-growth culture drawn
on a LATER day than the last positive, because a negative set drawn the same day as a
positive proves nothing. The *current* episode drives the course countdown, the device
alerts and reimplantation; it closes after a reimplantation or after
`episode_lookback_days` once cleared. The refill block does NOT close with the episode:
refilling is blocked while any positive blood culture lacks a documented clearance,
however old (the safe reading; the clinician lifts it by recording the clearing culture).

Revision 3: with no fungal blood culture in an open episode, a fungal CSF / pocket /
wound culture drawn while a pump was in defines a *device* episode (kind "device"): the
course is then `specialist_duration` (IDSA: CNS and device infection are treated until
CSF, symptoms and imaging resolve). It stays the current episode after its site is
cleared, so the refill block moves from csf/pocket infection to antifungal_course_open
instead of vanishing. Every episode carries its fungal group (data/organisms.toml); when
its isolates disagree, the strictest group wins (mould, cryptococcus, other_yeast, candida).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date

from itb_tui.clinical.facts import Facts, fungal_group, organism_group
from itb_tui.clinical.frozen_record import frozen_record
from itb_tui.clinical.records import Culture
from itb_tui.clinical.rules import Rules

GROUP_ORDER = ("mould", "cryptococcus", "other_yeast", "candida")


@frozen_record
class Episode:
    start_on: date
    # the episode's positive fungal cultures, oldest first: blood cultures for a blood
    # episode, device-site cultures for a device episode
    positives: tuple[Culture, ...]
    clearance_on: date | None  # blood: documented clearance; device: every site cleared
    kind: str = "blood"  # "blood" | "device"
    group: str = "candida"  # the fungal group whose rules apply (organisms.FUNGAL_GROUPS)
    # the fungal device infections active on as_of (also part of a blood episode)
    device: tuple[Culture, ...] = ()

    @property
    def latest_positive(self) -> Culture:
        return self.positives[-1]

    @property
    def first_positive(self) -> Culture:
        return self.positives[0]

    @property
    def candida(self) -> bool:
        """The Candida durations (14 days after clearance, eye exam) apply."""
        return self.kind == "blood" and self.group == "candida"


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


def strictest_group(cultures) -> str:
    group_of = organism_group  # fungal_group(c), without a Python call per culture
    groups = {group_of(c.organism) for c in cultures}
    for group in GROUP_ORDER:
        if group in groups:
            return group
    return "candida"


def current_episode(facts: Facts, rules: Rules) -> Episode | None:
    """The open fungal episode on facts.as_of, or None (no episode, or closed)."""
    if not facts.fungal_blood_positives and not facts.fungal_device_positives:
        return None  # most patients: neither kind of episode can exist
    device_now = (tuple(c for c in facts.device_infections if fungal_group(c) is not None)
                  if facts.device_infections else ())
    blood = _blood_episode(facts, rules, device_now)
    if blood is not None or not facts.fungal_device_positives:
        return blood
    return _device_episode(facts, rules, device_now)


def _closed(facts: Facts, latest: Culture, cleared: bool, rules: Rules) -> bool:
    if cleared and (facts.as_of - latest.drawn_on).days > rules.episode_lookback_days:
        return True
    for pump in facts.pumps:
        if pump.implanted_on is not None and pump.implanted_on > latest.drawn_on:
            return True  # reimplanted after the last positive: that episode is over
    return False


def _blood_episode(facts: Facts, rules: Rules, device_now: tuple[Culture, ...]) -> Episode | None:
    positives = facts.fungal_blood_positives
    if not positives:
        return None
    latest = positives[-1]
    no_growth = facts.blood_no_growth_dates
    clearance = facts.fungal_blood_cleared_on  # first_no_growth_after(no_growth, latest.drawn_on)
    if _closed(facts, latest, clearance is not None, rules):
        return None
    # The latest negative drawn before the latest positive separates this episode from
    # an earlier, cleared one: positives on or after that day belong to this episode.
    index = bisect_left(no_growth, latest.drawn_on) - 1
    since = no_growth[index] if index >= 0 else date.min
    members = tuple(c for c in positives if c.drawn_on >= since)
    return Episode(start_on=members[0].drawn_on, positives=members, clearance_on=clearance, kind="blood",
                   group=strictest_group(members + device_now), device=device_now)


def _device_episode(facts: Facts, rules: Rules, device_now: tuple[Culture, ...]) -> Episode | None:
    positives = facts.fungal_device_positives
    if not positives:
        return None
    latest = positives[-1]
    # Cleared when no fungal device infection is active; the clearing date is the first
    # same-site no-growth after the latest positive of each site.
    clearance = None
    if not device_now:
        dates = []
        for culture in positives:
            negatives = facts.no_growth_by_specimen.get(culture.specimen, [])
            found = first_no_growth_after(negatives, culture.drawn_on)
            if found is not None:
                dates.append(found)
        clearance = max(dates) if dates else None  # None: ended by the pump's removal
    # A device-site culture counts for episode_lookback_days at most (Terms), cleared or not.
    if _closed(facts, latest, True, rules):
        return None
    members = tuple(c for c in positives if (latest.drawn_on - c.drawn_on).days <= rules.episode_lookback_days)
    return Episode(start_on=members[0].drawn_on, positives=members, clearance_on=clearance, kind="device",
                   group=strictest_group(members), device=device_now)
