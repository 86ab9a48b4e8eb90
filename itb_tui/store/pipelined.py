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


# --- writes whose RETURNING rows are read, several in one round trip -----------------

def returning(conn, statements: list) -> list:
    """Run the INSERT/UPDATE ... RETURNING `statements` (of one row each), in order; the
    row each returned (a mapping, typed as SQLAlchemy types it). On PostgreSQL several go
    in one round trip: compiled by SQLAlchemy for this dialect, sent in one pipeline, each
    result typed by its column's own result processor, as `conn.execute` would."""
    pg = pipeline_connection(conn)
    if pg is None or len(statements) < 2 or pg._pipeline is not None or conn.info.get(_QUEUE):
        return [conn.execute(st).mappings().one() for st in statements]
    import psycopg
    from sqlalchemy.exc import DBAPIError, IntegrityError

    compiled = [_compiled(conn, st) for st in statements]
    cursors = []
    try:
        try:
            with pg.pipeline():
                for c, params in compiled:
                    cur = pg.cursor()
                    cur.execute(c.string, params)
                    cursors.append(cur)
            return [_typed(conn, st, cur) for st, cur in zip(statements, cursors)]
        finally:
            for cur in cursors:
                cur.close()
    except psycopg.IntegrityError as exc:
        raise IntegrityError(compiled[0][0].string, None, exc) from None
    except psycopg.Error as exc:
        raise DBAPIError(compiled[0][0].string, None, exc) from None


def _compiled(conn, statement) -> tuple:
    """The statement compiled for this dialect and its bound parameters, from the
    engine's cache of compiled statements as `conn.execute` uses it (compiling a write
    afresh costs more than its round trip); compiled afresh if that cache is not there."""
    try:
        found = statement._compile_w_cache(dialect=conn.dialect, compiled_cache=conn.engine._compiled_cache,
                                           column_keys=[], for_executemany=False, schema_translate_map=None)
        if len(found) == 4:  # SQLAlchemy 2.1: (compiled, extracted, collected, cache hit)
            compiled, extracted, collected, _ = found
            params = compiled.construct_params(extracted_parameters=extracted, _collected_params=collected)
        else:  # 2.0: (compiled, extracted, cache hit)
            compiled, extracted, _ = found
            params = compiled.construct_params(extracted_parameters=extracted)
    except Exception:  # noqa: BLE001 - SQLAlchemy's internals moved: compile it afresh
        compiled = statement.compile(dialect=conn.dialect)
        params = compiled.construct_params()
    return compiled, _bound(compiled, params)


def _bound(compiled, params: dict) -> dict:
    for name, process in (compiled._bind_processors or {}).items():
        if name in params and process is not None:
            params[name] = process(params[name])
    return params


def _typed(conn, statement, cur) -> dict:
    row = cur.fetchone()
    if row is None or cur.fetchone() is not None:
        from sqlalchemy.exc import NoResultFound

        raise NoResultFound("a write meant for exactly one row")
    out = {}
    columns = statement._returning  # the table's columns, as .returning(*table.c) named them
    for col, desc, value in zip(columns, cur.description, row):
        process = col.type._cached_result_processor(conn.dialect, desc.type_code)
        out[col.name] = process(value) if process is not None and value is not None else value
    return out
