"""One patient's records as they stood on `as_of`, sorted and grouped once.

Why: every rule asks "what was known on the list date?". Records dated after `as_of`
(pumps implanted later, refills, cultures, courses started later, exams, bridging,
symptom-resolution and neutrophil-recovery dates) are dropped here, and a stop or removal
date after `as_of` is read as "still running / still implanted", so that asking about a
past or future date gives the answer the team would have had then. Grouping once keeps
the engine O(records) per patient: no rule re-sorts or re-filters the record lists.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from operator import attrgetter

from itb_tui.clinical.organisms import lookup
from itb_tui.clinical.pumps import pumps_as_of
from itb_tui.clinical.records import AntifungalCourse, Bridging, Culture, Exam, Patient, Pump

POSITIVE = "positive"
NO_GROWTH = "no_growth"
PENDING = "pending"
POCKET_SPECIMENS = ("pocket", "wound")
DEVICE_SPECIMENS = ("csf", "pocket", "wound")


@dataclass(slots=True)
class Facts:
    patient: Patient
    as_of: date
    cultures: list[Culture]  # every culture drawn on or before as_of, oldest first
    blood: list[Culture]
    blood_no_growth_dates: list[date]  # sorted
    fungal_blood_positives: list[Culture]
    bacterial_blood_positives: list[Culture]  # any positive blood culture that is not fungal
    implanted_pump: Pump | None  # the pump in the patient on as_of (latest implanted)
    pumps: list[Pump]  # every pump implanted on or before as_of (removed or not)
    # (course, stop date as of as_of: None while it still runs on as_of)
    courses: list[tuple[AntifungalCourse, date | None]]
    bridging: list[Bridging]
    exams: list[Exam]
    symptoms_resolved_on: date | None
    neutrophil_recovery_on: date | None
    # Device infections on as_of (clinical-rules.md, Terms): every positive CSF, pocket or
    # wound culture drawn while the pump implanted on as_of was already in, with no
    # no-growth culture of the SAME specimen drawn on a later day, within
    # episode_lookback_days (filtered by the caller that knows the rules). Oldest first.
    device_infections: list[Culture]
    # Every positive fungal CSF / pocket / wound culture drawn while a pump was in,
    # oldest first (the device episode looks at these, cleared or not).
    fungal_device_positives: list[Culture]
    # specimen -> no-growth dates of that specimen, sorted (same-site clearance).
    no_growth_by_specimen: dict[str, list[date]]
    # Every positive culture of any specimen, oldest first (C. auris, relapse, reimplant).
    positives: list[Culture] = field(default_factory=list)
    # Every pending blood or CSF culture, oldest first (the refill's culture_pending).
    pending: list[Culture] = field(default_factory=list)
    # The first no-growth blood culture date strictly after the latest fungal (bacterial)
    # positive blood culture, None when there is none (or no such positive): the refill's
    # fungemia/bacteremia block and the fungal episode's clearance read the same date.
    fungal_blood_cleared_on: date | None = None
    bacterial_blood_cleared_on: date | None = None


def is_fungal_culture(culture: Culture) -> bool:
    """A positive culture whose organism is a fungus. A text the species table refuses
    (from a store older than revision 3) is fungal wherever it could be (organisms.lookup
    fails safe); any other organism not in the table, or a missing one, is NOT fungal: it
    still blocks refill, as bacteremia (see docs/rules.md)."""
    return _fungal_organism(culture.organism)


def fungal_group(culture: Culture) -> str | None:
    """The fungal group of a culture's organism (None: not fungal)."""
    return _organism_group(culture.organism)


def _is_fungal_organism(organism: str | None) -> bool:
    species = lookup(organism)
    return species is not None and species.fungal


def _group_of_organism(organism: str | None) -> str | None:
    species = lookup(organism)
    return species.group if species is not None and species.fungal else None


# Remembered per organism text (a ward names a few dozen organisms): the answer is fixed by
# the text (organisms.lookup is itself a pure, cached function of it), and the C-level
# cache saves a Python call per culture in every rule that asks.
_fungal_organism = lru_cache(maxsize=8192)(_is_fungal_organism)
_organism_group = lru_cache(maxsize=8192)(_group_of_organism)
organism_group = _organism_group  # fungal_group(culture) by the organism text, for a hot loop


