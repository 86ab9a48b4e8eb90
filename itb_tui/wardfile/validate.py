"""Validate a whole Patient record: every field check of `fields.py` plus the rules that
span records (pumps that overlap in time, a serial used twice).

This is the one implementation the import, the store and the forms share, so a record
the import refuses is refused by a form in the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from datetime import date

from itb_tui.clinical.records import (
    AntifungalCourse,
    Bridging,
    Culture,
    Exam,
    Patient,
    Pump,
    Refill,
)
from itb_tui.wardfile.fields import FIELDS
from itb_tui.wardfile.text import clean_text, show

RECORD_TYPES = {
    "pump": Pump,
    "refill": Refill,
    "culture": Culture,
    "antifungal": AntifungalCourse,
    "bridging": Bridging,
    "exam": Exam,
}

Problem = tuple[str, str]  # (field path, what is wrong)

# The ward-file name of each record list and the field table that checks its items.
CHILD_LISTS = (
    ("pumps", "pump"),
    ("cultures", "culture"),
    ("antifungals", "antifungal"),
    ("bridging", "bridging"),
    ("exams", "exam"),
)


def _record_problems(kind: str, record: object, path: str, context: dict) -> tuple[list[Problem], dict]:
    """The record's problems, and its fields with every faulty one blanked to None.

    Checks run in field order and each sees only the earlier fields that passed, so a
    wrong `implanted_on` is reported once, not again against every refill date.
    """
    context = dict(context)
    sound = {}
    problems = []
    for name, check in FIELDS[kind].items():
        value = getattr(record, name, None)
        problem = check(value, context)
        if problem:
            problems.append((f"{path}{name}", problem))
            value = None
        sound[name] = value
        context.setdefault(name, value)
    return problems, sound


def _items(value: object) -> list:
    """The records of a child list; anything but a list or tuple counts as none."""
    return list(value) if isinstance(value, (list, tuple)) else []


def _pump_overlaps(pumps: list) -> list[Problem]:
    """A patient carries one ITB pump at a time: implant periods may touch, not overlap.

    (Same-day exchange, e.g. at battery end of life, is allowed.)
    """
    problems = []
    periods = []
    for index, pump in enumerate(pumps):
        start = getattr(pump, "implanted_on", None)
        end = getattr(pump, "removed_on", None)
        if isinstance(start, date) and (end is None or (isinstance(end, date) and end >= start)):
            periods.append((start, end, index))
    periods.sort(key=lambda p: (p[0], p[2]))
    for later_pos, (start, _end, index) in enumerate(periods):
        for earlier_start, earlier_end, earlier_index in periods[:later_pos]:
            if earlier_end is None or start < earlier_end:
                where = "still in place" if earlier_end is None else f"removed {earlier_end.isoformat()}"
                problems.append(
                    (
                        f"pumps[{index}].implanted_on",
                        f"overlaps pumps[{earlier_index}] (implanted {earlier_start.isoformat()}, {where})",
                    )
                )
                break
    return problems


def _duplicate_serials(pumps: list) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for index, pump in enumerate(pumps):
        serial = getattr(pump, "serial", None)
        if not isinstance(serial, str) or not serial:
            continue
        if serial in seen:
            problems.append((f"pumps[{index}].serial", f"same serial as pumps[{seen[serial]}]"))
        else:
            seen[serial] = index
    return problems


def patient_problems(patient: Patient, today: date | None) -> list[Problem]:
    """Every problem of one patient as (path, message) pairs, in field order."""
    dob = getattr(patient, "dob", None)
    if FIELDS["patient"]["dob"](dob, {"today": today}) is not None:
        dob = None  # a wrong dob is reported once, not against every later date
    base = {"today": today, "dob": dob}
    problems, _ = _record_problems("patient", patient, "", base)
    for list_name, kind in CHILD_LISTS:
        value = getattr(patient, list_name, ())
        if not isinstance(value, (list, tuple)):
            problems.append((list_name, f"must be a list, not {show(value)}"))
            continue
        for index, record in enumerate(value):
            path = f"{list_name}[{index}]."
            if not isinstance(record, RECORD_TYPES[kind]):
                problems.append((path[:-1], f"must be a {RECORD_TYPES[kind].__name__} record"))
                continue
            found, sound = _record_problems(kind, record, path, base)
            problems += found
            if kind == "pump":
                problems += _refill_problems(record, sound, path, base)
    pumps = _items(getattr(patient, "pumps", ()))
    problems += _pump_overlaps(pumps) + _duplicate_serials(pumps)
    return problems


def _refill_problems(pump: Pump, sound: dict, path: str, base: dict) -> list[Problem]:
    refills = getattr(pump, "refills", ())
    if not isinstance(refills, (list, tuple)):
        return [(f"{path}refills", f"must be a list, not {show(refills)}")]
    context = {
        **base,
        "reservoir_ml": sound["reservoir_ml"],
        "pump_implanted_on": sound["implanted_on"],
        "pump_removed_on": sound["removed_on"],
    }
    problems = []
    for index, refill in enumerate(refills):
        if not isinstance(refill, Refill):
            problems.append((f"{path}refills[{index}]", "must be a Refill record"))
            continue
        problems += _record_problems("refill", refill, f"{path}refills[{index}].", context)[0]
    return problems + _same_day_refills(refills, path)


def _same_day_refills(refills, path: str) -> list[Problem]:
    """Two refills of one pump on one date (issue 14): the store's record_refill refuses
    the second, so a file or a form must too (one would hide the other's volume)."""
    first: dict[object, int] = {}
    problems = []
    for index, refill in enumerate(refills):
        on = getattr(refill, "on", None)
        if not isinstance(on, date):
            continue
        if on in first:
            problems.append((f"{path}refills[{index}].on", f"a refill on {on.isoformat()} is already "
                             f"recorded for this pump (refills[{first[on]}]); one refill a day"))
        else:
            first[on] = index
    return problems


def label_for(patient: object, fallback: str) -> str:
    """The patient's MRN to start each message with, or `fallback` if it is unusable."""
    mrn = getattr(patient, "mrn", None)
    if FIELDS["patient"]["mrn"](mrn, {}) is None:
        return mrn
    return fallback


def validate_patient(patient: Patient, today: date) -> list[str]:
    """Every problem of `patient` as `MRN: field.path[i].sub: what is wrong` lines.

    An empty list means the record may be stored. Strings must already be trimmed and
    drug names lower case: call `normalise_patient` on form input first.
    """
    label = label_for(patient, "(no valid MRN)")
    return [f"{label}: {path}: {message}" for path, message in patient_problems(patient, today)]


# --- normalisation (what the import does to text before validating) ---


def _clean_record(record: object) -> object:
    changes = {}
    for spec in dataclass_fields(record):
        value = getattr(record, spec.name)
        if isinstance(value, str):
            changes[spec.name] = clean_text(value)
    if isinstance(record, AntifungalCourse) and isinstance(changes.get("drug"), str):
        changes["drug"] = changes["drug"].lower()
    if isinstance(record, Culture) and isinstance(record.susceptibility, Mapping):
        changes["susceptibility"] = {
            (k.strip().lower() if isinstance(k, str) else k): (v.strip() if isinstance(v, str) else v)
            for k, v in record.susceptibility.items()
        }
    if isinstance(record, Pump):
        changes["refills"] = tuple(
            _clean_record(r) if isinstance(r, Refill) else r for r in _items(record.refills)
        )
    return replace(record, **changes)


def normalise_patient(patient: Patient) -> Patient:
    """`patient` with every string trimmed (empty -> None), drug names lower-cased.

    Forms call this on what the user typed before `validate_patient`; the import applies
    the same normalisation while parsing. Non-records in the lists are left for the
    validation to report.
    """
    patient = _clean_record(patient)
    changes = {}
    for list_name, _kind in CHILD_LISTS:
        value = getattr(patient, list_name)
        if isinstance(value, (list, tuple)):
            changes[list_name] = tuple(
                _clean_record(r)
                if isinstance(r, (Pump, Refill, Culture, AntifungalCourse, Bridging, Exam))
                else r
                for r in value
            )
    return replace(patient, **changes)
