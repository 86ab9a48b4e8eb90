"""Writes whose results nobody reads, sent to PostgreSQL together: one round trip for
several statements (issue 17: on a busy machine the round trips, not the SQL, are the
cost of a laboratory message).

`together(conn)` is psycopg's pipeline mode around SQLAlchemy statements that return
nothing the caller reads (INSERT without RETURNING, an UPDATE whose row count nobody
checks, SAVEPOINT/RELEASE): they are sent as they are executed and their results read
back once, at the end of the block. A read inside the block would see no rows (its
result is not there yet), so callers put only such writes in it. SQLite has no round
trips: the statements simply run one after another.

An error of any statement in the block arrives at its end, as a psycopg error (not a
SQLAlchemy one): it is raised as the SQLAlchemy error it would have been, so the store's
transaction turns it into one StoreError line as ever.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator


def pipeline_connection(conn):
    """The psycopg connection under `conn` when it can pipeline, else None."""
    if conn.dialect.name != "postgresql":
        return None
    pg = getattr(conn.connection, "driver_connection", None)
    try:
        import psycopg
    except ImportError:  # another PostgreSQL driver: one statement at a time
        return None
    if not isinstance(pg, psycopg.Connection) or not psycopg.Pipeline.is_supported():
        return None
    return pg


@contextmanager
def together(conn) -> Iterator[None]:
    """Run the block's writes in one round trip on PostgreSQL (module notes)."""
    pg = pipeline_connection(conn)
    if pg is None or pg._pipeline is not None:  # SQLite, another driver, or already in one
        yield
        return
    import psycopg
    from sqlalchemy.exc import DBAPIError, IntegrityError

    try:
        with pg.pipeline():
            yield
    except psycopg.IntegrityError as exc:
        raise IntegrityError("pipelined write", None, exc) from None
    except psycopg.Error as exc:
        raise DBAPIError("pipelined write", None, exc) from None


# --- statements that wait for the next round trip ------------------------------------
_QUEUE = "itb_sql_queued"  # conn.info: SQL to send before (or with) the next statement


def queue(conn, sql: str) -> None:
    """Send `sql` (no parameters, no result read: a SAVEPOINT) with the next round trip
    of `conn`: the next pipeline that takes it (`take`: lab_reads.py), else just before
    the next statement, whatever runs it (a SQLAlchemy event on the engine)."""
    from sqlalchemy import event

    engine = conn.engine
    if not event.contains(engine, "before_cursor_execute", _send_first):
        event.listen(engine, "before_cursor_execute", _send_first)
    conn.info.setdefault(_QUEUE, []).append(sql)


def take(conn) -> list[str]:
    """The queued statements, for a pipeline that sends them first."""
    return conn.info.pop(_QUEUE, None) or []


def unsend(conn, sql: str) -> bool:
    """Take `sql` back if it was never sent; True if so (then it never ran)."""
    queued = conn.info.get(_QUEUE) or []
    if sql in queued:
        queued.remove(sql)
        return True
    return False


def send_queued(cursor, conn) -> None:
    """Run the queued statements now on the DB-API `cursor` (a plain read follows)."""
    for sql in take(conn):
        cursor.execute(sql)


def _send_first(conn, cursor, statement, parameters, context, executemany) -> None:
    if conn.info.get(_QUEUE):
        send_queued(cursor, conn)
