"""The clinical records the rules engine reads: plain, immutable, free of any database.

These mirror the ward file (`shared/ward-file-format.md`) one to one, so the same objects
come from an import, from the store and from a form. Quantities are `Decimal` because the
reservoir countdown must be exact (binary floating point puts some alarm dates a day
early). `id` is the store's row id where the record came from the store (the UI needs it
to edit or mark a record entered in error); the engine never looks at it.

Records marked "entered in error" never reach the engine: the store filters them out.
"""

from __future__ import annotations

from dataclasses import field
from datetime import date
from decimal import Decimal
from typing import Mapping

from itb_tui.clinical.frozen_record import frozen_record

# Enumerations of the ward-file contract. Kept as plain tuples of codes (the codes are the
# contract); the UI shows them as words.
SPECIMENS = ("blood", "csf", "pocket", "wound", "catheter_tip", "urine", "other")
CULTURE_RESULTS = ("pending", "no_growth", "positive")
SUSCEPTIBILITY_VALUES = ("S", "SDD", "I", "R")
BRIDGING_METHODS = ("lumbar_drain", "oral_baclofen", "iv_benzodiazepine", "other")
EXAM_KINDS = ("dilated_eye_exam", "echocardiogram", "other")


@frozen_record
class Refill:
    on: date
    volume_ml: Decimal
    programmer_alarm_on: date | None = None
    # Set when the refill was given while the refill was blocked (clinician's override).
    override_reason: str | None = None
    id: int | None = None


@frozen_record
class Pump:
    serial: str
    manufacturer: str | None
    model: str | None
    reservoir_ml: Decimal
    alarm_ml: Decimal
    implanted_on: date | None
    removed_on: date | None
    removal_reason: str | None
    concentration_ug_ml: Decimal
    daily_dose_ug: Decimal
    refills: tuple[Refill, ...] = ()
    id: int | None = None


@frozen_record
class Culture:
    specimen: str
    drawn_on: date
    result: str
    organism: str | None = None
    # drug name (lower case, e.g. "fluconazole") -> "S" | "SDD" | "I" | "R"
    susceptibility: Mapping[str, str] = field(default_factory=dict)
    id: int | None = None


@frozen_record
class AntifungalCourse:
    drug: str
    dose_mg: Decimal | None
    started_on: date
    stopped_on: date | None = None
    planned_stop_on: date | None = None
    id: int | None = None


@frozen_record
class Bridging:
    method: str
    started_on: date
    detail: str | None = None
    id: int | None = None
    # The last day of bridging (clinical rules revision 3): a record that stopped before a
    # removal does not cover it. None while it runs (or when not recorded).
    stopped_on: date | None = None


@frozen_record
class Exam:
    kind: str
    on: date
    finding: str | None = None
    id: int | None = None


@frozen_record
class Patient:
    mrn: str
    name: str
    dob: date | None = None
    ward: str | None = None
    bed: str | None = None
    weight_kg: Decimal | None = None
    symptoms_resolved_on: date | None = None
    neutrophil_recovery_on: date | None = None
    pumps: tuple[Pump, ...] = ()
    cultures: tuple[Culture, ...] = ()
    antifungals: tuple[AntifungalCourse, ...] = ()
    bridging: tuple[Bridging, ...] = ()
    exams: tuple[Exam, ...] = ()
    id: int | None = None
    # The store's change counter for this patient and its records, as loaded (None when
    # not from the store). A save names the version the user's screen showed, so a change
    # made meanwhile by someone else is refused, never overwritten. Not part of equality:
    # two loads of the same content are the same patient.
    row_version: int | None = field(default=None, compare=False)
