"""Read patient records from an HL7 FHIR R4 Bundle: ours, or a sensible one from elsewhere.

`parse_bundle(data, today)` returns the Patient records and how many resources of each
type it did not use. It reads what `formats/fhir/write.py` writes (extensions included,
so the round trip gives the same records) and the common shapes another system sends:
an MRN-typed identifier, LOINC culture codes, an antifungal MedicationStatement or
MedicationRequest named by text. Anything else is counted, not guessed at: a resource
this app cannot interpret must not half-enter a safety list. Flags are counted too: a
refill block is recomputed from the records, never imported as a conclusion.

Like the ward-file import it is all-or-nothing: every problem is collected and raised as
`WardFileError`, one line each, naming the resource (`Observation/<id>`) and the field, or
for the record checks `MRN: field.path: what is wrong (Resource/<id>)`. It works on plain
JSON (no fhir.resources import): a foreign Bundle should not be refused for a detail the
app never reads.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from itb_tui.clinical.records import (
    AntifungalCourse,
    Bridging,
    Culture,
    Exam,
    Patient,
    Pump,
    Refill,
)
from itb_tui.formats.fhir import codes as C

DEFAULT_ALARM_ML = Decimal("2.0")  # clinical-rules.md: the alarm volume defaults to 2.0 mL
SKIPPED_STATUSES = {"entered-in-error", "not-done", "cancelled", "not-taken", "stopped-in-error"}
PENDING_STATUSES = {"registered", "preliminary", "partial"}


@dataclass
class _PumpDraft:
    label: str
    values: dict
    refills: list = field(default_factory=list)  # (Refill kwargs, label)


@dataclass
class _PatientDraft:
    label: str
    mrn: str
    values: dict
    pumps: list = field(default_factory=list)
    cultures: list = field(default_factory=list)  # (Culture, label)
    antifungals: list = field(default_factory=list)
    bridging: list = field(default_factory=list)
    exams: list = field(default_factory=list)
    weight_on: date | None = None


class _Reader:
    """One pass over the Bundle, collecting drafts, problems and ignored counts."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.ignored: Counter[str] = Counter()
        self.patients: dict[str, _PatientDraft] = {}  # reference key -> draft
        self.order: list[_PatientDraft] = []
        self.pumps: dict[str, tuple[_PatientDraft, _PumpDraft]] = {}
        # Resources already reported: their record-check lines would only repeat it.
        self.bad_labels: set[str] = set()

    # --- small readers: each returns None and notes a problem when the value is bad ---

    def problem(self, label: str, path: str, message: str) -> None:
        self.errors.append(f"{label}: {path}: {message}")
        self.bad_labels.add(label)

    def date(self, value: object, label: str, path: str, required: bool = False) -> date | None:
        if value is None:
            if required:
                self.problem(label, path, "is required")
            return None
        text = value if isinstance(value, str) else ""
        try:
            if len(text) < 10:
                raise ValueError
            return date.fromisoformat(text[:10])
        except ValueError:
            self.problem(label, path, f"{str(value)[:40]!r} is not a full date (YYYY-MM-DD)")
            return None

    def number(self, value: object, label: str, path: str) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            self.problem(label, path, f"{str(value)[:40]!r} is not a number")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.problem(label, path, f"{str(value)[:40]!r} is not a number")
            return None
        if not number.is_finite():
            self.problem(label, path, "must be a finite number")
            return None
        return number

    def quantity(self, q: object, label: str, path: str, units: dict[str, Decimal]) -> Decimal | None:
        """A Quantity in one of `units` (unit -> factor to ours)."""
        if not isinstance(q, dict) or "value" not in q:
            self.problem(label, path, "needs a value")
            return None
        value = self.number(q.get("value"), label, f"{path}.value")
        unit = q.get("code") or q.get("unit")
        if value is None:
            return None
        if unit is None:  # refused, not assumed: mg or g is not for the app to guess
            self.problem(label, f"{path}.unit", f"is required (one of {', '.join(units)})")
            return None
        if unit not in units:
            self.problem(label, f"{path}.unit", f"{str(unit)[:20]!r} is not one of {', '.join(units)}")
            return None
        return value * units[unit]

    # --- references ---

    def patient_for(self, ref: object, label: str, path: str) -> _PatientDraft | None:
        draft = _resolve(self.patients, ref)
        if draft is None:
            self.problem(label, path, f"{_ref_text(ref)} is not a Patient in this Bundle")
        return draft


