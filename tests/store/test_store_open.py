"""Opening a store: SQLite safety settings, owner-only files, one-line errors."""

from __future__ import annotations

import os
import stat
import threading

import pytest
from sqlalchemy import text
from store_fixtures import TODAY, fungemia_patient

from itb_tui.store import StoreError, open_store
from itb_tui.store.versions import SCHEMA_VERSION


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_sqlite_pragmas_are_on_for_every_connection(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/ward.db", today=TODAY)
    seen = []

    def check():
        with store.engine.connect() as conn:
            seen.append((
                conn.exec_driver_sql("PRAGMA journal_mode").scalar(),
                conn.exec_driver_sql("PRAGMA foreign_keys").scalar(),
                conn.exec_driver_sql("PRAGMA busy_timeout").scalar(),
            ))

    threads = [threading.Thread(target=check) for _ in range(3)]  # pooled connections too
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check()
    assert set(seen) == {("wal", 1, 5000)}
    store.close()


def test_foreign_keys_are_enforced(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/ward.db", today=TODAY)
    with pytest.raises(Exception, match="FOREIGN KEY"):
        with store.engine.begin() as conn:
            conn.execute(text("INSERT INTO cultures (patient_id, specimen, drawn_on, result) "
                              "VALUES (999, 'blood', '2026-11-01', 'pending')"))
    store.close()


def test_a_new_store_file_and_directory_are_owner_only(tmp_path):
    db = tmp_path / "new-dir" / "ward.db"
    store = open_store(f"sqlite:///{db}", today=TODAY)
    store.import_patients([fungemia_patient()], "tester")
    assert _mode(db) == 0o600
    assert _mode(db.parent) == 0o700
    for sidecar in (f"{db}-wal", f"{db}-shm"):
        if os.path.exists(sidecar):
            assert _mode(sidecar) & 0o077 == 0
    store.close()


def test_reopening_keeps_the_data(tmp_path):
    url = f"sqlite:///{tmp_path}/ward.db"
    with open_store(url, today=TODAY) as store:
        store.import_patients([fungemia_patient()], "tester")
    with open_store(url, today=TODAY) as store:
        assert [p.mrn for p in store.load_patients()] == ["A1001"]
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION)


def test_an_in_memory_store_works_from_worker_threads():
    store = open_store("sqlite://", today=TODAY)
    store.import_patients([fungemia_patient()], "tester")
    got = []
    t = threading.Thread(target=lambda: got.append(store.load_patients()))
    t.start()
    t.join()
    assert [p.mrn for p in got[0]] == ["A1001"]


def _one_line(exc: BaseException) -> str:
    message = str(exc)
    assert "\n" not in message and message
    return message


def test_a_directory_is_not_a_store(tmp_path):
    with pytest.raises(StoreError) as err:
        open_store(f"sqlite:///{tmp_path}", today=TODAY)
    assert "directory" in _one_line(err.value)


def test_a_path_under_a_file_cannot_be_created(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(StoreError) as err:
        open_store(f"sqlite:///{tmp_path}/afile/ward.db", today=TODAY)
    assert "cannot create database" in _one_line(err.value)


def test_a_file_that_is_not_a_database_is_refused_unchanged(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("not a database, just notes\n" * 100)
    before = f.read_bytes()
    with pytest.raises(StoreError) as err:
        open_store(f"sqlite:///{f}", today=TODAY)
    assert "not a database" in _one_line(err.value)
    assert f.read_bytes() == before


def test_an_unreachable_server_is_one_line_without_the_password():
    with pytest.raises(StoreError) as err:
        open_store("postgresql+psycopg://ward:s3cr3t-pw@127.0.0.1:1/itb", today=TODAY)
    message = _one_line(err.value)
    assert "s3cr3t-pw" not in message and "cannot open database" in message
    assert "127.0.0.1" in message


@pytest.mark.parametrize("url, words", [
    ("nosuchdb://x/y", "unsupported database URL"),
    ("mysql+nosuchdriver://u:pw@host/db", "unsupported database URL"),
    ("not a url at all ://", "not a database URL"),
])
def test_unusable_urls_are_one_line(url, words):
    with pytest.raises(StoreError) as err:
        open_store(url, today=TODAY)
    message = _one_line(err.value)
    assert words in message and "pw@" not in message


def test_a_store_from_a_newer_version_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path}/ward.db"
    with open_store(url, today=TODAY) as store:
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE meta SET value = '99' WHERE key = 'schema_version'"))
    with pytest.raises(StoreError, match="schema version 99"):
        open_store(url, today=TODAY)


def test_the_store_package_does_not_import_textual_nor_alembic_on_open(tmp_path):
    """The store is SQLModel tables queried with Core; the UI toolkit never comes with it,
    and Alembic is imported only to upgrade an old store, not on every open."""
    import subprocess
    import sys

    code = ("import sys, itb_tui.store.store, itb_tui.report; "
            f"s = itb_tui.store.store.open_store('sqlite:///{tmp_path}/w.db'); s.load_patients(); s.close(); "
            f"s = itb_tui.store.store.open_store('sqlite:///{tmp_path}/w.db'); s.close(); "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'alembic')]; "
            "print(bad, 'sqlmodel' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] True"


def test_store_errors_can_be_caught_without_importing_sqlalchemy():
    import subprocess
    import sys

    code = ("import sys; from itb_tui.store import StoreError, ValidationError, NotFound, RefillBlocked; "
            "print('sqlalchemy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
