"""The store's maintenance methods: verify the audit trail, check the database, back up.

Mixed into `Store`. Each is a read of one consistent snapshot (the backup reads through
SQLite's backup API or pg_dump, both consistent while the ward keeps writing); only the
backup writes one audit row afterwards, recording that patient data was copied and where.
"""

from __future__ import annotations

import os
from pathlib import Path

from itb_tui.security.audit_chain import VerifyResult
from itb_tui.store import audit
from itb_tui.store.check import CheckResult
from itb_tui.store.errors import StoreError


class Maintenance:
    """verify_audit, check and backup (mixed into `Store`)."""

    def verify_audit(self) -> VerifyResult:
        """Walk the whole audit chain; `ok`, or the first broken entry and what is wrong."""
        with self._tx() as conn:
            self._require(conn, "view_audit")
            return audit.verify(conn)

    def check(self) -> CheckResult:
        """The database's integrity check plus the audit verification (`itb-tui check`)."""
        from itb_tui.store import check

        with self._tx() as conn:
            self._require(conn, "view_audit")
            return check.run(conn)

    def backup(self, dest: str | os.PathLike, actor: str | None = None) -> str:
        """A consistent copy of the store at `dest` (a new file, or a directory to put a
        time-stamped one in), owner-only; returns where. SQLite: the online backup API, the
        copy checked (integrity and audit chain) before it appears. PostgreSQL: pg_dump -Fc."""
        from itb_tui.store import backup as b

        who = self._who(actor)
        with self._tx() as conn:
            self._require(conn, "backup")
        if self.dialect == "sqlite":
            from itb_tui.paths import sqlite_path

            src = sqlite_path(self.url)
            if src is None:
                raise StoreError("an in-memory store cannot be backed up")
            target = b.target_path(dest, "sqlite")
            b.copy_sqlite(src, target, check=_verify_copy)
        elif self.dialect == "postgresql":
            target = b.target_path(dest, "postgresql")
            b.pg_dump(self._engine.url.render_as_string(hide_password=False), target)
        else:
            raise StoreError(f"backing up a {self.dialect} store is not supported")
        try:
            with self._tx(write=True) as conn:
                self._audit(conn, actor=who, action="backup", table="store", record_id=None, mrn=None,
                            before=None, after={"to": str(target)})
        except StoreError as exc:
            # A copy of patient data the trail does not know of is not left behind.
            b.remove_copy(target)
            raise StoreError(f"the backup was removed again: it could not be recorded in the audit "
                             f"trail ({exc})") from None
        return str(target)


def _verify_copy(path: Path) -> None:
    """Reject a copy that does not pass `check` (its database, its audit trail, its witness
    and every clinical row against the trail): a damaged source is not a backup."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from itb_tui.store import check

    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            result = check.run(conn)
    finally:
        engine.dispose()
    if not result.ok:
        if result.audit is not None and not result.audit.ok:
            raise StoreError(f"the copy's audit trail does not verify (entry {result.audit.first_broken_id}: "
                             f"{result.audit.problem}); the store itself needs itb-tui check")
        bad = [ln.strip() for ln in result.lines() if "FAILED" in ln or "MISMATCH" in ln or "MISSING" in ln]
        raise StoreError(f"the copy does not pass itb-tui check ({'; '.join(bad[:2])}); "
                         "the store itself needs itb-tui check")
