"""Read a ward file (`itb-ward/1`) into Patient records, reporting every problem at once.

Two passes per patient: first the JSON is converted to typed values (text, Decimal,
date), noting shape errors such as a string where a number belongs or an unknown field;
then the typed record goes through `validate.patient_problems`, the same checks the store
and forms run. A field that already failed conversion is not reported a second time.

Unknown fields are refused, not ignored: a typo such as "drawn" for "drawn_on" would
otherwise import a culture without its date, silently.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from itb_tui.clinical.records import Patient, Refill
from itb_tui.wardfile import limits
from itb_tui.wardfile.errors import WardFileError
from itb_tui.wardfile.fields import FIELDS
from itb_tui.wardfile.text import clean_text, show
from itb_tui.wardfile.validate import CHILD_LISTS, RECORD_TYPES, label_for, patient_problems

FILE_LABEL = "ward file"
DEFAULT_ALARM_ML = Decimal("2.0")  # clinical-rules.md: the alarm volume defaults to 2.0 mL

DATE_FIELDS = frozenset(
    {
        "dob", "symptoms_resolved_on", "neutrophil_recovery_on", "implanted_on",
        "removed_on", "on", "programmer_alarm_on", "drawn_on", "started_on",
        "stopped_on", "planned_stop_on",
    }
)
NUMBER_FIELDS = frozenset(
    {"weight_kg", "reservoir_ml", "alarm_ml", "concentration_ug_ml", "daily_dose_ug",
     "volume_ml", "dose_mg"}
)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# The fields each record may carry: its checked fields plus its child lists.
ALLOWED = {kind: tuple(FIELDS[kind]) for kind in FIELDS}
ALLOWED["patient"] += tuple(name for name, _ in CHILD_LISTS)
ALLOWED["pump"] += ("refills",)


class _NonFinite:
    """What JSON's NaN / Infinity / -Infinity parse to, so the field can say so."""


_NON_FINITE = _NonFinite()


class _Object(dict):
    """A JSON object that remembers keys it saw twice (json.loads keeps only the last)."""

    duplicates: tuple[str, ...] = ()


def _object_pairs(pairs: list[tuple[str, object]]) -> _Object:
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        obj.duplicates = tuple(k for k, _ in pairs if k in seen or seen.add(k))
    return obj


def _load(source: str | bytes | Mapping) -> object:
    if isinstance(source, Mapping):
        return source
    if isinstance(source, (bytes, bytearray)):
        try:
            source = bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise WardFileError([f"{FILE_LABEL}: not UTF-8 text (bad byte at position {exc.start})"]) from None
    if not isinstance(source, str):
        raise WardFileError([f"{FILE_LABEL}: must be JSON text or an object, not {type(source).__name__}"])
    try:
        return json.loads(
            source.lstrip("\ufeff"),
            parse_float=Decimal,
            parse_int=Decimal,
            parse_constant=lambda _name: _NON_FINITE,
            object_pairs_hook=_object_pairs,
        )
    except json.JSONDecodeError as exc:
        raise WardFileError(
            [f"{FILE_LABEL}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"]
        ) from None
    except RecursionError:
        raise WardFileError([f"{FILE_LABEL}: not a ward file: nested too deeply"]) from None


