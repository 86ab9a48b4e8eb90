"""One audit row as the app reads it, in a module with no database imports, so the
read-only reader (store/reader.py: `status`, exports) can hand out audit entries without
loading SQLAlchemy (issue 17: an export costs no ORM import). store/audit.py re-exports it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


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
    username: str | None = None  # the signed-in user; None for command-line writes
    hash: str | None = None
