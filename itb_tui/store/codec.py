"""Records <-> table rows, and records -> the JSON kept in the audit trail.

One mapping per record type, in one place, so the loader, the writers and the importer
agree on every column. Rows are read as plain tuples in the column order of
`loader.TABLE_COLUMNS` (the loader's fast path builds records itself; these `*_from_row`
functions serve the typed reads, e.g. records entered in error).
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


_SUSCEPTIBILITY_CACHE: dict[str, dict[str, str]] = {}


def susceptibility_from_text(text: str | None) -> dict[str, str]:
    """Parsed once per distinct text (a ward has few distinct panels); each culture gets
    its own copy, so no two records share a mutable dict."""
    if not text:
        return {}
    parsed = _SUSCEPTIBILITY_CACHE.get(text)
    if parsed is None:
        parsed = json.loads(text)
        if len(_SUSCEPTIBILITY_CACHE) < 10_000:
            _SUSCEPTIBILITY_CACHE[text] = parsed
    return dict(parsed)


# --- rows -> records (row[1] is the parent id, dropped here) -------------------------

def pump_from_row(r, refills: tuple[Refill, ...]) -> Pump:
    return Pump(
        serial=r[2], manufacturer=r[3], model=r[4], reservoir_ml=r[5], alarm_ml=r[6],
        implanted_on=r[7], removed_on=r[8], removal_reason=r[9], concentration_ug_ml=r[10],
        daily_dose_ug=r[11], refills=refills, id=r[0],
    )


def refill_from_row(r) -> Refill:
    return Refill(on=r[2], volume_ml=r[3], programmer_alarm_on=r[4], override_reason=r[5], id=r[0])


def culture_from_row(r) -> Culture:
    return Culture(
        specimen=r[2], drawn_on=r[3], result=r[4], organism=r[5],
        susceptibility=susceptibility_from_text(r[6]), id=r[0],
    )


def course_from_row(r) -> AntifungalCourse:
    return AntifungalCourse(
        drug=r[2], dose_mg=r[3], started_on=r[4], stopped_on=r[5], planned_stop_on=r[6], id=r[0]
    )


def bridging_from_row(r) -> Bridging:
    return Bridging(method=r[2], started_on=r[3], detail=r[4], id=r[0], stopped_on=r[5])


def exam_from_row(r) -> Exam:
    return Exam(kind=r[2], on=r[3], finding=r[4], id=r[0])


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
