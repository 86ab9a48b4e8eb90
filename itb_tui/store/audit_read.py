"""Audit entries of some tables (of one patient, of some actions), read on a plain DB-API
cursor inside the caller's transaction: the narrow reads that derive facts from the
trail without reading all of it (issue 17).

- `Store.audit_entries(tables)`: the FHIR export's corrections and weight dates
  (exports/fhir_context.py), the same entries as `WardReader.audit_entries`;
- `detail_read`: one patient's culture updates, for the detail's "corrected (was ...)".

Images are parsed with `review_read.parsed_json`: a damaged image reads as none (and
`itb-tui check` reports it) instead of making a patient or an export unreadable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from itb_tui.store.audit_entry import AuditEntry
from itb_tui.store.note_read import _utc
from itb_tui.store.review_read import parsed_json

_COLUMNS = "id, at, actor, action, table_name, record_id, mrn, before, after, reason, username, hash"


def entries_dbapi(cur: Any, placeholder: str, tables: Sequence[str], *, mrn: str | None = None,
                  actions: Sequence[str] | None = None) -> list[AuditEntry]:
    """The audit entries of `tables` (table names; of patient `mrn`, of `actions` if
    given), oldest first. No tables (or no actions): none (no query).

    For one patient the query asks by MRN only and the tables and actions are picked
    here: given both, SQLite (no statistics) walks the table-name index, every culture
    entry of the ward, instead of the patient's few (40 ms instead of 0.2 ms at 10,000
    patients)."""
    if not tables or (actions is not None and not actions):
        return []
    if mrn is not None:
        cur.execute(f"SELECT {_COLUMNS} FROM audit WHERE mrn = {placeholder} ORDER BY id", (mrn,))
        wanted_tables, wanted_actions = set(tables), set(actions) if actions is not None else None
        rows = [r for r in cur.fetchall()
                if r[4] in wanted_tables and (wanted_actions is None or r[3] in wanted_actions)]
    else:
        where = [f"table_name IN ({', '.join([placeholder] * len(tables))})"]
        params: list[Any] = list(tables)
        if actions is not None:
            where.append(f"action IN ({', '.join([placeholder] * len(actions))})")
            params.extend(actions)
        cur.execute(f"SELECT {_COLUMNS} FROM audit WHERE {' AND '.join(where)} ORDER BY id", tuple(params))
        rows = cur.fetchall()
    return [AuditEntry(id=r[0], at=_utc(r[1]), actor=r[2], action=r[3], table=r[4], record_id=r[5], mrn=r[6],
                       before=parsed_json(r[7]), after=parsed_json(r[8]), reason=r[9], username=r[10],
                       hash=r[11])
            for r in rows]