def _in_at(pump: Pump, day: date) -> bool:
    """The pump was implanted on `day` (no implant date: implanted from any date on)."""
    return (pump.implanted_on is None or pump.implanted_on <= day) and (
        pump.removed_on is None or pump.removed_on > day)


def build_facts(patient: Patient, as_of: date, lookback_days: int | None = None) -> Facts:
    """`lookback_days` (rules.episode_lookback_days): a device-site culture older than that
    no longer counts as a device infection (None: no bound)."""
    # build_facts runs once per patient per list, the largest single cost of the engine
    # (profile, docs/benchmarks.md). Sorted first with a C-level key, then the cultures
    # drawn after as_of cut off the end (bisect): the same list, in the same order, as
    # filtering and then sorting (the sort is stable), without a Python-level filter.
    cultures = sorted(patient.cultures, key=_drawn_on)
    if cultures and cultures[-1].drawn_on > as_of:
        del cultures[bisect_right(cultures, as_of, key=_drawn_on):]
    blood: list[Culture] = []
    no_growth: list[date] = []
    fungal: list[Culture] = []
    bacterial: list[Culture] = []
    by_specimen: dict[str, list[date]] = {}
    device_positives: list[Culture] = []
    positives: list[Culture] = []
    pending: list[Culture] = []
    fungal_organism = _fungal_organism
    for culture in cultures:
        specimen = culture.specimen
        result = culture.result
        if specimen == "blood":
            blood.append(culture)
            if result == NO_GROWTH:
                no_growth.append(culture.drawn_on)
            elif result == POSITIVE:
                positives.append(culture)
                (fungal if fungal_organism(culture.organism) else bacterial).append(culture)
            elif result == PENDING:
                pending.append(culture)
        elif result == NO_GROWTH:
            dates = by_specimen.get(specimen)
            if dates is None:
                by_specimen[specimen] = [culture.drawn_on]
            else:
                dates.append(culture.drawn_on)
        elif result == POSITIVE:
            positives.append(culture)
            if specimen in DEVICE_SPECIMENS:
                device_positives.append(culture)
        elif result == PENDING and specimen == "csf":
            pending.append(culture)
    fungal_cleared = bacterial_cleared = None
    if no_growth:
        by_specimen["blood"] = no_growth  # the same dates, read-only: one list serves both
        if fungal:
            after = bisect_right(no_growth, fungal[-1].drawn_on)
            fungal_cleared = no_growth[after] if after < len(no_growth) else None
        if bacterial:
            after = bisect_right(no_growth, bacterial[-1].drawn_on)
            bacterial_cleared = no_growth[after] if after < len(no_growth) else None

    pumps, implanted = pumps_as_of(patient, as_of)  # the one rule (clinical/pumps.py)

    device: list[Culture] = []
    fungal_device: list[Culture] = []
    for culture in device_positives:
        if fungal_organism(culture.organism) and any(_in_at(p, culture.drawn_on) for p in pumps):
            fungal_device.append(culture)
        if implanted is None or (implanted.implanted_on is not None and implanted.implanted_on > culture.drawn_on):
            continue  # drawn before this pump went in: it belonged to an earlier device
        negatives = by_specimen.get(culture.specimen, ())
        if negatives and negatives[-1] > culture.drawn_on:
            continue  # a no-growth culture of the same site drawn on a later day cleared it
        if lookback_days is not None and (as_of - culture.drawn_on).days > lookback_days:
            continue
        device.append(culture)

    courses = []
    for course in patient.antifungals:
        if course.started_on > as_of:
            continue
        stop = course.stopped_on
        courses.append((course, stop if stop is not None and stop <= as_of else None))

    symptoms = patient.symptoms_resolved_on
    neutrophils = patient.neutrophil_recovery_on
    # Positional, in the field order of Facts: a call with 19 keywords cost 1.1 µs more
    # a patient (measured at 10,000); the equality tests of every rule catch a slip.
    return Facts(
        patient, as_of, cultures, blood, no_growth, fungal, bacterial, implanted, pumps, courses,
        [b for b in patient.bridging if b.started_on <= as_of] if patient.bridging else [],
        [e for e in patient.exams if e.on <= as_of] if patient.exams else [],
        symptoms if symptoms is not None and symptoms <= as_of else None,
        neutrophils if neutrophils is not None and neutrophils <= as_of else None,
        device, fungal_device, by_specimen, positives, pending, fungal_cleared, bacterial_cleared,
    )


_drawn_on = attrgetter("drawn_on")  # a culture's sort key: the day it was drawn

