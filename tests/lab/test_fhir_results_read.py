"""formats/fhir/results.py: FHIR R4 lab results read into the HL7 path's LabReports (no
store). Each shape a laboratory sends, each status, each reason to quarantine or refuse."""

from __future__ import annotations

import json
from datetime import date

import pytest
from fhir_results import (
    AEROBIC,
    ANAEROBIC,
    FIXTURE_SNOMED,
    bundle,
    observation,
    patient,
    positive_report,
    report,
)

from itb_tui.formats.fhir.results import kind_of, read_json


def _read(doc, by_code=None):
    return read_json(json.dumps(doc), by_code=by_code or FIXTURE_SNOMED.get)


def _one(doc, by_code=None):
    found = _read(doc, by_code)
    assert not found.refused, found.refused
    (reading,) = found.readings
    return reading


def test_a_final_positive_by_text_is_one_final_blood_culture_report():
    r = _one(positive_report())
    assert (r.outcome, r.mrn, r.dob, r.control_id) == ("ok", "H100", date(1960, 1, 1), "DiagnosticReport/r1")
    (rep,) = r.reports
    assert (rep.accession, rep.status) == ("FA1", "final")
    c = rep.culture
    assert (c.specimen, c.drawn_on, c.result, c.organism) == ("blood", date(2026, 11, 8), "positive",
                                                              "Staphylococcus aureus")


def test_an_organism_by_snomed_code_alone_is_named_from_the_species_table():
    rep = _one(positive_report(text=None, snomed="9900000002")).reports[0]
    assert (rep.culture.result, rep.culture.organism) == ("positive", "Candida albicans")


def test_an_organism_code_not_in_the_table_without_text_is_quarantined_never_guessed():
    r = _one(positive_report(text=None, snomed="9900000099"))
    assert r.outcome == "quarantined" and "unknown organism" in r.reason and "9900000099" in r.reason
    assert r.mrn == "H100"  # the quarantine names the patient it was meant for


def test_a_code_and_a_text_that_name_different_organisms_are_quarantined():
    r = _one(positive_report(text="Escherichia coli", snomed="9900000001"))
    assert r.outcome == "quarantined" and "Staphylococcus aureus" in r.reason


@pytest.mark.parametrize("code,bottle", [(AEROBIC, "aerobic bottle"), (ANAEROBIC, "anaerobic bottle")])
def test_the_aerobic_and_anaerobic_bottle_codes_are_blood_cultures(code, bottle):
    obs = observation(code=code, text="Staphylococcus aureus", accession="BOT1")
    r = _one(bundle(patient(), obs))  # a lone Observation: its own identifier is the accession
    (rep,) = r.reports
    assert (rep.accession, rep.culture.specimen, rep.culture.result, rep.test) == ("BOT1", "blood", "positive", bottle)


def test_a_diagnostic_report_with_contained_observations():
    obs = observation(oid="c1", text="Candida albicans", subject=None)
    dr = report(contained=[obs])
    dr["contained"].append(patient())
    dr["subject"] = {"reference": "#p1"}
    r = _one(dr)
    assert r.outcome == "ok" and r.reports[0].culture.organism == "Candida albicans" and r.mrn == "H100"


def test_a_referenced_observation_missing_from_the_bundle_is_quarantined():
    r = _one(bundle(patient(), report(results=["Observation/gone"])))
    assert r.outcome == "quarantined" and "Observation/gone" in r.reason


@pytest.mark.parametrize("fhir_status,stored,result", [
    ("preliminary", "preliminary", "positive"),
    ("partial", "preliminary", "positive"),
    ("final", "final", "positive"),
    ("amended", "corrected", "positive"),
    ("corrected", "corrected", "positive"),
])
def test_status_mapping(fhir_status, stored, result):
    rep = _one(positive_report(status=fhir_status, text="Yeast seen")).reports[0]
    assert (rep.status, rep.culture.result, rep.culture.organism) == (stored, result, "Yeast")


def test_registered_is_a_pending_culture():
    dr = report(status="registered")
    rep = _one(bundle(patient(), dr)).reports[0]
    assert (rep.status, rep.culture.result) == ("preliminary", "pending")


@pytest.mark.parametrize("fhir_status", ["entered-in-error", "cancelled", "unknown"])
def test_a_retracted_or_unknown_status_is_quarantined_for_a_person(fhir_status):
    r = _one(positive_report(status=fhir_status))
    assert r.outcome == "quarantined" and fhir_status in r.reason and "a person must read" in r.reason


def test_no_growth_by_text_and_by_the_no_growth_code():
    assert _one(positive_report(text="No growth after 5 days")).reports[0].culture.result == "no_growth"
    assert _one(positive_report(text=None, snomed="264868006")).reports[0].culture.result == "no_growth"


def test_an_unknown_fungus_by_text_is_quarantined():
    r = _one(positive_report(text="Candida imaginaria"))
    assert r.outcome == "quarantined" and "unknown organism" in r.reason


def test_no_accession_is_quarantined():
    doc = positive_report()
    del doc["entry"][1]["resource"]["identifier"]
    assert _one(doc).outcome == "quarantined"


def test_a_non_culture_report_and_other_resources_are_accounted_for_not_stored():
    chem = observation(oid="k", code="2823-3", text="4.1", accession="K1")
    chem["code"] = {"coding": [{"system": "http://loinc.org", "code": "2823-3"}], "text": "Potassium"}
    other = {"resourceType": "Condition", "id": "x"}
    found = _read(bundle(patient(), chem, other))
    assert [(r.control_id, r.outcome) for r in found.readings] == [("Observation/k", "not_culture"),
                                                                   ("Condition/x", "not_culture")]


@pytest.mark.parametrize("kind", ["transaction", "batch", "searchset", "collection"])
def test_every_bundle_type_a_lab_sends_is_read(kind):
    doc = positive_report()
    doc["type"] = kind
    assert _one(doc).outcome == "ok"


@pytest.mark.parametrize("text,why", [
    ("{not json", "not valid JSON"),
    ('{"resourceType": "Patient", "id": "p"}', "is not a laboratory result"),
    ('[1, 2]', "not a FHIR resource"),
    ('{"resourceType": "Bundle", "type": "history", "entry": []}', "is not a set of results"),
    ('{"format": "itb-ward/1", "patients": []}', "import it with `itb-tui import`"),
    (json.dumps(bundle(patient(), {"resourceType": "Device", "id": "d"})), "a ward FHIR Bundle"),
])
def test_a_file_that_is_not_lab_results_is_refused_whole(text, why):
    found = read_json(text)
    assert found.readings == () and why in found.refused


def test_a_malformed_date_refuses_the_report():
    r = _one(positive_report(drawn="2026-13-45"))
    assert r.outcome == "refused" and "not a real date" in r.reason


def test_an_unknown_patient_reference_refuses_no_patient_to_match():
    doc = positive_report()
    doc["entry"] = doc["entry"][1:]  # no Patient
    r = _one(doc)
    assert r.outcome == "refused" and "not a Patient" in r.reason


def test_which_command_a_file_belongs_to():
    assert kind_of(positive_report()) == "lab"
    assert kind_of(observation()) == "lab"
    ward = bundle(patient(), {"resourceType": "Device", "id": "d"}, observation())
    assert kind_of(ward) == "ward"
    assert kind_of({"format": "itb-ward/1", "patients": []}) == "ward"
    assert kind_of(bundle(patient(), observation())) is None  # a ward Bundle from elsewhere: read as before
