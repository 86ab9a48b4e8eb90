"""`itb-tui results listen`: the real listener in a subprocess, the `hl7` library's MLLP
client over 127.0.0.1 (tests/hl7/mllp_listener.py). What the interface engine notices:
an AA only for a message that is in the store; a NAK (AR/AE) with the reason for one that
is not; a resend that changes nothing; no ACK at all (and no row) when the listener dies
between receiving and committing; SIGTERM stops it cleanly."""

from __future__ import annotations

import json
import sqlite3

import pytest
from cli_runner import run_cli
from hl7_messages import final_positive, no_growth, oru, unknown_organism
from mllp_listener import KILL_BEFORE_COMMIT, TERM_DURING_COMMIT, Listener, msa, send, send_raw

# Synthetic patients; the CLI tests' TODAY is 2026-11-10, cultures drawn 2026-11-08.
PUMP = {"serial": "NGP-M1", "reservoir_ml": 20, "alarm_ml": 2, "implanted_on": "2023-05-01",
        "concentration_ug_ml": 500, "daily_dose_ug": 300}
WARD = {"format": "itb-ward/1", "patients": [
    {"mrn": "H100", "name": "Lab, Alpha", "dob": "1960-01-01", "pumps": [PUMP]}]}
DRAWN = "20261108"


@pytest.fixture
def ward(data_dir, tmp_path):
    f = tmp_path / "ward.json"
    f.write_text(json.dumps(WARD))
    assert run_cli(data_dir, "import", str(f)).code == 0
    return data_dir


@pytest.fixture
def listener(ward):
    lis = Listener(ward)
    yield lis
    lis.kill()


