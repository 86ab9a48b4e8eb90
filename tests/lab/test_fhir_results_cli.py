"""`itb-tui results import` with FHIR R4 JSON, end to end (a subprocess): every resource
accounted for in the summary and `--json`, the same outcomes and exit status as HL7,
re-import idempotent, refusals leaving the store unchanged, and each of `import` /
`results import` saying clearly when it is given the other's file."""

from __future__ import annotations

import copy
import json

import pytest
from cli_runner import dump_db, run_cli
from fhir_results import bundle, observation, patient, positive_report, report

PUMP = {"serial": "NGP-F1", "reservoir_ml": 20, "alarm_ml": 2, "implanted_on": "2023-05-01",
        "concentration_ug_ml": 500, "daily_dose_ug": 300}
WARD = {"format": "itb-ward/1", "patients": [
    {"mrn": "H100", "name": "Lab, Alpha", "dob": "1960-01-01", "pumps": [PUMP]},
    {"mrn": "H200", "name": "Lab, Beta", "dob": "1970-02-02", "pumps": [dict(PUMP, serial="NGP-F2")]},
]}


@pytest.fixture
def ward(data_dir, tmp_path):
    f = tmp_path / "ward.json"
    f.write_text(json.dumps(WARD))
    assert run_cli(data_dir, "import", str(f)).code == 0
    return data_dir


def _status(data_dir) -> dict:
    doc = json.loads(run_cli(data_dir, "status", "--json").out)
    return {p["mrn"]: p["refill"]["status"] for p in doc["patients"]}


def _renamed(doc: dict, suffix: str, **patient_kw) -> list[dict]:
    """The resources of a positive_report Bundle with ids made unique by `suffix`."""
    resources = [copy.deepcopy(e["resource"]) for e in doc["entry"]]
    p, dr, obs = resources
    p["id"], dr["id"], obs["id"] = f"p{suffix}", f"r{suffix}", f"o{suffix}"
    dr["subject"] = obs["subject"] = {"reference": f"Patient/p{suffix}"}
    dr["result"] = [{"reference": f"Observation/o{suffix}"}]
    return resources


def test_a_transaction_bundle_every_resource_accounted_for_and_re_import_idempotent(ward, tmp_path):
    resources = (
        _renamed(positive_report(mrn="H100", accession="T1"), "1")
        + _renamed(positive_report(mrn="H200", dob="1970-02-02", accession="T2", status="preliminary",
                                   text="Yeast seen"), "2")
        + _renamed(positive_report(mrn="NOBODY", accession="T3"), "3")
        + _renamed(positive_report(mrn="H100", dob="1960-01-02", accession="T4"), "4")
        + _renamed(positive_report(mrn="H100", accession="T5", text=None, snomed="9900000099"), "5")
        + [{"resourceType": "Condition", "id": "c1"}]
    )
    f = tmp_path / "lab.json"
    f.write_text(json.dumps(bundle(*resources, kind="transaction", request=True)))
    run = run_cli(ward, "results", "import", str(f), "--json")
    assert run.code == 2, run.err
    doc = json.loads(run.out)
    assert [(m["control_id"], m["outcome"]) for m in doc["messages"]] == [
        ("DiagnosticReport/r1", "imported"), ("DiagnosticReport/r2", "imported"),
        ("DiagnosticReport/r3", "quarantined"), ("DiagnosticReport/r4", "quarantined"),
        ("DiagnosticReport/r5", "quarantined"), ("Condition/c1", "not_culture")]
    assert doc["counts"] == {"imported": 2, "duplicate": 0, "updated": 0, "quarantined": 3, "refused": 0,
                             "not_culture": 1}
    details = [m["detail"] for m in doc["messages"]]
    assert "unknown MRN" in details[2] and "date of birth" in details[3] and "unknown organism" in details[4]
    # the final positive and the preliminary yeast both block
    assert _status(ward) == {"H100": "blocked", "H200": "blocked"}
    again = json.loads(run_cli(ward, "results", "import", str(f), "--json").out)
    assert again["counts"]["duplicate"] == 2 and again["counts"]["imported"] == 0
    assert run_cli(ward, "check").code == 0


def test_a_final_then_a_corrected_report_updates_and_lifts_the_block(ward, tmp_path):
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    first.write_text(json.dumps(positive_report(accession="C1")))
    second.write_text(json.dumps(positive_report(accession="C1", status="corrected", text="No growth")))
    assert run_cli(ward, "results", "import", str(first)).code == 0
    run = run_cli(ward, "results", "import", str(second))
    assert run.code == 0 and "1 updated" in run.out
    assert _status(ward)["H100"] == "ok"


def test_malformed_json_and_a_wrong_resource_type_are_refused_and_change_nothing(ward, tmp_path):
    d = tmp_path / "drop"
    d.mkdir()
    (d / "a.json").write_text('{"resourceType": "Bundle", "entry": [')
    (d / "b.json").write_text(json.dumps(patient()))
    (d / "c.json").write_text(json.dumps(WARD))
    before = dump_db(ward / "ward.db")
    run = run_cli(ward, "results", "import", str(d))
    assert run.code == 2 and "Traceback" not in run.err
    assert "refused: a.json#0: not valid JSON" in run.out
    assert "refused: b.json#0: resourceType 'Patient' is not a laboratory result" in run.out
    assert "refused: c.json#0: a ward file (itb-ward format): import it with `itb-tui import`" in run.out
    assert dump_db(ward / "ward.db") == before


def test_a_lab_file_given_to_import_is_refused_with_the_right_command(ward, tmp_path):
    f = tmp_path / "lab.json"
    f.write_text(json.dumps(report(contained=[observation(oid="c1", text="Escherichia coli", subject=None)])))
    before = dump_db(ward / "ward.db")
    run = run_cli(ward, "import", str(f))
    assert run.code == 1 and "laboratory results" in run.err and "itb-tui results import" in run.err
    assert dump_db(ward / "ward.db") == before


def test_a_quarantined_fhir_report_can_be_assigned_to_the_right_patient(ward, tmp_path):
    f = tmp_path / "lab.json"
    f.write_text(json.dumps(positive_report(mrn="ED-999", accession="Q1")))  # the ED number, not the MRN
    run = run_cli(ward, "results", "import", str(f), "--json")
    assert run.code == 2
    (m,) = json.loads(run.out)["messages"]
    assert m["outcome"] == "quarantined"
    assigned = run_cli(ward, "results", "quarantine", "assign", str(m["quarantine_id"]), "H100",
                       "--reason", "ED number; DOB checked")
    assert assigned.code == 0, assigned.err
    assert "imported" in assigned.out and _status(ward)["H100"] == "blocked"
