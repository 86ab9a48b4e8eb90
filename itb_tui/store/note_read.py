"""Handover notes (issue 16, item 3): the record, the text rule, and reading them.

Shared by the Store (store/notes.py), the read-only reader (a plain DB-API cursor, no
SQLAlchemy) and the note form, which checks the text with the same rule before saving
(`note_text`), so the form refuses exactly what the store would.

The store may not import `present`, and `present` may not import the store: `Note` has
the fields `present/notes.py` reads (by name), as `TaskDeferral` does for the tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from itb_tui.store.audit_entry import _utc
from itb_tui.store.ports import NOTE_TEXT_MAX


@dataclass(frozen=True, slots=True)
class Note:
    """One stored note of patient `mrn`, as written (the text is never changed)."""

    id: int
    mrn: str
    text: str
    for_handover: bool  # as written: marked for the handover to the next shift
    author: str
    written_at: datetime  # UTC
    handed_over_at: datetime | None = None  # the handover flag was cleared, when (UTC)
    handed_over_by: str | None = None
    entered_in_error_at: datetime | None = None
    entered_in_error_by: str | None = None
    entered_in_error_reason: str | None = None

    @property
    def in_error(self) -> bool:
        return self.entered_in_error_at is not None

    @property
    def awaiting_handover(self) -> bool:
        """Marked for the handover, not yet handed over, not struck out."""
        return self.for_handover and self.handed_over_at is None and not self.in_error


def note_text(value: object) -> tuple[str, str | None]:
    """(the text as kept, the problem or None). Line breaks stay (a note may list two
    things); spaces at the ends of lines and blank lines at the ends go; empty, longer
    than NOTE_TEXT_MAX or holding control characters is refused."""
    from itb_tui.wardfile.fields import check_text

    if not isinstance(value, str):
        return "", "must be text"
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    text = "\n".join(line.rstrip() for line in lines).strip()
    if not text:
        return "", "is required (write what the next shift needs to know)"
    return text, check_text(text, limit=NOTE_TEXT_MAX, required=True, multiline=True)


COLUMNS = ("n.id", "p.mrn", "n.text", "n.for_handover", "n.written_by", "n.written_at",
           "n.handed_over_at", "n.handed_over_by", "n.entered_in_error_at",
           "n.entered_in_error_by", "n.entered_in_error_reason")
SELECT = f"SELECT {', '.join(COLUMNS)} FROM notes n JOIN patients p ON p.id = n.patient_id"


def read_dbapi(cur: Any, placeholder: str, mrn: str | None = None,
               include_in_error: bool = False) -> list[Note]:
    """The notes (of one patient if `mrn`), newest first; struck-out ones only if asked."""
    where = [] if include_in_error else ["n.entered_in_error_at IS NULL"]
    params: tuple = ()
    if mrn is not None:
        where.append(f"p.mrn = {placeholder}")
        params = (mrn,)
    sql = SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY n.id DESC"
    cur.execute(sql, params)
    return [record(*row) for row in cur.fetchall()]


def record(id_: int, mrn: str, text: str, for_handover: Any, author: str, written_at: Any,
           handed_over_at: Any = None, handed_over_by: str | None = None,
           in_error_at: Any = None, in_error_by: str | None = None,
           in_error_reason: str | None = None) -> Note:
    return Note(int(id_), mrn, text, bool(for_handover), author, _utc(written_at),
                _utc(handed_over_at) if handed_over_at is not None else None, handed_over_by,
                _utc(in_error_at) if in_error_at is not None else None, in_error_by, in_error_reason)