class _Reader:
    """Converts one patient's JSON into typed values, noting what could not be converted."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []
        self.failed: set[str] = set()

    def fail(self, path: str, message: str) -> None:
        self.problems.append((path, message))
        self.failed.add(path)

    def record(self, raw: object, path: str, kind: str) -> dict | None:
        """The fields of one JSON object, checked for shape; None if it is not an object."""
        where = path.rstrip(".")
        if not isinstance(raw, Mapping):
            self.fail(where, f"must be an object, not {show(raw)}")
            return None
        for key in getattr(raw, "duplicates", ()):
            self.fail(where, f"field {show(key)} appears more than once")
        allowed = ALLOWED[kind]
        for key in raw:
            if key not in allowed:
                self.fail(where, f"unknown field {show(key)} (expected one of: {', '.join(allowed)})")
        values = {}
        for key in FIELDS[kind]:
            values[key] = self.value(raw.get(key), f"{path}{key}", key)
        return values

    def value(self, raw: object, path: str, key: str) -> object:
        if raw is None:
            return None
        if key in DATE_FIELDS:
            return self.date(raw, path)
        if key in NUMBER_FIELDS:
            return self.number(raw, path)
        if key == "susceptibility":
            return self.susceptibility(raw, path)
        if not isinstance(raw, str):
            self.fail(path, f"must be text, not {show(raw)}")
            return None
        text = clean_text(raw)
        return text.lower() if key == "drug" and isinstance(text, str) else text

    def date(self, raw: object, path: str) -> date | None:
        if isinstance(raw, str) and _ISO_DATE.fullmatch(raw):
            try:
                return date.fromisoformat(raw)
            except ValueError:
                self.fail(path, f"{show(raw)} is not a real date")
                return None
        self.fail(path, f"must be a date written YYYY-MM-DD, not {show(raw)}")
        return None

    def number(self, raw: object, path: str) -> Decimal | None:
        if raw is _NON_FINITE:
            self.fail(path, "must be a finite number")
            return None
        if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal)):
            self.fail(path, f"must be a number, not {show(raw)}")
            return None
        number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        if not number.is_finite():
            self.fail(path, "must be a finite number")
            return None
        return number

    def susceptibility(self, raw: object, path: str) -> dict | None:
        if not isinstance(raw, Mapping):
            self.fail(path, f"must be an object of drug: result, not {show(raw)}")
            return None
        result: dict[object, object] = {}
        for key in getattr(raw, "duplicates", ()):
            self.fail(path, f"drug {show(key)} appears more than once")
        for key, reported in raw.items():
            drug = key.strip().lower() if isinstance(key, str) else key
            if drug in result:
                self.fail(path, f"drug {show(drug)} appears more than once")
            result[drug] = reported.strip() if isinstance(reported, str) else reported
        return result

    def records(self, raw: object, path: str) -> list:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.fail(path, f"must be a list, not {show(raw)}")
            return []
        return raw


def _convert_patient(raw: Mapping, reader: _Reader) -> Patient:
    values = reader.record(raw, "", "patient")
    lists: dict[str, tuple] = {}
    for list_name, kind in CHILD_LISTS:
        items = []
        for index, item in enumerate(reader.records(raw.get(list_name), list_name)):
            path = f"{list_name}[{index}]."
            fields = reader.record(item, path, kind)
            if fields is None:
                continue
            if kind == "pump":
                if item.get("alarm_ml") is None:
                    fields["alarm_ml"] = DEFAULT_ALARM_ML
                refills = []
                for r_index, r_item in enumerate(reader.records(item.get("refills"), f"{path}refills")):
                    r_fields = reader.record(r_item, f"{path}refills[{r_index}].", "refill")
                    if r_fields is not None:
                        refills.append(Refill(**r_fields))
                fields["refills"] = tuple(refills)
            if kind == "culture" and fields["susceptibility"] is None:
                fields["susceptibility"] = {}
            items.append(RECORD_TYPES[kind](**fields))
        lists[list_name] = tuple(items)
    return Patient(**values, **lists)


_FIELD_RANK: dict[str, int] = {}
for _names in ALLOWED.values():
    for _name in _names:
        _FIELD_RANK.setdefault(_name, len(_FIELD_RANK))
_SEGMENT = re.compile(r"([^.\[]*)(?:\[(\d+)\])?")


def _path_key(problem: tuple[str, str]) -> tuple:
    """Sort key putting a patient's problems in file order (record before its fields)."""
    key = []
    for segment in problem[0].split(".") if problem[0] else ():
        match = _SEGMENT.fullmatch(segment)
        name, index = (match.group(1), match.group(2)) if match else (segment, None)
        key.append((_FIELD_RANK.get(name, len(_FIELD_RANK)), int(index) if index else -1))
    return tuple(key)


def _line(label: str, path: str, message: str) -> str:
    return f"{label}: {path}: {message}" if path else f"{label}: {message}"


