"""Where a refill block can be, and the days its inputs change: read from the records alone.

Why: the block episodes (block_episodes.py) are the engine's answer, but asking the
engine about every day of a ten-year history, or about every record date of it, made the
FHIR export 27x the status report (issue 17). Every blocking reason stands on a positive
culture (clinical-rules.md, Terms); which ones, and what bounds each, is one table beside
the rule that gives the reasons (refill.BLOCK_GROUNDS): this module derives everything
from that table and names no reason itself, so a reason added there is known here.

So no day outside the *windows* below can be blocked, and a patient without such a
culture has none: each culture's block runs from the day it was drawn, to the day before
a clearing culture of its site when one ends it, for `episode_lookback_days` at most when
the look-back bounds it, to the day before a later implant when that ends it, while a
pump is in. Inside a window the engine's answer depends on the date only through
thresholds crossed on record dates (a culture counts from the day it was drawn, a course
from its start to its stop day, a pump from implant to removal, the other record dates a
ground names) and on `episode_lookback_days` after a culture; those are the *change
days*. The tests (tests/clinical/test_block_episodes_property.py, test_block_grounds.py)
hold this to the engine run on every single day.

Pure: records and rules in, dates out; no engine call, no clock.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from operator import attrgetter

from itb_tui.clinical.facts import NO_GROWTH, POSITIVE, is_fungal_culture
from itb_tui.clinical.records import Patient
from itb_tui.clinical.refill import BLOCK_GROUNDS, BlockGround
from itb_tui.clinical.rules import Rules

_DAY = timedelta(days=1)
_EXPIRES = (None, "each", "latest")
Spans = list[tuple[date, date]]


class BlockInputs:
    """The windows, sure blocks and change days of the blocking reasons of one table
    (refill.BLOCK_GROUNDS; a test builds one per reason). What the loops need is worked
    out here once: per (specimen, fungal organism) kind of positive culture, the bounds of
    the blocks it may hold and the change days it marks."""

    def __init__(self, table: dict[str, tuple[BlockGround, ...]]) -> None:
        bounds: dict[tuple[str, bool], list[tuple[bool, bool, bool]]] = {}
        each: set[tuple[str, bool]] = set()
        runs: list[frozenset[tuple[str, bool]]] = []
        paths: list[str] = []
        for code, grounds in table.items():
            if not grounds:
                raise ValueError(f"blocking reason {code!r} stands on no culture (refill.BLOCK_GROUNDS)")
            for ground in grounds:
                if ground.expires not in _EXPIRES:
                    raise ValueError(f"blocking reason {code!r}: expires={ground.expires!r} is not one of {_EXPIRES}")
                fungal = (True, False) if ground.fungal is None else (ground.fungal,)
                kinds = [(specimen, f) for specimen in ground.specimens for f in fungal]
                for kind in kinds:
                    bound = (ground.cleared_ends, ground.expires is not None, ground.reimplant_ends)
                    if bound not in bounds.setdefault(kind, []):
                        bounds[kind].append(bound)
                if ground.expires == "each":
                    each.update(kinds)
                elif ground.expires == "latest" and frozenset(kinds) not in runs:
                    runs.append(frozenset(kinds))
                paths += [path for path in ground.record_dates if path not in paths]
        # (cleared_ends, bounded by the look-back, reimplant_ends) of each block it may hold
        self._bounds = {kind: tuple(b) for kind, b in bounds.items()}
        self._specimens = frozenset(specimen for specimen, _ in bounds)
        # change-day marks: (leaves the look-back itself, the "latest" runs it is in);
        # per specimen: (marks whatever the organism, marks if fungal, if not); None: none
        marks = {kind: (kind in each, tuple(i for i, run in enumerate(runs) if kind in run)) for kind in bounds}
        self._marks = {}
        for specimen in self._specimens:
            fungal, other = marks.get((specimen, True)), marks.get((specimen, False))
            self._marks[specimen] = (fungal if fungal == other else None, fungal, other)
        # A positive culture of these specimens blocks while no later one of its site shows
        # no growth, whatever its organism: a ground of each kind never ends otherwise.
        self.sure_specimens = tuple(sorted(specimen for specimen in self._specimens if all(
            (True, False, False) in self._bounds.get((specimen, f), ()) for f in (True, False))))
        self._sure = frozenset(self.sure_specimens)
        own = [path for path in paths if "." not in path]
        of_records: dict[str, list[str]] = {}
        for path in paths:
            if path.count(".") > 1:
                raise ValueError(f"record date {path!r}: a Patient attribute or attribute.field of its records")
            if "." in path:
                records, name = path.split(".")
                of_records.setdefault(records, []).append(name)
        self._own_dates = _dates_of(own)
        self._record_dates = tuple((attrgetter(records), _dates_of(names)) for records, names in of_records.items())

    def windows(self, patient: Patient, as_of: date, rules: Rules) -> Spans:
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
        specimens, bounds_of = self._specimens, self._bounds
        spans = []
        for c in patient.cultures:
            if c.result != POSITIVE or c.drawn_on > as_of or c.specimen not in specimens:
                continue
            bounds = bounds_of.get((c.specimen, is_fungal_culture(c)))
            if bounds is None:
                continue
            drawn = c.drawn_on
            last = None
            for cleared_ends, looks_back, reimplant_ends in bounds:
                end = as_of
                if cleared_ends:  # up to the day before a clearing culture of its site
                    same_site = negatives.get(c.specimen, ())
                    index = bisect_right(same_site, drawn)
                    if index < len(same_site):
                        end = same_site[index] - _DAY
                if looks_back:
                    end = min(end, drawn + lookback)
                if reimplant_ends:  # up to the day before a pump implanted after it
                    index = bisect_right(implants, drawn)
                    if index < len(implants):
                        end = min(end, implants[index] - _DAY)
                if last is None or end > last:
                    last = end
            spans.append((drawn, min(last, as_of)))
        return _intersect(_merged(spans), pumps_in)

    def sure_blocked(self, patient: Patient, as_of: date) -> Spans:
        """Disjoint (first, last) day spans, oldest first, on which the refill IS blocked:
        a pump is in, and a positive culture of a `sure_specimens` site (blood) has been
        drawn with no no-growth culture of that site drawn on a later day since. Its latest
        positive is then uncleared, whatever its organism (fungemia or bacteremia), whatever
        else holds."""
        pumps_in = _pump_spans(patient, as_of)
        sure = self._sure
        negatives: dict[str, list[date]] = {}
        positives = []
        for c in patient.cultures:
            if c.specimen in sure:
                if c.result == NO_GROWTH:
                    negatives.setdefault(c.specimen, []).append(c.drawn_on)
                elif c.result == POSITIVE and c.drawn_on <= as_of:
                    positives.append(c)
        for days in negatives.values():
            days.sort()
        spans = []
        for c in positives:
            same_site = negatives.get(c.specimen, ())
            index = bisect_right(same_site, c.drawn_on)
            spans.append((c.drawn_on, as_of if index == len(same_site) else min(as_of, same_site[index] - _DAY)))
        return _intersect(_merged(spans), pumps_in)

    def change_days(self, patient: Patient, rules: Rules) -> set[date]:
        """Every day on which an input of the refill status may change (see the module
        docstring); whether the refill is blocked holds from each of them up to the day
        before the next. Only what a ground names: the positive cultures it stands on and
        the no-growth cultures of their sites, the day one leaves the look-back (each
        culture, or the latest of a run: an earlier one followed within the look-back by
        another never closes the episode), its other record dates; and the pumps' implant
        and removal days. Not the rest, which never decides a block: other specimens,
        pending results (`caution` at most), planned stop dates (compared with the stop
        date, never with the day), bridging, exams, refills."""
        after_lookback = timedelta(days=rules.episode_lookback_days + 1)
        days: set[date | None] = set(self._own_dates(patient))
        for records_of, dates_of in self._record_dates:
            for record in records_of(patient):
                days.update(dates_of(record))
        add, marks_for = days.add, self._marks.get
        runs: dict[int, list[date]] = {}  # the draw days of each "latest" run
        for c in patient.cultures:
            marks_of = marks_for(c.specimen)
            if marks_of is None:
                continue
            result = c.result
            if result == NO_GROWTH:
                add(c.drawn_on)
            elif result == POSITIVE:
                marks = marks_of[0] or (marks_of[1] if is_fungal_culture(c) else marks_of[2])
                if marks is None:
                    continue  # no ground stands on this organism at this site
                each, in_runs = marks
                drawn = c.drawn_on
                add(drawn)
                if each:
                    add(drawn + after_lookback)
                for index in in_runs:
                    if index in runs:
                        runs[index].append(drawn)
                    else:
                        runs[index] = [drawn]
        for run in runs.values():
            run.sort()
            for index, drawn in enumerate(run):
                leaves = drawn + after_lookback
                following = run[index + 1] if index + 1 < len(run) else None
                if following is None or following > leaves:
                    add(leaves)
        for pump in patient.pumps:
            days.update((pump.implanted_on, pump.removed_on))
        days.discard(None)
        return days  # type: ignore[return-value]


def _dates_of(names: list[str]):
    """A getter of these date attributes of a record, always as a tuple."""
    if not names:
        return lambda record: ()
    if len(names) == 1:
        get = attrgetter(names[0])
        return lambda record: (get(record),)
    return attrgetter(*names)


def _pump_spans(patient: Patient, as_of: date) -> Spans:
    """The days (up to `as_of`) on which some pump is in (no implant date: from any day)."""
    spans = []
    for pump in patient.pumps:
        first = pump.implanted_on or date.min
        last = as_of if pump.removed_on is None else min(as_of, pump.removed_on - _DAY)
        if first <= last:
            spans.append((first, last))
    return _merged(spans)


def _merged(spans: list[tuple[date, date]]) -> Spans:
    """Overlapping or touching spans joined, oldest first."""
    merged: list[tuple[date, date]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + _DAY:
            if last > merged[-1][1]:
                merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged


def _intersect(a: list[tuple[date, date]], b: list[tuple[date, date]]) -> Spans:
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


# Every blocking reason of the refill rule: what block_episodes.py asks.
BLOCKS = BlockInputs(BLOCK_GROUNDS)
block_windows = BLOCKS.windows
sure_blocked = BLOCKS.sure_blocked
change_days = BLOCKS.change_days
