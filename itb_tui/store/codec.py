"""Records <-> table rows, and records -> the JSON kept in the audit trail.

One mapping per record type and direction: records -> column values here (the writers
and the importer), rows -> records in `loader.RecordBuilders` (every read: the ward load,
the status load, the records entered in error), both in the column names of
`loader.TABLE_COLUMNS`.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Mapping

from itb_tui.clinical.records import (
    AntifungalCourse,
    Bridging,
    Culture,
    Exam,
    Patient,
    Pump,
    Refill,
)

# The patient's own fields (the rest are lists of records, each with its own table).
DEMOGRAPHIC_FIELDS = (
    "name", "dob", "ward", "bed", "weight_kg", "symptoms_resolved_on", "neutrophil_recovery_on",
)


def susceptibility_to_text(m: Mapping[str, str] | None) -> str | None:
    if not m:
        return None
    return json.dumps(dict(m), sort_keys=True, separators=(",", ":"))


# --- records -> column values ---------------------------------------------------------

def patient_values(p: Patient) -> dict[str, Any]:
    return {
        "mrn": p.mrn, "name": p.name, "dob": p.dob, "ward": p.ward, "bed": p.bed,
        "weight_kg": p.weight_kg, "symptoms_resolved_on": p.symptoms_resolved_on,
        "neutrophil_recovery_on": p.neutrophil_recovery_on,
    }


def pump_values(p: Pump) -> dict[str, Any]:
    return {
        "serial": p.serial, "manufacturer": p.manufacturer, "model": p.model,
        "reservoir_ml": p.reservoir_ml, "alarm_ml": p.alarm_ml, "implanted_on": p.implanted_on,
        "removed_on": p.removed_on, "removal_reason": p.removal_reason,
        "concentration_ug_ml": p.concentration_ug_ml, "daily_dose_ug": p.daily_dose_ug,
    }


def refill_values(r: Refill) -> dict[str, Any]:
    return {
        "refilled_on": r.on, "volume_ml": r.volume_ml,
        "programmer_alarm_on": r.programmer_alarm_on, "override_reason": r.override_reason,
    }


def culture_values(c: Culture) -> dict[str, Any]:
    return {
        "specimen": c.specimen, "drawn_on": c.drawn_on, "result": c.result,
        "organism": c.organism, "susceptibility": susceptibility_to_text(c.susceptibility),
    }


def course_values(c: AntifungalCourse) -> dict[str, Any]:
    return {
        "drug": c.drug, "dose_mg": c.dose_mg, "started_on": c.started_on,
        "stopped_on": c.stopped_on, "planned_stop_on": c.planned_stop_on,
    }


def bridging_values(b: Bridging) -> dict[str, Any]:
    return {"method": b.method, "started_on": b.started_on, "stopped_on": b.stopped_on, "detail": b.detail}


def exam_values(e: Exam) -> dict[str, Any]:
    return {"kind": e.kind, "exam_on": e.on, "finding": e.finding}


# --- audit JSON -----------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # a string keeps it exact
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in sorted(value.items())}
    return value


_OWN_FIELDS: dict[type, tuple[str, ...]] = {}
_NESTED = ("pumps", "cultures", "antifungals", "bridging", "exams", "refills")
_NOT_CONTENT = ("id", "row_version")  # store bookkeeping, not the record's content


def record_dict(record: Any) -> dict[str, Any]:
    """The record's own fields (no nested records, no id), JSON-ready, ward-file names."""
    names = _OWN_FIELDS.get(type(record))
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(record) if f.name not in _NOT_CONTENT and f.name not in _NESTED)
        _OWN_FIELDS[type(record)] = names
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(record, name)
        kind = type(value)
        out[name] = value if (value is None or kind is str or kind is int) else _plain(value)
    return out


def bare(record: Any) -> Any:
    """The record without its id and nested records, for comparing content by value
    (Decimal("20") equals Decimal("20.0"): a re-import that only rewrites a number's
    scale is "unchanged", not an update)."""
    changes: dict[str, Any] = {"id": None}
    if hasattr(record, "row_version"):
        changes["row_version"] = None
    for f in dataclasses.fields(record):
        if isinstance(getattr(record, f.name), tuple):
            changes[f.name] = ()
    return dataclasses.replace(record, **changes)
