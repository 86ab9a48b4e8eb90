"""FHIR R4 laboratory results (JSON) -> the culture reports `results import` stores (issue 15).

The FHIR twin of `formats/hl7/oru.py`: the same `LabReport`s and `MessageReading`s, so
the store's lab-feed use case (store/results.py), the summary, `--json` and the exit
status are the same whichever format the laboratory sends. Plain JSON, no store, no UI.

What a file may hold: a Bundle (collection, transaction, batch, searchset, message,
document), a lone DiagnosticReport (its Observations `contained`), or a lone Observation.
Each unit is one row of the summary, as one ORU message is:
- a DiagnosticReport with its `result` Observations (contained, `#id`, or resolved in
  the Bundle by fullUrl or `Type/id`); those Observations are part of it, not rows;
- an Observation no DiagnosticReport of the Bundle refers to;
- any other resource that is not context (Patient, Specimen, Practitioner, ...): a
  not_culture row, so nothing is silently passed over.

Read from each unit (the HL7 field it stands for in brackets):
- the patient (PID-3, PID-7): `subject` -> the Patient (in the Bundle, contained, or a
  logical `identifier` reference); the MRN is its identifier typed MR (v2-0203), or its
  only identifier; the date of birth `birthDate`. The store matches both.
- the accession (OBR-3): the report's identifier typed ACSN or FILL (v2-0203), else its
  first identifier. No identifier: quarantined (re-sending could not be recognised).
- culture-like: a LOINC code (http://loinc.org) listed in data/lab-codes.toml (600-7,
  and the aerobic 17928-3 / anaerobic 17934-1 bottle codes), or a text naming a culture.
- the specimen: the code's, else the Specimen resource's type (the specimen_source
  table), else quarantined. The collection date: Specimen.collection.collectedDateTime,
  else the report's effective[x], else the Observation's.
- the result (OBX-5): valueCodeableConcept / valueString. A SNOMED CT coding
  (http://snomed.info/sct) is looked up in the species table (`organisms.by_snomed_ct`,
  verified codes only) or is the no-growth code; otherwise the text (concept text or a
  coding's display) is read as the HL7 path reads a lab's printed text. A code the table
  does not know and no text: quarantined as an unknown organism, never guessed. A code
  and a text naming different organisms: quarantined.
- the status (OBX-11), from the report and its culture Observations together:
  registered -> a pending culture; preliminary / partial -> a preliminary positive (or
  preliminary no growth), which blocks as a final would; final -> final; amended /
  corrected / appended -> corrected (the correction path); entered-in-error, cancelled,
  unknown or anything else -> quarantined for a person to read (as the HL7 path treats
  W wrong / X cannot be obtained / D deleted). The laboratory retracting a result is a
  clinical decision (the culture may be all that blocks a refill): a person confirms it
  and marks the culture in error by hand; the feed never removes a result by itself.

Outcomes as oru.py: refused (malformed JSON, not FHIR, a date that is not a date, no
patient to match), quarantined (culture-like but unusable: the unit is kept as JSON, a
small Bundle of the report and the resources it refers to), not_culture, ok.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Callable

from itb_tui.formats.culture_value import ValueRefused, culture_value
from itb_tui.formats.fhir import codes as C
from itb_tui.formats.hl7 import codes as lab_codes
from itb_tui.formats.hl7.oru import LabReport, MessageReading, _culture_kind, _organism_text

BUNDLE_TYPES = frozenset({"collection", "transaction", "batch", "searchset", "message", "document"})
# Resources a result refers to: read where referenced, not rows of their own.
CONTEXT_TYPES = frozenset({"Patient", "Specimen", "Practitioner", "PractitionerRole", "Organization",
                           "ServiceRequest", "Encounter", "MessageHeader", "Composition", "Provenance",
                           "OperationOutcome"})
# Resources only a ward file holds: a Bundle with them (and no DiagnosticReport) is a ward file.
WARD_TYPES = frozenset({"Device", "Procedure", "MedicationStatement", "MedicationRequest", "Flag"})
V2_0203 = C.V2_IDENTIFIER_TYPE
_FHIR_TO_V2_SYSTEM = {C.LOINC: "LN"}
_PENDING = "registered"
_PRELIMINARY = frozenset({"preliminary", "partial"})
_CORRECTED = frozenset({"amended", "corrected", "appended"})
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?$")
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2})?$")


class _Refuse(Exception):
    pass


class _Quarantine(Exception):
    pass


@dataclass(frozen=True, slots=True)
class FhirFile:
    """What one JSON file holds: one reading per unit, or why the whole file is refused."""

    readings: tuple[MessageReading, ...]
    refused: str = ""  # the file as a whole (not JSON, not FHIR, a ward file): nothing read


# --- which kind of file -----------------------------------------------------------------------


def _resources(data: dict) -> list[dict]:
    if data.get("resourceType") != "Bundle":
        return [data]
    entries = data.get("entry") if isinstance(data.get("entry"), list) else []
    return [e["resource"] for e in entries if isinstance(e, dict) and isinstance(e.get("resource"), dict)]


def kind_of(data: object) -> str | None:
    """"lab" (laboratory results: a DiagnosticReport or a lone Observation, or a Bundle
    with a DiagnosticReport and nothing only a ward file holds), "ward" (a ward file:
    the itb-ward format, or a FHIR Bundle of patients, pumps, procedures, medicines), or
    None (neither: the reader says why). So `import` and `results import` can each say
    "this is the other command's file" instead of a confusing list of problems."""
    if not isinstance(data, dict):
        return None
    if "patients" in data and "resourceType" not in data:
        return "ward"
    kind = data.get("resourceType")
    if kind in ("DiagnosticReport", "Observation"):
        return "lab"
    if kind != "Bundle":
        return None
    types = {r.get("resourceType") for r in _resources(data)}
    if types & WARD_TYPES:
        return "ward"
    tags = (data.get("meta") or {}).get("tag") if isinstance(data.get("meta"), dict) else None
    if any(isinstance(t, dict) and t.get("system") == C.AS_OF_TAG_SYSTEM for t in tags or []):
        return "ward"  # our own export
    if "DiagnosticReport" in types:
        return "lab"
    return None


# --- small readers --------------------------------------------------------------------------


def _codings(concept: object) -> list[dict]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding") or [] if isinstance(c, dict)]


def _text(concept: object) -> str:
    if not isinstance(concept, dict):
        return ""
    if isinstance(concept.get("text"), str) and concept["text"].strip():
        return concept["text"].strip()
    for coding in _codings(concept):
        if isinstance(coding.get("display"), str) and coding["display"].strip():
            return coding["display"].strip()
    return ""


def _date(value: object, what: str) -> date | None:
    if value is None:
        return None
    text = str(value).strip()
    m = _DATE.match(text)
    if m is None:
        if _PARTIAL_DATE.match(text):
            raise _Quarantine(f"{what} {text!r} is not a day (a partial date)")
        raise _Refuse(f"{what} {text!r} is not a FHIR date (YYYY-MM-DD...)")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise _Refuse(f"{what} {text!r} is not a real date") from None


def _effective(resource: dict) -> object:
    if "effectiveDateTime" in resource:
        return resource["effectiveDateTime"]
    period = resource.get("effectivePeriod")
    return period.get("start") if isinstance(period, dict) else None


def _typed_identifier(identifiers: object, types: tuple[str, ...]) -> str:
    """The value of the identifier typed one of `types` (v2-0203), else of the first
    (or only, when `only` is meant) identifier."""
    items = [i for i in identifiers or [] if isinstance(i, dict) and isinstance(i.get("value"), str)
             and i["value"].strip()] if isinstance(identifiers, list) else []
    if isinstance(identifiers, dict) and isinstance(identifiers.get("value"), str):
        items = [identifiers]
    for wanted in types:
        for i in items:
            if any(c.get("code") == wanted for c in _codings(i.get("type"))):
                return i["value"].strip()
    return items[0]["value"].strip() if items and (len(items) == 1 or "MR" not in types) else ""


def _as_list(value: object) -> list:
    """A reference field as a list (DiagnosticReport.specimen is a list, Observation's one)."""
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, dict) else []