def _keys(full_url: object, resource: dict) -> list[str]:
    """The ways a reference may name this resource: its fullUrl and `Type/id`."""
    keys = [full_url] if isinstance(full_url, str) and full_url else []
    if isinstance(resource.get("id"), str) and resource["id"]:
        keys.append(f"{resource['resourceType']}/{resource['id']}")
    return keys


def _ref_text(ref: object) -> str:
    if isinstance(ref, dict) and isinstance(ref.get("reference"), str):
        return repr(ref["reference"][:80])
    return "no reference"


def _resolve(index: dict, ref: object):
    """Find a referenced item by fullUrl, `Type/id`, or an absolute URL ending in `Type/id`."""
    if not isinstance(ref, dict) or not isinstance(ref.get("reference"), str):
        return None
    text = ref["reference"]
    if text in index:
        return index[text]
    tail = "/".join(text.rstrip("/").split("/")[-2:])
    return index.get(tail)


def _codings(concept: object) -> list[dict]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding") or [] if isinstance(c, dict)]


def _code_in(concept: object, system: str) -> str | None:
    for coding in _codings(concept):
        if coding.get("system") == system and isinstance(coding.get("code"), str):
            return coding["code"]
    return None


def _concept_text(concept: object) -> str | None:
    if not isinstance(concept, dict):
        return None
    if isinstance(concept.get("text"), str) and concept["text"].strip():
        return concept["text"]
    for coding in _codings(concept):
        if isinstance(coding.get("display"), str) and coding["display"].strip():
            return coding["display"]
    return None


def _extension(resource: dict, url: str):
    for ext in resource.get("extension") or []:
        if isinstance(ext, dict) and ext.get("url") == url:
            for key, value in ext.items():
                if key.startswith("value"):
                    return value
    return None


def _note(resource: dict) -> str | None:
    notes = [n.get("text") for n in resource.get("note") or [] if isinstance(n, dict)]
    texts = [t for t in notes if isinstance(t, str) and t.strip()]
    return "\n".join(texts) if texts else None


def _label(resource: dict, index: int) -> str:
    kind = resource.get("resourceType", "resource")
    rid = resource.get("id")
    return f"{kind}/{rid}" if isinstance(rid, str) and rid else f"entry[{index}] ({kind})"


# --- Patient ---


def _mrn(resource: dict) -> str | None:
    identifiers = [i for i in resource.get("identifier") or [] if isinstance(i, dict)]
    with_value = [i for i in identifiers if isinstance(i.get("value"), str) and i["value"].strip()]
    for ident in with_value:
        if ident.get("system") == C.MRN_SYSTEM:
            return ident["value"]
    for ident in with_value:
        if _code_in(ident.get("type"), C.V2_IDENTIFIER_TYPE) == "MR":
            return ident["value"]
    return with_value[0]["value"] if len(with_value) == 1 else None


def _name(resource: dict) -> str | None:
    names = [n for n in resource.get("name") or [] if isinstance(n, dict)]
    names.sort(key=lambda n: n.get("use") != "official")
    for n in names:
        if isinstance(n.get("text"), str) and n["text"].strip():
            return n["text"]
    for n in names:
        family = n.get("family") if isinstance(n.get("family"), str) else ""
        given = " ".join(g for g in n.get("given") or [] if isinstance(g, str))
        if family or given:
            return f"{family}, {given}".strip(", ") if family and given else (family or given)
    return None


def _read_patient(r: _Reader, resource: dict, label: str) -> _PatientDraft | None:
    mrn = _mrn(resource)
    if mrn is None:
        r.problem(label, "identifier", f"no MRN (an identifier with system {C.MRN_SYSTEM} "
                                       "or type MR)")
        return None
    name = _name(resource)
    if name is None:
        r.problem(label, "name", "no name (HumanName.text or family/given)")
    values = {
        "mrn": mrn,
        "name": name or "",
        "dob": r.date(resource.get("birthDate"), label, "birthDate"),
        "ward": _extension(resource, C.EXT_WARD),
        "bed": _extension(resource, C.EXT_BED),
        "symptoms_resolved_on": r.date(_extension(resource, C.EXT_SYMPTOMS_RESOLVED_ON), label,
                                       f"extension[{C.EXT_SYMPTOMS_RESOLVED_ON}]"),
        "neutrophil_recovery_on": r.date(_extension(resource, C.EXT_NEUTROPHIL_RECOVERY_ON), label,
                                         f"extension[{C.EXT_NEUTROPHIL_RECOVERY_ON}]"),
    }
    for key in ("ward", "bed"):
        if values[key] is not None and not isinstance(values[key], str):
            r.problem(label, f"extension[{C.EXT + key}]", "must be a string")
            values[key] = None
    return _PatientDraft(label=label, mrn=mrn, values=values)


