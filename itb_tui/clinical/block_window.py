"""Where a refill block can be, and the days its inputs change: read from the records alone.

Why: the block episodes (block_episodes.py) are the engine's answer, but asking the
engine about every day of a ten-year history, or about every record date of it, made the
FHIR export 27x the status report (issue 17). The rules (clinical-rules.md, Terms;
refill.py) give every block reason a positive culture it stands on:

- fungemia / bacteremia: the latest positive blood culture, until a no-growth blood
  culture drawn on a later day (never expiring);
- CSF / pocket infection: a positive culture of that site, until a no-growth culture of
  the SAME site drawn on a later day, at most `episode_lookback_days` after it was drawn;
- antifungal course open: an open fungal episode, which needs a positive fungal culture
  (blood or device site) drawn on or before the day and, once cleared, no more than
  `episode_lookback_days` before it.

So no day outside the *windows* below can be blocked, and a patient without a positive
culture has none. Inside a window the engine's answer depends on the date only through
thresholds crossed on record dates (a culture counts from the day it was drawn, a course
from its start to its stop day, a pump from implant to removal, symptom resolution and
neutrophil recovery from their day) and on `episode_lookback_days` after a culture; those
are the *change days*. The tests (tests/clinical/test_block_episodes_property.py) hold
this to the engine run on every single day.

Pure: records and rules in, dates out; no engine call, no clock.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta

from itb_tui.clinical.facts import DEVICE_SPECIMENS, NO_GROWTH, POSITIVE, is_fungal_culture
from itb_tui.clinical.records import Patient
from itb_tui.clinical.rules import Rules

_DAY = timedelta(days=1)


def block_windows(patient: Patient, as_of: date, rules: Rules) -> list[tuple[date, date]]:
    """Disjoint (first, last) day spans, oldest first, within which the refill may be
    blocked on or before `as_of`; every day outside them is not blocked. A generous
    bound, never a tight one: the engine decides inside."""
    pumps_in = _pump_spans(patient, as_of)
    if not pumps_in:
        return []  # no pump in on any day: `not_applicable` throughout
    lookback = timedelta(days=rules.episode_lookback_days)
    implants = sorted(p.implanted_on for p in patient.pumps if p.implanted_on is not None)
    negatives: dict[str, list[date]] = {}
    for c in patient.cultures:
        if c.result == NO_GROWTH:
            negatives.setdefault(c.specimen, []).append(c.drawn_on)
    for days in negatives.values():
        days.sort()
    spans = []
    for c in patient.cultures:
        if c.result != POSITIVE or c.drawn_on > as_of:
            continue
        if c.specimen != "blood" and c.specimen not in DEVICE_SPECIMENS:
            continue
        same_site = negatives.get(c.specimen, ())
        index = bisect_right(same_site, c.drawn_on)
        # an infection holds until the day before a clearing culture of its site (blood:
        # never ending without one; a device site: for the lookback at most)
        last = as_of if index == len(same_site) else same_site[index] - _DAY
        if c.specimen != "blood":
            last = min(last, c.drawn_on + lookback)
        if is_fungal_culture(c):
            # the fungal episode it opens may keep the course block open after clearance,
            # for the lookback at most, and closes when a pump is implanted after it
            index = bisect_right(implants, c.drawn_on)
            closes = implants[index] - _DAY if index < len(implants) else as_of
            last = max(last, min(c.drawn_on + lookback, closes))
        spans.append((c.drawn_on, min(last, as_of)))
    return _intersect(_merged(spans), pumps_in)


def sure_blocked(patient: Patient, as_of: date) -> list[tuple[date, date]]:
    """Disjoint (first, last) day spans, oldest first, on which the refill IS blocked: a
    pump is in, and a positive blood culture has been drawn with no no-growth blood
    culture drawn on a later day since. The latest positive blood culture is then fungal
    or bacterial and uncleared: fungemia or bacteremia, whatever else holds."""
    pumps_in = _pump_spans(patient, as_of)
    negatives = sorted(c.drawn_on for c in patient.cultures if c.specimen == "blood" and c.result == NO_GROWTH)
    spans = []
    for c in patient.cultures:
        if c.specimen == "blood" and c.result == POSITIVE and c.drawn_on <= as_of:
            index = bisect_right(negatives, c.drawn_on)
            last = as_of if index == len(negatives) else min(as_of, negatives[index] - _DAY)
            spans.append((c.drawn_on, last))
    return _intersect(_merged(spans), pumps_in)


def _pump_spans(patient: Patient, as_of: date) -> list[tuple[date, date]]:
    """The days (up to `as_of`) on which some pump is in (no implant date: from any day)."""
    spans = []
    for pump in patient.pumps:
        first = pump.implanted_on or date.min
        last = as_of if pump.removed_on is None else min(as_of, pump.removed_on - _DAY)
        if first <= last:
            spans.append((first, last))
    return _merged(spans)


def _merged(spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Overlapping or touching spans joined, oldest first."""
    merged: list[tuple[date, date]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + _DAY:
            if last > merged[-1][1]:
                merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged


def _intersect(a: list[tuple[date, date]], b: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """The days in both lists of disjoint sorted spans, as disjoint sorted spans."""
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        first, last = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if first <= last:
            out.append((first, last))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def change_days(patient: Patient, rules: Rules) -> set[date]:
    """Every day on which an input of the refill status may change (see the module
    docstring); whether the refill is blocked holds from each of them up to the day
    before the next. Not here, as they never decide a block: urine and other cultures,
    pending results (a pending culture is `caution` at most), planned stop dates (compared
    with the stop date, never with the day), bridging, exams, refills; nor the day a
    blood culture leaves the look-back, except for the latest fungal one then (the
    look-back closes a cleared episode by its latest positive; bacteremia never expires)."""
    after_lookback = timedelta(days=rules.episode_lookback_days + 1)
    days: set[date | None] = {patient.symptoms_resolved_on, patient.neutrophil_recovery_on}
    fungal_blood = []
    for c in patient.cultures:
        if c.specimen != "blood" and c.specimen not in DEVICE_SPECIMENS:
            continue
        if c.result == NO_GROWTH:
            days.add(c.drawn_on)
        elif c.result == POSITIVE:
            days.add(c.drawn_on)
            if c.specimen != "blood":
                days.add(c.drawn_on + after_lookback)
            elif is_fungal_culture(c):
                fungal_blood.append(c.drawn_on)
    fungal_blood.sort()
    for index, drawn in enumerate(fungal_blood):
        leaves = drawn + after_lookback
        following = fungal_blood[index + 1] if index + 1 < len(fungal_blood) else None
        if following is None or following > leaves:
            days.add(leaves)
    for course in patient.antifungals:
        days.update((course.started_on, course.stopped_on))
    for pump in patient.pumps:
        days.update((pump.implanted_on, pump.removed_on))
    days.discard(None)
    return days  # type: ignore[return-value]