def _label(resource: dict, position: int) -> str:
    kind = resource.get("resourceType", "resource")
    rid = resource.get("id")
    return f"{kind}/{rid}" if isinstance(rid, str) and rid else f"{kind} (entry {position})"


class _Index:
    """The resources a reference may name: the Bundle's (by fullUrl and `Type/id`) and a
    resource's own `contained` ones (by `#id`)."""

    def __init__(self) -> None:
        self.by_key: dict[str, dict] = {}

    def add(self, full_url: object, resource: dict) -> None:
        if isinstance(full_url, str) and full_url:
            self.by_key[full_url] = resource
        if isinstance(resource.get("id"), str) and resource["id"]:
            self.by_key[f"{resource.get('resourceType')}/{resource['id']}"] = resource

    def resolve(self, ref: object, owner: dict) -> dict | None:
        if not isinstance(ref, dict) or not isinstance(ref.get("reference"), str):
            return None
        text = ref["reference"].strip()
        if text.startswith("#"):
            for c in owner.get("contained") or []:
                if isinstance(c, dict) and c.get("id") == text[1:]:
                    return c
            return None
        if text in self.by_key:
            return self.by_key[text]
        return self.by_key.get("/".join(text.rstrip("/").split("/")[-2:]))


# --- one unit -------------------------------------------------------------------------------


