"""The audit trail: who changed what, when and why, with the record before and after.

Every write adds its rows in the same transaction as the change, so the trail can never
miss a committed change nor record one that was rolled back. Rows are only ever
appended. (A later issue chains them by hash and ties `actor` to a user; both are new
columns on this table.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from itb_tui.store import schema as s

ACTIONS = ("create", "update", "entered_in_error", "import")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    table: str
    record_id: int | None
    mrn: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def _utc(value: datetime) -> datetime:
    """SQLite hands back the UTC time it was given without its zone: put it back."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def row(*, at: datetime, actor: str, action: str, table: str, record_id: int | None,
        mrn: str | None, before: dict | None, after: dict | None, reason: str | None) -> dict:
    """One audit row ready for insert (before/after as JSON text)."""
    assert action in ACTIONS, action
    return {
        "at": at, "actor": actor, "action": action, "table_name": table,
        "record_id": record_id, "mrn": mrn,
        "before": None if before is None else json.dumps(before, sort_keys=True, ensure_ascii=False),
        "after": None if after is None else json.dumps(after, sort_keys=True, ensure_ascii=False),
        "reason": reason,
    }


def write(conn: Connection, rows: list[dict]) -> None:
    if rows:
        conn.execute(insert(s.audit), rows)


def read(conn: Connection, mrn: str | None = None) -> list[AuditEntry]:
    a = s.audit.c
    q = select(a.id, a.at, a.actor, a.action, a.table_name, a.record_id, a.mrn, a.before,
               a.after, a.reason).order_by(a.id)
    if mrn is not None:
        q = q.where(a.mrn == mrn)
    return [
        AuditEntry(id=r[0], at=_utc(r[1]), actor=r[2], action=r[3], table=r[4], record_id=r[5],
                   mrn=r[6], before=json.loads(r[7]) if r[7] else None,
                   after=json.loads(r[8]) if r[8] else None, reason=r[9])
        for r in conn.execute(q).all()
    ]
