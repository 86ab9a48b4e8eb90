"""The malformed-file corpus (issue 14's "65/73 malformed files rejected cleanly",
re-measured by tests/safety/test_malformed_files.py): files a careless user, a broken
export or a hostile sender could hand to `itb-tui import`, per
/work/shared/ward-file-format.md (itb-ward/1 JSON, FHIR Bundles; a CSV export is not an
import format). Each case is (id, the file's bytes). Built in code from one valid
patient, changed in one place per case, so each case shows what it breaks."""

from __future__ import annotations

import copy
import json

TODAY = "2026-11-10"


def _patient(mrn: str = "M1001") -> dict:
    return {
        "mrn": mrn, "name": "Doe, Jane", "dob": "1971-04-02", "ward": "Neuro 4B", "bed": "12",
        "weight_kg": 61.0,
        "pumps": [{"serial": "NGP000123", "reservoir_ml": 20, "alarm_ml": 2.0, "implanted_on": "2023-05-01",
                   "concentration_ug_ml": 500, "daily_dose_ug": 300,
                   "refills": [{"on": "2026-10-20", "volume_ml": 20}]}],
        "cultures": [{"specimen": "blood", "drawn_on": "2026-11-01", "result": "positive",
                      "organism": "Candida krusei", "susceptibility": {"fluconazole": "R"}}],
        "antifungals": [{"drug": "micafungin", "dose_mg": 100, "started_on": "2026-11-02"}],
        "bridging": [{"method": "oral_baclofen", "started_on": "2026-11-02"}],
        "exams": [{"kind": "dilated_eye_exam", "on": "2026-11-05", "finding": "no ocular candidiasis"}],
    }


def _ward(*patients: dict) -> dict:
    return {"format": "itb-ward/1", "patients": list(patients) or [_patient()]}


def _j(doc) -> bytes:
    return json.dumps(doc).encode()


def _edit(path: str, value, *, delete: bool = False) -> bytes:
    """The valid ward with one field (a dotted path; numbers index lists) set or removed."""
    doc = _ward()
    node = doc["patients"][0]
    *parents, last = path.split(".")
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    key = int(last) if last.isdigit() else last
    if delete:
        del node[key]
    else:
        node[key] = copy.deepcopy(value)
    return _j(doc)


def _bundle(*resources: dict) -> bytes:
    return _j({"resourceType": "Bundle", "type": "collection",
               "entry": [{"resource": r} for r in resources]})


_FHIR_PATIENT = {"resourceType": "Patient", "id": "p1",
                 "identifier": [{"system": "urn:example:mrn", "value": "F1001"}],
                 "name": [{"family": "Doe", "given": ["Jane"]}], "birthDate": "1971-04-02"}


def _fhir_patient(**changes) -> dict:
    p = copy.deepcopy(_FHIR_PATIENT)
    for k, v in changes.items():
        if v is None:
            p.pop(k, None)
        else:
            p[k] = v
    return p


