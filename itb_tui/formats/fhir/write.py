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

Resource ids come from each record's own identity (`ids`: MRN system and MRN, kind, store
row id or natural key), never from its place in a list: the same ward exported twice
gives the same ids, and removing a record (entered in error) changes no other record's id,
so a receiving system updating by id can never overwrite one record with another. Each
resource also carries its id as an identifier, which a `transaction` Bundle names in its
conditional updates (`PUT Observation?identifier=...`); the Patient is created only if no
Patient has its MRN (`ifNoneExist`): the hospital's patient index owns it.

The Flag: one per refill-block episode (`clinical.block_episodes`), its id from the day
the block began, `active` while it holds, `inactive` with `period.end` (the last blocked
day) once lifted, its text in the words of that last day.
The Bundle is built as plain JSON; the tests validate it with the fhir.resources R4B
models (see `render` for why not at run time). `build_bundle` builds every resource as
dicts (the reference); the streamed export (`render_chunks`, `render_entries`) writes the
same bytes but builds the most numerous resources straight as text (`templates`, issue 17:
dicts then dumps were most of a 10,000-patient export's time).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import field
from datetime import date, datetime, timezone
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import quote

from itb_tui.clinical.frozen_record import frozen_record
from itb_tui.formats.fhir import codes as C
from itb_tui.formats.fhir import templates, terminology
from itb_tui.formats.fhir.ids import (id_prefix, id_prefix_after, identifier, record_keys, resource_id_after,
                                     resource_ids_after)

BUNDLE_TYPES = ("collection", "transaction")
# The laboratory's report statuses (store lab_reports) a culture Observation takes as is.
LAB_REPORT_STATUSES = ("preliminary", "final", "corrected")


@frozen_record  # as a frozen dataclass, without compiling its methods at import (issue 17)
class ExportContext:
    """What the export knows beyond the records, passed in by the caller (the export never
    opens the store). `report_statuses`: culture row id -> the laboratory's report status
    (preliminary | final | corrected; a result corrected on the ward counts as corrected).
    `weight_recorded_on`: MRN -> the day the weight now on file was recorded."""

    mrn_system: str = C.MRN_SYSTEM
    report_statuses: Mapping[int, str] = field(default_factory=dict)
    weight_recorded_on: Mapping[str, date] = field(default_factory=dict)


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
    """Collects (fullUrl, resource) pairs, giving each resource its id (and, but for the
    Patient, that id as an identifier); in a transaction, each entry's request.

    `dump` given: each entry is kept as its JSON text (the streamed export; the refills
    are written as text from the start, `templates`), else as a dict (build_bundle).
    Keys are the patient's (`start_patient`: MRN system and MRN, hashed once) plus the
    record's own."""

    def __init__(self, transaction: bool, dump=None) -> None:
        self.items: list = []
        self.transaction = transaction
        self.dump = dump
        self._prefix = None

    def start_patient(self, *mrn_key: object) -> None:
        self._prefix = id_prefix(*mrn_key)

    def rid(self, *key: object) -> str:
        return resource_id_after(self._prefix, *key)

    def prefix(self, *key: object):
        """The hash state of the ids under `key` (a pump's refills): `resource_id_after`."""
        return id_prefix_after(self._prefix, *key)

    def add_members(self, kind: str, members: str, *key: object) -> str:
        """A resource (not the Patient) whose members are already JSON text (text mode)."""
        rid = self.rid(*key)
        self.items.append(templates.entry_open(kind, rid) + members + templates.entry_tail(kind, rid, self.transaction))
        return f"urn:uuid:{rid}"

    def add(self, resource: dict, *key: object) -> str:
        rid = self.rid(*key)
        kind = resource.pop("resourceType")
        full_url = f"urn:uuid:{rid}"
        if self.dump is not None and kind != "Patient" and resource:
            # the same text as the dict below dumped, without building it (templates)
            self.items.append(templates.entry_open(kind, rid) + self.dump(resource)[1:-1]
                              + templates.entry_tail(kind, rid, self.transaction))
            return full_url
        if self.dump is not None and kind == "Patient":
            # the Patient has no identifier of its id; its request names the MRN
            text = (f'{{"fullUrl":"{full_url}","resource":{{"resourceType":"Patient","id":"{rid}",'
                    + self.dump(resource)[1:-1] + "}")
            if self.transaction:
                text += ',"request":' + self.dump(_request(kind, resource))
            self.items.append(text + "}")
            return full_url
        head: dict = {"resourceType": kind, "id": rid}
        if kind != "Patient":
            head["identifier"] = [identifier(rid)]
        resource = {**head, **resource}
        entry: dict = {"fullUrl": full_url, "resource": resource}
        if self.transaction:
            entry["request"] = _request(kind, resource)
        self.items.append(entry if self.dump is None else self.dump(entry))
        return full_url


def _search(ident: dict) -> str:
    """`identifier=system|value`, each part percent-encoded (an MRN may hold '&' or '|')."""
    return f"identifier={quote(ident['system'], safe=':/')}|{quote(ident['value'], safe=':')}"


def _request(kind: str, resource: dict) -> dict:
    """Conditional, by identifier, never by our id (the receiver's ids are its own): the
    Patient is created only when no Patient has the MRN (the hospital's patient index owns
    demographics); every record itb-tui owns is created or updated in place."""
    ident = resource["identifier"][0]
    if kind == "Patient":
        return {"method": "POST", "url": "Patient", "ifNoneExist": _search(ident)}
    return {"method": "PUT", "url": f"{kind}?{_search(ident)}"}


def _ref_json(full_url: str, display: str | None = None) -> str:
    """_ref(full_url, display) as the encoder writes it (a full URL here is urn:uuid: and
    hex digits: nothing in it to escape)."""
    if display:
        return f'{{"reference":"{full_url}","display":{templates.json_string(display)}}}'
    return f'{{"reference":"{full_url}"}}'


def _patient(p, mrn_system: str) -> dict:
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
        "system": mrn_system,
        "value": p.mrn,
    }]
    out["name"] = [name]
    if p.dob is not None:
        out["birthDate"] = p.dob.isoformat()
    return out


