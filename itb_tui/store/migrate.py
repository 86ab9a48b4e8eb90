"""Schema versions: a new store is created at the newest version, an older one is upgraded
on open (after an automatic backup), a newer one is refused.

How a store's version is known: `meta.schema_version` (1, 2, ...; every version of the
app reads it, so even code written before Alembic refuses a newer store) and Alembic's
`alembic_version` table (the revision). A store written before migrations existed has
schema_version 1 and no alembic_version: it is stamped at revision 0001, then upgraded.

Why the checks avoid Alembic on the common path: opening a current store only reads two
small tables; Alembic (and the migration scripts) are imported only to upgrade. A new
store is created from the table classes directly (and stamped at the head revision); a
test proves the migrations from an empty database build exactly that same schema.

Safety: an upgrade runs in ONE write transaction (SQLite and PostgreSQL both have
transactional DDL), so a crash mid-upgrade leaves the old version intact; concurrent
openers wait for the writer lock (SQLite) or an advisory lock (PostgreSQL) and then see
the store already upgraded. On SQLite a copy is made first with the online backup API,
next to the file (`ward.db.v1-backup-<UTC time>`, owner-only; a failed upgrade says where
it is, and repeated attempts reuse an identical copy and keep at most three: see
`upgrade_backup.py`). On PostgreSQL no file is
made (the server's own backups apply; `itb-tui backup` runs pg_dump before an upgrade if
wanted): the transactional upgrade is all-or-nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table, insert, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from itb_tui.store import schema as s
from itb_tui.store.connect import describe, safe_url
from itb_tui.store.errors import StoreError

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")
# Any fixed number: PostgreSQL advisory lock taken while creating or upgrading the schema.
_PG_LOCK_KEY = 0x17B_7011

alembic_version = Table(
    "alembic_version", MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


@dataclass(frozen=True, slots=True)
class SchemaState:
    has_meta: bool
    version: int | None  # meta.schema_version
    revision: str | None  # alembic_version.version_num
    other_tables: bool  # tables but no meta: not an itb-tui store

    @property
    def fresh(self) -> bool:
        return not self.has_meta and not self.other_tables

    @property
    def current(self) -> bool:
        return self.version == s.SCHEMA_VERSION and self.revision == s.HEAD_REVISION


@dataclass(frozen=True, slots=True)
class Upgrade:
    """What opening the store did to its schema (None when nothing was needed)."""

    from_version: int
    to_version: int
    backup: str | None  # the copy made first (SQLite), else None


def read_state(conn: Connection) -> SchemaState:
    dialect = conn.dialect
    if not dialect.has_table(conn, "meta"):
        others = bool(dialect.get_table_names(conn))
        return SchemaState(False, None, None, others)
    value = conn.execute(select(s.meta.c.value).where(s.meta.c.key == "schema_version")).scalar()
    try:
        version = int(value) if value is not None else None
    except ValueError:
        version = None
    revision = None
    if dialect.has_table(conn, "alembic_version"):
        revision = conn.execute(select(alembic_version.c.version_num)).scalar()
    return SchemaState(True, version, revision, False)


def _refuse(state: SchemaState, shown: str) -> None:
    """Raise for a store this code must not touch: newer, damaged, or not ours."""
    if state.other_tables:
        raise StoreError(f"database {shown} is not an itb-tui store (it has other tables and no "
                         "itb-tui schema version): give another file or database")
    if state.version is None:
        raise StoreError(f"database {shown} has no schema version: it is damaged or not an "
                         "itb-tui store")
    newer_revision = state.revision is not None and state.revision not in s.REVISIONS
    if state.version > s.SCHEMA_VERSION or newer_revision:
        rev = f", revision {state.revision}" if newer_revision else ""
        raise StoreError(
            f"database {shown} has schema version {state.version}{rev}, written by a newer "
            f"itb-tui; this one knows only up to version {s.SCHEMA_VERSION}: upgrade itb-tui"
        )
    if state.version < 1:
        raise StoreError(f"database {shown} has an impossible schema version {state.version}")


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})


def ensure_schema(engine: Engine, url: str) -> Upgrade | None:
    """Make the store at `url` current: create, upgrade (backup first), or refuse."""
    shown = safe_url(url)
    try:
        with engine.connect() as conn:
            with conn.begin():
                state = read_state(conn)
        if state.current:
            return None
        if not state.fresh:
            _refuse(state, shown)
        if state.fresh:
            _create(engine, shown)
            return None
        return _upgrade(engine, url, shown, state)
    except StoreError:
        raise
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        engine.dispose()
        raise StoreError(f"cannot open database {shown}: {describe(exc, url)}") from None


def _create(engine: Engine, shown: str) -> None:
    from itb_tui.store import audit

    with engine.connect() as conn:
        conn.execution_options(itb_write=True)
        with conn.begin():
            _lock(conn)
            state = read_state(conn)  # another process may have been first
            if not state.fresh:
                if not state.current:
                    _refuse(state, shown)
                return
            s.metadata.create_all(conn)
            alembic_version.create(conn)
            conn.execute(insert(alembic_version), [{"version_num": s.HEAD_REVISION}])
            conn.execute(insert(s.meta), [{"key": "schema_version", "value": str(s.SCHEMA_VERSION)}])
            audit.init_head(conn)
            audit.restrict_privileges(conn)
            witness_start(conn)


def _upgrade(engine: Engine, url: str, shown: str, state: SchemaState) -> Upgrade | None:
    from itb_tui.paths import sqlite_path
    from itb_tui.store.upgrade_backup import backup_before_upgrade

    path = sqlite_path(url) if engine.dialect.name == "sqlite" else None
    backup = None
    if path is not None:
        backup = str(backup_before_upgrade(Path(path), state.version))
    try:
        with engine.connect() as conn:
            conn.execution_options(itb_write=True)
            with conn.begin():
                _lock(conn)
                now = read_state(conn)
                if now.current:  # another process upgraded it while we copied
                    return None
                _refuse(now, shown)
                run_migrations(conn, stamp_first=now.revision is None)
                if now.version < 6:
                    witness_start(conn, baseline=True)
    except StoreError:
        raise
    except Exception as exc:  # a migration failed: its transaction was rolled back whole
        engine.dispose()
        copy = f"; its automatic backup, taken before the attempt, is {backup}" if backup else ""
        raise StoreError(f"cannot upgrade database {shown} from schema version {state.version}: "
                         f"{describe(exc)}; the store was left as it was{copy}") from None
    return Upgrade(from_version=state.version, to_version=s.SCHEMA_VERSION, backup=backup)


def witness_start(conn: Connection, *, baseline: bool = False) -> None:
    """Schema 6: a new store's witness starts at the empty trail; an upgraded store first
    gets one `baseline` audit entry per clinical table with the digests of the rows it holds
    (what `check` compares them with from now on: a row changed by hand BEFORE the upgrade
    cannot be told apart), then its witness starts at the new head (store/witness.py)."""
    from itb_tui.store import audit, rowdigest, witness

    if baseline:
        from itb_tui.security.actors import os_actor

        rows = []
        for b in rowdigest.baseline_rows(conn):
            r = audit.row(at=audit.now_utc(), actor=os_actor(), action="baseline", table=b["table"],
                          record_id=None, mrn=None, before=None, after={"rows": len(b["digests"])},
                          reason="schema 5: the rows held when the audit trail began covering every row")
            r["row_digests"] = audit.digests_text(b["digests"])
            rows.append(r)
        audit.append_now(conn, rows)
    witness.start(conn, audit.read_head(conn))


def alembic_config(conn: Connection):
    """Alembic configured in code (no alembic.ini, nothing read from the current directory)
    to run on `conn` inside the caller's transaction."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    cfg.attributes["connection"] = conn
    return cfg


def run_migrations(conn: Connection, *, target: str = "head", stamp_first: bool = False) -> None:
    """Upgrade the schema on `conn` (already in a write transaction) to `target`.
    `stamp_first`: the store predates Alembic (schema version 1): mark it at 0001 first."""
    from alembic import command

    if stamp_first:
        alembic_version.create(conn, checkfirst=True)
        conn.execute(insert(alembic_version), [{"version_num": "0001"}])
    command.upgrade(alembic_config(conn), target)