# --- Device (pump) ---


def _read_device(r: _Reader, resource: dict, label: str, keys: list[str]) -> bool:
    props = {}
    for i, prop in enumerate(resource.get("property") or []):
        code = _code_in(prop.get("type") if isinstance(prop, dict) else None, C.PUMP_PROPERTY_SYSTEM)
        if code:
            quantities = prop.get("valueQuantity") or [None]
            props[code] = (quantities[0], f"property[{i}].valueQuantity[0]")
    if not props:
        return False  # not an ITB pump we can read (another device): counted as ignored
    owner = r.patient_for(resource.get("patient"), label, "patient")
    units = {"reservoir_ml": {"mL": Decimal(1)}, "alarm_ml": {"mL": Decimal(1)},
             "concentration_ug_ml": {"ug/mL": Decimal(1), "mg/mL": Decimal(1000)},
             "daily_dose_ug": {"ug/d": Decimal(1), "mg/d": Decimal(1000)}}
    values: dict = {}
    for code, _display, _unit in C.PUMP_PROPERTIES:
        if code in props:
            values[code] = r.quantity(props[code][0], label, props[code][1], units[code])
        elif code == "alarm_ml":
            values[code] = DEFAULT_ALARM_ML
        else:
            r.problem(label, "property", f"no {code} property ({C.PUMP_PROPERTY_SYSTEM})")
            values[code] = None
    serial = resource.get("serialNumber")
    if not isinstance(serial, str) or not serial.strip():
        r.problem(label, "serialNumber", "is required for a pump")
    model = None
    for device_name in resource.get("deviceName") or []:
        if isinstance(device_name, dict) and device_name.get("type") == "model-name":
            model = device_name.get("name")
    model = model or resource.get("modelNumber")
    values.update(serial=serial if isinstance(serial, str) else "",
                  manufacturer=resource.get("manufacturer"), model=model,
                  implanted_on=None, removed_on=None, removal_reason=None)
    if owner is not None:
        pump = _PumpDraft(label=label, values=values)
        owner.pumps.append(pump)
        for key in keys:
            r.pumps[key] = (owner, pump)
    return True


# --- Procedure ---


def _performed(r: _Reader, resource: dict, label: str) -> date | None:
    if "performedDateTime" in resource:
        return r.date(resource["performedDateTime"], label, "performedDateTime", required=True)
    period = resource.get("performedPeriod")
    if isinstance(period, dict):
        return r.date(period.get("start"), label, "performedPeriod.start", required=True)
    r.problem(label, "performed[x]", "is required (performedDateTime or performedPeriod.start)")
    return None


def _pump_of(r: _Reader, resource: dict, owner: _PatientDraft, label: str) -> _PumpDraft | None:
    devices = [f.get("manipulated") for f in resource.get("focalDevice") or [] if isinstance(f, dict)]
    for ref in devices:
        found = _resolve(r.pumps, ref)
        if found is not None:
            return found[1]
    if not devices and len(owner.pumps) == 1:
        return owner.pumps[0]  # another system's refill naming no device: the only pump
    r.problem(label, "focalDevice", "names no pump Device of this patient in the Bundle")
    return None


