"""A file import's laboratory messages committed together (issue 17: >= 10,000 ORU
messages a minute on PostgreSQL, where a commit per message, with its fsync and the
writer lock taken and the witness row written each time, was half the cost).

`itb-tui results import` writes through a `LabBatch` (Store.lab_batch): up to
`MAX_MESSAGES` messages, or as many as fit in `MAX_SECONDS`, in ONE transaction, each in
a SAVEPOINT of its own:
- a message that fails (quarantined by the rules, refused by the database) rolls back
  only its savepoint; the others of the batch stand, exactly as if each had been its
  own transaction;
- each message's audit entries are sealed at the end of its savepoint (audit.seal_step),
  with the digests of its rows as that message leaves them: the trail is the one a
  message-by-message import writes (same entries, same row digests); the witness hears
  of the head once per batch (`check` compares the head with it);
- nothing is acknowledged before the commit: a batch whose commit fails (or the process
  stopped mid-batch) is rolled back whole, and the command says how many messages were
  committed; running the same file again stores the rest (the ones stored are
  recognised as duplicates: same accession, same result).
Why the bounds: the batch holds the writer lock (PostgreSQL: the chain head row;
SQLite: BEGIN IMMEDIATE) for its duration, so a ward terminal saving meanwhile waits up
to `MAX_SECONDS`, under the 200 ms of its first, silent try (access.py), instead of a
few milliseconds (SQLite: and a gap of `SQLITE_GAP_S` between batches for it to get
in). The MLLP listener keeps a commit per message: its ACK means stored.

On PostgreSQL the savepoint's release goes in the same round trip as the message's
audit entries and chain head (store/pipelined.py).
"""

from __future__ import annotations

import time
from contextlib import ExitStack, contextmanager
from datetime import date
from typing import Any, Iterator, Sequence

from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from itb_tui.store import audit, pipelined
from itb_tui.store.connect import describe
from itb_tui.store.errors import BatchLost, StoreError

MAX_MESSAGES = 100
MAX_SECONDS = 0.15
SQLITE_GAP_S = 0.02
SAVEPOINT = "itb_lab_message"
_BEGIN = f"SAVEPOINT {SAVEPOINT}"