def _weight(p, subject: dict, recorded_on: date | None) -> dict:
    code, display = C.BODY_WEIGHT_LOINC
    out = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [_coding(C.OBSERVATION_CATEGORY, "vital-signs", "Vital Signs")]}],
        "code": {"coding": [_coding(C.LOINC, code, display)], "text": display},
        "subject": subject,
    }
    # The day the weight was recorded, when the caller knows it (the store's audit trail);
    # the records themselves carry no date, and a guessed one would be a false record.
    if recorded_on is not None:
        out["effectiveDateTime"] = recorded_on.isoformat()
    out["valueQuantity"] = _quantity(p.weight_kg, "kg")
    return out


class _Hole(str):
    """A date-shaped placeholder for a template: isoformat() gives the hole."""

    def isoformat(self) -> str:
        return f"\0{self}"


@functools.lru_cache(maxsize=2)
def _weight_template(dated: bool) -> templates.Template:
    """_weight's members with holes: P subject, E the day recorded, V the value."""
    return templates.Template(_weight(SimpleNamespace(weight_kg="\0V"), "\0P", _Hole("E") if dated else None))


def _weight_members(p, subject_json: str, recorded_on: date | None) -> str:
    """_weight(p, subject, recorded_on)'s members as JSON text, the same bytes."""
    if recorded_on is None:
        return _weight_template(False).fill(P=subject_json, V=templates.json_number(p.weight_kg))
    return _weight_template(True).fill(P=subject_json, V=templates.json_number(p.weight_kg),
                                       E=f'"{recorded_on.isoformat()}"')


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


_PROPERTY_HOLES = "EFGH"  # the pump properties' values, in C.PUMP_PROPERTIES' order


