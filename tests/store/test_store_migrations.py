"""Schema versions with Alembic: an old store is upgraded on open (after a backup beside
it, data intact), a newer one is refused, and the migrations build exactly the schema the
table classes declare, also from a copy of the package (as installed from a wheel)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from store_fixtures import TODAY
from store_v1 import V1_SQL, make_v1_postgres, make_v1_sqlite

from itb_tui.clinical.records import Bridging
from itb_tui.store import StoreError, open_store
from itb_tui.store.versions import SCHEMA_VERSION

@pytest.fixture
def v1_store(store_url):
    if store_url.startswith("sqlite"):
        make_v1_sqlite(Path(store_url.split(":///", 1)[1]))
    else:
        make_v1_postgres(store_url)
    return store_url


def _v1_rows(table: str) -> int:
    return sum(1 for ln in V1_SQL.read_text(encoding="utf-8").splitlines()
               if ln.startswith(f'INSERT INTO "{table}"'))


def test_a_version_1_store_is_upgraded_on_open_after_a_backup_with_its_data_intact(v1_store):
    store = open_store(v1_store, today=TODAY)
    try:
        assert (store.upgrade.from_version, store.upgrade.to_version) == (1, SCHEMA_VERSION)
        patients = store.load_patients()
        assert [p.mrn for p in patients] == ["A1001", "B2002"]
        a, b = patients
        assert (a.name, len(a.pumps[0].refills), len(a.cultures), a.antifungals[0].drug) == \
            ("Doe, Jane", 1, 2, "micafungin")
        assert b.bridging == ()  # the bridging marked entered in error stays hidden
        trail = store.audit_trail()
        old = _v1_rows("audit")
        assert [e.id for e in trail] == list(range(1, old + 11 + 1))
        assert trail[old - 1].action == "entered_in_error" and trail[old - 1].username is None
        # schema 5: one baseline entry per clinical table starts covering every row
        assert [e.action for e in trail[old:]] == ["baseline"] * 11  # 11 digested tables since notes (schema 8) and reviews (schema 9)
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
        assert store.verify_audit().ok and store.check().ok
        # the upgraded store works: users, and chained writes after the old entries
        store.create_user("ada", "correct horse battery", ["admin"], "os:root")
        store.add_bridging("B2002", Bridging("oral_baclofen", TODAY, "10 mg tds"), "os:root")
        assert store.verify_audit().ok
    finally:
        store.close()
    with open_store(v1_store, today=TODAY) as again:
        assert again.upgrade is None  # once is enough


def test_the_sqlite_backup_beside_the_old_store_is_the_old_store(tmp_path):
    db = tmp_path / "ward.db"
    make_v1_sqlite(db)
    before = sqlite3.connect(db).execute("SELECT count(*) FROM audit").fetchone()
    with open_store(f"sqlite:///{db}", today=TODAY) as store:
        backup = Path(store.upgrade.backup)
    assert backup.parent == db.parent and backup.name.startswith("ward.db.v1-backup-")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    old = sqlite3.connect(backup)
    assert old.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("1",)
    assert old.execute("SELECT count(*) FROM audit").fetchone() == before
    assert old.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    tables = {r[0] for r in old.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "users" not in tables and "alembic_version" not in tables
    old.close()


def _exec(url: str, sql: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(sql))
    engine.dispose()


@pytest.mark.parametrize("sql, words", [
    ("UPDATE meta SET value = '99' WHERE key = 'schema_version'", "schema version 99"),
    ("UPDATE alembic_version SET version_num = '0099'", "revision 0099"),
])
def test_a_store_from_a_newer_version_is_refused_untouched(store_url, sql, words):
    open_store(store_url, today=TODAY).close()
    _exec(store_url, sql)
    with pytest.raises(StoreError) as err:
        open_store(store_url, today=TODAY)
    message = str(err.value)
    assert words in message and "newer itb-tui" in message and "upgrade itb-tui" in message
    assert "\n" not in message


def test_a_sqlite_file_of_another_program_is_refused_untouched(tmp_path):
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
    conn.execute("INSERT INTO recipes (title) VALUES ('soup')")
    conn.commit()

    def dump():
        return list(sqlite3.connect(db).iterdump())

    before = dump()
    with pytest.raises(StoreError, match="not an itb-tui store"):
        open_store(f"sqlite:///{db}", today=TODAY)
    assert dump() == before  # no table of ours added, nothing of theirs changed


def test_the_migrations_build_exactly_the_schema_the_table_classes_declare(store_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from itb_tui.store import schema
    from itb_tui.store.migrate import run_migrations

    if store_url.startswith("sqlite"):
        Path(store_url.split(":///", 1)[1]).parent.mkdir(parents=True)
    engine = create_engine(store_url)
    with engine.begin() as conn:
        run_migrations(conn)
        diffs = compare_metadata(MigrationContext.configure(conn), schema.metadata)
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == schema.HEAD_REVISION
    engine.dispose()
    assert diffs == []
    with open_store(store_url, today=TODAY) as store:  # and the store takes it as current
        assert store.upgrade is None and store.verify_audit().ok


def test_a_new_store_is_stamped_at_the_newest_revision(store_url):
    from itb_tui.store.schema import HEAD_REVISION, SCHEMA_VERSION

    with open_store(store_url, today=TODAY) as store:
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISION


def test_migrations_run_from_a_copy_of_the_package_in_another_directory(tmp_path):
    """As from an installed wheel: the scripts travel inside the package and Alembic is
    configured in code, so no alembic.ini and no current directory are needed."""
    import shutil

    import itb_tui

    site = tmp_path / "site"
    shutil.copytree(Path(itb_tui.__file__).parent, site / "itb_tui",
                    ignore=shutil.ignore_patterns("__pycache__", "ui"))
    assert (site / "itb_tui" / "store" / "migrations" / "versions" / "0002_users_audit_chain.py").exists()
    db = tmp_path / "old" / "ward.db"
    make_v1_sqlite(db)
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    code = ("import itb_tui.store.migrate as m; from itb_tui.store import open_store; "
            f"s = open_store('sqlite:///{db}'); print(m.MIGRATIONS_DIR, s.upgrade.to_version, s.verify_audit().ok)")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(site), ITB_TUI_TODAY=TODAY.isoformat())
    out = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    where, version, ok = out.stdout.split()
    assert where.startswith(str(site)) and (version, ok) == (str(SCHEMA_VERSION), "True")


def test_the_wheel_carries_the_migration_scripts(tmp_path):
    pytest.importorskip("hatchling")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                          "-w", str(tmp_path), str(root)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    import zipfile

    wheel = next(tmp_path.glob("itb_tui-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("env.py", "script.py.mako", "versions/0001_initial.py", "versions/0002_users_audit_chain.py"):
        assert f"itb_tui/store/migrations/{name}" in names
    # A non-editable install also needs the rules table, the demo ward and the stylesheet.
    assert {"itb_tui/_data/rules.toml", "itb_tui/_data/demo-ward.json", "itb_tui/ui/app.tcss"} <= names


def test_a_failed_upgrade_leaves_the_old_store_exactly_as_it_was(tmp_path):
    """The whole upgrade is one transaction: a migration failing half-way (here on a damaged
    audit time it cannot read) changes nothing, and says so in one line."""
    db = tmp_path / "ward.db"
    make_v1_sqlite(db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE audit SET at = 'not a time' WHERE id = 3")
    conn.commit()

    def dump():
        return list(sqlite3.connect(db).iterdump())

    before = dump()
    with pytest.raises(StoreError) as err:
        open_store(f"sqlite:///{db}", today=TODAY)
    message = str(err.value)
    assert "cannot upgrade database" in message and "left as it was" in message and "\n" not in message
    assert dump() == before  # no users table, no new columns, still schema version 1


def _tables(url: str) -> set[str]:
    from sqlalchemy import inspect

    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _schema_version(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    finally:
        engine.dispose()


def test_a_migration_raising_midway_changes_nothing_and_says_where_the_backup_is(v1_store, monkeypatch):
    """Migration 0002 fails after it has created `users` and added the audit columns (here
    while sealing the old audit rows): the upgrade is one transaction, so the store is
    still exactly version 1, and the message names the automatic copy (SQLite)."""
    import itb_tui.security.audit_chain as chain

    def broken_seal(*_args, **_kwargs):
        raise RuntimeError("simulated failure half-way through migration 0002")

    tables_before = _tables(v1_store)
    monkeypatch.setattr(chain, "seal", broken_seal)
    with pytest.raises(StoreError) as err:
        open_store(v1_store, today=TODAY)
    message = str(err.value)
    assert "simulated failure half-way" in message and "left as it was" in message and "\n" not in message
    assert _tables(v1_store) == tables_before and "users" not in tables_before
    assert _schema_version(v1_store) == "1"
    if v1_store.startswith("sqlite"):
        backup = Path(message.split("its automatic backup, taken before the attempt, is ", 1)[1])
        assert backup.exists() and stat.S_IMODE(backup.stat().st_mode) == 0o600
        old = sqlite3.connect(backup)
        assert old.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("1",)
        old.close()
    else:
        assert "backup" not in message  # PostgreSQL: the transactional upgrade is all or nothing
    monkeypatch.undo()
    with open_store(v1_store, today=TODAY) as store:  # the cause fixed, the next open upgrades
        assert store.upgrade.to_version == SCHEMA_VERSION and store.verify_audit().ok


def _failing_v1(db: Path) -> None:
    make_v1_sqlite(db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE audit SET at = 'not a time' WHERE id = 3")  # migration 0002 fails on it
    conn.commit()
    conn.close()


def _backups(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f"{db.name}.v1-backup-*"))


def test_failed_upgrades_retried_on_every_open_reuse_one_backup(tmp_path):
    db = tmp_path / "ward.db"
    _failing_v1(db)
    named = set()
    for _ in range(5):
        with pytest.raises(StoreError) as err:
            open_store(f"sqlite:///{db}", today=TODAY)
        named.add(str(err.value).rsplit(" is ", 1)[1])
    assert [str(p) for p in _backups(db)] == sorted(named) and len(named) == 1


def test_when_the_store_changes_between_failed_upgrades_at_most_three_backups_are_kept(tmp_path):
    from itb_tui.store.upgrade_backup import KEEP

    db = tmp_path / "ward.db"
    _failing_v1(db)
    for attempt in range(6):
        conn = sqlite3.connect(db)  # the old app, still in use, writes between the attempts
        conn.execute("UPDATE patients SET bed = ? WHERE mrn = 'B2002'", (f"bed {attempt}",))
        conn.commit()
        conn.close()
        with pytest.raises(StoreError) as err:
            open_store(f"sqlite:///{db}", today=TODAY)
        newest = Path(str(err.value).rsplit(" is ", 1)[1])
        copy = sqlite3.connect(newest)  # the copy named is the store as it was at this attempt
        assert copy.execute("SELECT bed FROM patients WHERE mrn = 'B2002'").fetchone() == (f"bed {attempt}",)
        copy.close()
        assert len(_backups(db)) == min(attempt + 1, KEEP)
    assert KEEP == 3


def test_the_entered_in_error_columns_sit_where_the_migrations_put_them(store_url):
    """The schema's EnteredInError mixin changes no table: same columns, same order, in a
    store built from the table classes and in one built by the migrations."""
    from sqlalchemy import inspect

    from itb_tui.store import schema
    from itb_tui.store.migrate import run_migrations

    with open_store(store_url, today=TODAY) as store:
        declared = {t: [c["name"] for c in inspect(store.engine).get_columns(t)] for t in schema.RECORD_KINDS.values()}
        with store.engine.begin() as conn:
            for t in ["alembic_version", *schema.metadata.sorted_tables[::-1]]:
                conn.execute(text(f'DROP TABLE "{getattr(t, "name", t)}"'))
            run_migrations(conn)
        migrated = {t: [c["name"] for c in inspect(store.engine).get_columns(t)] for t in schema.RECORD_KINDS.values()}
    assert declared == migrated
    # columns a later migration added (ADD COLUMN) follow them, in both stores alike
    added_later = {"bridging": ["stopped_on"]}
    for table, columns in declared.items():
        tail = columns[len(columns) - 3 - len(added_later.get(table, [])):]
        assert tail == ["entered_in_error_at", "entered_in_error_by", "entered_in_error_reason",
                        *added_later.get(table, [])]


def test_a_version_3_store_is_upgraded_keeping_every_bridging_row_with_no_stop_date(v1_store):
    """Migration 0004 adds `bridging.stopped_on` (revision 3): every bridging row, live or
    struck out in error, stays with its content, and its stop date is NULL (unknown, not
    guessed), so the engine reads those records as before."""
    from itb_tui.store.migrate import run_migrations

    engine = create_engine(v1_store)
    with engine.begin() as conn:
        run_migrations(conn, target="0003", stamp_first=True)
        v3_rows = conn.execute(text("SELECT id, patient_id, method, started_on, detail, entered_in_error_at"
                                    " FROM bridging ORDER BY id")).all()
    engine.dispose()
    assert len(v3_rows) == 2  # one live, one struck out in error
    store = open_store(v1_store, today=TODAY)
    try:
        assert (store.upgrade.from_version, store.upgrade.to_version) == (3, SCHEMA_VERSION)
        with store.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, patient_id, method, started_on, detail, entered_in_error_at,"
                                     " stopped_on FROM bridging ORDER BY id")).all()
        assert [r[:-1] for r in rows] == v3_rows and [r[-1] for r in rows] == [None, None]
        (a, _b) = store.load_patients()
        assert [(x.method, x.detail, x.stopped_on) for x in a.bridging] == \
            [("oral_baclofen", "20 mg three times daily", None)]
        assert store.verify_audit().ok and store.check().ok
        # the new column takes a stop date, audited like any field
        got = store.update_bridging(a.bridging[0].id, replace(a.bridging[0], stopped_on=TODAY), "os:root")
        assert got.bridging[0].stopped_on == TODAY and store.verify_audit().ok
    finally:
        store.close()