class LabBatch:
    """The lab-feed writes of `Store` (apply_lab_message, quarantine_lab_message), into
    batches (module notes). Use as a context manager: leaving it commits the open batch
    (or, on an exception, rolls it back); `due()` says when to `commit()` earlier."""

    def __init__(self, store, *, max_messages: int | None = None, max_seconds: float | None = None) -> None:
        self._store = store
        self._max_messages = MAX_MESSAGES if max_messages is None else max_messages
        self._max_seconds = MAX_SECONDS if max_seconds is None else max_seconds
        self._stack: ExitStack | None = None
        self._conn = None
        self._started = 0.0
        self.pending = 0  # messages in the open batch (not yet committed)
        self.committed = 0  # messages committed so far

    def __enter__(self) -> "LabBatch":
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            self.commit()
        else:
            self.rollback()

    # --- the store's lab-feed writes, in the batch ----------------------------------------
    def apply_lab_message(self, *, mrn: str, dob: date | None, reports: Sequence[Any], control_id: str,
                          raw: str, source: str | None, actor: str):
        """Store.apply_lab_message, in the open batch."""
        from itb_tui.store.lab_quarantine import _Quarantine

        store = self._store
        who = store._who(actor)
        try:
            with self._step() as conn:
                roles = store._require(conn, "import")
                out = store._apply(conn, roles, mrn, dob, list(reports), control_id, who)
        except _Quarantine as exc:
            # Rolled back to the savepoint (it wrote nothing: every check comes first).
            return self.quarantine_lab_message(raw=raw, reason=str(exc), control_id=control_id, mrn=mrn,
                                               source=source, actor=actor)
        self.pending += 1
        return out

    def quarantine_lab_message(self, *, raw: str, reason: str, control_id: str | None, mrn: str | None,
                               source: str | None, actor: str):
        """Store.quarantine_lab_message, in the open batch."""
        who = self._store._who(actor)
        with self._step() as conn:
            out = self._store._quarantine(conn, who, raw=raw, reason=reason, control_id=control_id, mrn=mrn,
                                          source=source)
        self.pending += 1
        return out

    # --- the batch ------------------------------------------------------------------------
    def due(self) -> bool:
        """True when the open batch is full (messages or time): commit it now."""
        return self._stack is not None and (self.pending >= self._max_messages
                                            or time.monotonic() - self._started >= self._max_seconds)

    def commit(self) -> int:
        """Commit the open batch; how many messages it held. BatchLost when the commit
        fails (nothing of the batch stored)."""
        stack, self._stack, self._conn = self._stack, None, None
        held, self.pending = self.pending, 0
        if stack is None:
            return 0
        try:
            stack.close()  # the store transaction's end: the witness, the commit
        except StoreError as exc:
            raise BatchLost(str(exc), held) from None
        self.committed += held
        if self._store.dialect == "sqlite":
            # A ward terminal waiting to save polls for the lock (SQLite's busy handler,
            # every 1 to 50 ms): leave it a gap between batches to get in (PostgreSQL
            # queues the waiting writer on the lock itself). Measured during a 3,000-
            # message import: a save waited up to 0.5 s with 20 ms, 0.9 s with 10 ms,
            # 1.2 s with 5 ms, 7.8 s with none; 1.8 s with a commit per message (before).
            time.sleep(SQLITE_GAP_S)
        return held

    def rollback(self) -> int:
        """Abandon the open batch; how many messages it held (none of them stored)."""
        stack, self._stack, self._conn = self._stack, None, None
        held, self.pending = self.pending, 0
        if stack is not None:
            try:
                stack.__exit__(_Abandoned, _Abandoned(), None)
            except Exception:  # noqa: BLE001 - rolling back a broken connection: it is gone anyway
                pass
        return held

    def _begin(self) -> None:
        stack = ExitStack()
        self._conn = stack.enter_context(self._store._tx(write=True))  # the writer lock, waited for
        self._stack, self._started = stack, time.monotonic()

    @contextmanager
    def _step(self) -> Iterator[Any]:
        """One message: its savepoint, its audit entries sealed at its end; rolled back
        alone when it fails (the error raised as the store raises it)."""
        if self._stack is None:
            self._begin()
        conn = self._conn
        state = audit.step_state(conn)
        # Sent with the message's first read (one round trip: lab_reads.py), or just
        # before whatever statement comes first (store/pipelined.py).
        pipelined.queue(conn, _BEGIN)
        try:
            yield conn
            audit.seal_step(conn, then=_release)
        except Exception as exc:
            self._back(conn, state, exc)
            if isinstance(exc, IntegrityError):
                raise StoreError(f"the change conflicts with stored data: {describe(exc)}") from None
            if isinstance(exc, (DBAPIError, SQLAlchemyError)):
                raise StoreError(f"database {self._store.url}: {describe(exc)}") from None
            raise

    def _back(self, conn, state: tuple, exc: BaseException) -> None:
        """Back to the message's savepoint; a connection that cannot even do that loses
        the batch (BatchLost)."""
        if not pipelined.unsend(conn, _BEGIN):  # the savepoint was taken: back to it
            try:
                conn.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")
                conn.exec_driver_sql(f"RELEASE SAVEPOINT {SAVEPOINT}")
            except (DBAPIError, SQLAlchemyError):
                raise self._lost(exc) from None
        audit.drop_step(conn, state)

    def _lost(self, exc: BaseException) -> BatchLost:
        why = describe(exc) if isinstance(exc, (DBAPIError, SQLAlchemyError)) else str(exc)
        held = self.rollback()
        return BatchLost(f"database {self._store.url}: {why}", held)


class _Abandoned(Exception):
    """Thrown into the batch's transaction to roll it back."""


def _release(conn, _head) -> None:
    if not pipelined.unsend(conn, _BEGIN):  # a message that ran no statement took no savepoint
        conn.exec_driver_sql(f"RELEASE SAVEPOINT {SAVEPOINT}")
