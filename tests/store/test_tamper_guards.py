"""What keeps the trail's anchors honest without false alarms: PostgreSQL's app role
cannot rewrite the trail; the witness accepts a commit whose `C` line was never written
(the process died between commit and append) but not a roll-back; backups carry it."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError
from store_fixtures import TODAY, fungemia_patient, quiet_patient

from itb_tui.paths import sqlite_path
from itb_tui.store import open_store


@pytest.mark.parametrize("statement", [
    "UPDATE audit SET actor = 'x' WHERE id = 1", "DELETE FROM audit", "TRUNCATE audit",
    "DELETE FROM audit_witness", "UPDATE audit_witness SET last_id = 0",
])
def test_postgresql_app_role_cannot_rewrite_the_trail(store, statement):
    if store.dialect != "postgresql":
        pytest.skip("privileges are PostgreSQL's (SQLite relies on the witness file)")
    store.import_patients([quiet_patient()], "os:root")
    with pytest.raises(ProgrammingError, match="permission denied"):
        with store.engine.begin() as conn:
            conn.execute(text(statement))
    assert store.check().ok


def _witness(store):
    return sqlite_path(store.url).parent / (sqlite_path(store.url).name + ".witness")


def test_the_sqlite_witness_is_owner_only_and_grows_by_two_lines_a_write(tmp_path):
    with open_store(f"sqlite:///{tmp_path}/ward.db", today=TODAY) as store:
        w = _witness(store)
        assert stat.S_IMODE(os.stat(w).st_mode) == 0o600
        before = w.read_text().splitlines()
        store.import_patients([quiet_patient()], "os:root")
        after = w.read_text().splitlines()
        assert after[:len(before)] == before and len(after) == len(before) + 2
        assert after[-2].startswith("P ") and after[-1].startswith("C ")
        assert after[-2][2:] == after[-1][2:]


def test_a_commit_whose_witness_line_was_lost_still_checks_ok(tmp_path):
    """A crash right after the commit leaves only the `P` line: not tampering."""
    with open_store(f"sqlite:///{tmp_path}/ward.db", today=TODAY) as store:
        store.import_patients([quiet_patient()], "os:root")
        w = _witness(store)
        w.write_text("".join(line + "\n" for line in w.read_text().splitlines()[:-1]))
        assert store.check().ok, store.check().lines()


def test_a_stale_witness_of_a_deleted_store_is_kept_aside_not_adopted(tmp_path):
    url = f"sqlite:///{tmp_path}/ward.db"
    with open_store(url, today=TODAY) as store:
        store.import_patients([fungemia_patient()], "os:root")
    os.unlink(tmp_path / "ward.db")
    with open_store(url, today=TODAY) as store:
        assert store.check().ok
    assert [p.name for p in tmp_path.iterdir() if ".orphaned-" in p.name]
