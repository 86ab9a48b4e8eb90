"""Handover notes (issue 16, item 3): "per patient, free text with author and time ...
never deleted (entered in error like every record); a note can be marked for handover
to the next shift". The Store's methods (mixed into store.Store).

What is checked before anything is written: the acting user may `write_note` (nurse or
clinician: docs/roles.md); the patient exists; the text follows `note_read.note_text`
(not empty, at most NOTE_TEXT_MAX characters, no control characters; line breaks kept).

Never rewritten, never deleted. The text and who wrote it are only ever inserted; the
two later facts about a note fill columns that were empty, once, each audited with the
note before and after in the same transaction:
- handed over (`handed_over_at/by`): the next shift has it; the note stays, no longer
  marked as awaiting handover. A note handed over twice is refused (it says by whom).
- entered in error (`entered_in_error_at/by/reason`, through
  `Store.mark_entered_in_error("note", ...)` like every record): hidden from the detail,
  the task view and the round sheet, kept with who, when and why. Its author may strike
  it (`write_note`), anyone else needs `mark_entered_in_error` (clinician).

A note changes no clinical record, so it does not move the patient's row_version: a
nurse writing a note never makes a clinician's open form stale.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update

from itb_tui.security.roles import can
from itb_tui.store import audit
from itb_tui.store import schema as s
from itb_tui.store.errors import NotFound, PermissionDenied, StoreError
from itb_tui.store.note_read import Note, note_text, record
from itb_tui.store.reasons import required_text


def _snapshot(note: Note) -> dict:
    """The note as the audit trail keeps it (before/after)."""
    def when(value: datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {"text": note.text, "for_handover": note.for_handover, "written_by": note.author,
            "written_at": when(note.written_at), "handed_over_at": when(note.handed_over_at),
            "handed_over_by": note.handed_over_by,
            "entered_in_error_at": when(note.entered_in_error_at),
            "entered_in_error_by": note.entered_in_error_by,
            "entered_in_error_reason": note.entered_in_error_reason}


def _select():
    n, p = s.notes, s.patients
    return (select(n.c.id, p.c.mrn, n.c.text, n.c.for_handover, n.c.written_by, n.c.written_at,
                   n.c.handed_over_at, n.c.handed_over_by, n.c.entered_in_error_at,
                   n.c.entered_in_error_by, n.c.entered_in_error_reason)
            .select_from(n.join(p, n.c.patient_id == p.c.id)))


class HandoverNotes:
    """The Store's note methods (mixed into store.Store)."""

    def add_note(self, mrn: str, text: str, actor: str, *, for_handover: bool = False) -> Note:
        """Write a note about patient `mrn` as the acting user, now (module notes)."""
        who = self._who(actor)
        kept, problem = note_text(text)
        if problem:
            raise StoreError(f"the note {problem}; nothing was changed")
        if not isinstance(for_handover, bool):
            raise StoreError("for_handover must be true or false; nothing was changed")
        with self._tx(write=True) as conn:
            self._require(conn, "write_note")
            patient = self._live(conn, mrn)
            at = audit.now_utc()
            new_id = conn.execute(insert(s.notes).values(
                patient_id=patient.id, text=kept, for_handover=for_handover, written_by=who,
                written_at=at)).inserted_primary_key[0]
            note = Note(int(new_id), patient.mrn, kept, for_handover, who, at)
            self._audit(conn, actor=who, action="create", table="notes", record_id=new_id,
                        mrn=patient.mrn, before=None, after=_snapshot(note), at=at)
        return note

    def mark_note_handed_over(self, note_id: int, actor: str) -> Note:
        """The next shift has this handover note: it stays, no longer awaiting handover."""
        who = self._who(actor)
        with self._tx(write=True) as conn:
            self._require(conn, "write_note")
            note = self._note(conn, note_id)
            if note.in_error:
                raise StoreError(f"note {note_id} is marked entered in error; nothing was changed")
            if not note.for_handover:
                raise StoreError(f"note {note_id} is not marked for handover; nothing was changed")
            if note.handed_over_at is not None:
                raise StoreError(f"note {note_id} was already handed over by {note.handed_over_by} "
                                 f"at {note.handed_over_at:%Y-%m-%d %H:%M} UTC; nothing was changed")
            at = audit.now_utc()
            conn.execute(update(s.notes).where(s.notes.c.id == note.id)
                         .where(s.notes.c.handed_over_at.is_(None))
                         .values(handed_over_at=at, handed_over_by=who))
            after = self._note(conn, note_id)
            self._audit(conn, actor=who, action="update", table="notes", record_id=note.id,
                        mrn=note.mrn, before=_snapshot(note), after=_snapshot(after),
                        reason="handed over", at=at)
        return after

    def _note_in_error(self, note_id: int, reason: str, actor: str) -> Note:
        """`mark_entered_in_error("note", ...)`: strike the note out, keeping it."""
        who = self._who(actor)
        why = required_text(reason, "the reason the note was entered in error")
        with self._tx(write=True) as conn:
            roles = self._roles(conn)
            note = self._note(conn, note_id)
            if roles is not None and not can(roles, "mark_entered_in_error"):
                # Its own author may strike a note out; anyone else's needs a clinician.
                if not (can(roles, "write_note") and note.author == who):
                    raise PermissionDenied(roles, "mark_entered_in_error")
            if note.in_error:
                raise StoreError(f"note {note_id} is already marked entered in error")
            at = audit.now_utc()
            conn.execute(update(s.notes).where(s.notes.c.id == note.id).values(
                entered_in_error_at=at, entered_in_error_by=who, entered_in_error_reason=why))
            after = self._note(conn, note_id)
            self._audit(conn, actor=who, action="entered_in_error", table="notes", record_id=note.id,
                        mrn=note.mrn, before=_snapshot(note), after=_snapshot(after), reason=why, at=at)
        return after

    def notes(self, mrn: str | None = None, *, include_in_error: bool = False) -> list[Note]:
        """The notes (of one patient if `mrn`), newest first; those entered in error only
        when asked (`itb-tui notes --all`): hidden everywhere else, as every record is."""
        q = _select().order_by(s.notes.c.id.desc())
        if mrn is not None:
            q = q.where(s.patients.c.mrn == mrn)
        if not include_in_error:
            q = q.where(s.notes.c.entered_in_error_at.is_(None))
        with self._tx() as conn:
            self._require(conn, "view")
            rows = conn.execute(q).all()
        return [record(*r) for r in rows]

    def _note(self, conn, note_id: int) -> Note:
        row = conn.execute(_select().where(s.notes.c.id == note_id)).first() if isinstance(note_id, int) else None
        if row is None:
            raise NotFound(f"no note with id {note_id}")
        return record(*row)