def _read_procedure(r: _Reader, resource: dict, label: str) -> bool:
    kind = _code_in(resource.get("category"), C.PROCEDURE_KIND_SYSTEM)
    if kind not in C.PROCEDURE_KINDS:
        return False
    owner = r.patient_for(resource.get("subject"), label, "subject")
    when = _performed(r, resource, label)
    if owner is None:
        return True
    if kind == "bridging":
        method = _code_in(resource.get("code"), C.BRIDGING_METHOD_SYSTEM) or "other"
        # The last day of bridging is the period's end (status alone carries no date).
        period = resource.get("performedPeriod")
        stopped = r.date(period.get("end"), label, "performedPeriod.end") if isinstance(period, dict) else None
        owner.bridging.append((dict(method=method, started_on=when, detail=_note(resource),
                                    stopped_on=stopped), label))
    elif kind == "exam":
        exam_kind = _code_in(resource.get("code"), C.EXAM_KIND_SYSTEM) or "other"
        owner.exams.append((dict(kind=exam_kind, on=when, finding=_note(resource)), label))
    else:
        pump = _pump_of(r, resource, owner, label)
        if pump is None:
            return True
        if kind == "pump_implant":
            pump.values["implanted_on"] = when
        elif kind == "pump_explant":
            pump.values["removed_on"] = when
            reasons = [_concept_text(c) for c in resource.get("reasonCode") or []]
            pump.values["removal_reason"] = "; ".join(t for t in reasons if t) or None
        else:
            volume_q = _extension(resource, C.EXT_REFILL_VOLUME)
            volume = r.quantity(volume_q, label, f"extension[{C.EXT_REFILL_VOLUME}]",
                                {"mL": Decimal(1)})
            alarm = r.date(_extension(resource, C.EXT_PROGRAMMER_ALARM_ON), label,
                           f"extension[{C.EXT_PROGRAMMER_ALARM_ON}]")
            override = _extension(resource, C.EXT_OVERRIDE_REASON)
            pump.refills.append((dict(on=when, volume_ml=volume, programmer_alarm_on=alarm,
                                      override_reason=override if isinstance(override, str) else None),
                                 label))
    return True


# --- Observation (culture, body weight) ---


def _susceptibility(r: _Reader, resource: dict, label: str) -> dict[str, str]:
    out = {}
    for i, comp in enumerate(resource.get("component") or []):
        if not isinstance(comp, dict):
            continue
        drug = _code_in(comp.get("code"), C.SUSCEPTIBILITY_DRUG_SYSTEM)
        if drug is None:
            text = _concept_text(comp.get("code")) or ""
            drug = text.lower().replace("susceptibility", "").strip(" []") or None
        value = (_code_in(comp.get("valueCodeableConcept"), C.V3_INTERPRETATION)
                 or _concept_text(comp.get("valueCodeableConcept")))
        if value is None:
            for interp in comp.get("interpretation") or []:
                value = value or _code_in(interp, C.V3_INTERPRETATION)
        value = value.strip().upper() if isinstance(value, str) else None
        if not drug or value not in C.SUSCEPTIBILITY_DISPLAY:
            r.problem(label, f"component[{i}]", "a susceptibility needs a drug and one of "
                                                 "S, SDD, I, R")
            continue
        out[drug.lower()] = value
    return out


def _is_no_growth(resource: dict) -> bool:
    concept = resource.get("valueCodeableConcept")
    if _code_in(concept, C.SNOMED) == C.NO_GROWTH_SNOMED[0]:
        return True
    text = (_concept_text(concept) or "").strip().lower()
    if text.startswith(("no growth", "negative", "no organisms")):
        return True
    for interp in resource.get("interpretation") or []:
        if _code_in(interp, C.V3_INTERPRETATION) in ("NEG", "N", "ND"):
            return True
    return False


def _read_observation(r: _Reader, resource: dict, label: str) -> bool:
    code = resource.get("code")
    loinc = _code_in(code, C.LOINC)
    specimen = _code_in(code, C.SPECIMEN_SYSTEM) or C.SPECIMEN_BY_LOINC.get(loinc or "")
    if loinc == C.BODY_WEIGHT_LOINC[0]:
        return _read_weight(r, resource, label)
    if specimen is None:
        return False
    owner = r.patient_for(resource.get("subject"), label, "subject")
    effective = resource.get("effectiveDateTime")
    if effective is None and isinstance(resource.get("effectivePeriod"), dict):
        effective = resource["effectivePeriod"].get("start")
    drawn_on = r.date(effective, label, "effectiveDateTime", required=True)
    organism = None
    if "valueCodeableConcept" in resource:
        if _is_no_growth(resource):
            result = "no_growth"
        else:
            result = "positive"
            organism = _concept_text(resource["valueCodeableConcept"])
            if organism is None:
                r.problem(label, "valueCodeableConcept", "a positive culture needs the organism")
    elif resource.get("status") in PENDING_STATUSES:
        result = "pending"
    else:
        r.problem(label, "value[x]", "a final culture needs its result "
                                     "(valueCodeableConcept: organism or no growth)")
        return True
    susceptibility = _susceptibility(r, resource, label)
    if owner is not None:
        owner.cultures.append((dict(specimen=specimen, drawn_on=drawn_on, result=result,
                                    organism=organism, susceptibility=susceptibility), label))
    return True


