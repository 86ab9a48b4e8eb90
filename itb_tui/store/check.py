"""`itb-tui check`: is the database sound, is the audit trail untouched, and is every
clinical row exactly what the trail says it became?

Four independent questions, all answered: the database's own integrity check (SQLite's
`PRAGMA integrity_check` reads every page and index; `foreign_key_check` finds records
whose parent is gone) or, on PostgreSQL (which checks pages itself), queries for records
that could only exist through damage or hand edits; the audit chain, verified from the
first entry to the chain head; the chain head against its witness outside the chain's
table (store/witness.py: a truncated or rolled-back trail with a reset head is found);
and every row of every clinical table and of the user accounts against the digest the
trail sealed when the app last wrote it (store/rowdigest.py, store/user_check.py): a row
changed, added or removed outside the app is named by table, record id and MRN (an
account by its user name).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from itb_tui.security.audit_chain import VerifyResult
from itb_tui.store import audit
from itb_tui.store import schema as s

_MAX_LINES = 20


@dataclass(frozen=True, slots=True)
class CheckResult:
    ok: bool
    database_problems: tuple[str, ...] = ()
    audit: VerifyResult | None = None
    notes: tuple[str, ...] = field(default=())
    witness: str | None = None  # the witness line (witness.Comparison.line)
    record_problems: tuple[str, ...] = ()
    records_checked: int = 0

    def lines(self) -> list[str]:
        """What `itb-tui check` prints."""
        out = [f"database: {'ok' if not self.database_problems else 'FAILED'}"]
        out += [f"  {p}" for p in self.database_problems]
        if self.audit is not None:
            out.append(audit_line(self.audit))
        if self.witness is not None:
            out.append(self.witness)
        if self.record_problems:
            out.append(f"records: FAILED ({len(self.record_problems)} rows are not what the audit "
                       "trail says the app wrote)")
            out += [f"  {p}" for p in self.record_problems[:_MAX_LINES]]
            if len(self.record_problems) > _MAX_LINES:
                out.append(f"  ... and {len(self.record_problems) - _MAX_LINES} more")
        else:
            out.append(f"records: ok ({self.records_checked} rows match the audit trail)")
        return out + list(self.notes)


def audit_line(result: VerifyResult) -> str:
    if result.ok:
        return f"audit trail: ok ({result.checked} entries verified)"
    return f"audit trail: BROKEN at entry {result.first_broken_id}: {result.problem}"


def database_problems(conn: Connection) -> list[str]:
    if conn.dialect.name == "sqlite":
        return _sqlite_problems(conn)
    return _generic_problems(conn)


def _sqlite_problems(conn: Connection) -> list[str]:
    rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").all()]
    problems = [] if rows == ["ok"] else [f"integrity check: {r}" for r in rows[:_MAX_LINES]]
    for r in conn.exec_driver_sql("PRAGMA foreign_key_check").all()[:_MAX_LINES]:
        problems.append(f"{r[0]} row {r[1]} points to a missing {r[2]} row")
    return problems + _generic_problems(conn, orphans=False)


def _orphans(conn: Connection, child, fk_col: str, parent) -> int:
    col = child.c[fk_col]
    q = select(func.count()).select_from(child).where(~col.in_(select(parent.c.id)))
    return int(conn.execute(q).scalar_one())


def _generic_problems(conn: Connection, orphans: bool = True) -> list[str]:
    problems = []
    if orphans:
        pairs = [(s.pumps, "patient_id", s.patients), (s.refills, "pump_id", s.pumps),
                 (s.cultures, "patient_id", s.patients), (s.antifungal_courses, "patient_id", s.patients),
                 (s.bridging, "patient_id", s.patients), (s.exams, "patient_id", s.patients)]
        for child, col, parent in pairs:
            n = _orphans(conn, child, col, parent)
            if n:
                problems.append(f"{n} {child.name} rows point to a missing {parent.name} row")
    bad_versions = conn.execute(select(func.count()).select_from(s.patients)
                                .where(s.patients.c.row_version < 1)).scalar_one()
    if bad_versions:
        problems.append(f"{bad_versions} patients have an impossible row_version")
    unsealed = conn.execute(select(func.count()).select_from(s.audit)
                            .where(s.audit.c.hash.is_(None))).scalar_one()
    if unsealed:
        problems.append(f"{unsealed} audit entries have no hash")
    return problems


def _expected_rows(conn: Connection) -> tuple[dict[str, str | None], dict[str, str]]:
    """What the trail says each row became: the newest digest sealed for it, and the MRN
    the trail last recorded for it."""
    expected: dict[str, str | None] = {}
    mrns: dict[str, str] = {}
    a = s.audit.c
    q = (select(a.row_digests, a.mrn).where(a.row_digests.is_not(None)).order_by(a.id)
         .execution_options(yield_per=2000))
    for text, mrn in conn.execute(q):
        try:
            digests = json.loads(text)
        except ValueError:
            continue  # the chain verification names the entry
        if not isinstance(digests, dict):
            continue
        for k, d in digests.items():
            expected[k] = d
            if mrn:
                mrns[k] = mrn
    return expected, mrns


def record_problems(conn: Connection) -> tuple[list[str], int]:
    """(every row that is not what the trail says the app wrote, rows checked)."""
    from itb_tui.store import rowdigest

    expected, trail_mrns = _expected_rows(conn)
    patient_mrn = dict(conn.execute(select(s.patients.c.id, s.patients.c.mrn)).all())
    pump_patient = dict(conn.execute(select(s.pumps.c.id, s.pumps.c.patient_id)).all())

    def mrn_of(k: str, table_name: str, rid: int, parent: int | None) -> str:
        if k in trail_mrns:
            return trail_mrns[k]
        pid = rid if table_name == "patients" else (pump_patient.get(parent) if table_name == "refills" else parent)
        return patient_mrn.get(pid) or "unknown"

    from itb_tui.store import user_check

    accounts = user_check.account_rows(conn)
    trail_users = user_check.trail_users(conn)

    def where_of(k: str, table_name: str, rid: int, parent: int | None) -> str:
        if table_name == "users":  # accounts are named by user name, not MRN
            name = accounts.get(rid, (None,))[0] or trail_users.names.get(rid, "unknown")
            return f"users record {rid} (user {name})"
        return f"{table_name} record {rid} (MRN {mrn_of(k, table_name, rid, parent)})"

    problems: list[str] = []
    seen: set[str] = set()
    sealed_users: set[int] = set()
    checked = 0
    for table in rowdigest.COVERED_TABLES:
        for rid, parent, digest, unreadable in rowdigest.all_rows(conn, table):
            checked += 1
            k = rowdigest.key(table.name, rid)
            seen.add(k)
            where = where_of(k, table.name, rid, parent)
            if table.name == "users" and expected.get(k) is None and not unreadable:
                continue  # never sealed: proved by replay below (user_check.py)
            if table.name == "users":
                sealed_users.add(rid)
            if unreadable:
                problems.append(f"{where}: {unreadable}: changed outside the app")
            elif k not in expected or expected[k] is None:
                problems.append(f"{where} was added outside the app (no audit entry wrote it)")
            elif expected[k] != digest:
                problems.append(f"{where} was changed outside the app (it is not what the audit "
                                "trail recorded)")
    sealed_users |= {rowdigest.split_key(k)[1] for k, d in expected.items()
                     if k.startswith("users:") and d is not None}
    problems += user_check.unsealed_problems(conn, accounts, sealed_users, trail_users)
    for k, digest in expected.items():
        if k not in seen and digest is not None:
            table_name, rid = rowdigest.split_key(k)
            if table_name == "users":
                problems.append(f"{where_of(k, table_name, rid, None)} was removed outside the app "
                                "(the audit trail recorded it)")
                continue
            problems.append(f"{table_name} record {rid} (MRN {trail_mrns.get(k, 'unknown')}) was "
                            "removed outside the app (the audit trail recorded it)")
    return problems, checked


def run_on_file(conn: Connection, path) -> CheckResult:
    """`run` on a SQLite file opened some other way (a backup, read-only): its witness is
    `<path>.witness`; a backup made without one (the pre-upgrade copies) is noted."""
    from pathlib import Path

    from itb_tui.store import witness

    wpath = witness.path_for_store(Path(path))
    return run(conn, witness_path=wpath if wpath.exists() else None, witness_optional=True)


def run(conn: Connection, *, witness_path=None, witness_optional: bool = False) -> CheckResult:
    from itb_tui.store import witness

    problems = tuple(database_problems(conn))
    verified = audit.verify(conn)
    if witness_path is not None:
        seen = witness.compare(conn, audit.read_head(conn), witness_path)
    elif witness_optional:
        seen = witness.Comparison(True, "witness: none beside this copy (its length is confirmed "
                                        "only by its own chain head)")
    else:
        seen = witness.compare(conn, audit.read_head(conn))
    rows, checked = record_problems(conn)
    return CheckResult(ok=not problems and verified.ok and seen.ok and not rows,
                       database_problems=problems, audit=verified, witness=seen.line,
                       record_problems=tuple(rows), records_checked=checked)