@dataclass
class _Unit:
    position: int
    label: str
    report: dict  # the DiagnosticReport, or the lone Observation
    observations: list[dict]
    used: list[dict]  # every resource read, for the raw JSON kept in quarantine


def _patient(unit: _Unit, index: _Index) -> tuple[str, date | None]:
    subjects = [unit.report.get("subject")] + [o.get("subject") for o in unit.observations if o.get("subject")]
    ref = subjects[0]
    if not isinstance(ref, dict):
        raise _Refuse(f"{unit.label}: no subject (the patient)")
    for other in subjects[1:]:
        if isinstance(other, dict) and other != ref and index.resolve(other, unit.report) is not index.resolve(ref, unit.report):
            raise _Quarantine(f"{unit.label}: its Observations name another subject than the report")
    patient = index.resolve(ref, unit.report)
    if patient is None and isinstance(ref.get("identifier"), dict):
        mrn = _typed_identifier(ref["identifier"], ("MR",))
        if not mrn:
            raise _Refuse(f"{unit.label}: subject.identifier has no value (the MRN)")
        return mrn, None  # no date of birth to match: the store quarantines it
    if patient is None or patient.get("resourceType") != "Patient":
        raise _Refuse(f"{unit.label}: subject {str(ref.get('reference', ''))[:60]!r} is not a Patient in this file")
    unit.used.append(patient)
    mrn = _typed_identifier(patient.get("identifier"), ("MR",))
    if not mrn:
        raise _Refuse(f"{unit.label}: the Patient has no MRN (an identifier typed MR, or a single identifier)")
    return mrn, _date(patient.get("birthDate"), "Patient.birthDate")


def _concept_kind(concept: object, table: lab_codes.LabCodes) -> tuple[str, str] | None:
    for coding in _codings(concept):
        system = _FHIR_TO_V2_SYSTEM.get(str(coding.get("system", "")))
        if system and isinstance(coding.get("code"), str):
            kind = _culture_kind(coding["code"], "", system, table)
            if kind is not None:
                return kind
    text = _text(concept)
    return _culture_kind("", text, "", table) if text else None


