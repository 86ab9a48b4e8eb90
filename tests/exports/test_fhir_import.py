"""FHIR import: a Bundle from another system, ignored resource types, clear errors."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal

import pytest

from export_fixtures import AS_OF, GENERATED_AT
from itb_tui.exports import render_export
from itb_tui.formats.fhir.read import parse_bundle
from itb_tui.wardfile import WardFileError

PATIENT_URL = "http://ehr.example/fhir/Patient/p1"


def foreign_bundle():
    """What another hospital system might send: its own ids and identifier system, LOINC
    culture codes, an absolute Patient URL, drugs named by text, plus resources this app
    does not use."""
    subject = {"reference": PATIENT_URL}
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [
            {"fullUrl": PATIENT_URL, "resource": {
                "resourceType": "Patient", "id": "p1",
                "identifier": [
                    {"system": "http://ehr.example/nhs", "value": "999 000 0001"},
                    {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                                          "code": "MR"}]},
                     "system": "http://ehr.example/mrn", "value": "X9001"}],
                "name": [{"use": "official", "family": "Smith", "given": ["Ann", "Marie"]}],
                "birthDate": "1965-02-03"}},
            {"resource": {"resourceType": "Encounter", "id": "e1", "status": "in-progress"}},
            {"resource": {"resourceType": "Condition", "id": "c1"}},
            {"resource": {"resourceType": "Observation", "id": "hr", "status": "final",
                          "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
                          "subject": subject, "valueQuantity": {"value": 80}}},
            {"resource": {"resourceType": "Observation", "id": "bc1", "status": "final",
                          "code": {"coding": [{"system": "http://loinc.org", "code": "600-7"}]},
                          "subject": subject, "effectiveDateTime": "2026-11-18T06:30:00+00:00",
                          "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct",
                                                               "code": "0000",
                                                               "display": "Candida glabrata"}]},
                          "component": [{"code": {"text": "Fluconazole [Susceptibility]"},
                                         "interpretation": [{"coding": [{
                                             "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                                             "code": "SDD"}]}]}]}},
            {"resource": {"resourceType": "Observation", "id": "bc2", "status": "final",
                          "code": {"coding": [{"system": "http://loinc.org", "code": "600-7"}]},
                          "subject": {"reference": "Patient/p1"},
                          "effectiveDateTime": "2026-11-21",
                          "valueCodeableConcept": {"text": "No growth at 5 days"}}},
            {"resource": {"resourceType": "Observation", "id": "bc3", "status": "registered",
                          "code": {"coding": [{"system": "http://loinc.org", "code": "606-4"}]},
                          "subject": subject, "effectiveDateTime": "2026-11-24"}},
            {"resource": {"resourceType": "MedicationRequest", "id": "m1", "status": "active",
                          "intent": "order", "subject": subject, "authoredOn": "2026-11-19",
                          "medicationCodeableConcept": {"text": "Fluconazole 800 mg tablet"},
                          "dosageInstruction": [{"doseAndRate": [{"doseQuantity": {
                              "value": 800, "unit": "mg"}}]}]}},
            {"resource": {"resourceType": "MedicationStatement", "id": "m2", "status": "active",
                          "subject": subject, "effectiveDateTime": "2026-01-01",
                          "medicationCodeableConcept": {"text": "Paracetamol 1 g"}}},
            {"resource": {"resourceType": "Device", "id": "d1", "type": {"text": "Wheelchair"},
                          "patient": subject}},
        ],
    }


def test_foreign_bundle_gives_records_and_counts_what_it_ignored():
    patients, ignored = parse_bundle(foreign_bundle(), AS_OF)
    assert ignored == {"Condition": 1, "Device": 1, "Encounter": 1,
                       "MedicationStatement": 1, "Observation": 1}
    (p,) = patients
    assert (p.mrn, p.name, p.dob) == ("X9001", "Smith, Ann Marie", date(1965, 2, 3))
    positive, negative, pending = p.cultures
    assert (positive.specimen, positive.result, positive.organism) == ("blood", "positive",
                                                                       "Candida glabrata")
    assert positive.drawn_on == date(2026, 11, 18)  # the local date as written
    assert dict(positive.susceptibility) == {"fluconazole": "SDD"}
    assert (negative.result, negative.drawn_on) == ("no_growth", date(2026, 11, 21))
    assert (pending.specimen, pending.result) == ("csf", "pending")
    (course,) = p.antifungals
    assert (course.drug, course.dose_mg, course.started_on) == ("fluconazole", Decimal(800),
                                                                date(2026, 11, 19))


def test_our_bundle_with_unknown_resources_added_reports_them(pairs, rules):
    data = json.loads(render_export("fhir", pairs, as_of=AS_OF, rules=rules,
                                    generated_at=GENERATED_AT))
    data["entry"] += [{"resource": {"resourceType": "Encounter", "status": "finished"}},
                      {"resource": {"resourceType": "Encounter", "status": "planned"}},
                      {"resource": {"resourceType": "AllergyIntolerance"}}]
    patients, ignored = parse_bundle(data, AS_OF)
    assert [p.mrn for p in patients] == ["A1001", "B2002", "C3003"]
    # Flags (one active, one lifted) are the app's conclusion, recomputed: never imported
    assert ignored == {"AllergyIntolerance": 1, "Encounter": 2, "Flag": 2}


def test_entered_in_error_resources_are_not_imported(pairs, rules):
    data = json.loads(render_export("fhir", pairs, as_of=AS_OF, rules=rules,
                                    generated_at=GENERATED_AT))
    culture = next(e["resource"] for e in data["entry"]
                   if e["resource"]["resourceType"] == "Observation"
                   and e["resource"].get("effectiveDateTime") == "2026-11-23")
    culture["status"] = "entered-in-error"
    patients, ignored = parse_bundle(data, AS_OF)
    assert len(patients[0].cultures) == 1 and ignored["Observation"] == 1


def test_every_problem_is_reported_naming_resource_and_field(pairs, rules):
    data = json.loads(render_export("fhir", pairs, as_of=AS_OF, rules=rules,
                                    generated_at=GENERATED_AT))
    bad = copy.deepcopy(data)
    resources = [e["resource"] for e in bad["entry"]]
    patient = next(r for r in resources if r["resourceType"] == "Patient")
    culture = next(r for r in resources if r["resourceType"] == "Observation"
                   and r.get("effectiveDateTime") == "2026-11-20")
    refill = next(r for r in resources if r["resourceType"] == "Procedure"
                  and r["category"]["coding"][0]["code"] == "pump_refill")
    culture["effectiveDateTime"] = "2026-13-40"
    refill["extension"][0]["valueQuantity"]["value"] = 25  # more than the 20 mL reservoir
    resources[-1]["subject"] = {"reference": "Patient/nobody"}  # the Flag: ignored anyway
    course = next(r for r in resources if r["resourceType"] == "MedicationStatement")
    course["subject"] = {"reference": "Patient/nobody"}
    del [r for r in resources if r["resourceType"] == "Patient"][1]["identifier"]  # no MRN
    with pytest.raises(WardFileError) as caught:
        parse_bundle(bad, AS_OF)
    errors = caught.value.errors
    assert f"Observation/{culture['id']}: effectiveDateTime: '2026-13-40' is not a full date " \
           "(YYYY-MM-DD)" in errors
    assert any(e.startswith("A1001: pumps[0].refills[0].volume_ml:")
               and e.endswith(f"(Procedure/{refill['id']})") for e in errors), errors
    assert f"MedicationStatement/{course['id']}: subject: 'Patient/nobody' is not a Patient " \
           "in this Bundle" in errors
    assert any(e.startswith("Patient/") and ": identifier: no MRN" in e for e in errors)
    assert patient["identifier"][0]["value"] == "A1001"


def test_a_dose_without_its_unit_is_refused_not_guessed():
    bundle = foreign_bundle()
    request = next(e["resource"] for e in bundle["entry"]
                   if e["resource"]["resourceType"] == "MedicationRequest")
    del request["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["unit"]
    with pytest.raises(WardFileError) as caught:
        parse_bundle(bundle, AS_OF)
    assert caught.value.errors == [
        "MedicationRequest/m1: dosageInstruction[0].doseAndRate[0].doseQuantity.unit: "
        "is required (one of mg, g)"]


def test_duplicate_mrn_is_refused(pairs, rules):
    data = json.loads(render_export("fhir", pairs[:1], as_of=AS_OF, rules=rules,
                                    generated_at=GENERATED_AT))
    twin = copy.deepcopy(data["entry"][0])
    twin["fullUrl"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
    twin["resource"]["id"] = "twin"
    data["entry"].append(twin)
    with pytest.raises(WardFileError, match="MRN A1001 is also Patient/"):
        parse_bundle(data, AS_OF)


@pytest.mark.parametrize("data, message", [
    ({"resourceType": "Patient"}, "not a FHIR Bundle: resourceType is 'Patient'"),
    ([], "not a FHIR Bundle"),
    ({"resourceType": "Bundle", "entry": {}}, "Bundle: entry: must be a list"),
])
def test_not_a_bundle(data, message):
    with pytest.raises(WardFileError, match=message):
        parse_bundle(data, AS_OF)


def test_a_future_date_is_refused_like_the_ward_file(pairs, rules):
    data = json.loads(render_export("fhir", pairs[:1], as_of=AS_OF, rules=rules,
                                    generated_at=GENERATED_AT))
    with pytest.raises(WardFileError) as caught:
        parse_bundle(data, date(2026, 11, 1))  # records dated after "today"
    assert any("cultures[0].drawn_on" in e and e.endswith(")") for e in caught.value.errors)


def _bridging_procedures(data):
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Procedure"
            and e["resource"]["category"]["coding"][0]["code"] == "bridging"]


def test_a_bridging_period_end_is_its_stop_date_and_is_checked_like_the_ward_file(pairs, rules):
    """Revision 3: performedPeriod.end is the last day of bridging. A status of
    "completed" without an end (what this app wrote before) gives no stop date: none
    is guessed. An end before the start is refused, naming the resource."""
    data = json.loads(render_export("fhir", pairs, as_of=AS_OF, rules=rules,
                                    generated_at=GENERATED_AT))
    running, stopped = _bridging_procedures(data)
    running["status"] = "completed"
    patients, _ignored = parse_bundle(data, AS_OF)
    by_mrn = {p.mrn: p for p in patients}
    assert by_mrn["A1001"].bridging[0].stopped_on is None
    assert by_mrn["C3003"].bridging[0].stopped_on == date(2026, 10, 7)

    stopped["performedPeriod"]["end"] = "2026-09-30"  # the drain started 2026-10-01
    with pytest.raises(WardFileError) as caught:
        parse_bundle(data, AS_OF)
    assert caught.value.errors == [
        "C3003: bridging[0].stopped_on: must be on or after started_on (2026-10-01)"
        f" (Procedure/{stopped['id']})"]
