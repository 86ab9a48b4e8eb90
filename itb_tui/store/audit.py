"""The audit trail: who changed what, when and why, with the record before and after,
chained by hash so a changed, removed or reordered entry is detected.

Every write adds its rows in the same transaction as the change, so the trail can never
miss a committed change nor record one that was rolled back. Rows are only ever appended.

The chain (see `itb_tui.security.audit_chain`): each row is sealed over exactly the values
stored in its columns (`HASHED`), linked to the previous row's hash. Ids are given here,
previous id + 1, never by a sequence: a rolled-back transaction on PostgreSQL would leave
a gap in a sequence, which would read as a deleted entry. The `meta` row `audit_head`
("<last id> <last hash>") is read and rewritten by every writer, under the writer lock
(SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE on that row, taken by the
store at the start of every write transaction). It also tells `verify` how many entries
there must be, so deleting the newest ones is detected.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterator

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from itb_tui.security.audit_chain import GENESIS, VerifyResult, seal, verify_chain
from itb_tui.store import schema as s
from itb_tui.store.errors import StoreError

ACTIONS = (
    "create", "update", "entered_in_error", "import",  # clinical data and users
    "login", "login_failed",  # sign-ins (table "users")
    "backup",  # a copy of the store was made
    "restore",  # the store was replaced by a backup (itb-tui restore)
    "baseline",  # the digests of the rows a store held when row digests began (schema 5)
    "disclose",  # patient data left the store on paper (the nurse's round sheet)
    "defer",  # a round task put off to a date, with a reason (issue 16; table task_deferrals)
    "review",  # a patient marked reviewed on the round (issue 16; table reviews)
)
HEAD_KEY = "audit_head"
_LOCKED_HEAD = "itb_audit_locked_head"  # conn.info: the head `locked_head` read
# The columns each hash covers, as stored (before/after are the JSON text itself).
# `row_digests` (schema 5): the digest of each row the entry's write left (rowdigest.py),
# hashed only when present, so entries written before it existed verify unchanged.
HASHED = ("id", "at", "actor", "username", "action", "table_name", "record_id", "mrn",
          "before", "after", "reason", "row_digests")
OPTIONAL_HASHED = frozenset({"row_digests"})
_PENDING = "itb_audit_pending"
_SEALED = "itb_audit_sealed"  # conn.info: (head, MRNs) of the batch steps sealed so far


from itb_tui.store.audit_entry import AuditEntry  # noqa: E402,F401  (its home: no SQL imports)


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def _utc(value: datetime) -> datetime:
    """SQLite hands back the UTC time it was given without its zone: put it back."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def row(*, at: datetime, actor: str, action: str, table: str, record_id: int | None,
        mrn: str | None, before: dict | None, after: dict | None, reason: str | None) -> dict:
    """One audit row ready for `write` (before/after as JSON text)."""
    assert action in ACTIONS, action
    return {
        "at": _utc(at), "actor": actor, "action": action, "table_name": table,
        "record_id": record_id, "mrn": mrn,
        "before": None if before is None else json.dumps(before, sort_keys=True, ensure_ascii=False),
        "after": None if after is None else json.dumps(after, sort_keys=True, ensure_ascii=False),
        "reason": reason,
    }


# --- the chain head -------------------------------------------------------------------

def _parse_head(value: str | None) -> tuple[int, str]:
    try:
        last_id, last_hash = str(value).split()
        return int(last_id), last_hash
    except (ValueError, AttributeError):
        raise StoreError("the audit trail's chain head is damaged: run itb-tui check") from None


def read_head(conn: Connection, *, lock: bool = False) -> tuple[int, str]:
    """(last id, last hash) of the trail. `lock` takes the row lock on PostgreSQL
    (SQLite's BEGIN IMMEDIATE already holds the database's write lock)."""
    q = select(s.meta.c.value).where(s.meta.c.key == HEAD_KEY)
    if lock and conn.dialect.name != "sqlite":
        q = q.with_for_update()
    value = conn.execute(q).scalar()
    if value is None:
        raise StoreError("the audit trail has no chain head: run itb-tui check")
    return _parse_head(value)


def head_value(last_id: int, last_hash: str) -> str:
    return f"{last_id} {last_hash}"


def init_head(conn: Connection) -> None:
    """A new store: an empty trail."""
    conn.execute(insert(s.meta), [{"key": HEAD_KEY, "value": head_value(0, GENESIS)}])


def hashed_content(values: dict) -> dict:
    """The fields an entry's hash covers: every HASHED field, the optional ones only when
    set (an entry written before they existed hashes exactly as it did)."""
    return {k: values.get(k) for k in HASHED
            if k not in OPTIONAL_HASHED or values.get(k) is not None}


def sealed_rows(rows: list[dict], last_id: int, last_hash: str, username: str | None) -> list[dict]:
    out = []
    for r in rows:
        last_id += 1
        entry = hashed_content(r)
        entry["id"] = last_id
        entry["username"] = username if username is not None else r.get("username")
        sealed = seal(last_hash, entry)
        last_hash = sealed["hash"]
        for k in OPTIONAL_HASHED:  # one INSERT for all rows: every row names every column
            sealed.setdefault(k, None)
        out.append(sealed)
    return out


