"""Opening a store: the engine, SQLite's safety settings, file permissions (the schema
is `migrate.py`'s).

Any SQLAlchemy URL works with the same code; SQLite gets WAL (readers never block the
writer on a ward-round morning), foreign keys and a 5 s busy timeout on every connection,
and write transactions start with BEGIN IMMEDIATE so two writers queue instead of one of
them failing half-way. The file holds patient data, so it and a directory we create are
owner-only (0600/0700), and one that is not the app's own is refused (private_file.py).
Every failure becomes one `StoreError` line without the password.

SQLAlchemy is imported inside the functions that need it: the status command opens a
SQLite store with `sqlite3` alone (`reader.py`), applying the same `sqlite_settings`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from itb_tui.store.errors import StoreError
from itb_tui.store.waiting import WAITING, notify_waiting as _notify_waiting  # noqa: F401 - used by access.py

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 5000
# How long a write waits for another writer (an import of 10,000 patients takes well under
# a minute on the reference machine): `ITB_TUI_WRITE_WAIT_S` seconds, default 10 minutes.
DEFAULT_WRITE_WAIT_S = 600.0
_POLL_MS = 200


def write_wait_s() -> float:
    """The bound on waiting for the writer lock (ITB_TUI_WRITE_WAIT_S, seconds)."""
    try:
        value = float(os.environ.get("ITB_TUI_WRITE_WAIT_S", DEFAULT_WRITE_WAIT_S))
    except ValueError:
        return DEFAULT_WRITE_WAIT_S
    return value if value >= 0 else DEFAULT_WRITE_WAIT_S
def gave_up(waited_s: float) -> StoreError:
    return StoreError(f"another terminal has been writing to the store for {waited_s:.0f} s (an "
                      "import?); nothing was changed: try again when it has finished (the wait "
                      "is ITB_TUI_WRITE_WAIT_S)")


def _is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text or "locked" in text


def begin_immediate_waiting(dbapi_conn) -> None:
    """BEGIN IMMEDIATE, waiting for another writer up to `write_wait_s()`: polled in short
    steps so the wait can be announced once (never the words "database is locked")."""
    import time

    cur = dbapi_conn.cursor()
    start = time.monotonic()
    told = False
    try:
        cur.execute(f"PRAGMA busy_timeout={_POLL_MS}")
        while True:
            try:
                cur.execute("BEGIN IMMEDIATE")
                return
            except Exception as exc:  # sqlite3.OperationalError, imported lazily
                if not _is_busy(exc):
                    raise
                waited = time.monotonic() - start
                if waited >= write_wait_s():
                    raise gave_up(waited) from None
                if not told:
                    told = True
                    _notify_waiting()
    finally:
        try:
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        finally:
            cur.close()


def safe_url(url: str) -> str:
    """The URL as it may be shown: password hidden."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: show as given (it has no parseable password)
        return url


def describe(exc: BaseException, url: str | None = None) -> str:
    """One line from a database exception, without SQLAlchemy's background links or the
    password."""
    orig = getattr(exc, "orig", None) or exc
    lines = [ln.strip() for ln in str(orig).strip().splitlines() if ln.strip()]
    text = lines[0] if lines else type(orig).__name__
    if "database is locked" in text.lower():  # never these words to a user
        text = ("another terminal kept the store busy for too long; nothing was changed: "
                "try again in a moment")
    if url:
        from sqlalchemy.engine import make_url

        try:
            pw = make_url(url).password
        except Exception:
            pw = None
        if pw:
            text = text.replace(str(pw), "***")
    return text


def _prepare_sqlite_file(path: Path) -> None:
    """Create the directory (0700) and the empty database file (0600) if missing; refuse a
    store file, sidecar or directory that is not the app's own (store/private_file.py)."""
    from itb_tui.store import private_file

    try:
        if path.is_dir() and not path.is_symlink():
            raise StoreError(f"cannot open database {path}: it is a directory")
        parent = path.parent
        if not parent.exists():
            parent.mkdir(mode=0o700, parents=True)
            os.chmod(parent, 0o700)
        private_file.check_store(path)
        if not os.path.lexists(path):
            private_file.create_new(path)
    except StoreError:
        raise
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StoreError(f"cannot create database {path}: {reason.lower()}") from None


def sqlite_settings(dbapi_conn) -> None:
    """What every sqlite3 connection to a store gets: explicit transactions, the busy
    timeout, WAL and foreign keys."""
    # We issue BEGIN ourselves: pysqlite's implicit transactions cannot do BEGIN
    # IMMEDIATE and start too late for a consistent read.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
    finally:
        cur.close()


def _sqlite_listeners(engine: Engine) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        sqlite_settings(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if conn.get_execution_options().get("itb_write", False):
            begin_immediate_waiting(conn.connection.dbapi_connection)
        else:
            conn.exec_driver_sql("BEGIN")


def create_store_engine(url: str) -> Engine:
    """An engine for `url`, checked by connecting once; raises StoreError."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError
    from sqlalchemy.pool import StaticPool

    shown = safe_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"not a database URL or path: {shown!r}") from None
    backend = parsed.get_backend_name()
    kwargs: dict = {}
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            _prepare_sqlite_file(Path(database))
        else:  # in-memory: one shared connection, usable from worker threads
            kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    elif backend == "postgresql":
        # No pool_pre_ping: `_ping_if_idle` (below) pings only a connection that sat idle.
        kwargs = {"connect_args": {"connect_timeout": 10}}
    try:
        engine = create_engine(parsed, **kwargs)
    except NoSuchModuleError:
        raise StoreError(f"unsupported database URL {shown}: unknown dialect {parsed.drivername!r}") from None
    except ImportError as exc:
        raise StoreError(
            f"cannot open database {shown}: its driver is not installed ({exc.name or exc})"
        ) from None
    except (ArgumentError, TypeError, ValueError) as exc:
        raise StoreError(f"cannot open database {shown}: {describe(exc, url)}") from None
    if backend == "sqlite":
        _sqlite_listeners(engine)
    elif backend == "postgresql":
        _postgresql_listeners(engine)
    return engine


# A pooled PostgreSQL connection idle longer than this is pinged before use (one round
# trip); one used again sooner is not (issue 17: the lab listener's ACK, a round trip a
# message). A connection that died within the bound (the server restarted that second)
# fails its first statement: that write is refused in words, and the pool, told of the
# disconnect, opens a new connection for the next.
IDLE_PING_S = 2.0
_LAST_USED = "itb_last_used"


def _postgresql_listeners(engine: Engine) -> None:
    """Every connection holds its store's shared session lock, so `itb-tui restore`
    refuses while any session is connected (store/restore_pg.py); a connection taken from
    the pool after sitting idle is pinged first (`IDLE_PING_S`)."""
    import time

    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        from itb_tui.store.session_lock import hold_shared

        hold_shared(dbapi_conn)

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn, record, _proxy):
        from sqlalchemy.exc import DisconnectionError

        last = record.info.get(_LAST_USED)
        if last is not None and time.monotonic() - last <= IDLE_PING_S:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except Exception:  # noqa: BLE001 - any failure to ping: a dead connection
            alive = False
        if not alive:
            raise DisconnectionError("the pooled connection is gone")  # the pool opens another

    @event.listens_for(engine, "checkin")
    def _used(_dbapi_conn, record):
        record.info[_LAST_USED] = time.monotonic()
