"""FHIR export: validated with fhir.resources (R4B), read back to the same records."""

from __future__ import annotations

import json
import stat
from datetime import datetime, timezone

from fhir.resources.R4B.bundle import Bundle

from export_fixtures import AS_OF, GENERATED_AT, without_ids
from itb_tui.exports import render_export, write_export
from itb_tui.formats.fhir import codes as C
from itb_tui.formats.fhir.read import parse_bundle


def _bundle(tmp_path, pairs, rules):
    path = write_export("fhir", pairs, tmp_path / "ward.fhir.json", as_of=AS_OF, rules=rules,
                        generated_at=GENERATED_AT)
    return path, json.loads(path.read_text(encoding="utf-8"))


def _resources(data, kind):
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def test_bundle_validates_as_fhir_r4b_collection(tmp_path, pairs, rules):
    path, data = _bundle(tmp_path, pairs, rules)
    bundle = Bundle.model_validate(data)  # raises on anything that is not valid R4B
    assert bundle.type == "collection"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    kinds = [e["resource"]["resourceType"] for e in data["entry"]]
    assert kinds.count("Patient") == 3 and kinds.count("Device") == 3
    # A1001 is blocked (active Flag); C3003's block of September was lifted (inactive)
    flags = [r["status"] for r in _resources(data, "Flag")]
    assert flags == ["active", "inactive"]
    tags = {t["system"]: t["code"] for t in data["meta"]["tag"]}
    assert tags[C.AS_OF_TAG_SYSTEM] == "2026-11-25"
    assert tags[C.RULES_VERSION_TAG_SYSTEM] == rules.version
    # Every reference points at an entry of this Bundle.
    urls = {e["fullUrl"] for e in data["entry"]}
    refs = [m for m in json.dumps(data).split('"reference": "')[1:]]
    assert refs and all(r.split('"')[0] in urls for r in refs)


def test_patient_has_mrn_identifier_and_ward_extensions(tmp_path, pairs, rules):
    path, data = _bundle(tmp_path, pairs, rules)
    jane = _resources(data, "Patient")[0]
    assert jane["identifier"][0]["system"] == "urn:itb-tui:mrn"
    assert jane["identifier"][0]["value"] == "A1001"
    assert jane["name"][0] == {"text": "Doe, Jane", "family": "Doe", "given": ["Jane"]}
    assert jane["birthDate"] == "1971-04-02"
    ext = {x["url"]: x for x in jane["extension"]}
    assert ext[C.EXT_WARD]["valueString"] == "Neuro 4B"
    weight = next(o for o in _resources(data, "Observation") if o["code"]["text"] == "Body weight")
    assert weight["valueQuantity"]["value"] == 61.0
    assert '"value":61.0,"unit":"kg"' in path.read_text()  # written as recorded, not 61


def test_pump_device_carries_reservoir_and_concentration(tmp_path, pairs, rules):
    _path, data = _bundle(tmp_path, pairs, rules)
    device = _resources(data, "Device")[0]
    assert device["serialNumber"] == "NGP000123" and device["manufacturer"] == "Medtronic"
    assert device["deviceName"] == [{"name": "SynchroMed II", "type": "model-name"}]
    props = {p["type"]["coding"][0]["code"]: p["valueQuantity"][0] for p in device["property"]}
    assert props["reservoir_ml"] == {"value": 20, "unit": "mL", "system": C.UCUM, "code": "mL"}
    assert props["concentration_ug_ml"]["value"] == 500
    assert props["concentration_ug_ml"]["code"] == "ug/mL"
    assert props["daily_dose_ug"]["value"] == 300 and props["alarm_ml"]["value"] == 2.0


def test_cultures_are_loinc_observations_with_organism_and_susceptibility(tmp_path, pairs, rules):
    _path, data = _bundle(tmp_path, pairs, rules)
    cultures = [o for o in _resources(data, "Observation")
                if o["category"][0]["coding"][0]["code"] == "laboratory"]
    positive, pending = cultures[0], cultures[1]
    assert positive["code"]["coding"][0] == {"system": "http://loinc.org", "code": "600-7",
                                             "display": "Bacteria identified in Blood by Culture"}
    assert positive["status"] == "final"
    assert positive["effectiveDateTime"] == "2026-11-20"
    assert positive["valueCodeableConcept"]["text"] == "Candida krusei"
    susceptibility = {c["code"]["coding"][0]["code"]: c["valueCodeableConcept"]["coding"][0]["code"]
                      for c in positive["component"]}
    assert susceptibility == {"fluconazole": "R", "micafungin": "S"}
    assert pending["status"] == "registered" and "valueCodeableConcept" not in pending
    loincs = {o["code"]["coding"][1]["code"]: o["code"]["coding"][0]["code"] for o in cultures}
    assert loincs == {"blood": "600-7", "pocket": "6462-6", "csf": "606-4"}


