"""Working through the laboratory quarantine (store/lab_quarantine.py, `results quarantine`):
assigning a message to the patient the lab's MRN failed to name applies it exactly as the
feed would (the refill blocks), once; the date of birth is still checked; a discard keeps
the message and the reason; each step is in the audit trail and `check` still passes."""

from __future__ import annotations

import json

import pytest
from cli_runner import run_cli
from hl7_messages import final_positive, unknown_organism
from store_fixtures import quiet_patient

from itb_tui.formats.hl7 import read, split_messages
from itb_tui.store import StoreError
from itb_tui.store.errors import ValidationError

MRN, GOOD_DOB, OTHER_DOB = "B2002", "19800115", "19991231"  # quiet_patient: born 1980-01-15
DRAWN = "20261108"  # two days before TODAY (2026-11-10)


def _quarantine(store, text) -> int:
    reading = read(split_messages(text).messages[0])
    out = store.apply_lab_message(mrn=reading.mrn, dob=reading.dob, reports=reading.reports,
                                  control_id=reading.control_id, raw=reading.raw, source="mllp",
                                  actor="lab feed (tester)")
    assert out.outcome == "quarantined"
    return out.quarantine_id


def _assign(store, qid, mrn, reason="ED number; DOB checked"):
    held = {m.id: m for m in store.lab_quarantine()}[qid]
    reading = read(split_messages(held.raw).messages[0])
    return store.assign_lab_quarantine(qid, mrn=mrn, dob=reading.dob, reports=reading.reports,
                                       control_id=reading.control_id, reason=reason, actor="os:admin")


def test_assigning_applies_the_message_to_the_patient_once_and_closes_it(store):
    store.import_patients([quiet_patient()], "tester")
    qid = _quarantine(store, final_positive(mrn="TEMP1", dob=GOOD_DOB, drawn=DRAWN, accession="Q1"))
    assert [m.id for m in store.lab_quarantine(state="open")] == [qid]
    out = _assign(store, qid, MRN)
    assert out.outcome == "imported" and out.refill == "blocked"
    assert len(store.get_patient(MRN).cultures) == 1
    [closed] = store.lab_quarantine()
    assert (closed.state, closed.assigned_mrn, closed.resolved_by) == ("assigned", MRN, "os:admin")
    assert closed.resolution == "ED number; DOB checked"
    assert store.lab_quarantine(state="open") == []
    with pytest.raises(StoreError, match="already assigned"):
        _assign(store, qid, MRN)
    assert len(store.get_patient(MRN).cultures) == 1
    assert store.check().ok


def test_assigning_to_a_patient_with_another_date_of_birth_is_refused_and_changes_nothing(store):
    store.import_patients([quiet_patient()], "tester")
    qid = _quarantine(store, final_positive(mrn="TEMP2", dob=OTHER_DOB, drawn=DRAWN, accession="Q2"))
    version = store.get_patient(MRN).row_version
    with pytest.raises(ValidationError, match="date of birth does not match"):
        _assign(store, qid, MRN)
    assert store.get_patient(MRN).cultures == () and store.get_patient(MRN).row_version == version
    assert [m.state for m in store.lab_quarantine()] == ["open"]


def test_discarding_keeps_the_message_and_the_reason_and_needs_a_reason(store):
    qid = _quarantine(store, final_positive(mrn="TEMP3", drawn=DRAWN, accession="Q3"))
    with pytest.raises(StoreError, match="reason"):
        store.discard_lab_quarantine(qid, reason="  ", actor="os:admin")
    done = store.discard_lab_quarantine(qid, reason="test message from the lab", actor="os:admin")
    assert done.state == "discarded" and done.raw.startswith("MSH|")
    with pytest.raises(StoreError, match="already discarded"):
        store.discard_lab_quarantine(qid, reason="again", actor="os:admin")
    with pytest.raises(StoreError, match="no quarantined message #999"):
        store.discard_lab_quarantine(999, reason="x", actor="os:admin")
    assert store.check().ok


# --- the command line -----------------------------------------------------------------
WARD = {"format": "itb-ward/1", "patients": [
    {"mrn": "H100", "name": "Lab, Alpha", "dob": "1960-01-01",
     "pumps": [{"serial": "NGP-Q1", "reservoir_ml": 20, "alarm_ml": 2, "implanted_on": "2023-05-01",
                "concentration_ug_ml": 500, "daily_dose_ug": 300}]}]}


def test_results_quarantine_list_assign_discard_from_the_command_line(data_dir, tmp_path):
    ward = tmp_path / "ward.json"
    ward.write_text(json.dumps(WARD))
    assert run_cli(data_dir, "import", str(ward)).code == 0
    feed = tmp_path / "feed.hl7"
    feed.write_text(final_positive(mrn="TEMP9", dob="19600101", drawn=DRAWN, accession="C1", control="QC1")
                    + unknown_organism(mrn="H100", dob="19600101", drawn=DRAWN, accession="C2", control="QC2"))
    assert run_cli(data_dir, "results", "import", str(feed)).code == 2
    listed = run_cli(data_dir, "results", "quarantine", "list")
    assert listed.code == 0 and "#1 " in listed.out and "#2 " in listed.out and "TEMP9" in listed.out
    assert "Lab, Alpha" not in listed.out  # the raw message (with the name) is not printed

    unusable = run_cli(data_dir, "results", "quarantine", "assign", "2", "H100", "--reason", "x")
    assert unusable.code == 1 and "cannot be assigned" in unusable.err and "Traceback" not in unusable.err
    assigned = run_cli(data_dir, "results", "quarantine", "assign", "1", "H100", "--reason", "ED number")
    assert assigned.code == 0 and "imported" in assigned.out and "refill blocked" in assigned.out
    assert run_cli(data_dir, "results", "quarantine", "discard", "2", "--reason", "lab resends").code == 0

    assert "no quarantined laboratory messages open" in run_cli(data_dir, "results", "quarantine", "list").out
    doc = json.loads(run_cli(data_dir, "results", "quarantine", "list", "--all", "--json").out)
    assert [(m["id"], m["state"], m["assigned_mrn"]) for m in doc["messages"]] == [
        (1, "assigned", "H100"), (2, "discarded", None)]
    status = json.loads(run_cli(data_dir, "status", "--json").out)
    assert status["patients"][0]["refill"]["status"] == "blocked"
    assert run_cli(data_dir, "check").code == 0