def _read_weight(r: _Reader, resource: dict, label: str) -> bool:
    owner = r.patient_for(resource.get("subject"), label, "subject")
    weight = r.quantity(resource.get("valueQuantity"), label, "valueQuantity",
                        {"kg": Decimal(1), "g": Decimal("0.001")})
    when = r.date(resource.get("effectiveDateTime"), label, "effectiveDateTime")
    if owner is not None and weight is not None:
        latest = owner.weight_on
        if "weight_kg" not in owner.values or latest is None or (when and when >= latest):
            owner.values["weight_kg"] = weight
            owner.weight_on = when
    return True


# --- MedicationStatement / MedicationRequest (antifungal courses) ---


def _drug_name(resource: dict) -> str | None:
    from itb_tui.wardfile import ANTIFUNGAL_DRUGS

    concept = resource.get("medicationCodeableConcept")
    ours = _code_in(concept, C.ANTIFUNGAL_SYSTEM)
    if ours:
        return ours
    texts = [_concept_text(concept) or ""] + [c.get("display") or "" for c in _codings(concept)]
    for text in texts:
        lowered = " ".join(text.lower().split())
        matches = [d for d in ANTIFUNGAL_DRUGS if d in lowered]
        if matches:
            return max(matches, key=len)  # "liposomal amphotericin b" over a shorter match
    if _code_in(resource.get("category"), C.MEDICATION_CATEGORY_SYSTEM) == "antifungal":
        return _concept_text(concept)  # named as antifungal but unknown: validation says so
    return None


def _dose_mg(r: _Reader, dosage: object, label: str, path: str) -> Decimal | None:
    if not isinstance(dosage, list) or not dosage or not isinstance(dosage[0], dict):
        return None
    rates = dosage[0].get("doseAndRate") or []
    if not rates or not isinstance(rates[0], dict) or "doseQuantity" not in rates[0]:
        return None
    return r.quantity(rates[0]["doseQuantity"], label, f"{path}[0].doseAndRate[0].doseQuantity",
                      {"mg": Decimal(1), "g": Decimal(1000)})


def _read_medication(r: _Reader, resource: dict, label: str) -> bool:
    drug = _drug_name(resource)
    if drug is None:
        return False
    owner = r.patient_for(resource.get("subject"), label, "subject")
    if resource["resourceType"] == "MedicationStatement":
        period = resource.get("effectivePeriod")
        if isinstance(period, dict):
            start_value, start_path = period.get("start"), "effectivePeriod.start"
            end = r.date(period.get("end"), label, "effectivePeriod.end")
        else:
            start_value, start_path = resource.get("effectiveDateTime"), "effectiveDateTime"
            end = None
        dose = _dose_mg(r, resource.get("dosage"), label, "dosage")
    else:
        instructions = resource.get("dosageInstruction") or [{}]
        repeat = ((instructions[0] or {}).get("timing") or {}).get("repeat") or {}
        bounds = repeat.get("boundsPeriod") or {}
        if bounds.get("start"):
            start_value, start_path = bounds["start"], "dosageInstruction[0].timing.repeat.boundsPeriod.start"
        else:
            start_value, start_path = resource.get("authoredOn"), "authoredOn"
        end = r.date(bounds.get("end"), label, "dosageInstruction[0].timing.repeat.boundsPeriod.end")
        dose = _dose_mg(r, instructions, label, "dosageInstruction")
    started = r.date(start_value, label, start_path, required=True)
    planned = r.date(_extension(resource, C.EXT_PLANNED_STOP_ON), label,
                     f"extension[{C.EXT_PLANNED_STOP_ON}]")
    if owner is not None:
        owner.antifungals.append((dict(drug=drug, dose_mg=dose, started_on=started,
                                       stopped_on=end, planned_stop_on=planned), label))
    return True


# --- assembling and validating ---

_READERS = {
    "Procedure": _read_procedure,
    "Observation": _read_observation,
    "MedicationStatement": _read_medication,
    "MedicationRequest": _read_medication,
}