def test_courses_procedures_and_flag(tmp_path, pairs, rules):
    _path, data = _bundle(tmp_path, pairs, rules)
    courses = _resources(data, "MedicationStatement")
    assert courses[0]["medicationCodeableConcept"]["text"] == "micafungin"
    assert courses[0]["effectivePeriod"] == {"start": "2026-11-21"}
    assert courses[0]["status"] == "active"
    assert courses[0]["dosage"][0]["doseAndRate"][0]["doseQuantity"]["value"] == 100
    assert courses[1]["status"] == "completed"
    assert courses[1]["effectivePeriod"] == {"start": "2026-09-29", "end": "2026-10-20"}
    kinds = [p["category"]["coding"][0]["code"] for p in _resources(data, "Procedure")]
    assert kinds.count("pump_implant") == 3 and kinds.count("pump_refill") == 3
    assert kinds.count("pump_explant") == 1
    explant = next(p for p in _resources(data, "Procedure")
                   if p["category"]["coding"][0]["code"] == "pump_explant")
    assert explant["performedDateTime"] == "2026-10-01"
    assert explant["reasonCode"][0]["text"] == "infected pocket; C. albicans"
    bridging = [p for p in _resources(data, "Procedure") if p["category"]["coding"][0]["code"] == "bridging"]
    # A1001's oral baclofen runs; C3003's drain stopped on 2026-10-07 (revision 3)
    assert [(b["status"], b["performedPeriod"]) for b in bridging] == [
        ("in-progress", {"start": "2026-11-22"}),
        ("completed", {"start": "2026-10-01", "end": "2026-10-07"}),
    ]
    flag = _resources(data, "Flag")[0]
    # Blocked since the positive blood culture of 2026-11-20, not since the export date
    assert flag["status"] == "active" and flag["period"] == {"start": "2026-11-20"}
    assert [c["code"] for c in flag["code"]["coding"]] == ["fungemia", "culture_pending"]
    assert "Active fungemia since 2026-11-20" in flag["code"]["text"]
    jane_url = data["entry"][0]["fullUrl"]
    assert flag["subject"]["reference"] == jane_url


def test_round_trip_gives_back_the_same_records(tmp_path, pairs, rules):
    _path, data = _bundle(tmp_path, pairs, rules)
    patients, ignored = parse_bundle(data, AS_OF)
    assert patients == [without_ids(p) for p, _a in pairs]
    assert ignored == {"Flag": 2}  # a block is recomputed from the records, never imported


def test_same_ward_exports_the_same_ids(pairs, rules):
    later = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)
    first = json.loads(render_export("fhir", pairs, as_of=AS_OF, rules=rules,
                                     generated_at=GENERATED_AT))
    second = json.loads(render_export("fhir", pairs, as_of=AS_OF, rules=rules, generated_at=later))
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    assert first["timestamp"] == "2026-11-25T07:30:00Z"


def test_sparse_records_still_give_a_valid_bundle_and_round_trip(rules):
    """Only the required fields: no dob, no manufacturer or model, no implant date, no
    dose; every optional branch left out must still be valid FHIR."""
    from datetime import date
    from decimal import Decimal

    from export_fixtures import ok_pair
    from itb_tui.clinical.records import AntifungalCourse, Culture, Patient, Pump

    pump = Pump(serial="S1", manufacturer=None, model=None, reservoir_ml=Decimal("20"),
                alarm_ml=Decimal("2.0"), implanted_on=None, removed_on=None, removal_reason=None,
                concentration_ug_ml=Decimal("500"), daily_dose_ug=Decimal("250"))
    patient = Patient(mrn="Z1", name="Nobody", pumps=(pump,),
                      cultures=(Culture("other", date(2026, 11, 2), "positive", "Escherichia coli"),),
                      antifungals=(AntifungalCourse("caspofungin", None, date(2026, 11, 3)),))
    _p, assessment = ok_pair()
    pair = (patient, replace_mrn(assessment, "Z1"))
    data = json.loads(render_export("fhir", [pair], as_of=AS_OF, rules=rules,
                                    generated_at=GENERATED_AT))
    Bundle.model_validate(data)
    patients, _ignored = parse_bundle(data, AS_OF)
    assert patients == [patient]


def replace_mrn(assessment, mrn):
    from dataclasses import replace

    return replace(assessment, mrn=mrn)


