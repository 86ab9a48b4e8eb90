"""`itb-tui restore BACKUP` (issue 14, item 4), with real processes: after a crash that
left a `-wal` the backup is restored whole, the replaced store (with its `-wal`) is kept
aside and still opens with the crashed writer's committed work, and the restore is
audited; a backup that fails `check` or a store another process has open is refused and
changes nothing. PostgreSQL: tests/safety/test_restore_postgresql.py."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parents[1] / "cli" / "data" / "ward_example.json"
TODAY = "2026-11-10"

CRASHER = r'''
import os, sys, time
from datetime import date
from itb_tui.clinical.records import Patient
from itb_tui.store import open_store

store = open_store(sys.argv[1], today=date(2026, 11, 10))
for i in range(5):
    store.save_patient(Patient(mrn=f"W{i:03d}", name=f"After, Backup {i}"), "os:test")
open(sys.argv[2], "w").write("written")
time.sleep(60)  # killed here: the -wal is never checkpointed
'''


def _env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ITB_TUI_")}
    env.update(ITB_TUI_DATA_DIR=str(tmp_path / "data"), ITB_TUI_TODAY=TODAY, NO_COLOR="1")
    return env


def _cli(tmp_path, *args, db=None):
    db = db or str(tmp_path / "ward.db")
    return subprocess.run([sys.executable, "-m", "itb_tui", "--db", db, *args], capture_output=True,
                          text=True, env=_env(tmp_path), timeout=120)


def _mrns(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT mrn FROM patients ORDER BY mrn")]
    finally:
        conn.close()


def _crash_leaving_a_wal(tmp_path):
    script = tmp_path / "crasher.py"
    script.write_text(CRASHER)
    flag = tmp_path / "written"
    proc = subprocess.Popen([sys.executable, str(script), f"sqlite:///{tmp_path}/ward.db", str(flag)],
                            env=_env(tmp_path))
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    wal = tmp_path / "ward.db-wal"
    assert wal.exists() and wal.stat().st_size > 0  # the crash left committed work in the -wal


@pytest.fixture
def backed_up(tmp_path):
    assert _cli(tmp_path, "import", str(EXAMPLE)).returncode == 0
    r = _cli(tmp_path, "backup", str(tmp_path / "backup.db"))
    assert r.returncode == 0, r.stderr
    before = _mrns(tmp_path / "backup.db")
    return tmp_path / "backup.db", before


def test_restore_after_a_crash_that_left_a_wal(tmp_path, backed_up):
    backup, before = backed_up
    _crash_leaving_a_wal(tmp_path)
    r = _cli(tmp_path, "restore", str(backup))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "database: ok" in r.stdout and "records: ok" in r.stdout and "witness: ok" in r.stdout
    assert _mrns(tmp_path / "ward.db") == before
    import re

    aside = [p for p in tmp_path.iterdir() if re.fullmatch(r"ward\.db\.replaced-\d{8}T\d{6}Z", p.name)]
    assert len(aside) == 1
    assert Path(f"{aside[0]}-wal").exists()  # kept with its log...
    assert "W004" in _mrns(aside[0])  # ...so the crashed writer's committed work is still there
    check = _cli(tmp_path, "check")
    assert check.returncode == 0, check.stdout
    conn = sqlite3.connect(tmp_path / "ward.db")
    action, after = conn.execute("SELECT action, \"after\" FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    assert action == "restore" and str(backup) in after and str(aside[0]) in after


def test_a_backup_that_fails_check_is_not_restored(tmp_path, backed_up):
    backup, _ = backed_up
    conn = sqlite3.connect(backup)
    conn.execute("UPDATE cultures SET result = 'no_growth', organism = NULL")
    conn.commit()
    conn.close()
    store_before = (tmp_path / "ward.db").read_bytes()
    r = _cli(tmp_path, "restore", str(backup))
    assert r.returncode == 1 and "does not pass itb-tui check" in r.stderr
    assert "was changed outside the app" in r.stderr
    assert (tmp_path / "ward.db").read_bytes() == store_before
    assert not [p for p in tmp_path.iterdir() if ".replaced-" in p.name]


def test_restore_is_refused_while_another_process_has_the_store_open(tmp_path, backed_up):
    backup, _ = backed_up
    holder = subprocess.Popen([sys.executable, "-c",
                               "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1]); "
                               "c.execute('SELECT count(*) FROM patients').fetchall(); print('open', flush=True); "
                               "time.sleep(30)", str(tmp_path / "ward.db")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        r = _cli(tmp_path, "restore", str(backup))
        assert r.returncode == 1 and f"pid {holder.pid}" in r.stderr and "close itb-tui" in r.stderr
    finally:
        holder.kill()
        holder.wait()
    assert not [p for p in tmp_path.iterdir() if ".replaced-" in p.name]