def write(conn: Connection, rows: list[dict], username: str | None = None) -> None:
    """Append `rows` (from `row`) to the chain; `username` is the signed-in user.

    Inside a store write transaction (`defer` was called) the rows are kept and sealed by
    `flush` just before the commit, with the digests of the rows as committed (a patient's
    row_version moves after some entries are written). Otherwise they are sealed now."""
    if not rows:
        return
    if username is not None:
        rows = [dict(r, username=username) for r in rows]
    pending = conn.info.get(_PENDING)
    if pending is not None:
        pending.extend(rows)
        return
    append_now(conn, list(rows))


def append_now(conn: Connection, rows: list[dict], then=None) -> tuple[int, str]:
    """Seal `rows` onto the chain and write them with the new head. The entries and the
    head (and `then(conn)`, more writes whose results nobody reads: the witness row, a
    savepoint's release) go to PostgreSQL in one round trip (store/pipelined.py); the
    reads they need (the row digests, the head) come first."""
    from itb_tui.store import pipelined, rowdigest

    rows = [dict(r) for r in rows]
    rowdigest.attach(conn, rows)
    locked = conn.info.pop(_LOCKED_HEAD, None)
    last_id, last_hash = locked if locked is not None else read_head(conn, lock=True)
    sealed = sealed_rows(rows, last_id, last_hash, None)
    head = (sealed[-1]["id"], sealed[-1]["hash"])
    with pipelined.together(conn):
        conn.execute(insert(s.audit).inline(), sealed)  # inline: no RETURNING (pipelined.py)
        conn.execute(update(s.meta).where(s.meta.c.key == HEAD_KEY).values(value=head_value(*head)))
        if then is not None:
            then(conn, head)
    return head


def digests_text(digests: dict[str, str | None]) -> str:
    """The stored form of an entry's row digests (canonical JSON: hashes alike anywhere)."""
    from itb_tui.security.audit_chain import canonical_json

    return canonical_json(digests)


def restrict_privileges(conn: Connection) -> None:
    """PostgreSQL: the trail and its witness are insert-only for the role the app connects
    as (no UPDATE, DELETE or TRUNCATE; see docs/roles.md for a separate owner role, without
    which the owner could grant them back). Nothing to do on SQLite (no privileges)."""
    if conn.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    for table in ("audit", "audit_witness"):
        conn.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC"))
        conn.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM CURRENT_USER"))


def defer(conn: Connection) -> None:
    """Start keeping this transaction's audit rows for `flush` (the store's `_tx`)."""
    conn.info[_PENDING] = []


def pending_mrns(conn: Connection) -> set[str]:
    """The MRNs of the patients this transaction's kept audit rows are about (the store
    saves their ward-list rows in the same transaction: Store.keep_list_rows), with
    those of a batch's steps sealed already (`seal_step`)."""
    sealed = conn.info.get(_SEALED)
    return {r["mrn"] for r in conn.info.get(_PENDING) or () if r.get("mrn")} | (sealed[1] if sealed else set())


def discard(conn: Connection) -> None:
    from itb_tui.store import rowdigest

    conn.info.pop(_PENDING, None)
    conn.info.pop(_LOCKED_HEAD, None)
    conn.info.pop(_SEALED, None)
    rowdigest.forget(conn)


def locked_head(conn: Connection) -> tuple[int, str]:
    """PostgreSQL writer lock (the store's `_tx`): lock and read the chain head, and keep
    it for this transaction's `append_now` (the row is locked: no other writer can move
    it; this transaction moves it only there), which then need not read it again: one
    round trip less per write. `discard`, at the end of every store transaction, drops it."""
    head = read_head(conn, lock=True)
    conn.info[_LOCKED_HEAD] = head
    return head


def locked_head_if_free(conn: Connection) -> tuple[int, str] | None:
    """`locked_head` when no other writer holds the lock (FOR UPDATE SKIP LOCKED: one
    round trip, no lock timeout to set, no savepoint, no error to roll back); None when
    another writer holds it (or the row is missing): the caller then waits as before.
    Under READ COMMITTED a row another writer updated and committed is followed to its
    newest version before it is locked, as with a plain FOR UPDATE."""
    q = select(s.meta.c.value).where(s.meta.c.key == HEAD_KEY).with_for_update(skip_locked=True)
    value = conn.execute(q).scalar()
    if value is None:
        return None
    head = conn.info[_LOCKED_HEAD] = _parse_head(value)
    return head


def flush(conn: Connection, then=None) -> tuple[int, str] | None:
    """Seal and append the rows kept since `defer`; the new chain head, or None if the
    transaction wrote no audit row. `then(conn, head)`: see `append_now`. In a batch
    (`seal_step`) the head the steps left, with `then` run on it, when nothing is left."""
    rows = conn.info.pop(_PENDING, None)
    sealed = conn.info.pop(_SEALED, None)
    if not rows:
        head = sealed[0] if sealed else None
        if head is not None and then is not None:
            from itb_tui.store import pipelined

            with pipelined.together(conn):
                then(conn, head)
        return head
    return append_now(conn, rows, then)