@functools.lru_cache(maxsize=8)
def _device_template(removed: bool, manufacturer: bool, model: bool) -> templates.Template:
    """_device's members with holes: N serial, M manufacturer, O model, P patient, E-H the
    property values (one template per shape: removed or not, manufacturer, model)."""
    shape = SimpleNamespace(removed_on=date.min if removed else None, serial="\0N",
                            manufacturer="\0M" if manufacturer else None, model="\0O" if model else None,
                            **{f: f"\0{h}" for (f, _d, _u), h in zip(C.PUMP_PROPERTIES, _PROPERTY_HOLES)})
    return templates.Template(_device(shape, "\0P"))


def _device_members(pump, subject_json: str) -> str:
    """_device(pump, subject)'s members as JSON text, the same bytes."""
    values = {h: templates.json_number(getattr(pump, f)) for (f, _d, _u), h in zip(C.PUMP_PROPERTIES, _PROPERTY_HOLES)}
    return _device_template(pump.removed_on is not None, bool(pump.manufacturer), bool(pump.model)).fill(
        N=templates.json_text(pump.serial), M=templates.json_text(pump.manufacturer),
        O=templates.json_text(pump.model),
        P=subject_json, **values)


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


def _implant(subject: dict, device: dict, on: str) -> dict:
    return _procedure(
        "pump_implant", subject,
        code={"text": "Implantation of intrathecal baclofen pump"},
        when={"performedDateTime": on},
        extra={"focalDevice": [{"action": {"text": "implanted"}, "manipulated": device}]},
    )


@functools.lru_cache(maxsize=1)
def _implant_template() -> templates.Template:
    return templates.Template(_implant("\0S", "\0D", "\0T"))


def _pump_procedures(pump, subject: dict, device: dict, entries: _Entries, key: tuple,
                     subject_json: str | None = None, device_json: str | None = None):
    if pump.implanted_on is not None and entries.dump is not None:
        members = _implant_template().fill(S=subject_json, D=device_json,
                                           T=f'"{pump.implanted_on.isoformat()}"')
        entries.add_members("Procedure", members, *key, "implant")
    elif pump.implanted_on is not None:
        entries.add(_implant(subject, device, pump.implanted_on.isoformat()), *key, "implant")
    refill_keys = record_keys(pump.refills, lambda r: (r.on,))
    if entries.dump is not None:  # as text straight away (templates: the same bytes)
        if pump.refills:
            rids = resource_ids_after(entries.prefix(*key, "refill"), refill_keys)
            entries.items += templates.refill_entries(rids, pump.refills, subject_json, device_json,
                                                      entries.transaction)
        refill_keys = ()
    for refill_key, refill in zip(refill_keys, pump.refills):
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
            code={"text": templates.REFILL_CODE_TEXT},
            when={"performedDateTime": refill.on.isoformat()},
            extra={"focalDevice": [{"action": {"text": templates.REFILL_ACTION}, "manipulated": device}]},
            extension=extension, note=note,
        ), *key, "refill", refill_key)
    if pump.removed_on is not None:
        extra: dict = {}
        if pump.removal_reason:
            extra["reasonCode"] = [{"text": pump.removal_reason}]
        extra["focalDevice"] = [{"action": {"text": "removed"}, "manipulated": device}]
        entries.add(_procedure(
            "pump_explant", subject,
            code={"text": "Removal of intrathecal baclofen pump"},
            when={"performedDateTime": pump.removed_on.isoformat()}, extra=extra,
        ), *key, "explant")


def culture_status(result: str, report_status: str | None) -> str:
    """FHIR Observation.status of a culture: `registered` while pending (no result yet);
    else the laboratory's report status where known (a preliminary positive, "yeast seen",
    stays `preliminary` until the final arrives; `corrected` after a correction); else
    `final` (a result entered on the ward is the final one)."""
    if result == "pending":
        return "registered"
    if report_status in LAB_REPORT_STATUSES:
        return report_status
    return "final"


def _culture_category() -> list:
    return [{"coding": [_coding(C.OBSERVATION_CATEGORY, "laboratory", "Laboratory")]}]


def _culture_code(specimen: str) -> dict:
    loinc, display = C.CULTURE_LOINC[specimen]
    return {"coding": [_coding(C.LOINC, loinc, display), _coding(C.SPECIMEN_SYSTEM, specimen)],
            "text": f"{specimen.replace('_', ' ')} culture"}


