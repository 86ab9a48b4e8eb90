"""Two real processes write to the same store at the same time: every write is there
afterwards and the audit chain verifies (SQLite always; PostgreSQL when configured)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from itb_tui.clinical.records import Patient
from itb_tui.store import open_store

WORKER = str(Path(__file__).with_name("safety_workers.py"))
TODAY = date(2026, 11, 10)
WRITES = 25


def test_two_processes_writing_at_once_lose_nothing(store_url, tmp_path):
    with open_store(store_url, today=TODAY) as store:
        for mrn in ("P1", "P2"):
            store.save_patient(Patient(mrn=mrn, name=f"Synthetic, {mrn}"), "os:setup")
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, WORKER, "writes", store_url, mrn, str(WRITES), str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for mrn in ("P1", "P2")]
    go.touch()  # both start together
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    with open_store(store_url, today=TODAY) as store:
        for mrn in ("P1", "P2"):
            patient = store.get_patient(mrn)
            assert sorted(b.detail for b in patient.bridging) == sorted(f"{mrn} write {i}" for i in range(WRITES))
            assert patient.row_version == 1 + WRITES
        trail = store.audit_trail()
        assert len(trail) == 2 + 2 * WRITES
        actors = [e.actor for e in trail[2:]]
        assert actors.count("os:worker-P1") == actors.count("os:worker-P2") == WRITES
        result = store.verify_audit()
        assert result.ok and result.checked == len(trail)
        assert store.check().ok