def _status(values: list[str]) -> str:
    """The report status (LabReport.status, or "pending" for registered) from the FHIR
    statuses of the report and its culture Observations."""
    known = _PRELIMINARY | _CORRECTED | {_PENDING, "final"}
    given = [v for v in values if v]
    odd = sorted({v for v in given if v not in known})
    if odd:
        raise _Quarantine(f"result status {', '.join(odd)} is not handled (only registered, preliminary, "
                          "partial, final, amended, corrected): a person must read this report")
    if not given:
        raise _Quarantine("no result status")
    if any(v in _CORRECTED for v in given):
        return "corrected"
    if all(v == "final" for v in given):
        return "final"
    if all(v == _PENDING for v in given):
        return "pending"
    return "preliminary"


def _value(obs: dict, label: str, table: lab_codes.LabCodes,
           by_code: Callable[[str], str | None]) -> tuple[str, str | None]:
    """(result, organism as named) of one culture Observation (formats/culture_value.py,
    shared with the HL7 reader)."""
    if isinstance(obs.get("valueString"), str):
        concept: dict = {"text": obs["valueString"]}
    elif isinstance(obs.get("valueCodeableConcept"), dict):
        concept = obs["valueCodeableConcept"]
    elif any(k.startswith("value") for k in obs):
        raise _Quarantine(f"{label}: a culture result that is not a coded or text value")
    else:
        raise _Quarantine(f"{label}: a culture observation has no result (value[x])")
    snomed = [c["code"].strip() for c in _codings(concept)
              if c.get("system") == C.SNOMED and isinstance(c.get("code"), str) and c["code"].strip()]
    text = concept.get("text").strip() if isinstance(concept.get("text"), str) else ""
    # a coding's display (a SNOMED CT preferred term may end in "(organism)")
    display = re.sub(r"\s*\(organism\)\s*$", "", _text(concept), flags=re.I)
    try:
        return culture_value(text, snomed, table, by_code, display=display,
                             nothing="a culture observation has no result (no text, no known code)")
    except ValueRefused as exc:
        raise _Quarantine(f"{label}: {exc}") from None


def _specimen(unit: _Unit, index: _Index, kinds: list[tuple[str, str]], table: lab_codes.LabCodes,
              accession: str) -> tuple[str, dict | None]:
    refs = [r for res in [unit.report, *unit.observations] for r in _as_list(res.get("specimen"))]
    found = next((s for s in (index.resolve(r, unit.report) for r in refs) if s is not None), None)
    if found is not None:
        unit.used.append(found)
    specimen = next((k[0] for k in kinds if k[0]), "")
    if specimen:
        return specimen, found
    if found is None:
        raise _Quarantine(f"accession {accession}: no specimen (the code does not name it and no Specimen)")
    words = [str(c.get("code", "")) for c in _codings(found.get("type"))] + [_text(found.get("type"))]
    for word in words:
        if word.strip().lower() in table.specimen_source:
            return table.specimen_source[word.strip().lower()], found
    raise _Quarantine(f"accession {accession}: specimen type {(words[0] or words[-1] or '(none)')!r} is not known")