def _culture(c, subject: dict, report_status: str | None) -> dict:
    out: dict = {
        "resourceType": "Observation",
        "status": culture_status(c.result, report_status),
        "category": _culture_category(),
        "code": _culture_code(c.specimen),
        "subject": subject,
        "effectiveDateTime": c.drawn_on.isoformat(),
    }
    out.update(_culture_value(c.result, c.organism))
    components = _components(c)
    if components:
        out["component"] = components
    return out


@functools.lru_cache(maxsize=4096)
def _culture_members_text(specimen: str, result: str, organism: str | None) -> tuple[str, str]:
    """The constant members of a culture of this specimen and result, as text: (the
    category and code, the value and interpretation), each with a leading comma."""
    dump = templates.dump
    code = ',"category":' + dump(_culture_category()) + ',"code":' + dump(_culture_code(specimen))
    value = _culture_value(result, organism)
    return code, ("," + dump(value)[1:-1]) if value else ""


def _culture_text(rid: str, c, report_status: str | None, subject_json: str, transaction: bool) -> str:
    """_culture's entry as JSON text, the same bytes (templates)."""
    code, value = _culture_members_text(c.specimen, c.result, c.organism)
    susceptibility = c.susceptibility
    # the same few susceptibility patterns recur across a ward: each written once
    components = _components_text(tuple(sorted(susceptibility.items()))) if susceptibility else ""
    return (f'{templates.entry_open("Observation", rid)}"status":'
            f'{templates.json_string(culture_status(c.result, report_status))}{code},"subject":{subject_json},'
            f'"effectiveDateTime":"{c.drawn_on.isoformat()}"{value}{components}'
            f'{templates.entry_tail("Observation", rid, transaction)}')


@functools.lru_cache(maxsize=4096)
def _components_text(items: tuple) -> str:
    """',"component":[...]' of a culture with these (drug, value) susceptibilities, sorted."""
    return ',"component":' + templates.dump(_components_of(items))


def _culture_value(result: str, organism: str | None) -> dict:
    """The value and interpretation of a culture (or why it has none yet)."""
    out: dict = {}
    if result == "positive":
        value: dict = {}
        snomed = terminology.organism_snomed(organism)
        if snomed is not None:
            value["coding"] = [_coding(C.SNOMED, *snomed)]
        value["text"] = organism
        out["valueCodeableConcept"] = value
        out["interpretation"] = [{"coding": [_coding(C.V3_INTERPRETATION, "POS", "Positive")]}]
    elif result == "no_growth":
        code, text = C.NO_GROWTH_SNOMED
        out["valueCodeableConcept"] = {"coding": [_coding(C.SNOMED, code, text)], "text": text}
        out["interpretation"] = [{"coding": [_coding(C.V3_INTERPRETATION, "NEG", "Negative")]}]
    else:
        out["dataAbsentReason"] = {"coding": [_coding(C.DATA_ABSENT_REASON, "temp-unknown",
                                                      "Temporarily Unknown")],
                                   "text": "culture pending"}
    return out


def _components(c) -> list:
    """A culture's susceptibilities, one component per drug."""
    return _components_of(sorted(c.susceptibility.items()))


def _components_of(items) -> list:
    components = []
    for drug, value in items:
        interpretation = _coding(C.V3_INTERPRETATION, value, C.SUSCEPTIBILITY_DISPLAY.get(value))
        components.append({
            "code": {"coding": [_coding(C.SUSCEPTIBILITY_DRUG_SYSTEM, drug)],
                     "text": f"{drug} susceptibility"},
            "valueCodeableConcept": {"coding": [interpretation], "text": value},
            "interpretation": [{"coding": [interpretation]}],
        })
    return components


def _course_status(course, as_of: date) -> str:
    if course.stopped_on is not None and course.stopped_on <= as_of:
        return "completed"
    if course.started_on > as_of:
        return "intended"
    return "active"


def _course(course, subject: dict, as_of: date) -> dict:
    return _course_with_status(course, subject, _course_status(course, as_of))


