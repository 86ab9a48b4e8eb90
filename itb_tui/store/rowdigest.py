"""A digest of each clinical row as the app wrote it, so `check` can prove every row is
exactly what the audit trail says it became (issue 14, item 2).

Why a digest and not a replay: the trail's before/after snapshots are the clinical
records as a clinician sees them (codec.record_dict), not the stored rows; replaying them
would need the codec in reverse and would miss a column no snapshot shows. A digest over
every stored column, taken when the write commits and sealed into the audit entry that
records the write (`audit.row_digests`), covers any column a later schema adds with no
change here: the columns are the table's own, iterated, never listed by hand.

Dialect-independent: the values are read through the table's types (dates as `date`,
decimals as `Decimal` from their exact text, NULL as None) and hashed in the audit
chain's canonical JSON (dates ISO, decimals normalised, datetimes UTC with microseconds,
NULL explicit), so SQLite and PostgreSQL give the same digest for the same row.

Keys are "<table>:<id>". A digest is the first 32 hex digits of sha256 (128 bits: a
collision by chance is out of reach; a forger who can recompute it can also recompute
the chain, the residual risk in docs/hazard-log.md H31).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from itb_tui.security.audit_chain import canonical_json
from itb_tui.store import schema as s

# Every table that holds clinical records (not the trail itself, meta or caches).
# Task deferrals count: a row changed by hand would hide a task from the round; so do
# handover notes (schema 8): a note changed by hand would mislead the next shift;
# reviews (schema 9): a review moved by hand would hide what changed since.
CLINICAL_TABLES = (s.patients, s.pumps, s.refills, s.cultures, s.antifungal_courses,
                   s.bridging, s.exams, s.lab_reports, s.task_deferrals, s.notes,
                   s.reviews)
# ...and every table whose rows `check` proves against the trail: the clinical ones and
# the user accounts (a role raised to admin by SQL would give a user the whole ward).
COVERED_TABLES = (*CLINICAL_TABLES, s.users)
BY_NAME = {t.name: t for t in COVERED_TABLES}
_CHUNK = 500


def key(table_name: str, record_id: int) -> str:
    return f"{table_name}:{record_id}"


def split_key(text: str) -> tuple[str, int]:
    table_name, _, record_id = text.partition(":")
    return table_name, int(record_id)


def digest(table, row: Mapping[str, Any]) -> str:
    """The digest of one row (a mapping of column name to typed value)."""
    values = {c.name: row[c.name] for c in table.columns}
    text = canonical_json({"table": table.name, "row": values})
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:32]


def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def digests_of(conn: Connection, keys: Iterable[str]) -> dict[str, str | None]:
    """The digest of each named row as it is now in this transaction (None: no such row)."""
    wanted: dict[str, list[int]] = {}
    for k in keys:
        name, rid = split_key(k)
        wanted.setdefault(name, []).append(rid)
    out: dict[str, str | None] = {}
    for name, ids in wanted.items():
        table = BY_NAME[name]
        ids = sorted(set(ids))
        for chunk in _chunks(ids):
            for r in conn.execute(select(table).where(table.c.id.in_(chunk))):
                out[key(name, r.id)] = digest(table, r._mapping)
        for rid in ids:
            out.setdefault(key(name, rid), None)
    return out


def patient_ids(conn: Connection, mrns: Iterable[str]) -> dict[str, int]:
    mrns = sorted(set(mrns))
    out: dict[str, int] = {}
    for chunk in _chunks(mrns):
        for mrn, pid in conn.execute(select(s.patients.c.mrn, s.patients.c.id)
                                     .where(s.patients.c.mrn.in_(chunk))):
            out[mrn] = pid
    return out


def _patients_by_mrn(conn: Connection, mrns: Iterable[str]) -> tuple[dict[str, int], dict[str, str | None]]:
    """MRN -> patient id, and those patients' row digests, from one read of their rows
    (the digest of a patient's row is wanted whenever its id is: one round trip, not two,
    in every write transaction)."""
    pids: dict[str, int] = {}
    digests: dict[str, str | None] = {}
    p = s.patients
    for chunk in _chunks(sorted(set(mrns))):
        for r in conn.execute(select(p).where(p.c.mrn.in_(chunk))):
            pids[r.mrn] = r.id
            digests[key("patients", r.id)] = digest(p, r._mapping)
    return pids, digests


_WRITTEN = "itb_rows_as_written"  # conn.info: key -> digest of rows this transaction wrote last
_WRITTEN_PIDS = "itb_patient_ids_as_written"  # conn.info: MRN -> patient id (with _WRITTEN)


def remember(conn: Connection, table, row: Mapping[str, Any]) -> None:
    """A row as this transaction just wrote it (INSERT/UPDATE ... RETURNING every column),
    so `attach` need not read it back (issue 17: a round trip per row on PostgreSQL). The
    caller calls it at EVERY write of that row in the transaction (the last one wins: the
    row as it will commit). Forgotten by `forget` at the end of every transaction."""
    conn.info.setdefault(_WRITTEN, {})[key(table.name, row["id"])] = digest(table, row)
    if table.name == "patients":
        conn.info.setdefault(_WRITTEN_PIDS, {})[row["mrn"]] = row["id"]


def forget(conn: Connection) -> None:
    conn.info.pop(_WRITTEN, None)
    conn.info.pop(_WRITTEN_PIDS, None)


def attach(conn: Connection, rows: list[dict]) -> None:
    """Give each audit row (from `audit.row`) the digests of the rows it touched, as they
    are now: its own record (table, record_id) and its patient's row (by MRN: every write
    to a patient's record also moves the patient's row_version). Called once per
    transaction, just before the entries are sealed, so a row written twice in one
    transaction is digested as it is committed."""
    written, written_pids = conn.info.pop(_WRITTEN, {}), conn.info.pop(_WRITTEN_PIDS, {})
    mrns = {r["mrn"] for r in rows if r.get("mrn")} - written_pids.keys()
    pids, current = _patients_by_mrn(conn, mrns) if mrns else ({}, {})
    pids.update(written_pids)
    current.update(written)
    named: list[list[str]] = []
    for r in rows:
        keys = []
        if r.get("table_name") in BY_NAME and r.get("record_id") is not None:
            keys.append(key(r["table_name"], r["record_id"]))
        if r.get("mrn") in pids:
            keys.append(key("patients", pids[r["mrn"]]))
        named.append(keys)
    current.update(digests_of(conn, {k for keys in named for k in keys} - current.keys()))
    for r, keys in zip(rows, named):
        if keys:
            r["row_digests"] = canonical_json({k: current[k] for k in keys})
        else:
            r.setdefault("row_digests", None)


def all_rows(conn: Connection, table) -> Iterator[tuple[int, int | None, str | None, str | None]]:
    """(id, patient id or pump id, digest, problem) for every row of a table, streamed. A
    row whose stored values cannot be read as the app writes them (text in a date column,
    say) gets digest None and the reason: it was not written by the app."""
    parent = "pump_id" if table.name == "refills" else ("patient_id" if "patient_id" in table.c else None)
    try:
        result = conn.execute(select(table).order_by(table.c.id).execution_options(yield_per=2000))
        for r in result:
            m = r._mapping
            yield m["id"], (m[parent] if parent else None), digest(table, m), None
        return
    except (ValueError, TypeError, ArithmeticError):
        pass
    # Some value does not read back as its type: go row by row to name the bad ones.
    ids = list(conn.execute(select(table.c.id).order_by(table.c.id)).scalars())
    for rid in ids:
        try:
            m = conn.execute(select(table).where(table.c.id == rid)).one()._mapping
            yield rid, (m[parent] if parent else None), digest(table, m), None
        except (ValueError, TypeError, ArithmeticError) as exc:
            yield rid, None, None, f"a value cannot be read as the app stores it ({exc})"


def baseline_rows(conn: Connection) -> list[dict]:
    """The digests of every clinical row now, one mapping per table (for the entry that
    starts covering the records of a store written before row digests existed)."""
    out = []
    for table in CLINICAL_TABLES:
        digests = {key(table.name, rid): d for rid, _, d, _ in all_rows(conn, table) if d is not None}
        out.append({"table": table.name, "digests": digests})
    return out