# --- a batch: several steps (savepoints) in one transaction (store/lab_batch.py) ------

def seal_step(conn: Connection, then=None) -> tuple[int, str] | None:
    """Seal the rows kept since the step began NOW, inside the step's savepoint (with
    `then`, its release, in the same round trip), each step as its own write would: its
    row digests are of the rows as the step leaves them. The head is kept for the next
    step (the writer lock is held: no one else moves it) and for the transaction's end
    (`flush`: the witness); the step's MRNs for `pending_mrns`."""
    rows = conn.info.get(_PENDING)
    mrns = pending_mrns(conn)
    conn.info[_PENDING] = []
    if not rows:
        if then is not None:
            from itb_tui.store import pipelined

            with pipelined.together(conn):
                then(conn, None)
        return None
    head = append_now(conn, rows, then)
    conn.info[_LOCKED_HEAD] = head
    _, before = conn.info.get(_SEALED) or (None, set())
    conn.info[_SEALED] = (head, before | mrns)
    return head


def step_state(conn: Connection) -> tuple:
    """What `drop_step` puts back when a step is rolled back to its savepoint."""
    return conn.info.get(_LOCKED_HEAD), conn.info.get(_SEALED)


def drop_step(conn: Connection, state: tuple) -> None:
    """A step rolled back to its savepoint: its kept rows, row images and head go."""
    from itb_tui.store import rowdigest

    conn.info[_PENDING] = []
    rowdigest.forget(conn)
    for key, value in zip((_LOCKED_HEAD, _SEALED), state):
        if value is None:
            conn.info.pop(key, None)
        else:
            conn.info[key] = value


# --- verification ---------------------------------------------------------------------

def _stored(conn: Connection) -> Iterator[dict]:
    cols = [s.audit.c[name] for name in HASHED] + [s.audit.c.prev_hash, s.audit.c.hash]
    result = conn.execute(select(*cols).order_by(s.audit.c.id).execution_options(yield_per=2000))
    names = [*HASHED, "prev_hash", "hash"]
    for r in result:
        values = dict(zip(names, r))
        out = hashed_content(values)
        out["prev_hash"], out["hash"] = values["prev_hash"], values["hash"]
        yield out


def verify(conn: Connection) -> VerifyResult:
    """Walk the whole trail (streamed) and check it against the chain head."""
    head_id, head_hash = read_head(conn)
    result = verify_chain(_stored(conn), expected_last_id=head_id)
    if result.ok and result.last_hash != head_hash:
        problem = (f"entry {head_id} does not match the chain head (the entry or the head was "
                   "changed after it was written)")
        return VerifyResult(False, result.checked - 1 if result.checked else 0, head_id or None,
                            problem, result.last_hash)
    return result


# --- reading --------------------------------------------------------------------------

def _bound(value: date | datetime, end: bool) -> datetime:
    """A date means the whole day (UTC): `since` its start, `until` its end."""
    if isinstance(value, datetime):
        return _utc(value)
    start = datetime.combine(value, time(0), tzinfo=timezone.utc)
    return start + timedelta(days=1) if end else start


def read(conn: Connection, mrn: str | None = None, *, username: str | None = None,
         since: date | datetime | None = None, until: date | datetime | None = None,
         limit: int | None = None) -> list[AuditEntry]:
    """Audit rows, oldest first, filtered by patient, user and time (`until` inclusive
    for a date). `limit` keeps the newest `limit` rows."""
    a = s.audit.c
    q = select(a.id, a.at, a.actor, a.action, a.table_name, a.record_id, a.mrn, a.before,
               a.after, a.reason, a.username, a.hash)
    if mrn is not None:
        q = q.where(a.mrn == mrn)
    if username is not None:
        from itb_tui.security.usernames import normalise_username

        name = normalise_username(username)
        q = q.where((a.username == name) | (a.actor == username))
    if since is not None:
        q = q.where(a.at >= _bound(since, end=False))
    if until is not None:
        q = q.where(a.at < _bound(until, end=True) if not isinstance(until, datetime)
                    else a.at <= _bound(until, end=True))
    if limit is not None:
        q = q.order_by(a.id.desc()).limit(limit)
        rows = list(reversed(conn.execute(q).all()))
    else:
        rows = conn.execute(q.order_by(a.id)).all()
    return [
        AuditEntry(id=r[0], at=_utc(r[1]), actor=r[2], action=r[3], table=r[4], record_id=r[5],
                   mrn=r[6], before=json.loads(r[7]) if r[7] else None,
                   after=json.loads(r[8]) if r[8] else None, reason=r[9], username=r[10],
                   hash=r[11])
        for r in rows
    ]


def last_change(conn: Connection, mrn: str) -> AuditEntry | None:
    """The newest change to a patient's records (who and when, for a refused save)."""
    found = read(conn, mrn, limit=1)
    return found[0] if found else None
