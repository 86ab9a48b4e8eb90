"""The store's foundation: the engine, one transaction per call, and who is acting.

Split from `store.py` so each part stays small: this holds what every store method needs
(transactions, the writer lock, the role check, the audit row); `store.py` the clinical
reads and writes, `users.py` accounts and sign-in, `maintenance.py` check, backup and
the audit trail's verification.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from typing import Any, Callable, Iterator

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from itb_tui.security.roles import can
from itb_tui.security.session import Session
from itb_tui.store import audit
from itb_tui.store import schema as s
from itb_tui.store.connect import describe, safe_url
from itb_tui.store.errors import AccountDisabled, PermissionDenied, StoreError

DEMO_KIND = "demo"


def today_callable(today) -> Callable[[], date]:
    if today is None:
        from itb_tui.dates import today as system_today

        return system_today
    if isinstance(today, date):
        return lambda: today
    return today


def clean_actor(actor: str) -> str:
    text = " ".join(str(actor or "").split())
    if not text:
        raise StoreError("who is making the change is required (actor)")
    return text[:100]


def _lock_head_waiting(conn: Connection) -> None:
    """PostgreSQL's writer lock (the chain head row, FOR UPDATE), waited for up to
    `write_wait_s()` like SQLite's: a short first try so the wait is announced once, then
    the rest of the bound (lock_timeout); past it a StoreError in words."""
    import time

    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from itb_tui.store import connect

    # No other writer (the usual case): locked in one round trip, instead of five (the
    # lock timeout set and reset, a savepoint taken and released, the locking read).
    if audit.locked_head_if_free(conn) is not None:
        return
    start = time.monotonic()
    conn.execute(text("SET LOCAL lock_timeout = '200ms'"))
    try:
        point = conn.begin_nested()
        try:
            audit.locked_head(conn)
            point.commit()
            return
        except OperationalError:
            point.rollback()
        connect._notify_waiting()
        remaining_ms = max(1, int((connect.write_wait_s() - (time.monotonic() - start)) * 1000))
        conn.execute(text(f"SET LOCAL lock_timeout = '{remaining_ms}ms'"))
        try:
            audit.locked_head(conn)
        except OperationalError:
            raise connect.gave_up(time.monotonic() - start) from None
    finally:
        if conn.in_transaction() and not conn.invalidated:
            try:
                conn.execute(text("SET LOCAL lock_timeout = 0"))
            except Exception:  # noqa: BLE001 - the transaction failed: it is rolled back anyway
                pass


class Access:
    """Engine, transactions and the acting user; see `Store` for the public methods."""

    def __init__(self, engine: Engine, *, today=None, rules=None, session: Session | None = None,
                 owns_engine: bool = True, upgrade=None):
        self._engine = engine
        self._today = today_callable(today)
        self._rules = rules
        self._session = session
        self._owns_engine = owns_engine
        self.url = safe_url(engine.url.render_as_string(hide_password=False))
        self.dialect = engine.dialect.name
        # What opening did to the schema (a migrate.Upgrade), for the shell to report.
        self.upgrade = upgrade
        # Makes the ward-list rows of the patients a write changed (Store.keep_list_rows).
        self._row_maker = None

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (diagnostics and tests; callers never build queries)."""
        return self._engine

    @property
    def session(self) -> Session | None:
        """The signed-in user this store acts for; None for the system store."""
        return self._session

    # --- life cycle --------------------------------------------------------------------
    def close(self) -> None:
        """Close the store (a store from `for_user` shares its parent's engine: the parent
        closes it)."""
        if self._owns_engine:
            self._engine.dispose()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def for_user(self, session: Session):
        """This store, acting for the signed-in `session` (from `authenticate`, or the demo
        session on the demo store only). Its writes check the user's roles and its audit
        rows carry the user name."""
        if not isinstance(session, Session):
            raise StoreError("for_user needs the Session returned by authenticate")
        if not session.demo:
            from itb_tui.store.users import session_is_minted

            # Sessions are minted only by the store's sign-in: a hand-made Session (or one
            # with its roles edited) would otherwise act as anyone without a password.
            if not session_is_minted(session):
                raise StoreError("for_user needs the Session returned by this store's sign-in "
                                 "(authenticate): a session made any other way is refused")
        if session.demo:
            with self._tx() as conn:
                kind = conn.execute(select(s.meta.c.value).where(s.meta.c.key == "kind")).scalar()
            if kind != DEMO_KIND:
                raise StoreError("the demo sign-in is only for the demo store: sign in with a user name")
        bound = type(self)(self._engine, today=self._today, rules=self._rules, session=session,
                           owns_engine=False, upgrade=self.upgrade)
        bound._row_maker = self._row_maker
        return bound

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[Connection]:
        """One transaction. Reads see one consistent snapshot (a ward list assembled from
        seven queries must not mix two moments); writes take the writer lock up front
        (SQLite: BEGIN IMMEDIATE; PostgreSQL: the audit chain head row), so writers queue
        and a version check and the write it guards are one atomic step."""
        from itb_tui.store import witness

        try:
            with self._engine.connect() as conn:
                if write:
                    conn.execution_options(itb_write=True)
                elif self.dialect == "postgresql":
                    conn.execution_options(isolation_level="REPEATABLE READ")
                head = token = None
                with conn.begin():
                    try:
                        if write and self.dialect != "sqlite":
                            _lock_head_waiting(conn)
                        if write:
                            audit.defer(conn)
                        yield conn
                        if write:
                            changed = audit.pending_mrns(conn)
                            # The audit rows are sealed with the digests of the rows as
                            # committed, and the witness hears of the new head (audit.py,
                            # witness.py), all before the commit; on PostgreSQL the
                            # entries, the head and the witness row in one round trip.
                            seen: list = []
                            head = audit.flush(conn, then=lambda c, h: seen.append(witness.before_commit(c, h)))
                            token = seen[0] if seen else None
                            if changed and self._row_maker is not None:
                                self._save_changed_rows(conn, changed)  # store.py
                    finally:
                        if write:
                            audit.discard(conn)
                if head is not None:
                    witness.after_commit(token, head)
        except StoreError:
            raise
        except IntegrityError as exc:
            raise StoreError(f"the change conflicts with stored data: {describe(exc)}") from None
        except (DBAPIError, SQLAlchemyError) as exc:
            raise StoreError(f"database {self.url}: {describe(exc)}") from None

    # --- who is acting -----------------------------------------------------------------
    def _roles(self, conn: Connection) -> frozenset[str] | None:
        """The acting user's roles as the database has them now; None for the system."""
        session = self._session
        if session is None:
            return None
        if session.demo:
            return frozenset(session.roles)
        from itb_tui.store import users

        user = users.get(conn, session.user)
        if user is None or user.disabled_at is not None:
            raise AccountDisabled(f"user {session.user} is disabled or no longer exists: "
                                  "nothing was changed")
        return frozenset(user.roles)

    def _require(self, conn: Connection, action: str) -> frozenset[str] | None:
        """Refuse (PermissionDenied, before any write) unless the acting user may `action`."""
        roles = self._roles(conn)
        if roles is not None and not can(roles, action):
            raise PermissionDenied(roles, action)
        return roles

    def _who(self, actor: str | None) -> str:
        """The audit row's actor: the signed-in user, else the caller's `actor` (None, for
        the account and maintenance methods: the operating-system user, `os:<name>`)."""
        if self._session is not None:
            return self._session.user
        if actor is None:
            from itb_tui.security.actors import os_actor

            return os_actor()
        return clean_actor(actor)

    @property
    def _username(self) -> str | None:
        return self._session.user if self._session is not None else None

    def _audit(self, conn, *, actor, action, table, record_id, mrn, before, after, reason=None, at=None):
        audit.write(conn, [audit.row(at=at or audit.now_utc(), actor=actor, action=action, table=table,
                                     record_id=record_id, mrn=mrn, before=before, after=after,
                                     reason=reason)], username=self._username)

    def _meta(self, conn: Connection, key: str) -> Any:
        return conn.execute(select(s.meta.c.value).where(s.meta.c.key == key)).scalar()
