"""`itb-tui check`: is the database sound, and is the audit trail untouched?

Two independent questions, both answered: the database's own integrity check (SQLite's
`PRAGMA integrity_check` reads every page and index; `foreign_key_check` finds records
whose parent is gone) or, on PostgreSQL (which checks pages itself), queries for records
that could only exist through damage or hand edits; then the audit chain, verified from
the first entry to the chain head.
"""

from __future__ import annotations

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

    def lines(self) -> list[str]:
        """What `itb-tui check` prints."""
        out = [f"database: {'ok' if not self.database_problems else 'FAILED'}"]
        out += [f"  {p}" for p in self.database_problems]
        if self.audit is not None:
            out.append(audit_line(self.audit))
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


def run(conn: Connection) -> CheckResult:
    problems = tuple(database_problems(conn))
    verified = audit.verify(conn)
    return CheckResult(ok=not problems and verified.ok, database_problems=problems, audit=verified)