def test_the_streamed_bundle_is_the_whole_bundles_text(pairs, rules, monkeypatch, tmp_path):
    """render writes one patient's entries at a time (memory); the bytes are those of the
    whole Bundle built and then written (dumps_bundle(build_bundle(...)))."""
    from itb_tui.demo import build_demo_ward
    from itb_tui.formats.fhir.write import build_bundle, dumps_bundle, render
    from itb_tui.report import assess_all

    stamp = datetime(2026, 11, 25, 8, 30, tzinfo=timezone.utc)
    bigger = assess_all(build_demo_ward(AS_OF, 120), AS_OF, rules)
    for some in (pairs, bigger, []):
        # a transaction too: its entries' conditional requests are written as text
        tx = dumps_bundle(build_bundle(some, as_of=AS_OF, rules=rules, generated_at=stamp, bundle="transaction"))
        assert render(some, as_of=AS_OF, rules=rules, generated_at=stamp,
                      bundle="transaction") == tx.encode("utf-8")
        whole = dumps_bundle(build_bundle(some, as_of=AS_OF, rules=rules, generated_at=stamp))
        assert render(some, as_of=AS_OF, rules=rules, generated_at=stamp) == whole.encode("utf-8")
        # written to the file piece by piece (here one patient a piece): the same bytes
        monkeypatch.setattr("itb_tui.formats.fhir.write._CHUNK_BYTES", 1)
        path = write_export("fhir", some, tmp_path / "w.json", as_of=AS_OF, rules=rules, generated_at=stamp)
        assert path.read_bytes() == whole.encode("utf-8")
        monkeypatch.undo()


def test_resource_ids_are_uuid5_of_their_keys():
    """The ids are computed without uuid.UUID objects (speed): exactly uuid5's."""
    import uuid

    from itb_tui.formats.fhir.ids import _NAMESPACE_HEX, resource_id as _uuid

    _NAMESPACE = uuid.UUID(_NAMESPACE_HEX)
    assert _NAMESPACE == uuid.uuid5(uuid.NAMESPACE_URL, "urn:itb-tui")  # the ids of every earlier export
    keys = [("A1001", "patient"), ("Ünïcødé/é", "pump", 0), ("X", "refill-block", "2026-11-25"), ("",), (7, None)]
    keys += [(f"M{i}", "culture", i) for i in range(500)]
    for key in keys:
        assert _uuid(*key) == str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in key)))


def test_ids_from_a_hashed_prefix_are_the_same_ids():
    """The export hashes a patient's MRN (and a pump's key) once for all its resources:
    the ids are still resource_id's of the whole key."""
    from itb_tui.formats.fhir.ids import id_prefix, id_prefix_after, resource_id, resource_id_after

    for mrn_key in (("urn:itb-tui:mrn", "A1001"), ("urn:oid:1.2", "Ünïcødé/é&|"), ("", "")):
        patient = id_prefix(*mrn_key)
        assert resource_id_after(patient, "patient") == resource_id(*mrn_key, "patient")
        assert resource_id_after(patient, "culture", "row:7") == resource_id(*mrn_key, "culture", "row:7")
        refills = id_prefix_after(patient, "pump", "row:3", "refill")
        assert resource_id_after(refills, "2026-11-25#2") == resource_id(
            *mrn_key, "pump", "row:3", "refill", "2026-11-25#2")
        for i in range(200):  # every variant nibble (8, 9, a, b) many times over
            assert resource_id_after(patient, "culture", i) == resource_id(*mrn_key, "culture", i)
        # the prefix is copied, never consumed: the same id twice
        assert resource_id_after(patient, "weight") == resource_id_after(patient, "weight")


def test_quantities_as_text_are_the_encoders_numbers():
    """The templates write a Decimal as the dict path's encoder does (write._json_number)."""
    from decimal import Decimal

    from itb_tui.formats.fhir.templates import json_number
    from itb_tui.formats.fhir.write import _entry_dumper

    dump = _entry_dumper()
    for text in ("40", "40.0", "4E+1", "0", "-5", "1.5E-3", "0.10", "007", "-0", "1E+2", "61.25"):
        assert json_number(Decimal(text)) == dump(Decimal(text)), text
    for value in (3, 2.5, None):
        assert json_number(value) == dump(value)


def test_entries_rendered_per_chunk_are_the_bundles_entries(rules):
    """render_entries is what a process pool calls per chunk of patients: the chunks'
    texts, in order, are the whole Bundle's entry lines (and rendering twice gives the
    same texts: it reads and keeps nothing)."""
    from itb_tui.demo import build_demo_ward
    from itb_tui.formats.fhir.write import build_bundle, dumps_bundle, export_context, render_entries
    from itb_tui.report import assess_all

    stamp = datetime(2026, 11, 25, 8, 30, tzinfo=timezone.utc)
    pairs = assess_all(build_demo_ward(AS_OF, 60), AS_OF, rules)
    for bundle in ("collection", "transaction"):
        whole = dumps_bundle(build_bundle(pairs, as_of=AS_OF, rules=rules, generated_at=stamp, bundle=bundle))
        lines = whole.split("\n")[1:-2]  # between the head's line and the closing "]}"
        ctx = export_context()
        chunks = [render_entries(pairs[at:at + 7], as_of=AS_OF, rules=rules, ctx=ctx,
                                 transaction=bundle == "transaction") for at in range(0, len(pairs), 7)]
        texts = [text for chunk in chunks for text in chunk]
        assert [t + "," for t in texts[:-1]] + texts[-1:] == lines
        assert render_entries(pairs[:7], as_of=AS_OF, rules=rules, ctx=ctx,
                              transaction=bundle == "transaction") == chunks[0]
