"""A process killed (SIGKILL: no clean-up, no atexit) in the middle of an import or a save
leaves the store consistent: all of that change or none of it, and `check` passes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

from itb_tui.clinical.records import Patient
from itb_tui.store import open_store

WORKER = str(Path(__file__).with_name("safety_workers.py"))
TODAY = date(2026, 11, 10)
BIG = 3000


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ITB_TUI_")}
    env["ITB_TUI_TODAY"] = TODAY.isoformat()
    return env


def _tagged(url: str, tag: str) -> str:
    """PostgreSQL: the URL with an application_name, so the test can see that process's
    open transaction in pg_stat_activity."""
    if not url.startswith("postgresql"):
        return url
    return f"{url}{'&' if '?' in url else '?'}application_name={tag}"


def _writing(url: str, tag: str) -> bool:
    """Is the process holding an open write transaction right now?"""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1]
        probe = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:  # "database is locked": a writer holds it
            return True
        finally:
            probe.close()
    from sqlalchemy import create_engine, text

    engine = create_engine(os.environ["ITB_TUI_TEST_PG_URL"])
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :t "
                                          "AND backend_xid IS NOT NULL"), {"t": tag}).scalar())
    finally:
        engine.dispose()


def _kill_while_writing(argv: list[str], url: str, tag: str, delay: float, timeout: float = 60) -> bool:
    """Start the process; once it holds a write transaction wait `delay` s and SIGKILL it.
    True when it was killed while still running (False: it finished first)."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    deadline = time.monotonic() + timeout
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if _writing(url, tag):
                time.sleep(delay)
                break
            time.sleep(0.002)
        running = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        return running
    finally:
        if proc.poll() is None:
            proc.kill()


def _check_ok(store) -> None:
    result = store.check()
    assert result.ok, result.lines()


def test_a_killed_import_leaves_all_or_nothing(store_url, tmp_path):
    from itb_tui.demo import build_demo_ward
    from itb_tui.wardfile import dumps_ward

    ward = tmp_path / "big.json"
    ward.write_text(dumps_ward(build_demo_ward(TODAY, BIG)), encoding="utf-8")
    with open_store(store_url, today=TODAY) as store:  # the store exists before the import
        _check_ok(store)
    killed_mid_import = 0
    for delay in (0.0, 0.05, 0.3, 0.8):
        tag = f"itb-crash-{uuid.uuid4().hex[:8]}"
        url = _tagged(store_url, tag)
        killed = _kill_while_writing([sys.executable, "-m", "itb_tui", "--db", url, "import", str(ward)],
                                     store_url, tag, delay)
        with open_store(store_url, today=TODAY) as store:
            count = store.patient_count()
            assert count in (0, BIG), count
            trail = store.audit_trail()
            assert len([e for e in trail if e.action == "import"]) == (1 if count else 0)
            _check_ok(store)
            if count:
                break  # an import got through whole: nothing more to kill
        killed_mid_import += killed and count == 0
    assert killed_mid_import >= 1, "no attempt was killed inside the import transaction"


def test_a_killed_save_leaves_all_or_nothing(store_url):
    with open_store(store_url, today=TODAY) as store:
        store.save_patient(Patient(mrn="S1", name="Synthetic, Saver", bed="0"), "os:setup")
    for delay in (0.0, 0.0, 0.001, 0.01, 0.1):
        tag = f"itb-crash-{uuid.uuid4().hex[:8]}"
        url = _tagged(store_url, tag)
        _kill_while_writing([sys.executable, WORKER, "saves", url, "S1"], store_url, tag, delay)
        with open_store(store_url, today=TODAY) as store:
            patient = store.get_patient("S1")
            updates = [e for e in store.audit_trail("S1") if e.action == "update"]
            # every committed save moved the version once and wrote its audit row; none half-way
            assert patient.row_version == 1 + len(updates)
            if updates:
                assert updates[-1].after["bed"] == patient.bed
            _check_ok(store)
