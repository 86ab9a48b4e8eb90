"""`itb-tui restore BACKUP.dump` on PostgreSQL (issue 14, item 4), through the real
command against the real server: the backup replaces the store in one transaction, the
replaced store is kept aside as a renamed schema, the restore is audited and `check`
passes; refused, changing nothing, while another itb-tui session holds the store, and
for a tampered or a damaged backup (store/restore_pg.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parents[1] / "cli" / "data" / "ward_example.json"
TODAY = "2026-11-10"


def _cli(tmp_path, url, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ITB_TUI_")}
    env.update(ITB_TUI_DATA_DIR=str(tmp_path / "data"), ITB_TUI_TODAY=TODAY, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "itb_tui", "--db", url, *args], capture_output=True,
                          text=True, env=env, timeout=300)


def _schema(url: str) -> str:
    from sqlalchemy.engine import make_url

    from itb_tui.store.backup import _search_path_schema

    return _search_path_schema(make_url(url))


def _schemas_like(url: str, prefix: str) -> list[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p "
                                          "ORDER BY nspname"), {"p": f"{prefix}%"}).scalars())
    finally:
        engine.dispose()


@pytest.fixture
def pg(tmp_path, store_url):
    """The store (imported, backed up with itb-tui backup, then a patient added after
    the backup), its backup, and the clean-up of the schemas a restore keeps aside."""
    if store_url.startswith("sqlite"):
        pytest.skip("PostgreSQL only (SQLite: tests/safety/test_restore.py)")
    if not (shutil.which("pg_restore") and shutil.which("pg_dump")):
        pytest.skip("the PostgreSQL client tools are not installed")
    assert _cli(tmp_path, store_url, "import", str(EXAMPLE)).returncode == 0
    dump = tmp_path / "ward.dump"
    r = _cli(tmp_path, store_url, "backup", str(dump))
    assert r.returncode == 0, r.stderr
    from itb_tui.clinical.records import Patient
    from itb_tui.store import open_store

    with open_store(store_url) as store:
        store.save_patient(Patient(mrn="LATER1", name="Later, Lou"), "os:test")
    yield store_url, dump
    from sqlalchemy import create_engine, text

    engine = create_engine(store_url)
    with engine.begin() as conn:
        for name in _schemas_like(store_url, f"{_schema(store_url)}_replaced_"):
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    engine.dispose()


def _later_is_there(url: str) -> bool:
    from itb_tui.store import open_store

    with open_store(url) as store:
        return store.get_patient("LATER1") is not None


def test_restore_replaces_the_store_keeps_it_aside_and_is_audited(tmp_path, pg):
    url, dump = pg
    r = _cli(tmp_path, url, "restore", str(dump))
    assert r.returncode == 0, r.stdout + r.stderr
    for word in ("database: ok", "audit trail: ok", "witness: ok", "records: ok"):
        assert word in r.stdout
    assert not _later_is_there(url)  # the store is the backup again
    check = _cli(tmp_path, url, "check")
    assert check.returncode == 0, check.stdout
    schema = _schema(url)
    aside = _schemas_like(url, f"{schema}_replaced_")
    assert len(aside) == 1 and f"kept as schema {aside[0]}" in r.stdout
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        # the replaced store is kept whole: the patient added after the backup is there
        assert conn.execute(text(f'SELECT count(*) FROM "{aside[0]}".patients WHERE mrn = \'LATER1\'')).scalar() == 1
        action, after = conn.execute(text('SELECT action, "after" FROM audit ORDER BY id DESC LIMIT 1')).one()
        # the restored trail stays insert-only for the app's role (the dump carried the grants)
        may_delete = conn.execute(text("SELECT has_table_privilege('audit', 'DELETE')")).scalar()
    engine.dispose()
    assert action == "restore" and str(dump) in after and aside[0] in after
    assert may_delete is False


def test_restore_is_refused_while_another_session_holds_the_store(tmp_path, pg):
    url, dump = pg
    from itb_tui.store import open_store

    with open_store(url) as held:  # another terminal: its connection holds the store
        held.patient_count()
        r = _cli(tmp_path, url, "restore", str(dump))
    assert r.returncode == 1
    assert "open in other itb-tui sessions" in r.stderr and "close itb-tui" in r.stderr
    assert "Traceback" not in r.stderr
    assert _later_is_there(url)
    assert _schemas_like(url, f"{_schema(url)}_replaced_") == []


def test_a_tampered_backup_is_refused_and_changes_nothing(tmp_path, pg):
    """A dump of a store whose culture was flipped to no_growth by SQL (the block lifted
    outside the app) fails check inside the restore transaction: rolled back."""
    url, _ = pg
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE cultures SET result = 'no_growth', organism = NULL"))
    engine.dispose()
    tampered = tmp_path / "tampered.dump"
    parsed = make_url(url)
    libpq = parsed.set(drivername="postgresql", password=None, query={}).render_as_string(hide_password=False)
    done = subprocess.run(["pg_dump", "-Fc", "--no-password", "--schema", _schema(url), "-f", str(tampered),
                           "--dbname", libpq], env=dict(os.environ, PGPASSWORD=str(parsed.password or "")),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    r = _cli(tmp_path, url, "restore", str(tampered))
    assert r.returncode == 1 and "does not pass itb-tui check" in r.stderr
    assert "was changed outside the app" in r.stderr and "nothing was changed" in r.stderr
    assert "Traceback" not in r.stderr
    assert _later_is_there(url)
    assert _schemas_like(url, f"{_schema(url)}_replaced_") == []


@pytest.mark.parametrize("damage", ["truncated", "not_a_dump"])
def test_a_damaged_backup_is_refused_and_changes_nothing(tmp_path, pg, damage):
    url, dump = pg
    data = dump.read_bytes()
    bad = tmp_path / "bad.dump"
    bad.write_bytes(data[: len(data) // 2] if damage == "truncated" else b"not a dump at all\n")
    r = _cli(tmp_path, url, "restore", str(bad))
    assert r.returncode == 1, r.stdout
    assert "nothing was changed" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) <= 2
    assert _later_is_there(url)
    assert _schemas_like(url, f"{_schema(url)}_replaced_") == []


def test_a_store_in_the_public_schema_of_its_own_database_is_restored(tmp_path, store_url):
    """The production layout (no search_path in the URL): the `public` schema is kept
    aside and a new one made, with the replaced one's grants."""
    if store_url.startswith("sqlite"):
        pytest.skip("PostgreSQL only")
    if not (shutil.which("pg_restore") and shutil.which("pg_dump")):
        pytest.skip("the PostgreSQL client tools are not installed")
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(os.environ["ITB_TUI_TEST_PG_URL"])
    name = f"itb_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        assert _cli(tmp_path, url, "import", str(EXAMPLE)).returncode == 0
        assert _cli(tmp_path, url, "backup", str(tmp_path / "w.dump")).returncode == 0
        r = _cli(tmp_path, url, "restore", str(tmp_path / "w.dump"))
        assert r.returncode == 0, r.stderr
        assert "restored the store (schema public)" in r.stdout and "records: ok" in r.stdout
        check = _cli(tmp_path, url, "check")
        assert check.returncode == 0, check.stdout
        assert len(_schemas_like(url, "public_replaced_")) == 1
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
