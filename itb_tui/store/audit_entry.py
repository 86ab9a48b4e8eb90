"""One audit row as the app reads it, in a module with no database imports, so the
read-only reader (store/reader.py: `status`, exports) can hand out audit entries without
loading SQLAlchemy (issue 17: an export costs no ORM import). store/audit.py re-exports it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from itb_tui.clinical.frozen_record import frozen_record


# A frozen record (clinical/frozen_record.py, as the clinical records): the frozen slotted
# dataclass's behaviour without compiling its six methods at import (~0.6 ms of the FHIR
# export's start, the one report that reads the trail: issue 17).
@frozen_record
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
    username: str | None = None  # the signed-in user; None for command-line writes
    hash: str | None = None


def _utc(value: Any) -> datetime:
    """SQLite hands back the UTC time without its zone (as text on a DB-API cursor)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