def _rows(data_dir, table: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{data_dir / 'ward.db'}?mode=ro", uri=True)
    try:
        return conn.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608 - test table names
    finally:
        conn.close()


def _refill(data_dir) -> str:
    doc = json.loads(run_cli(data_dir, "status", "--json").out)
    return {p["mrn"]: p["refill"]["status"] for p in doc["patients"]}["H100"]


def test_a_stored_message_is_acked_aa_with_its_control_id_and_the_refill_blocks(listener, ward):
    [ack] = send(listener.port, final_positive(mrn="H100", drawn=DRAWN, control="CTL1", accession="A1"))
    assert msa(ack)[:2] == ("AA", "CTL1")
    msh = ack.segment("MSH")
    # Sender and receiver swapped: the ACK goes back to the lab system that sent it.
    assert (str(msh(3)), str(msh(4)), str(msh(5)), str(msh(6))) == ("ITB", "WARD", "LABSYS", "GENLAB")
    assert str(msh(9)) == "ACK^R01^ACK"
    assert len(_rows(ward, "cultures")) == 1
    assert _refill(ward) == "blocked"


def test_a_duplicate_resend_is_acked_and_stores_nothing_more(listener, ward):
    msg = final_positive(mrn="H100", drawn=DRAWN, control="CTL1", accession="A1")
    first, again = send(listener.port, msg, msg)
    [later] = send(listener.port, msg)  # a resend on a new connection, as after a timeout
    assert [msa(a)[0] for a in (first, again, later)] == ["AA", "AA", "AA"]
    assert len(_rows(ward, "cultures")) == 1
    assert len(_rows(ward, "lab_reports")) == 1


def test_a_malformed_message_is_rejected_ar_with_the_reason_and_nothing_stored(listener, ward):
    before = _rows(ward, "audit")
    [ack] = send(listener.port, oru(msh9="ADT^A01", control="BAD1"))
    code, control, text = msa(ack)
    assert (code, control) == ("AR", "BAD1")
    # The reason as the engine shows it (escaped in the wire text: ^ is \S\).
    assert ack.unescape(str(ack.segment("ERR")(8))) == "message type ADT^A01 is not ORU^R01"
    assert ack.unescape(text) == "message type ADT^A01 is not ORU^R01"
    [garbage] = send(listener.port, "this is not HL7")
    assert msa(garbage)[0] == "AR"
    assert _rows(ward, "audit") == before


def test_a_message_for_an_unknown_mrn_is_nak_ae_and_kept_in_quarantine_once(listener, ward):
    msg = final_positive(mrn="NOPE9", drawn=DRAWN, control="Q1", accession="A7")
    first, again = send(listener.port, msg, msg)
    assert msa(first)[0] == msa(again)[0] == "AE"
    assert "unknown MRN" in str(first.segment("ERR")(8)) and "quarantined as #1" in msa(first)[2]
    assert len(_rows(ward, "lab_quarantine")) == 1
    assert _rows(ward, "cultures") == []


def test_killed_between_receive_and_commit_no_ack_no_row_and_the_resend_is_stored(ward):
    msg = no_growth(mrn="H100", drawn=DRAWN, control="K1", accession="A5")
    dying = Listener(ward, wrapper=KILL_BEFORE_COMMIT)
    try:
        answers = send(dying.port, msg, timeout=30)
        assert answers == [None]  # the connection closed without an ACK
        dying.proc.wait(timeout=30)
        assert dying.proc.returncode == -9  # killed at the commit, as the fault says
    finally:
        dying.kill()
    assert _rows(ward, "cultures") == [] and _rows(ward, "lab_reports") == []
    # The engine resends (no ACK came): a healthy listener stores it once.
    healthy = Listener(ward)
    try:
        [ack] = send(healthy.port, msg)
        assert msa(ack)[:2] == ("AA", "K1")
    finally:
        healthy.kill()
    assert len(_rows(ward, "cultures")) == 1


def test_sigterm_stops_cleanly_after_the_message_in_hand(listener, ward):
    [ack] = send(listener.port, unknown_organism(mrn="H100", drawn=DRAWN, control="S1", accession="A2"))
    assert msa(ack)[0] == "AE"
    code, out, err = listener.stop()
    assert code == 0
    assert "stopped: 1 quarantined" in out
    assert "Traceback" not in err
    assert "Lab, Alpha" not in err + out  # the log names MRNs, never a patient


def test_sigterm_during_the_commit_still_commits_and_acks_the_message_in_hand(ward):
    lis = Listener(ward, wrapper=TERM_DURING_COMMIT)
    try:
        [ack] = send(lis.port, final_positive(mrn="H100", drawn=DRAWN, control="T1", accession="A8"))
        assert msa(ack)[:2] == ("AA", "T1")
        lis.proc.wait(timeout=30)  # and then it stopped by itself
        code, out, err = lis.stop()
    finally:
        lis.kill()
    assert code == 0 and "stopped: 1 imported" in out, err
    assert len(_rows(ward, "cultures")) == 1


def test_it_binds_loopback_unless_told_and_closes_on_an_oversize_message(ward):
    lis = Listener(ward, "--max-bytes", "1000")
    try:
        assert lis.host == "127.0.0.1"
        # A batch in one block is refused whole: nothing of it stored.
        two = (final_positive(mrn="H100", drawn=DRAWN, control="B1", accession="A10")
               + final_positive(mrn="H100", drawn=DRAWN, control="B2", accession="A11"))
        [batch_ack] = send(lis.port, two)
        assert msa(batch_ack)[:2] == ("AR", "B1")
        big = final_positive(mrn="H100", drawn=DRAWN, control="BIG", accession="A3") + "NTE|1||" + "x" * 5000 + "\r"
        assert send_raw(lis.port, b"\x0b" + big.encode() + b"\x1c\r") == [None]
        [ack] = send(lis.port, final_positive(mrn="H100", drawn=DRAWN, control="OK", accession="A4"))
        assert msa(ack)[0] == "AA"  # the listener is still up
    finally:
        lis.kill()
    assert len(_rows(ward, "cultures")) == 1
