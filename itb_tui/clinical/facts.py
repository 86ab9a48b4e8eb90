"""One patient's records as they stood on `as_of`, sorted and grouped once.

Why: every rule asks "what was known on the list date?". Records dated after `as_of`
(pumps implanted later, refills, cultures, courses started later, exams, bridging,
symptom-resolution and neutrophil-recovery dates) are dropped here, and a stop or removal
date after `as_of` is read as "still running / still implanted", so that asking about a
past or future date gives the answer the team would have had then. Grouping once keeps
the engine O(records) per patient: no rule re-sorts or re-filters the record lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from itb_tui.clinical.organisms import lookup
from itb_tui.clinical.pumps import current_pump, implanted_by
from itb_tui.clinical.records import AntifungalCourse, Bridging, Culture, Exam, Patient, Pump

POSITIVE = "positive"
NO_GROWTH = "no_growth"
PENDING = "pending"
POCKET_SPECIMENS = ("pocket", "wound")


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


def is_fungal_culture(culture: Culture) -> bool:
    """A positive culture whose organism is a recognised fungus. An unrecognised or missing
    organism is NOT fungal: it still blocks refill, as bacteremia (see docs/rules.md)."""
    species = lookup(culture.organism)
    return species is not None and species.fungal


def build_facts(patient: Patient, as_of: date) -> Facts:
    cultures = sorted((c for c in patient.cultures if c.drawn_on <= as_of), key=_drawn_on)
    blood: list[Culture] = []
    no_growth: list[date] = []
    fungal: list[Culture] = []
    bacterial: list[Culture] = []
    for culture in cultures:
        if culture.specimen != "blood":
            continue
        blood.append(culture)
        if culture.result == NO_GROWTH:
            no_growth.append(culture.drawn_on)
        elif culture.result == POSITIVE:
            (fungal if is_fungal_culture(culture) else bacterial).append(culture)

    pumps = [p for p in patient.pumps if implanted_by(p, as_of)]
    implanted = current_pump(patient, as_of)  # the one rule (clinical/pumps.py)

    courses = []
    for course in patient.antifungals:
        if course.started_on > as_of:
            continue
        stop = course.stopped_on if course.stopped_on is not None and course.stopped_on <= as_of else None
        courses.append((course, stop))

    return Facts(
        patient=patient,
        as_of=as_of,
        cultures=cultures,
        blood=blood,
        blood_no_growth_dates=no_growth,
        fungal_blood_positives=fungal,
        bacterial_blood_positives=bacterial,
        implanted_pump=implanted,
        pumps=pumps,
        courses=courses,
        bridging=[b for b in patient.bridging if b.started_on <= as_of],
        exams=[e for e in patient.exams if e.on <= as_of],
        symptoms_resolved_on=_known(patient.symptoms_resolved_on, as_of),
        neutrophil_recovery_on=_known(patient.neutrophil_recovery_on, as_of),
    )


def _drawn_on(culture: Culture) -> date:
    return culture.drawn_on


def _known(day: date | None, as_of: date) -> date | None:
    return day if day is not None and day <= as_of else None
