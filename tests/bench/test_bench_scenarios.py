"""The scenario store (bench/scenarios.py): the clinical scenario table repeated, written
through the store's import, and `status --json` runs on it. A smoke test: it checks
what the store holds and that status reports every patient, never how fast."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter

from bench.generate import build_store
from bench.scenarios import scenario_hospital, scenario_rows, storable_rows
from bench.synthetic import BENCH_TODAY

SIZE = 200


def test_every_copy_is_its_own_patient_and_the_table_repeats():
    patients = list(scenario_hospital(SIZE))
    rows = storable_rows()
    assert len({p.mrn for p in patients}) == SIZE
    serials = [pump.serial for p in patients for pump in p.pumps]
    assert len(set(serials)) == len(serials)
    # nearly the whole table reaches the store: only rows a real import refuses stay out
    assert len(rows) >= 0.9 * len(scenario_rows())
    # row 0 comes back as patient len(rows): same records, another MRN
    again = patients[len(rows)]
    assert again.cultures == patients[0].cultures and again.mrn != patients[0].mrn


def test_a_row_is_shown_on_its_own_list_date():
    # "fungemia-blocks": C. albicans in blood 2026-11-08, list date 2026-11-09; shifted
    # by BENCH_TODAY (2026-11-25) - 2026-11-09 = 16 days, the culture is drawn 2026-11-24.
    names = [name for name, _, _ in storable_rows()]
    patient = next(p for n, p in zip(names, scenario_hospital(len(names))) if n == "fungemia-blocks")
    assert [c.drawn_on.isoformat() for c in patient.cultures] == ["2026-11-24"]


def test_the_store_builds_and_status_reports_every_patient(tmp_path):
    home = tmp_path / "private"
    home.mkdir(mode=0o700)
    db = build_store(home / "scenarios.db", SIZE, kind="scenarios")
    env = dict(os.environ, ITB_TUI_TODAY=BENCH_TODAY.isoformat(), ITB_TUI_DATA_DIR=str(home / "data"))
    proc = subprocess.run([sys.executable, "-m", "itb_tui", "--db", str(db), "status", "--json"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert len(report["patients"]) == SIZE
    statuses = Counter(p["refill"]["status"] for p in report["patients"])
    # the table's variety survives the shift: blocked, ok and no-pump patients all appear
    assert {"blocked", "ok", "not_applicable"} <= set(statuses), statuses