CASES: list[tuple[str, bytes]] = [
    # --- not a JSON document at all -----------------------------------------------------
    ("empty_file", b""),
    ("whitespace_only", b"  \n\t\n"),
    ("truncated_json", _j(_ward())[:-40]),
    ("trailing_garbage", _j(_ward()) + b" and more"),
    ("binary_bytes", bytes(range(256)) * 4),
    ("invalid_utf8", b'{"format": "itb-ward/1", "patients": [{"mrn": "M1", "name": "\xff\xfe"}]}'),
    ("utf16_text", json.dumps(_ward()).encode("utf-16")),
    ("nan_literal", _edit("weight_kg", 0).replace(b'"weight_kg": 0', b'"weight_kg": NaN')),
    ("infinity_literal", _edit("weight_kg", 0).replace(b'"weight_kg": 0', b'"weight_kg": Infinity')),
    ("number_overflow", _edit("weight_kg", 0).replace(b'"weight_kg": 0', b'"weight_kg": 1e999')),
    ("deeply_nested", b"[" * 100000 + b"]" * 100000),
    ("nested_in_a_field", _edit("ward", 0).replace(b'"ward": 0', b'"ward": ' + b"[" * 50000 + b"]" * 50000)),
    ("csv_export_given_to_import", b"mrn,name,dob,ward,bed\nM1001,\"Doe, Jane\",1971-04-02,Neuro 4B,12\n"),
    ("csv_header_only", b"mrn,name,dob\n"),
    # --- JSON, but not a ward file --------------------------------------------------------
    ("top_level_null", b"null"),
    ("top_level_number", b"42"),
    ("top_level_string", b'"itb-ward/1"'),
    ("top_level_list", _j([_patient()])),
    ("missing_format", _j({"patients": [_patient()]})),
    ("wrong_format_version", _j({"format": "itb-ward/2", "patients": [_patient()]})),
    ("format_not_text", _j({"format": 1, "patients": [_patient()]})),
    # (no "patients" at all is not malformed: the spec requires only "format"; an empty ward)
    ("patients_not_a_list", _j({"format": "itb-ward/1", "patients": _patient()})),
    ("patient_is_text", _j({"format": "itb-ward/1", "patients": ["M1001"]})),
    ("patient_is_null", _j({"format": "itb-ward/1", "patients": [None]})),
    ("duplicate_key_top_level", b'{"format": "itb-ward/1", "format": "itb-ward/1", "patients": []}'),
    ("duplicate_key_in_patient", b'{"format": "itb-ward/1", "patients": [{"mrn": "F1", "mrn": "F2", "name": "A, B"}]}'),
    # --- a patient ------------------------------------------------------------------------
    ("mrn_missing", _edit("mrn", None, delete=True)),
    ("name_missing", _edit("name", None, delete=True)),
    ("mrn_empty", _edit("mrn", "")),
    ("mrn_blank", _edit("mrn", "   ")),
    ("mrn_number", _edit("mrn", 1001)),
    ("mrn_huge", _edit("mrn", "M" * 10000)),
    ("name_huge", _edit("name", "N" * 1_000_000)),
    ("name_with_nul", _edit("name", "Doe,\x00 Jane")),
    ("name_is_list", _edit("name", ["Doe", "Jane"])),
    ("dob_impossible_date", _edit("dob", "2026-02-30")),
    ("dob_other_format", _edit("dob", "02/04/1971")),
    ("dob_in_the_future", _edit("dob", "2027-01-01")),
    ("weight_negative", _edit("weight_kg", -61)),
    ("weight_zero", _edit("weight_kg", 0)),
    ("weight_subnormal", _edit("weight_kg", 5e-324)),
    ("weight_enormous", _edit("weight_kg", 1e308)),
    ("weight_text", _edit("weight_kg", "sixty")),
    ("weight_boolean", _edit("weight_kg", True)),
    ("duplicate_mrn", _j(_ward(_patient("M1"), _patient("M1")))),
    ("mrn_clash_by_case", _j(_ward(_patient("f1"), _patient("F1")))),
    ("mrn_clash_by_space", _j(_ward(_patient("F1"), _patient(" F1 ")))),
    # --- pumps and refills ----------------------------------------------------------------
    ("pumps_not_a_list", _edit("pumps", {"serial": "X"})),
    ("reservoir_negative", _edit("pumps.0.reservoir_ml", -20)),
    ("alarm_not_below_reservoir", _edit("pumps.0.alarm_ml", 20)),
    ("removed_before_implanted", _edit("pumps.0.removed_on", "2022-01-01")),
    ("concentration_zero", _edit("pumps.0.concentration_ug_ml", 0)),
    ("daily_dose_enormous", _edit("pumps.0.daily_dose_ug", 1e12)),
    ("refill_volume_over_reservoir", _edit("pumps.0.refills.0.volume_ml", 40)),
    ("refill_in_the_future", _edit("pumps.0.refills.0.on", "2026-12-01")),
    ("refill_date_missing", _edit("pumps.0.refills.0.on", None, delete=True)),
    ("refill_volume_text", _edit("pumps.0.refills.0.volume_ml", "twenty")),
    ("two_refills_one_date", _edit("pumps.0.refills", [{"on": "2026-10-20", "volume_ml": 20},
                                                        {"on": "2026-10-20", "volume_ml": 18}])),
    # --- cultures -------------------------------------------------------------------------
    ("specimen_unknown", _edit("cultures.0.specimen", "saliva")),
    ("result_unknown", _edit("cultures.0.result", "maybe")),
    ("positive_without_organism", _edit("cultures.0.organism", None, delete=True)),
    ("susceptibility_value_unknown", _edit("cultures.0.susceptibility", {"fluconazole": "X"})),
    ("susceptibility_not_a_mapping", _edit("cultures.0.susceptibility", ["fluconazole", "R"])),
    ("culture_before_dob", _edit("cultures.0.drawn_on", "1960-01-01")),
    ("culture_in_the_future", _edit("cultures.0.drawn_on", "2026-11-11")),
    # --- antifungals, bridging, exams -------------------------------------------------------
    ("course_stops_before_it_starts", _edit("antifungals.0.stopped_on", "2026-11-01")),
    ("course_dose_negative", _edit("antifungals.0.dose_mg", -100)),
    ("course_drug_empty", _edit("antifungals.0.drug", "")),
    ("bridging_method_unknown", _edit("bridging.0.method", "acupuncture")),
    ("bridging_date_invalid", _edit("bridging.0.started_on", "yesterday")),
    ("exam_kind_unknown", _edit("exams.0.kind", "x_ray")),
    ("exam_date_missing", _edit("exams.0.on", None, delete=True)),
    # --- FHIR Bundles ---------------------------------------------------------------------
    ("fhir_entry_not_a_list", _j({"resourceType": "Bundle", "type": "collection", "entry": {"resource": _FHIR_PATIENT}})),
    ("fhir_entry_without_resource", _j({"resourceType": "Bundle", "type": "collection", "entry": [{"fullUrl": "x"}]})),
    ("fhir_patient_without_identifier", _bundle(_fhir_patient(identifier=None))),
    ("fhir_patient_without_name", _bundle(_fhir_patient(name=None))),
    ("fhir_birthdate_invalid", _bundle(_fhir_patient(birthDate="not-a-date"))),
    ("fhir_resource_not_an_object", _j({"resourceType": "Bundle", "type": "collection", "entry": [{"resource": "Patient"}]})),
    ("fhir_two_patients_one_mrn", _bundle(_fhir_patient(), _fhir_patient(id="p2"))),
]