def _read_unit(unit: _Unit, index: _Index, table: lab_codes.LabCodes,
               by_code: Callable[[str], str | None]) -> tuple[str, date | None, LabReport | None, int]:
    """(MRN, date of birth, the culture report or None when no culture, unused count)."""
    from itb_tui.clinical.organisms import canonical_name
    from itb_tui.clinical.records import Culture

    report = unit.report
    test = _concept_kind(report.get("code"), table)
    lone = report.get("resourceType") == "Observation"
    cultures = [(o, k) for o in unit.observations if (k := _concept_kind(o.get("code"), table)) is not None]
    if test is None and not cultures:
        return "", None, None, 0
    if not cultures and test is not None and unit.observations:
        cultures = [(o, test) for o in unit.observations]  # the report names the culture
    for obs in unit.observations:
        _date(_effective(obs), f"{_label(obs, unit.position)} effective")  # a malformed date refuses
    mrn, dob = _patient(unit, index)
    accession = _typed_identifier(report.get("identifier"), ("ACSN", "FILL"))
    if not accession:
        raise _Quarantine(f"{unit.label}: no identifier (the accession number): re-sending could not be recognised")
    statuses = [str(report.get("status") or "")] + ([] if lone else [str(o.get("status") or "") for o, _ in cultures])
    status = _status(statuses)
    kinds = [k for _, k in cultures] + ([test] if test else [])
    specimen, specimen_resource = _specimen(unit, index, kinds, table, accession)
    drawn_text = None
    if specimen_resource is not None and isinstance(specimen_resource.get("collection"), dict):
        drawn_text = specimen_resource["collection"].get("collectedDateTime")
    drawn_text = drawn_text or _effective(report) or next((_effective(o) for o, _ in cultures if _effective(o)), None)
    drawn = _date(drawn_text, "collection date")
    if drawn is None:
        raise _Quarantine(f"accession {accession}: no collection date (Specimen.collection or effective[x])")
    what = (test[1] if test else "") or (cultures[0][1][1] if cultures else "culture")
    if status == "pending":
        if any(any(k.startswith("value") for k in o) for o, _ in cultures):
            raise _Quarantine(f"accession {accession}: status registered, but it carries a result")
        culture = Culture(specimen=specimen, drawn_on=drawn, result="pending")
        return mrn, dob, LabReport(accession, "preliminary", culture, what), len(unit.observations) - len(cultures)
    if not cultures:
        raise _Quarantine(f"accession {accession}: a culture report without a result (no Observation)")
    results = [_value(o, _label(o, unit.position), table, by_code) for o, _ in cultures]
    positives = [organism for result, organism in results if result == "positive"]
    if positives:
        identified = [o for o in positives if lab_codes.words(o) not in table.growth_pending]
        named = {canonical_name(o) for o in identified}
        if len(named) > 1:
            raise _Quarantine(f"accession {accession}: two organisms in one specimen ({', '.join(sorted(named))}): "
                              "enter them by hand")
        culture = Culture(specimen=specimen, drawn_on=drawn, result="positive",
                          organism=identified[0] if identified else positives[0])
    else:
        culture = Culture(specimen=specimen, drawn_on=drawn, result="no_growth")
    return mrn, dob, LabReport(accession, status, culture, what), len(unit.observations) - len(cultures)


def _raw(unit: _Unit) -> str:
    """The unit as a small collection Bundle: what quarantine keeps for a person to read,
    and what `results quarantine assign` reads again. Stable text (sorted keys), so the
    same unit quarantined twice is recognised."""
    seen: list[dict] = []
    for r in [unit.report, *unit.observations, *unit.used]:
        if not any(r is s for s in seen):
            seen.append(r)
    doc = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in seen]}
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _reading(unit: _Unit, index: _Index, table: lab_codes.LabCodes,
             by_code: Callable[[str], str | None]) -> MessageReading:
    mrn, dob = "", None
    raw = _raw(unit)
    try:
        mrn, dob, report, unused = _read_unit(unit, index, table, by_code)
        raw = _raw(unit)
        if report is None:
            return MessageReading(unit.position, unit.label, "not_culture", "no culture result in it", mrn, dob, raw=raw)
        notes = (f"{unused} observation(s) that are not culture results (e.g. susceptibilities) were not imported",) \
            if unused else ()
        return MessageReading(unit.position, unit.label, "ok", "", mrn, dob, (report,), raw, unused, notes)
    except _Refuse as exc:
        return MessageReading(unit.position, unit.label, "refused", str(exc), mrn, dob, raw=raw)
    except _Quarantine as exc:
        if not mrn:  # the patient is read after the culture checks: name it when it can be read
            try:
                mrn, dob = _patient(unit, index)
            except (_Refuse, _Quarantine):
                pass
        return MessageReading(unit.position, unit.label, "quarantined", str(exc), mrn, dob, raw=_raw(unit))


# --- the file -------------------------------------------------------------------------------