def _course_with_status(course, subject: dict, status: str) -> dict:
    out: dict = {"resourceType": "MedicationStatement"}
    if course.planned_stop_on is not None:
        out["extension"] = [{"url": C.EXT_PLANNED_STOP_ON,
                             "valueDate": course.planned_stop_on.isoformat()}]
    out["status"] = status
    out["category"] = {"coding": [_coding(C.MEDICATION_CATEGORY_SYSTEM, "antifungal",
                                          "Antifungal therapy")]}
    codings = [_coding(C.ANTIFUNGAL_SYSTEM, course.drug)]
    atc = terminology.drug_atc(course.drug)
    if atc is not None:
        codings.insert(0, _coding(C.ATC, atc))
    out["medicationCodeableConcept"] = {"coding": codings, "text": course.drug}
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


@functools.lru_cache(maxsize=8)
def _course_template(planned: bool, stopped: bool, dose: bool) -> templates.Template:
    """_course's members with holes: X planned stop, S status, M the medication, P subject,
    A start, B stop, D the dose's text, Q its number (one template per shape; no record's
    text is part of a template, so none can be taken for a hole)."""
    shape = SimpleNamespace(drug="", planned_stop_on=_Hole("X") if planned else None,
                            started_on=_Hole("A"), stopped_on=_Hole("B") if stopped else None,
                            dose_mg="\0Q" if dose else None)
    resource = _course_with_status(shape, "\0P", "\0S")
    resource["medicationCodeableConcept"] = "\0M"
    if dose:
        resource["dosage"][0]["text"] = "\0D"
    return templates.Template(resource)


@functools.lru_cache(maxsize=256)
def _medication_json(drug: str) -> str:
    """A course's medicationCodeableConcept as text, once per drug."""
    return templates.dump(_course_with_status(SimpleNamespace(drug=drug, planned_stop_on=None, started_on=date.min,
                                                              stopped_on=None, dose_mg=None), {}, "")
                          ["medicationCodeableConcept"])


def _course_members(course, subject_json: str, as_of: date) -> str:
    """_course(course, subject, as_of)'s members as JSON text, the same bytes."""
    dose = course.dose_mg
    values = {"S": f'"{_course_status(course, as_of)}"', "M": _medication_json(course.drug), "P": subject_json,
              "A": f'"{course.started_on.isoformat()}"'}
    if course.planned_stop_on is not None:
        values["X"] = f'"{course.planned_stop_on.isoformat()}"'
    if course.stopped_on is not None:
        values["B"] = f'"{course.stopped_on.isoformat()}"'
    if dose is not None:
        values["D"] = templates.json_string(f"{dose} mg daily")
        values["Q"] = templates.json_number(dose)
    return _course_template(course.planned_stop_on is not None, course.stopped_on is not None,
                            dose is not None).fill(**values)


def _flag(subject: dict, start_on: date, last_day: date | None, reasons, explanations) -> dict:
    if last_day is None:
        status, text = "active", C.FLAG_ACTIVE_TEXT
    else:
        status, text = "inactive", C.FLAG_LIFTED_TEXT
    period = {"start": start_on.isoformat()}
    if last_day is not None:
        period["end"] = last_day.isoformat()
    return {
        "resourceType": "Flag",
        "status": status,
        "category": [{"coding": [_coding(C.FLAG_CATEGORY, "safety", "Safety")]}],
        "code": {
            "coding": [_coding(C.REFILL_BLOCK_REASON_SYSTEM, r) for r in reasons],
            "text": text + "; ".join(explanations or reasons),
        },
        "subject": subject,
        "period": period,
    }


@functools.lru_cache(maxsize=2)
def _flag_template(lifted: bool) -> templates.Template:
    """_flag's members with holes: P subject, A start, E end, K the code (reasons and text)."""
    resource = _flag("\0P", _Hole("A"), _Hole("E") if lifted else None, (), ())
    resource["code"] = "\0K"
    return templates.Template(resource)


@functools.lru_cache(maxsize=256)
def _flag_codings(reasons: tuple) -> str:
    return templates.dump([_coding(C.REFILL_BLOCK_REASON_SYSTEM, r) for r in reasons])


