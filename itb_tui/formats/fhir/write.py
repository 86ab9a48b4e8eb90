"""The ward as an HL7 FHIR R4 `collection` Bundle, validated with fhir.resources (R4B).

Per patient: Patient (MRN identifier), an Observation for body weight, a Device per pump
(serial, manufacturer, model; reservoir, alarm volume, concentration and daily dose as
properties), a Procedure for each implant, explant and refill, an Observation per
culture (LOINC culture code, organism, susceptibility as components), a
MedicationStatement per antifungal course, a Procedure per bridging plan and per
examination, and a Flag for an active refill block with its reasons. The Flag is the
app's conclusion on `as_of`; everything else is the record it was drawn from, complete
enough that `read.parse_bundle` gives back the same records (see `codes` for
what needs an extension).

Resource ids are name-based UUIDs (MRN + record position): the same ward exported twice
gives the same ids, so a receiving system can tell an update from a new record.
The Bundle is built as plain JSON; the tests validate it with the fhir.resources R4B
models (see `render` for why not at run time).
"""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

from itb_tui.formats.fhir import codes as C

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:itb-tui")


_NAMESPACE_BYTES = _NAMESPACE.bytes


def _uuid(*parts: object) -> str:
    """str(uuid.uuid5(_NAMESPACE, "/".join(parts))), computed as RFC 4122 section 4.3 does
    it without building a UUID object (a third of a 10,000-patient export's time went on
    ~340,000 of them). tests/exports/test_fhir_export.py compares it with uuid.uuid5."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + "/".join(str(p) for p in parts).encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _coding(system: str, code: str, display: str | None = None) -> dict:
    out = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def _quantity(value: Decimal, unit: str) -> dict:
    return {"value": value, "unit": unit, "system": C.UCUM, "code": unit}


def _ref(full_url: str, display: str | None = None) -> dict:
    out = {"reference": full_url}
    if display:
        out["display"] = display
    return out


class _Entries:
    """Collects (fullUrl, resource) pairs, giving each resource its id."""

    def __init__(self) -> None:
        self.items: list[dict] = []

    def add(self, resource: dict, *key: object) -> str:
        rid = _uuid(*key)
        resource = {"resourceType": resource.pop("resourceType"), "id": rid, **resource}
        full_url = f"urn:uuid:{rid}"
        self.items.append({"fullUrl": full_url, "resource": resource})
        return full_url


def _patient(p) -> dict:
    name: dict = {"text": p.name}
    if "," in p.name:
        family, given = (part.strip() for part in p.name.split(",", 1))
        if family:
            name["family"] = family
        if given.split():
            name["given"] = given.split()
    extension = []
    for url, value, kind in (
        (C.EXT_WARD, p.ward, "valueString"),
        (C.EXT_BED, p.bed, "valueString"),
        (C.EXT_SYMPTOMS_RESOLVED_ON, p.symptoms_resolved_on, "valueDate"),
        (C.EXT_NEUTROPHIL_RECOVERY_ON, p.neutrophil_recovery_on, "valueDate"),
    ):
        if value is not None and value != "":  # FHIR strings may not be empty
            extension.append({"url": url, kind: value.isoformat() if kind == "valueDate" else value})
    out: dict = {"resourceType": "Patient"}
    if extension:
        out["extension"] = extension
    out["identifier"] = [{
        "use": "usual",
        "type": {"coding": [_coding(C.V2_IDENTIFIER_TYPE, "MR", "Medical record number")]},
        "system": C.MRN_SYSTEM,
        "value": p.mrn,
    }]
    out["name"] = [name]
    if p.dob is not None:
        out["birthDate"] = p.dob.isoformat()
    return out


def _weight(p, subject: dict) -> dict:
    code, display = C.BODY_WEIGHT_LOINC
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [_coding(C.OBSERVATION_CATEGORY, "vital-signs", "Vital Signs")]}],
        "code": {"coding": [_coding(C.LOINC, code, display)], "text": display},
        "subject": subject,
        "valueQuantity": _quantity(p.weight_kg, "kg"),
    }


def _device(pump, subject: dict) -> dict:
    out: dict = {
        "resourceType": "Device",
        "status": "inactive" if pump.removed_on is not None else "active",
        "serialNumber": pump.serial,
    }
    if pump.manufacturer:
        out["manufacturer"] = pump.manufacturer
    if pump.model:
        out["deviceName"] = [{"name": pump.model, "type": "model-name"}]
    out["type"] = {"text": "Implantable intrathecal baclofen infusion pump"}
    out["property"] = [
        {"type": {"coding": [_coding(C.PUMP_PROPERTY_SYSTEM, field, display)], "text": display},
         "valueQuantity": [_quantity(getattr(pump, field), unit)]}
        for field, display, unit in C.PUMP_PROPERTIES
    ]
    out["patient"] = subject
    return out


def _procedure(kind: str, subject: dict, *, code: dict, when: dict, extra: dict | None = None,
               extension: list | None = None, note: str | None = None, status: str = "completed") -> dict:
    out: dict = {"resourceType": "Procedure"}
    if extension:
        out["extension"] = extension
    out["status"] = status
    out["category"] = {"coding": [_coding(C.PROCEDURE_KIND_SYSTEM, kind, C.PROCEDURE_KINDS[kind])]}
    out["code"] = code
    out["subject"] = subject
    out.update(when)
    out.update(extra or {})
    if note:
        out["note"] = [{"text": note}]
    return out


def _pump_procedures(pump, subject: dict, device: dict, entries: _Entries, mrn: str, i: int):
    if pump.implanted_on is not None:
        entries.add(_procedure(
            "pump_implant", subject,
            code={"text": "Implantation of intrathecal baclofen pump"},
            when={"performedDateTime": pump.implanted_on.isoformat()},
            extra={"focalDevice": [{"action": {"text": "implanted"}, "manipulated": device}]},
        ), mrn, "pump", i, "implant")
    for j, refill in enumerate(pump.refills):
        extension = [{"url": C.EXT_REFILL_VOLUME, "valueQuantity": _quantity(refill.volume_ml, "mL")}]
        if refill.programmer_alarm_on is not None:
            extension.append({"url": C.EXT_PROGRAMMER_ALARM_ON,
                              "valueDate": refill.programmer_alarm_on.isoformat()})
        if refill.override_reason:
            extension.append({"url": C.EXT_OVERRIDE_REASON, "valueString": refill.override_reason})
        note = f"{refill.volume_ml} mL"
        if refill.override_reason:
            note += f"; given while refill was blocked, override: {refill.override_reason}"
        entries.add(_procedure(
            "pump_refill", subject,
            code={"text": "Refill of intrathecal baclofen pump reservoir"},
            when={"performedDateTime": refill.on.isoformat()},
            extra={"focalDevice": [{"action": {"text": "refilled"}, "manipulated": device}]},
            extension=extension, note=note,
        ), mrn, "pump", i, "refill", j)
    if pump.removed_on is not None:
        extra: dict = {}
        if pump.removal_reason:
            extra["reasonCode"] = [{"text": pump.removal_reason}]
        extra["focalDevice"] = [{"action": {"text": "removed"}, "manipulated": device}]
        entries.add(_procedure(
            "pump_explant", subject,
            code={"text": "Removal of intrathecal baclofen pump"},
            when={"performedDateTime": pump.removed_on.isoformat()}, extra=extra,
        ), mrn, "pump", i, "explant")


def _culture(c, subject: dict) -> dict:
    loinc, display = C.CULTURE_LOINC[c.specimen]
    out: dict = {
        "resourceType": "Observation",
        "status": "preliminary" if c.result == "pending" else "final",
        "category": [{"coding": [_coding(C.OBSERVATION_CATEGORY, "laboratory", "Laboratory")]}],
        "code": {"coding": [_coding(C.LOINC, loinc, display),
                            _coding(C.SPECIMEN_SYSTEM, c.specimen)],
                 "text": f"{c.specimen.replace('_', ' ')} culture"},
        "subject": subject,
        "effectiveDateTime": c.drawn_on.isoformat(),
    }
    if c.result == "positive":
        out["valueCodeableConcept"] = {"text": c.organism}
        out["interpretation"] = [{"coding": [_coding(C.V3_INTERPRETATION, "POS", "Positive")]}]
    elif c.result == "no_growth":
        code, text = C.NO_GROWTH_SNOMED
        out["valueCodeableConcept"] = {"coding": [_coding(C.SNOMED, code, text)], "text": text}
        out["interpretation"] = [{"coding": [_coding(C.V3_INTERPRETATION, "NEG", "Negative")]}]
    else:
        out["dataAbsentReason"] = {"coding": [_coding(C.DATA_ABSENT_REASON, "temp-unknown",
                                                      "Temporarily Unknown")],
                                   "text": "culture pending"}
    components = []
    for drug, value in sorted(c.susceptibility.items()):
        interpretation = _coding(C.V3_INTERPRETATION, value, C.SUSCEPTIBILITY_DISPLAY.get(value))
        components.append({
            "code": {"coding": [_coding(C.SUSCEPTIBILITY_DRUG_SYSTEM, drug)],
                     "text": f"{drug} susceptibility"},
            "valueCodeableConcept": {"coding": [interpretation], "text": value},
            "interpretation": [{"coding": [interpretation]}],
        })
    if components:
        out["component"] = components
    return out


def _course(course, subject: dict, as_of: date) -> dict:
    if course.stopped_on is not None and course.stopped_on <= as_of:
        status = "completed"
    elif course.started_on > as_of:
        status = "intended"
    else:
        status = "active"
    out: dict = {"resourceType": "MedicationStatement"}
    if course.planned_stop_on is not None:
        out["extension"] = [{"url": C.EXT_PLANNED_STOP_ON,
                             "valueDate": course.planned_stop_on.isoformat()}]
    out["status"] = status
    out["category"] = {"coding": [_coding(C.MEDICATION_CATEGORY_SYSTEM, "antifungal",
                                          "Antifungal therapy")]}
    out["medicationCodeableConcept"] = {"coding": [_coding(C.ANTIFUNGAL_SYSTEM, course.drug)],
                                        "text": course.drug}
    out["subject"] = subject
    period = {"start": course.started_on.isoformat()}
    if course.stopped_on is not None:
        period["end"] = course.stopped_on.isoformat()
    out["effectivePeriod"] = period
    if course.dose_mg is not None:
        out["dosage"] = [{
            "text": f"{course.dose_mg} mg daily",
            "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
            "doseAndRate": [{"doseQuantity": _quantity(course.dose_mg, "mg")}],
        }]
    return out


def _flag(a, subject: dict, as_of: date) -> dict:
    explanations = a.refill.explanations or a.refill.reasons
    return {
        "resourceType": "Flag",
        "status": "active",
        "category": [{"coding": [_coding(C.FLAG_CATEGORY, "safety", "Safety")]}],
        "code": {
            "coding": [_coding(C.REFILL_BLOCK_REASON_SYSTEM, r) for r in a.refill.reasons],
            "text": "Do not refill the intrathecal baclofen pump: " + "; ".join(explanations),
        },
        "subject": subject,
        "period": {"start": as_of.isoformat()},
    }


def _patient_entries(p, a, entries: _Entries, as_of: date) -> None:
    mrn = p.mrn
    subject = _ref(entries.add(_patient(p), mrn, "patient"), p.name)
    if p.weight_kg is not None:
        entries.add(_weight(p, subject), mrn, "weight")
    for i, pump in enumerate(p.pumps):
        device = _ref(entries.add(_device(pump, subject), mrn, "pump", i), pump.serial)
        _pump_procedures(pump, subject, device, entries, mrn, i)
    for i, culture in enumerate(p.cultures):
        entries.add(_culture(culture, subject), mrn, "culture", i)
    for i, course in enumerate(p.antifungals):
        entries.add(_course(course, subject, as_of), mrn, "antifungal", i)
    for i, b in enumerate(p.bridging):
        code = {"coding": [_coding(C.BRIDGING_METHOD_SYSTEM, b.method, C.BRIDGING_DISPLAY[b.method])],
                "text": C.BRIDGING_DISPLAY[b.method]}
        # Running bridging is "in-progress"; once stopped (revision 3) it is "completed"
        # and its period ends on the last day.
        period = {"start": b.started_on.isoformat()}
        if b.stopped_on is not None:
            period["end"] = b.stopped_on.isoformat()
        entries.add(_procedure("bridging", subject, code=code, when={"performedPeriod": period},
                               note=b.detail, status="completed" if b.stopped_on else "in-progress"),
                    mrn, "bridging", i)
    for i, exam in enumerate(p.exams):
        code = {"coding": [_coding(C.EXAM_KIND_SYSTEM, exam.kind, C.EXAM_DISPLAY[exam.kind])],
                "text": C.EXAM_DISPLAY[exam.kind]}
        entries.add(_procedure("exam", subject, code=code,
                               when={"performedDateTime": exam.on.isoformat()},
                               note=exam.finding), mrn, "exam", i)
    if a is not None and a.refill.status == "blocked":
        entries.add(_flag(a, subject, as_of), mrn, "refill-block", as_of.isoformat())


def build_bundle(pairs, *, as_of: date, rules, generated_at: datetime) -> dict:
    """The Bundle as a JSON-ready dict (Decimals kept exact), not yet validated."""
    entries = _Entries()
    for patient, assessment in pairs:
        _patient_entries(patient, assessment, entries, as_of)
    stamp = generated_at if generated_at.tzinfo else generated_at.astimezone()
    tags = [_coding(C.AS_OF_TAG_SYSTEM, as_of.isoformat(), "Computed as of")]
    version = getattr(rules, "version", None)
    if version:
        tags.append(_coding(C.RULES_VERSION_TAG_SYSTEM, str(version), "Rules version"))
    return {
        "resourceType": "Bundle",
        "meta": {"tag": tags},
        "type": "collection",
        "timestamp": stamp.astimezone(timezone.utc).isoformat(timespec="seconds").replace(
            "+00:00", "Z"),
        "entry": entries.items,
    }


def _json_number(value: object) -> object:
    """Decimals as JSON numbers, keeping how they were written where a float can: "20" as
    20, "61.0" as 61.0 (clinical quantities have few digits, so the float is exact)."""
    if isinstance(value, Decimal):
        if value.as_tuple().exponent >= 0:
            return int(value)
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} in a FHIR Bundle")


def render(pairs, *, as_of: date, rules, generated_at: datetime, for_file: bool = True) -> bytes:
    """The Bundle as pretty-printed JSON bytes.

    Not re-validated here: fhir.resources costs about 14 ms a patient (minutes for a
    10,000-patient clinic) to check resources this module builds the same way every time
    from records already validated. The tests validate every resource shape it writes.
    """
    return b"".join(render_chunks(pairs, as_of=as_of, rules=rules, generated_at=generated_at))


_CHUNK_BYTES = 1 << 20


def render_chunks(pairs, *, as_of: date, rules, generated_at: datetime):
    """`render`'s bytes in pieces of about a megabyte, one patient's entries at a time:
    a 10,000-patient Bundle held whole as dicts peaked at 1.9 GB, and its text alone is
    ~290 MB, so `write_export` writes these to the file as they come. The bytes are
    dumps_bundle(build_bundle(...))'s (tests/exports/test_fhir_export.py)."""
    head = build_bundle((), as_of=as_of, rules=rules, generated_at=generated_at)
    dump = _entry_dumper()
    start = dump({k: v for k, v in head.items() if k != "entry"})[:-1].encode("utf-8")
    entries = _Entries()
    pending: list[bytes] = [start]
    size = 0
    first = True
    for patient, assessment in pairs:
        _patient_entries(patient, assessment, entries, as_of)
        for entry in entries.items:
            text = dump(entry).encode("utf-8")
            pending.append(b',"entry":[\n' + text if first else b",\n" + text)
            first = False
            size += len(text)
        entries.items.clear()
        if size >= _CHUNK_BYTES:
            yield b"".join(pending)
            pending, size = [], 0
    pending.append(b',"entry":[]}\n' if first else b"\n]}\n")
    yield b"".join(pending)


def _entry_dumper():
    return functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"),
                             default=_json_number)


def _bundle_text(dump, bundle: dict, entry_texts: list[str]) -> str:
    head = dump({k: v for k, v in bundle.items() if k != "entry"})[:-1]
    if not entry_texts:
        return head + ',"entry":[]}\n'
    body = ",\n".join(entry_texts)
    return f'{head},"entry":[\n{body}\n]}}\n'


def dumps_bundle(bundle: dict) -> str:
    """JSON text with one entry per line: readable with `grep` and a pager, and written by
    the C encoder (pretty-printing a whole clinic's Bundle with `indent` takes 4x longer)."""
    dump = _entry_dumper()
    return _bundle_text(dump, bundle, [dump(entry) for entry in bundle.get("entry", [])])
