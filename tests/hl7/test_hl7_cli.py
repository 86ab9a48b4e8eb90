"""`itb-tui results import FILE|DIR` end to end (a subprocess, as a lab's drop folder job
would run it): every message accounted for in the summary and `--json`, the exit status
non-zero when a culture result was not imported, the store unchanged by refusals, the
patient BLOCKED right after the message, `check` still passing, and a batch of 1,000."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from cli_runner import dump_db, run_cli
from hl7_messages import (
    batch,
    corrected_no_growth,
    final_positive,
    malformed,
    no_growth,
    preliminary_yeast,
    unknown_organism,
)

# Two synthetic patients; the CLI tests' TODAY is 2026-11-10, cultures drawn 2026-11-08.
PUMP = {"serial": "NGP-H1", "reservoir_ml": 20, "alarm_ml": 2, "implanted_on": "2023-05-01",
        "concentration_ug_ml": 500, "daily_dose_ug": 300}
WARD = {"format": "itb-ward/1", "patients": [
    {"mrn": "H100", "name": "Lab, Alpha", "dob": "1960-01-01", "pumps": [PUMP]},
    {"mrn": "H200", "name": "Lab, Beta", "dob": "1970-02-02", "pumps": [dict(PUMP, serial="NGP-H2")]},
]}
DRAWN = "20261108"


@pytest.fixture
def ward(data_dir, tmp_path):
    f = tmp_path / "ward.json"
    f.write_text(json.dumps(WARD))
    assert run_cli(data_dir, "import", str(f)).code == 0
    return data_dir


def _write(tmp_path: Path, name: str, text: str) -> Path:
    f = tmp_path / name
    f.write_text(text)
    return f


def _status(data_dir) -> dict:
    doc = json.loads(run_cli(data_dir, "status", "--json").out)
    return {p["mrn"]: p["refill"]["status"] for p in doc["patients"]}


def _import(data_dir, path, *extra):
    return run_cli(data_dir, "results", "import", str(path), *extra)


def test_every_kind_of_message_is_accounted_for_in_json_and_the_exit_status_says_not_all(ward, tmp_path):
    messages = [
        final_positive(mrn="H100", drawn=DRAWN, control="M1", accession="A1"),
        final_positive(mrn="H100", drawn=DRAWN, control="M2", accession="A1"),  # re-sent
        preliminary_yeast(mrn="H200", dob="19700202", drawn=DRAWN, control="M3", accession="A3"),
        no_growth(mrn="H100", drawn="20261109", control="M4", accession="A4"),
        corrected_no_growth(mrn="H100", drawn="20261109", control="M5", accession="A4"),  # same result
        final_positive(mrn="NOBODY", drawn=DRAWN, control="M6", accession="A6"),
        unknown_organism(mrn="H100", drawn=DRAWN, control="M7", accession="A7"),
        malformed(mrn="H100", drawn=DRAWN, control="M8", accession="A8"),
    ]
    run = _import(ward, _write(tmp_path, "feed.hl7", batch(messages)), "--json")
    assert run.code == 2, run.err
    doc = json.loads(run.out)
    outcomes = [(m["control_id"], m["outcome"]) for m in doc["messages"]]
    assert outcomes == [("M1", "imported"), ("M2", "duplicate"), ("M3", "imported"), ("M4", "imported"),
                        ("M5", "duplicate"), ("M6", "quarantined"), ("M7", "quarantined"), ("M8", "refused")]
    assert doc["counts"] == {"imported": 3, "duplicate": 2, "updated": 0, "quarantined": 2, "refused": 1,
                             "not_culture": 0}
    assert "unknown MRN" in doc["messages"][5]["detail"]
    assert "unknown organism" in doc["messages"][6]["detail"]
    # the final positive and the preliminary yeast both block the refill
    assert _status(ward) == {"H100": "blocked", "H200": "blocked"}
    assert run_cli(ward, "check").code == 0


def test_the_summary_names_what_was_not_imported_and_the_blocked_patients(ward, tmp_path):
    run = _import(ward, _write(tmp_path, "a.hl7", final_positive(mrn="H100", drawn=DRAWN)
                               + unknown_organism(mrn="H100", drawn=DRAWN, control="M9", accession="A9")))
    assert run.code == 2
    assert run.out.splitlines()[0].startswith("2 messages from 1 file in ")
    assert "1 imported, 1 quarantined" in run.out
    assert "quarantined: a.hl7#2 (M9) MRN H100: unknown organism 'Candida imaginaria'" in run.out
    assert "refill BLOCKED after this import: H100" in run.out
    assert "not every culture result was imported" in run.err


def test_a_corrected_report_updates_and_lifts_the_block(ward, tmp_path):
    assert _import(ward, _write(tmp_path, "1.hl7", final_positive(mrn="H100", drawn=DRAWN))).code == 0
    assert _status(ward)["H100"] == "blocked"
    run = _import(ward, _write(tmp_path, "2.hl7", corrected_no_growth(mrn="H100", drawn=DRAWN, control="C2")),
                  "--json")
    assert run.code == 0
    (m,) = json.loads(run.out)["messages"]
    assert (m["outcome"], m["refill"]) == ("updated", "ok")
    assert _status(ward)["H100"] == "ok"
    assert run_cli(ward, "check").code == 0


def test_refused_messages_leave_the_store_unchanged(ward, tmp_path, data_dir):
    db = data_dir / "ward.db"
    before = dump_db(db)
    assert before
    run = _import(ward, _write(tmp_path, "bad.hl7", malformed(mrn="H100", drawn=DRAWN)
                               + final_positive(mrn="H100", dob="19601340", drawn=DRAWN, control="X2")))
    assert run.code == 2
    assert [line.split(":")[0].strip() for line in run.out.splitlines()[1:3]] == ["refused", "refused"]
    assert dump_db(db) == before


def test_a_directory_is_read_file_by_file_and_a_missing_path_is_a_clear_error(ward, tmp_path):
    d = tmp_path / "drop"
    d.mkdir()
    (d / "1.hl7").write_text(final_positive(mrn="H100", drawn=DRAWN))
    (d / "2.hl7").write_text(no_growth(mrn="H200", dob="19700202", drawn=DRAWN, control="N2", accession="B2"))
    (d / "readme.pdf").write_text("not HL7")
    run = _import(ward, d)
    assert run.code == 0 and "2 messages from 2 files" in run.out
    missing = _import(ward, tmp_path / "nope")
    assert missing.code == 1 and "no such file or directory" in missing.err and "Traceback" not in missing.err


def test_a_message_turns_the_patient_blocked_within_a_second(ward, tmp_path):
    f = _write(tmp_path, "one.hl7", final_positive(mrn="H100", drawn=DRAWN))
    started = time.perf_counter()
    assert _import(ward, f).code == 0
    elapsed = time.perf_counter() - started
    assert _status(ward)["H100"] == "blocked"
    # The whole command (interpreter start, store open, import) on a loaded 2-core machine.
    assert elapsed < 5, elapsed
    print(f"\none message, whole command: {elapsed:.2f} s")


def test_a_batch_of_1000_is_all_accounted_for_and_fast_enough(ward, tmp_path):
    messages = []
    for i in range(1000):
        mrn, dob = ("H100", "19600101") if i % 2 else ("H200", "19700202")
        kind = (final_positive, no_growth, preliminary_yeast)[i % 3]
        messages.append(kind(mrn=mrn, dob=dob, drawn=DRAWN, control=f"B{i}", accession=f"BATCH{i}"))
    f = _write(tmp_path, "batch.hl7", batch(messages))
    run = _import(ward, f, "--json")
    assert run.code == 0, run.err[-500:]
    doc = json.loads(run.out)
    assert doc["counts"]["imported"] == 1000 and len(doc["messages"]) == 1000
    rate = 1000 / doc["seconds"] * 60
    print(f"\n1,000 ORU messages in {doc['seconds']:.2f} s: {rate:,.0f} a minute")
    again = json.loads(_import(ward, f, "--json").out)
    assert again["counts"]["duplicate"] == 1000  # re-sending never duplicates
    assert run_cli(ward, "check", timeout=300).code == 0


def test_a_report_two_ward_pending_cultures_could_answer_is_stored_and_shown_for_a_person(data_dir, tmp_path):
    """Two sets of blood cultures entered pending on the ward, drawn 2026-11-08; the lab's
    no growth of that date: stored (exit 0), neither pending one guessed, the summary says
    what a person must do (store/lab_pending.py)."""
    pending = {"specimen": "blood", "drawn_on": "2026-11-08", "result": "pending"}
    ward = {"format": "itb-ward/1", "patients": [dict(WARD["patients"][0], cultures=[pending, dict(pending)])]}
    f = tmp_path / "ward.json"
    f.write_text(json.dumps(ward))
    assert run_cli(data_dir, "import", str(f)).code == 0
    run = _import(data_dir, _write(tmp_path, "ng.hl7", no_growth(mrn="H100", drawn=DRAWN)))
    assert run.code == 0, run.err[-300:]
    assert "for a person:" in run.out and "2 pending blood cultures drawn 2026-11-08" in run.out
    (m,) = json.loads(_import(data_dir, _write(tmp_path, "ng2.hl7", no_growth(mrn="H100", drawn=DRAWN)),
                              "--json").out)["messages"]
    assert m["outcome"] == "duplicate"
