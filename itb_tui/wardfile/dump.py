"""Write Patient records as a ward file (`itb-ward/1`): export, then import, is the identity.

Keys follow the order of the example in `ward-file-format.md`, so an exported file reads
like the documentation. Absent optional fields are written as null (a reader sees the
field exists). Store ids are not written: they belong to one database. A refill's
`override_reason` is clinical data (why a blocked refill was given anyway), so it is
written as an added field, but only on refills that carry one.

Quantities are Decimal and are written as JSON numbers exactly as they are held (20 stays
20, 61.0 stays 61.0, 0.1 stays 0.1): the standard `json` module cannot do that, hence the
small writer at the end.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from itb_tui.clinical.records import (
    AntifungalCourse,
    Bridging,
    Culture,
    Exam,
    Patient,
    Pump,
    Refill,
)
from itb_tui.wardfile.limits import FORMAT


def _date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _refill(refill: Refill) -> dict:
    out = {
        "on": _date(refill.on),
        "volume_ml": refill.volume_ml,
        "programmer_alarm_on": _date(refill.programmer_alarm_on),
    }
    if refill.override_reason is not None:
        out["override_reason"] = refill.override_reason
    return out


def _pump(pump: Pump) -> dict:
    return {
        "serial": pump.serial,
        "manufacturer": pump.manufacturer,
        "model": pump.model,
        "reservoir_ml": pump.reservoir_ml,
        "alarm_ml": pump.alarm_ml,
        "implanted_on": _date(pump.implanted_on),
        "removed_on": _date(pump.removed_on),
        "removal_reason": pump.removal_reason,
        "concentration_ug_ml": pump.concentration_ug_ml,
        "daily_dose_ug": pump.daily_dose_ug,
        "refills": [_refill(r) for r in pump.refills],
    }


def _culture(culture: Culture) -> dict:
    return {
        "specimen": culture.specimen,
        "drawn_on": _date(culture.drawn_on),
        "result": culture.result,
        "organism": culture.organism,
        "susceptibility": dict(culture.susceptibility or {}),
    }


def _course(course: AntifungalCourse) -> dict:
    return {
        "drug": course.drug,
        "dose_mg": course.dose_mg,
        "started_on": _date(course.started_on),
        "stopped_on": _date(course.stopped_on),
        "planned_stop_on": _date(course.planned_stop_on),
    }


def _bridging(bridging: Bridging) -> dict:
    return {
        "method": bridging.method,
        "started_on": _date(bridging.started_on),
        "stopped_on": _date(bridging.stopped_on),
        "detail": bridging.detail,
    }


def _exam(exam: Exam) -> dict:
    return {"kind": exam.kind, "on": _date(exam.on), "finding": exam.finding}


def _patient(patient: Patient) -> dict:
    return {
        "mrn": patient.mrn,
        "name": patient.name,
        "dob": _date(patient.dob),
        "ward": patient.ward,
        "bed": patient.bed,
        "weight_kg": patient.weight_kg,
        "symptoms_resolved_on": _date(patient.symptoms_resolved_on),
        "pumps": [_pump(p) for p in patient.pumps],
        "cultures": [_culture(c) for c in patient.cultures],
        "antifungals": [_course(c) for c in patient.antifungals],
        "bridging": [_bridging(b) for b in patient.bridging],
        "exams": [_exam(e) for e in patient.exams],
        "neutrophil_recovery_on": _date(patient.neutrophil_recovery_on),
    }


def dump_ward(patients: Iterable[Patient]) -> dict:
    """The ward file as a JSON-ready dict, patients in the order given.

    Quantities stay Decimal (exact); `parse_ward` accepts this dict as it is, and
    `dumps_ward` writes it as text.
    """
    return {"format": FORMAT, "patients": [_patient(p) for p in patients]}


def dumps_ward(patients: Iterable[Patient]) -> str:
    """The ward file as JSON text, indented by 2, ending in a newline."""
    return _encode(dump_ward(patients), 0) + "\n"


def _number(value: Decimal | int) -> str:
    """A finite Decimal as the JSON number with the same digits and exponent."""
    text = str(value)
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"cannot write {text} as a JSON number")
    return text


def _encode(value: object, level: int) -> str:
    """json.dumps(indent=2, ensure_ascii=False) for dicts, lists, str, Decimal, None."""
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = (f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_encode(v, level + 1)}" for k, v in value.items())
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = (f"{inner}{_encode(v, level + 1)}" for v in value)
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (Decimal, int)):
        return _number(value)
    return json.dumps(value, ensure_ascii=False)