def read_json(text: str, table: lab_codes.LabCodes | None = None,
              by_code: Callable[[str], str | None] | None = None) -> FhirFile:
    """Every unit of one FHIR JSON file (see the module notes); never raises for bad input.

    `by_code` looks a SNOMED CT code up (default: the species table's verified codes)."""
    from itb_tui.clinical.organisms import by_snomed_ct

    table = table or lab_codes.load()
    by_code = by_code or by_snomed_ct
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except (json.JSONDecodeError, RecursionError) as exc:
        return FhirFile((), f"not valid JSON ({exc})")
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        if kind_of(data) == "ward":
            return FhirFile((), "a ward file (itb-ward format): import it with `itb-tui import`, not `results import`")
        return FhirFile((), "not a FHIR resource (no resourceType)")
    if kind_of(data) == "ward":
        return FhirFile((), "a ward FHIR Bundle (patients, pumps, procedures, medicines): import it with "
                            "`itb-tui import`, not `results import`")
    kind = data["resourceType"]
    if kind not in ("Bundle", "DiagnosticReport", "Observation"):
        return FhirFile((), f"resourceType {kind[:40]!r} is not a laboratory result (a Bundle, DiagnosticReport "
                            "or Observation)")
    index = _Index()
    rows: list[tuple[int, dict]] = []
    readings: list[MessageReading] = []
    if kind == "Bundle":
        btype = data.get("type")
        if btype is not None and btype not in BUNDLE_TYPES:
            return FhirFile((), f"Bundle type {str(btype)[:30]!r} is not a set of results "
                                f"({', '.join(sorted(BUNDLE_TYPES))})")
        entries = data.get("entry")
        if entries is not None and not isinstance(entries, list):
            return FhirFile((), "Bundle.entry is not a list")
        for i, entry in enumerate(entries or [], 1):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
                method = (entry.get("request") or {}).get("method") if isinstance(entry, dict) and \
                    isinstance(entry.get("request"), dict) else None
                why = f"a {method} request without a resource" if method else "an entry without a resource (resourceType)"
                readings.append(MessageReading(i, f"entry {i}", "refused", why))
                continue
            index.add(entry.get("fullUrl"), resource)
            rows.append((i, resource))
    else:
        rows.append((1, data))
    referenced: set[int] = set()
    for _, resource in rows:
        if resource.get("resourceType") == "DiagnosticReport":
            for ref in resource.get("result") or []:
                found = index.resolve(ref, resource)
                if found is not None:
                    referenced.add(id(found))
    for position, resource in rows:
        kind = resource["resourceType"]
        label = _label(resource, position)
        if kind in CONTEXT_TYPES or (kind == "Observation" and id(resource) in referenced):
            continue
        if kind == "DiagnosticReport":
            observations, missing = [], []
            for ref in resource.get("result") or []:
                found = index.resolve(ref, resource)
                if found is None or found.get("resourceType") != "Observation":
                    missing.append(str(ref.get("reference", "")) if isinstance(ref, dict) else "?")
                else:
                    observations.append(found)
            unit = _Unit(position, label, resource, observations, [])
            if missing:
                reading = _reading(unit, index, table, by_code)
                if reading.outcome in ("ok", "quarantined"):
                    reading = MessageReading(position, label, "quarantined",
                                             f"{label}: result {', '.join(missing)[:80]} is not in this file",
                                             reading.mrn, reading.dob, raw=reading.raw)
                readings.append(reading)
                continue
            readings.append(_reading(unit, index, table, by_code))
        elif kind == "Observation":
            readings.append(_reading(_Unit(position, label, resource, [resource], []), index, table, by_code))
        else:
            readings.append(MessageReading(position, label, "not_culture", f"{kind}: not a laboratory result"))
    readings.sort(key=lambda r: r.index)
    return FhirFile(tuple(readings))


def looks_like_json(text: str) -> bool:
    """A FHIR JSON file rather than HL7 v2 (which starts with MSH, FHS, BHS or MLLP bytes)."""
    return text.lstrip("\ufeff \t\r\n").startswith(("{", "["))
