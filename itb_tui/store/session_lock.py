"""PostgreSQL: every itb-tui session holds a SHARED advisory lock on its store's schema,
so `itb-tui restore` (store/restore_pg.py), which takes it EXCLUSIVELY without waiting,
knows no other session is connected, and a session opening during a restore waits for it.

Its own module (no imports) so the engine set-up (connect.py) and the restore share the
keys without an import cycle."""

from __future__ import annotations

# The lock's first key: "itb-tui store" (any fixed number); the second is the schema's
# name hashed, so stores in different schemas of one database do not collide.
LOCK_CLASS = 0x17B7
SCHEMA_KEY = "(hashtext({}) & 2147483647)"


def hold_shared(dbapi_conn) -> None:
    """Called on every new PostgreSQL connection of the app. Committed at once so the
    connection starts with no transaction open (the lock is the session's, not the
    transaction's)."""
    cur = dbapi_conn.cursor()
    try:
        cur.execute(f"SELECT pg_advisory_lock_shared({LOCK_CLASS}, {SCHEMA_KEY.format('current_schema()')})")
    finally:
        cur.close()
    dbapi_conn.commit()
