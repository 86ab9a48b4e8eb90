"""Stores as the schema-version-1 code (before users, the hash chain and Alembic) wrote
them, to prove an old store is upgraded on open. Synthetic data only."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, text

V1_SQL = Path(__file__).with_name("data") / "v1_store.sql"
ORDER = ["patients", "pumps", "refills", "cultures", "antifungal_courses", "bridging", "exams", "audit", "meta"]


def make_v1_sqlite(path: Path) -> None:
    """A store exactly as the schema-version-1 code wrote it (its own .dump)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(V1_SQL.read_text(encoding="utf-8"))
    conn.close()
    os.chmod(path, 0o600)


def make_v1_postgres(url: str) -> None:
    """The v1 tables built by migration 0001 (what create_all made then), without Alembic's
    table (the v1 code had none), filled with the same rows as the SQLite fixture."""
    from itb_tui.store.migrate import run_migrations

    engine = create_engine(url)
    inserts = [ln for ln in V1_SQL.read_text(encoding="utf-8").splitlines() if ln.startswith("INSERT INTO")]
    inserts.sort(key=lambda ln: ORDER.index(ln.split('"')[1]))
    with engine.begin() as conn:
        run_migrations(conn, target="0001")
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text("DELETE FROM meta"))
        for line in inserts:
            conn.exec_driver_sql(line.replace("%", "%%"))
        for table in ORDER[:-1]:  # SERIAL sequences as the v1 code's inserts left them
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))
    engine.dispose()