def _flag_members(subject_json: str, start_on: date, last_day: date | None, reasons, explanations) -> str:
    """_flag(subject, ...)'s members as JSON text, the same bytes."""
    text = (C.FLAG_ACTIVE_TEXT if last_day is None else C.FLAG_LIFTED_TEXT) + "; ".join(explanations or reasons)
    code = f'{{"coding":{_flag_codings(tuple(reasons))},"text":{templates.json_string(text)}}}'
    if last_day is None:
        return _flag_template(False).fill(P=subject_json, A=f'"{start_on.isoformat()}"', K=code)
    return _flag_template(True).fill(P=subject_json, A=f'"{start_on.isoformat()}"',
                                     E=f'"{last_day.isoformat()}"', K=code)


def _flags(p, a, rules, subject: dict, entries: _Entries, mrn_key: tuple, as_of: date,
           subject_json: str | None = None) -> None:
    """One Flag per block episode, keyed by the day it began. The open episode takes the
    reasons of the assessment on `as_of` (the one every other view shows); if the records
    give no open episode where that assessment is blocked, the block is still exported,
    from `as_of` (never drop a block)."""
    from itb_tui.clinical.block_episodes import refill_block_episodes

    blocked = a is not None and a.refill.status == "blocked"
    today = a.refill if a is not None and a.as_of == as_of else None  # one engine run saved
    episodes = refill_block_episodes(p, as_of, rules, today) if rules is not None else ()
    open_start = None
    for ep in episodes:
        if ep.active and not blocked:
            continue  # the caller's assessment is the word on `as_of`: not blocked
        if ep.active:
            open_start = ep.start_on
            continue
        _add_flag(entries, subject, subject_json, ep.start_on, ep.last_day, ep.reasons, ep.explanations)
    if blocked:
        _add_flag(entries, subject, subject_json, open_start or as_of, None, a.refill.reasons,
                  a.refill.explanations)


def _add_flag(entries: _Entries, subject: dict, subject_json: str | None, start_on: date, last_day: date | None,
              reasons, explanations) -> None:
    if subject_json is not None:  # the streamed export: as text
        entries.add_members("Flag", _flag_members(subject_json, start_on, last_day, reasons, explanations),
                            "refill-block", start_on.isoformat())
    else:
        entries.add(_flag(subject, start_on, last_day, reasons, explanations), "refill-block", start_on.isoformat())


def _patient_entries(p, a, rules, entries: _Entries, as_of: date, ctx: ExportContext) -> None:
    mrn_key = (ctx.mrn_system, p.mrn)
    entries.start_patient(*mrn_key)
    subject_url = entries.add(_patient(p, ctx.mrn_system), "patient")
    subject = _ref(subject_url, p.name)
    text = entries.dump is not None  # the streamed export: the commonest resources as text
    subject_json = _ref_json(subject_url, p.name) if text else None
    if p.weight_kg is not None and text:
        entries.add_members("Observation", _weight_members(p, subject_json, ctx.weight_recorded_on.get(p.mrn)),
                            "weight")
    elif p.weight_kg is not None:
        entries.add(_weight(p, subject, ctx.weight_recorded_on.get(p.mrn)), "weight")
    for key, pump in zip(record_keys(p.pumps, lambda r: (r.serial,)), p.pumps):
        pump_key = ("pump", key)
        if not text:
            device = _ref(entries.add(_device(pump, subject), *pump_key), pump.serial)
            _pump_procedures(pump, subject, device, entries, pump_key)
            continue
        device_url = entries.add_members("Device", _device_members(pump, subject_json), *pump_key)
        _pump_procedures(pump, subject, _ref(device_url, pump.serial), entries, pump_key, subject_json,
                         _ref_json(device_url, pump.serial))
    for key, culture in zip(record_keys(p.cultures, lambda r: (r.specimen, r.drawn_on)), p.cultures):
        status = ctx.report_statuses.get(culture.id) if culture.id is not None else None
        if entries.dump is None:
            entries.add(_culture(culture, subject, status), "culture", key)
        else:
            entries.items.append(_culture_text(entries.rid("culture", key), culture, status,
                                               subject_json, entries.transaction))
    for key, course in zip(record_keys(p.antifungals, lambda r: (r.drug, r.started_on)), p.antifungals):
        if entries.dump is None:
            entries.add(_course(course, subject, as_of), "antifungal", key)
        else:
            entries.add_members("MedicationStatement", _course_members(course, subject_json, as_of),
                                "antifungal", key)
    for key, b in zip(record_keys(p.bridging, lambda r: (r.method, r.started_on)), p.bridging):
        code = {"coding": [_coding(C.BRIDGING_METHOD_SYSTEM, b.method, C.BRIDGING_DISPLAY[b.method])],
                "text": C.BRIDGING_DISPLAY[b.method]}
        # Running bridging (no last day) is "in-progress"; once stopped (revision 3) it is
        # "completed" and its period ends on the last day.
        period = {"start": b.started_on.isoformat()}
        if b.stopped_on is not None:
            period["end"] = b.stopped_on.isoformat()
        entries.add(_procedure("bridging", subject, code=code, when={"performedPeriod": period},
                               note=b.detail, status="completed" if b.stopped_on else "in-progress"),
                    "bridging", key)
    for key, exam in zip(record_keys(p.exams, lambda r: (r.kind, r.on)), p.exams):
        if text:
            entries.add_members("Procedure", _exam_members(exam, subject_json), "exam", key)
        else:
            entries.add(_exam(exam, subject), "exam", key)
    _flags(p, a, rules, subject, entries, mrn_key, as_of, subject_json)


