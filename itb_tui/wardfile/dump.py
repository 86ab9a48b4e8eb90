"""Write Patient records as a ward file (`itb-ward/1`): export, then import, is the identity.

Keys follow the order of the example in `ward-file-format.md`, so an exported file reads
like the documentation. Absent optional fields are written as null (a reader sees the
field exists). Store ids are not written: they belong to one database. A refill's
`override_reason` is clinical data (why a blocked refill was given anyway), so it is
written as an added field, but only on refills that carry one.

Quantities are Decimal and are written as JSON numbers exactly as they are held (20 stays
20, 61.0 stays 61.0, 0.1 stays 0.1): the standard `json` module cannot do that, hence the
small generic writer (json_text.py) and the per-record one the files are written with
(dump_text.py, the same bytes).
"""

from __future__ import annotations

from collections.abc import Iterable
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
from itb_tui.wardfile.json_text import _encode, _quote  # noqa: F401 (_encode: the tests' reference)
from itb_tui.wardfile.limits import FORMAT

CHUNK = 500  # patients per piece of text written (dump_text.patients_text)


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
    """The ward file as JSON text, indented by 2, ending in a newline: `dump_ward`'s dict
    as `_encode` would write it, written straight from the records by dump_text (the
    whole ward's dict and its millions of small pieces are never built)."""
    from itb_tui.wardfile.dump_text import patients_text

    patients = list(patients)
    body = "[\n    " + patients_text(patients) + "\n  ]" if patients else "[]"
    return '{\n  "format": ' + _quote(FORMAT) + ',\n  "patients": ' + body + "\n}\n"


def dumps_ward_chunks(patients: Iterable[Patient]):
    """`dumps_ward(patients)` as UTF-8 bytes, CHUNK patients' text at a time, for writing a
    large ward straight to its file (the 10,000-patient file is ~54 MB; its str, its list
    of pieces and its bytes were all held at once). Same bytes (tests/wardfile/
    test_wardfile_dump_text.py)."""
    from itb_tui.wardfile.dump_text import PATIENT_SEPARATOR, patients_text

    yield b'{\n  "format": ' + _quote(FORMAT).encode("utf-8") + b',\n  "patients": '
    patients = list(patients)
    for start in range(0, len(patients), CHUNK):
        text = patients_text(patients[start:start + CHUNK])
        yield ("[\n    " if start == 0 else PATIENT_SEPARATOR).encode("utf-8") + text.encode("utf-8")
    yield (b"\n  ]" if patients else b"[]") + b"\n}\n"
