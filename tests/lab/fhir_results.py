"""Synthetic FHIR R4 laboratory results for the tests (no real patient, no real accession).

Builders return plain dicts; `bundle(...)` wraps resources. SNOMED CT organism codes in
these tests are FIXTURE codes looked up in a fixture table (FIXTURE_SNOMED), not real
concept ids: the species table's verified codes are another slice's work.
"""

from __future__ import annotations

import copy

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
BLOOD_CULTURE, AEROBIC, ANAEROBIC = "600-7", "17928-3", "17934-1"
FIXTURE_SNOMED = {"9900000001": "Staphylococcus aureus", "9900000002": "Candida albicans"}


def patient(mrn="H100", dob="1960-01-01", pid="p1"):
    return {"resourceType": "Patient", "id": pid,
            "identifier": [{"type": {"coding": [{"system": V2_0203, "code": "MR"}]},
                            "system": "urn:example:hospital:mrn", "value": mrn}],
            "birthDate": dob}


def observation(oid="o1", code=BLOOD_CULTURE, status="final", text=None, snomed=None, value=True,
                subject="Patient/p1", drawn="2026-11-08", accession=None):
    obs = {"resourceType": "Observation", "id": oid, "status": status,
           "code": {"coding": [{"system": LOINC, "code": code}]},
           "effectiveDateTime": f"{drawn}T09:30:00Z"}
    if subject:
        obs["subject"] = {"reference": subject}
    if value:
        concept = {}
        if snomed:
            concept["coding"] = [{"system": SNOMED, "code": snomed}]
        if text:
            concept["text"] = text
        obs["valueCodeableConcept"] = concept
    if accession:
        obs["identifier"] = [{"type": {"coding": [{"system": V2_0203, "code": "ACSN"}]}, "value": accession}]
    return obs


def report(rid="r1", accession="FA1", status="final", results=(), contained=(), drawn="2026-11-08",
           code=BLOOD_CULTURE, subject="Patient/p1"):
    dr = {"resourceType": "DiagnosticReport", "id": rid, "status": status,
          "identifier": [{"type": {"coding": [{"system": V2_0203, "code": "ACSN"}]}, "value": accession}],
          "code": {"coding": [{"system": LOINC, "code": code}], "text": "Blood culture"},
          "subject": {"reference": subject}, "effectiveDateTime": drawn}
    if contained:
        dr["contained"] = [copy.deepcopy(c) for c in contained]
        dr["result"] = [{"reference": f"#{c['id']}"} for c in contained]
    if results:
        dr["result"] = [{"reference": r} for r in results]
    return dr


def bundle(*resources, kind="collection", request=False):
    entries = []
    for r in resources:
        entry = {"fullUrl": f"urn:uuid:{r['resourceType'].lower()}-{r.get('id', 'x')}", "resource": r}
        if request:
            entry["request"] = {"method": "POST", "url": r["resourceType"]}
        entries.append(entry)
    return {"resourceType": "Bundle", "type": kind, "entry": entries}


def positive_report(mrn="H100", dob="1960-01-01", accession="FA1", status="final", text="Staphylococcus aureus",
                    snomed=None, code=BLOOD_CULTURE, drawn="2026-11-08"):
    """A Bundle: Patient + DiagnosticReport with a referenced Observation."""
    obs = observation(code=code, status=status, text=text, snomed=snomed, drawn=drawn)
    return bundle(patient(mrn, dob), report(accession=accession, status=status, results=["Observation/o1"],
                                            drawn=drawn), obs)