def _exam(exam, subject: dict) -> dict:
    code = {"coding": [_coding(C.EXAM_KIND_SYSTEM, exam.kind, C.EXAM_DISPLAY[exam.kind])],
            "text": C.EXAM_DISPLAY[exam.kind]}
    return _procedure("exam", subject, code=code, when={"performedDateTime": exam.on.isoformat()},
                      note=exam.finding)


@functools.lru_cache(maxsize=64)
def _exam_template(kind: str, noted: bool) -> templates.Template:
    """_exam's members with holes: P subject, T the day, N the finding."""
    return templates.Template(_exam(SimpleNamespace(kind=kind, on=_Hole("T"), finding="\0N" if noted else None),
                                    "\0P"))


def _exam_members(exam, subject_json: str) -> str:
    """_exam(exam, subject)'s members as JSON text, the same bytes."""
    if exam.finding:
        return _exam_template(exam.kind, True).fill(P=subject_json, T=f'"{exam.on.isoformat()}"',
                                                    N=templates.json_string(exam.finding))
    return _exam_template(exam.kind, False).fill(P=subject_json, T=f'"{exam.on.isoformat()}"')


def build_bundle(pairs, *, as_of: date, rules, generated_at: datetime, bundle: str = "collection",
                 mrn_system: str = C.MRN_SYSTEM, report_statuses: Mapping[int, str] | None = None,
                 weight_recorded_on: Mapping[str, date] | None = None) -> dict:
    """The Bundle as a JSON-ready dict (Decimals kept exact), not yet validated.

    `bundle`: "collection" (a document of the ward) or "transaction" (each entry with its
    conditional request, for a FHIR server to apply). `mrn_system`: the site's MRN
    identifier system. `report_statuses`, `weight_recorded_on`: see ExportContext."""
    if bundle not in BUNDLE_TYPES:
        raise ValueError(f"unknown FHIR Bundle type {bundle!r}: use one of {', '.join(BUNDLE_TYPES)}")
    ctx = ExportContext(mrn_system, report_statuses or {}, weight_recorded_on or {})
    entries = _Entries(transaction=bundle == "transaction")
    for patient, assessment in pairs:
        _patient_entries(patient, assessment, rules, entries, as_of, ctx)
    stamp = generated_at if generated_at.tzinfo else generated_at.astimezone()
    tags = [_coding(C.AS_OF_TAG_SYSTEM, as_of.isoformat(), "Computed as of")]
    version = getattr(rules, "version", None)
    if version:
        tags.append(_coding(C.RULES_VERSION_TAG_SYSTEM, str(version), "Rules version"))
    return {
        "resourceType": "Bundle",
        "meta": {"tag": tags},
        "type": bundle,
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


def render(pairs, *, as_of: date, rules, generated_at: datetime, for_file: bool = True,
           **options) -> bytes:
    """The Bundle as pretty-printed JSON bytes.

    Not re-validated here: fhir.resources costs about 14 ms a patient (minutes for a
    10,000-patient clinic) to check resources this module builds the same way every time
    from records already validated. The tests validate every resource shape it writes.

    `options`: build_bundle's keywords (bundle, mrn_system, report_statuses,
    weight_recorded_on).
    """
    return b"".join(render_chunks(pairs, as_of=as_of, rules=rules, generated_at=generated_at, **options))


_CHUNK_BYTES = 1 << 20
# Patients rendered at a time: one call of `render_entries` (a unit a process pool can take).
_PATIENTS_PER_PIECE = 100


def export_context(**options) -> ExportContext:
    """The ExportContext of render's keywords (mrn_system, report_statuses, weight_recorded_on)."""
    return ExportContext(options.get("mrn_system", C.MRN_SYSTEM), options.get("report_statuses") or {},
                         options.get("weight_recorded_on") or {})


def render_entries(pairs, *, as_of: date, rules, ctx: ExportContext, transaction: bool) -> list[str]:
    """The Bundle entries of these (patient, assessment) pairs as JSON texts, in order.

    Pure (reads nothing, writes nothing, same pairs -> same texts), so a process pool can
    call it per chunk of patients and send back the text (never the records: pickling
    them costs more than rendering). The texts joined with ",\n" are dumps_bundle's lines."""
    entries = _Entries(transaction=transaction, dump=_entry_dumper())
    for patient, assessment in pairs:
        _patient_entries(patient, assessment, rules, entries, as_of, ctx)
    return entries.items


def render_chunks(pairs, *, as_of: date, rules, generated_at: datetime, **options):
    """`render`'s bytes in pieces of about a megabyte, a hundred patients' entries at a
    time: a 10,000-patient Bundle held whole as dicts peaked at 1.9 GB, and its text alone
    is ~330 MB, so `write_export` writes these to the file as they come. The bytes are
    dumps_bundle(build_bundle(...))'s (tests/exports/test_fhir_export.py)."""
    head = build_bundle((), as_of=as_of, rules=rules, generated_at=generated_at, **options)
    ctx = export_context(**options)
    transaction = head["type"] == "transaction"
    dump = _entry_dumper()
    pending: list[str] = [dump({k: v for k, v in head.items() if k != "entry"})[:-1]]
    size = 0
    first = True
    pairs = list(pairs)
    for at in range(0, len(pairs), _PATIENTS_PER_PIECE):
        texts = render_entries(pairs[at:at + _PATIENTS_PER_PIECE], as_of=as_of, rules=rules, ctx=ctx,
                               transaction=transaction)
        if not texts:
            continue
        text = ",\n".join(texts)
        pending.append(',"entry":[\n' + text if first else ",\n" + text)
        first = False
        size += len(text)
        if size >= _CHUNK_BYTES:
            yield "".join(pending).encode("utf-8")
            pending, size = [], 0
    pending.append(',"entry":[]}\n' if first else "\n]}\n")
    yield "".join(pending).encode("utf-8")


def _entry_dumper():
    return functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"),
                             default=_json_number)


def dumps_bundle(bundle: dict) -> str:
    """JSON text with one entry per line: readable with `grep` and a pager, and written by
    the C encoder (pretty-printing a whole clinic's Bundle with `indent` takes 4x longer)."""
    dump = _entry_dumper()
    entries = bundle.get("entry", [])
    head = dump({k: v for k, v in bundle.items() if k != "entry"})[:-1]
    if not entries:
        return head + ',"entry":[]}\n'
    body = ",\n".join(dump(entry) for entry in entries)
    return f'{head},"entry":[\n{body}\n]}}\n'