def _patient_list(doc: object) -> tuple[list, list[str]]:
    """The raw patient list and the file-level errors (format, shape, unknown keys)."""
    if not isinstance(doc, Mapping):
        return [], [f"{FILE_LABEL}: must be a JSON object with \"format\" and \"patients\", not {show(doc)}"]
    errors = []
    fmt = doc.get("format")
    if fmt is None:
        errors.append(f'{FILE_LABEL}: format: is required (must be "{limits.FORMAT}")')
    elif fmt != limits.FORMAT:
        errors.append(f'{FILE_LABEL}: format: must be "{limits.FORMAT}", not {show(fmt)}')
    for key in getattr(doc, "duplicates", ()):
        errors.append(f"{FILE_LABEL}: field {show(key)} appears more than once")
    for key in doc:
        if key not in ("format", "patients"):
            errors.append(f"{FILE_LABEL}: unknown field {show(key)} (expected format and patients)")
    patients = doc.get("patients")
    if patients is None:
        return [], errors
    if not isinstance(patients, list):
        return [], errors + [f"{FILE_LABEL}: patients: must be a list, not {show(patients)}"]
    return patients, errors


def mrn_key(mrn: str) -> str:
    """An MRN as compared for sameness: case and spaces ignored ("F1", "f1", "F 1" clash)."""
    return "".join(str(mrn).split()).casefold()


def patients_mrn(raw_patients: list, index: int) -> str:
    return " ".join(str(raw_patients[index].get("mrn", "")).split())


def duplicate_key_paths(doc: object, path: str = "") -> list[str]:
    """Where a JSON document (loaded with `load_json`) repeats a key: `patients[0].mrn`.
    json.loads keeps the last of two equal keys silently; a ward file must not."""
    found: list[str] = []
    if isinstance(doc, Mapping):
        for key in getattr(doc, "duplicates", ()):
            found.append(f"{path}.{key}" if path else str(key))
        for key, value in doc.items():
            found += duplicate_key_paths(value, f"{path}.{key}" if path else str(key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            found += duplicate_key_paths(value, f"{path}[{index}]")
    return found


def load_json(text: str) -> object:
    """JSON text as Python, remembering repeated keys (see `duplicate_key_paths`); raises
    json.JSONDecodeError like json.loads."""
    return json.loads(text, object_pairs_hook=_object_pairs)


def parse_ward(source: str | bytes | Mapping, today: date) -> list[Patient]:
    """The patients of a ward file, or WardFileError listing every problem in the file.

    `source` is the file's text (or bytes, UTF-8) or an already-decoded JSON object
    (floats in it are taken at their shortest decimal repr). `today` bounds the record
    dates. Numbers become Decimal exactly as written; strings are trimmed, an empty
    optional string becomes null; drug names are lower-cased.
    """
    raw_patients, errors = _patient_list(_load(source))
    patients: list[Patient] = []
    first_index: dict[str, int] = {}
    duplicates: dict[str, list[int]] = {}
    for index, raw in enumerate(raw_patients):
        if not isinstance(raw, Mapping):
            errors.append(f"patients[{index}]: must be an object, not {show(raw)}")
            continue
        reader = _Reader()
        patient = _convert_patient(raw, reader)
        problems = reader.problems + [
            p for p in patient_problems(patient, today) if p[0] not in reader.failed
        ]
        problems.sort(key=_path_key)
        label = label_for(patient, f"patients[{index}]")
        errors += [_line(label, path, message) for path, message in problems]
        if label == patient.mrn:
            key = mrn_key(patient.mrn)
            if key in first_index:
                duplicates.setdefault(key, [first_index[key]]).append(index)
            else:
                first_index[key] = index
        patients.append(patient)
    for key, indexes in duplicates.items():
        where = ", ".join(f"patients[{i}]" for i in indexes)
        spellings = list(dict.fromkeys(patients_mrn(raw_patients, i) for i in indexes))
        if len(spellings) == 1:
            errors.append(f"{spellings[0]}: mrn: used by more than one patient in the file ({where})")
        else:  # F1 and f1: one patient or two? Refused, naming both (issue 14)
            errors.append(f"{spellings[-1]}: mrn: clashes with {spellings[0]} ({where}): MRNs that differ "
                          "only in case or spaces are refused")
    if errors:
        raise WardFileError(errors)
    return patients