def _build(draft: _PatientDraft) -> tuple[Patient, dict[str, str]]:
    """The Patient record and, for error messages, record path -> resource label."""
    where = {"": draft.label}
    pumps = []
    for i, pump in enumerate(draft.pumps):
        where[f"pumps[{i}]"] = pump.label
        refills = []
        for j, (values, label) in enumerate(pump.refills):
            where[f"pumps[{i}].refills[{j}]"] = label
            refills.append(Refill(**values))
        pumps.append(Pump(**pump.values, refills=tuple(refills)))
    lists = {}
    for name, cls in (("cultures", Culture), ("antifungals", AntifungalCourse),
                      ("bridging", Bridging), ("exams", Exam)):
        items = []
        for i, (values, label) in enumerate(getattr(draft, name)):
            where[f"{name}[{i}]"] = label
            items.append(cls(**values))
        lists[name] = tuple(items)
    patient = Patient(**{"weight_kg": None, **draft.values}, pumps=tuple(pumps), **lists)
    return patient, where


def _with_resource(line: str, where: dict[str, str], bad: set[str]) -> str | None:
    """Add the resource a record problem came from: `... (Procedure/<id>)`; None when that
    resource's problem was already reported while reading it."""
    parts = line.split(": ", 2)
    if len(parts) < 3:
        return line
    path = parts[1]
    best = ""
    for prefix in where:
        if prefix and (path == prefix or path.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    if where[best] in bad:
        return None
    return f"{line} ({where[best]})"


def parse_bundle(data: dict, today: date) -> tuple[list[Patient], dict[str, int]]:
    """The Patient records in a FHIR Bundle and the count of unused resources by type.

    Raises WardFileError listing every problem (nothing is returned, nothing half-read).
    """
    from itb_tui.wardfile import WardFileError, normalise_patient, validate_patient

    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        kind = data.get("resourceType") if isinstance(data, dict) else type(data).__name__
        raise WardFileError([f"not a FHIR Bundle: resourceType is {str(kind)[:40]!r}"])
    entries = data.get("entry")
    entries = [] if entries is None else entries  # an empty Bundle is a valid, empty ward
    if not isinstance(entries, list):
        raise WardFileError(["Bundle: entry: must be a list"])
    r = _Reader()
    resources = []
    for i, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            r.problem(f"entry[{i}]", "resource", "missing or without resourceType")
            continue
        resources.append((i, entry.get("fullUrl"), resource))
    # Patients first: other resources may come before the Patient they refer to.
    for i, full_url, resource in resources:
        if resource["resourceType"] == "Patient":
            draft = _read_patient(r, resource, _label(resource, i))
            if draft is not None:
                for key in _keys(full_url, resource):
                    r.patients[key] = draft
                r.order.append(draft)
    for i, full_url, resource in resources:  # pumps before the procedures on them
        if resource["resourceType"] == "Device" and resource.get("status") in SKIPPED_STATUSES:
            r.ignored["Device"] += 1
        elif resource["resourceType"] == "Device":
            keys = _keys(full_url, resource)
            if not _read_device(r, resource, _label(resource, i), keys):
                r.ignored["Device"] += 1
    for i, _full_url, resource in resources:
        kind = resource["resourceType"]
        if kind in ("Patient", "Device"):
            continue
        if resource.get("status") in SKIPPED_STATUSES or kind not in _READERS:
            r.ignored[kind] += 1
        elif not _READERS[kind](r, resource, _label(resource, i)):
            r.ignored[kind] += 1
    patients = []
    seen: dict[str, str] = {}
    for draft in r.order:
        if draft.mrn in seen:
            r.problem(draft.label, "identifier", f"MRN {draft.mrn} is also {seen[draft.mrn]}")
            continue
        seen[draft.mrn] = draft.label
        try:
            patient, where = _build(draft)
        except TypeError as exc:  # a field missing after an error already reported
            r.problem(draft.label, "record", str(exc))
            continue
        patient = normalise_patient(patient)
        patients.append(patient)
        for line in validate_patient(patient, today):
            shown = _with_resource(line, where, r.bad_labels)
            if shown is not None:
                r.errors.append(shown)
    if r.errors:
        raise WardFileError(r.errors)
    return patients, dict(sorted(r.ignored.items()))
