"""`backup` makes a consistent, owner-only copy while another process keeps writing:
SQLite through the online backup API, PostgreSQL through pg_dump -Fc."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from itb_tui.clinical.records import Patient
from itb_tui.store import StoreError, open_store

WORKER = str(Path(__file__).with_name("safety_workers.py"))
TODAY = date(2026, 11, 10)


def _writer(url: str, go: Path, count: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, WORKER, "writes", url, "W1", str(count), str(go)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_a_backup_taken_while_another_process_writes_is_consistent(store_url, tmp_path):
    with open_store(store_url, today=TODAY) as store:
        store.save_patient(Patient(mrn="W1", name="Synthetic, Writer"), "os:setup")
    go = tmp_path / "go"
    writer = _writer(store_url, go, 200)
    go.touch()
    copies = []
    with open_store(store_url, today=TODAY) as store:
        while store.data_version() < 5 and writer.poll() is None:  # the writer is under way
            time.sleep(0.01)
        for i in range(3):
            copies.append(Path(store.backup(tmp_path / f"copy-{i}.{'db' if store.dialect == 'sqlite' else 'dump'}",
                                            "os:admin")))
            if i == 0:
                assert writer.poll() is None, "the writer finished before the first backup: nothing proven"
    out, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err.decode()
    for copy in copies:
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        assert not list(tmp_path.glob(f".{copy.name}.partial-*"))
    if store_url.startswith("sqlite"):
        for copy in copies:
            db = sqlite3.connect(copy)
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            db.close()
            with open_store(f"sqlite:///{copy}", today=TODAY) as restored:
                result = restored.verify_audit()
                assert result.ok and result.checked >= 2
                n = len(restored.get_patient("W1").bridging)
                # all-or-nothing per write: each record has its audit row, no more, no less
                assert len([e for e in restored.audit_trail("W1") if e.table == "bridging"]) == n
                assert restored.check().ok
    else:
        for copy in copies:
            listed = subprocess.run(["pg_restore", "--list", str(copy)], capture_output=True, text=True)
            assert listed.returncode == 0 and "TABLE DATA" in listed.stdout and " audit " in listed.stdout
    with open_store(store_url, today=TODAY) as store:
        backups = [e for e in store.audit_trail() if e.action == "backup"]
        assert [e.after["to"] for e in backups] == [str(c) for c in copies]
        assert store.verify_audit().ok


def test_a_backup_never_overwrites_and_a_directory_gets_a_dated_file(tmp_path):
    url = f"sqlite:///{tmp_path}/store/ward.db"
    with open_store(url, today=TODAY) as store:
        store.save_patient(Patient(mrn="W1", name="Synthetic, Writer"), "os:setup")
        existing = tmp_path / "taken.db"
        existing.write_text("keep me")
        with pytest.raises(StoreError, match="already exists"):
            store.backup(existing)
        assert existing.read_text() == "keep me"
        where = Path(store.backup(tmp_path))
        assert where.parent == tmp_path and where.name.startswith("itb-tui-backup-") and where.suffix == ".db"
        with pytest.raises(StoreError, match="does not exist"):
            store.backup(tmp_path / "no-such-dir" / "copy.db")


def test_a_missing_pg_dump_is_a_clear_message(tmp_path, monkeypatch):
    from itb_tui.store.backup import pg_dump

    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump anywhere
    with pytest.raises(StoreError, match="pg_dump is not installed"):
        pg_dump("postgresql+psycopg://u:secret@127.0.0.1/db", tmp_path / "x.dump")
    assert not list(tmp_path.iterdir())


@pytest.mark.skipif(not os.environ.get("ITB_TUI_TEST_PG_URL") or not shutil.which("pg_restore"),
                    reason="needs ITB_TUI_TEST_PG_URL and pg_restore")
def test_a_pg_dump_backup_restores_into_a_new_database_with_the_chain_intact(store_url, tmp_path):
    if not store_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    with open_store(store_url, today=TODAY) as store:
        store.save_patient(Patient(mrn="W1", name="Synthetic, Writer"), "os:setup")
        dump = Path(store.backup(tmp_path / "ward.dump", "os:admin"))
    name = f"itb_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(os.environ["ITB_TUI_TEST_PG_URL"], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        target = make_url(store_url).set(database=name)
        env = dict(os.environ, PGPASSWORD=str(target.password))
        libpq = target.set(drivername="postgresql", password=None, query={}).render_as_string(hide_password=False)
        restored = subprocess.run(["pg_restore", "--no-owner", "--dbname", libpq, str(dump)],
                                  capture_output=True, text=True, env=env)
        assert restored.returncode == 0, restored.stderr
        with open_store(target.render_as_string(hide_password=False), today=TODAY) as copy:
            assert [p.mrn for p in copy.load_patients()] == ["W1"]
            assert copy.verify_audit().ok
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
