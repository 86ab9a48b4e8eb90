"""Every word a person reads about a handover note (issue 16, item 3), and what the
round sheet needs of them.

A note is any object with the fields of `store.note_read.Note` (read by name; `present`
may not import the store): id, mrn, text, for_handover, author, written_at (UTC),
handed_over_at, handed_over_by, entered_in_error_at. Times are shown in the ward's
local zone (`tz`: None is the machine's own; tests pass a fixed one), ISO date and
24-hour clock, as every date on the ward screen is ISO.

Entered-in-error notes are hidden wherever notes are shown (as every struck-out record
is hidden from the detail and the rules); `itb-tui notes --all` lists them, labelled.
Pure Python: no Textual, no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

# Labels (the detail's notes box, the task view, the CLI, the sheet).
NOTES_TITLE = "Notes (newest first)"
HANDOVER_MARK = "⚑ HANDOVER"  # a word and a symbol, never colour alone
HANDED_OVER_MARK = "✔ handed over"
IN_ERROR_MARK = "✖ ENTERED IN ERROR"
SHEET_TITLE = "Handover notes"
NO_NOTES = "No notes."
NOTE_SAVED = "Note saved"
HANDED_OVER_SAVED = "Note marked handed over"
FORM_TITLE = "Handover note"
FORM_HANDOVER_LABEL = "Handover"
FORM_HANDOVER_BOX = "for the next shift (shown as ⚑ HANDOVER until handed over)"


FORM_TEXT_LABEL = "Note"


def form_intro(name: str, mrn: str, bed: str | None, ward: str | None) -> str:
    """Who the note is about, first (a note on the wrong patient misleads the next shift),
    then what happens to it."""
    where = " · ".join(part for part in (ward, f"bed {bed}" if bed else None) if part)
    who = f"{name} · MRN {mrn}" + (f" · {where}" if where else "")
    return (f"About: {who}\nKept with your name and the time; never deleted (a wrong note is "
            "marked entered in error). Enter starts a new line; ctrl+s saves.")


def text_hint(limit: int) -> str:
    return f"what the next shift needs to know; at most {limit} characters"


def when_text(at: datetime | None, tz: tzinfo | None = None) -> str:
    """'2026-11-10 14:05' in the ward's local time ('' for None)."""
    if at is None:
        return ""
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def awaiting_handover(note: Any) -> bool:
    """Marked for the handover, not yet handed over, not struck out."""
    return bool(note.for_handover) and note.handed_over_at is None and note.entered_in_error_at is None


def mark(note: Any) -> str:
    """The note's state in a word and symbol ('' for a plain live note)."""
    if note.entered_in_error_at is not None:
        return IN_ERROR_MARK
    if awaiting_handover(note):
        return HANDOVER_MARK
    if note.for_handover:
        return HANDED_OVER_MARK
    return ""


def byline(note: Any, tz: tzinfo | None = None) -> str:
    """'2026-11-10 14:05 · nurse.nina · ⚑ HANDOVER' (who wrote it, when, its state);
    handed over adds by whom and when."""
    parts = [when_text(note.written_at, tz), note.author]
    state = mark(note)
    if state == HANDED_OVER_MARK:
        state += f" by {note.handed_over_by} {when_text(note.handed_over_at, tz)}"
    if state == IN_ERROR_MARK:
        reason = getattr(note, "entered_in_error_reason", None)
        state += f" by {getattr(note, 'entered_in_error_by', '')}" + (f": {reason}" if reason else "")
    if state:
        parts.append(state)
    return " · ".join(parts)


def one_line(text: str, limit: int | None = None) -> str:
    """The note's text on one line (line breaks as ' / '), cut at `limit` with '…'."""
    flat = " / ".join(line.strip() for line in text.splitlines() if line.strip())
    if limit is not None and len(flat) > limit:
        return flat[: max(limit - 1, 0)].rstrip() + "…"
    return flat


def live(notes: Iterable[Any]) -> list[Any]:
    """The notes shown on the detail: not entered in error, newest first as given."""
    return [n for n in notes if n.entered_in_error_at is None]


def handover_notes_by_patient(notes: Iterable[Any]) -> dict[str, list[Any]]:
    """MRN -> that patient's notes awaiting handover, newest first (the task view)."""
    out: dict[str, list[Any]] = {}
    for note in notes:
        if awaiting_handover(note):
            out.setdefault(note.mrn, []).append(note)
    for group in out.values():
        group.sort(key=lambda n: (n.written_at, n.id), reverse=True)
    return out


def task_view_line(note: Any, tz: tzinfo | None = None, limit: int = 110) -> str:
    """'⚑ HANDOVER 2026-11-10 14:05 nurse.nina: drain out at 06:00 / watch …' (the task
    view shows it under the patient's tasks, one line)."""
    return f"{HANDOVER_MARK} {when_text(note.written_at, tz)} {note.author}: {one_line(note.text, limit)}"


def patient_heading(name: str, mrn: str, ward: str | None, bed: str | None) -> str:
    """'Neuro 4B · bed 12  Doe, Jane (A1001)', as present/tasks.patient_text writes it,
    for a patient with a handover note and no task."""
    where = ward or "no ward"
    return f"{where} · bed {bed}  {name} ({mrn})" if bed else f"{where}  {name} ({mrn})"


def note_line(note: Any, tz: tzinfo | None = None) -> str:
    """One line for the CLI table: 'id | byline | text'."""
    return f"{note.id} | {byline(note, tz)} | {one_line(note.text)}"


def note_json(note: Any) -> dict:
    """The fields of `itb-tui notes MRN --json` (one object per note; times ISO UTC)."""
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": note.id, "mrn": note.mrn, "text": note.text, "author": note.author,
        "written_at": iso(note.written_at), "for_handover": bool(note.for_handover),
        "awaiting_handover": awaiting_handover(note),
        "handed_over_at": iso(note.handed_over_at), "handed_over_by": note.handed_over_by,
        "entered_in_error": note.entered_in_error_at is not None,
        "entered_in_error_reason": getattr(note, "entered_in_error_reason", None),
    }


# --- the round sheet (the integrator adds the section; the sheet's files are not edited here)

@dataclass(frozen=True, slots=True)
class SheetNote:
    """One handover note as the printed sheet shows it: words ready, nothing to format."""

    when: str  # '2026-11-10 14:05' (local)
    author: str
    text: str  # as written, line breaks kept (the sheet escapes it and keeps the breaks)
    line: str  # '2026-11-10 14:05 · nurse.nina: drain out at 06:00 / watch …' (one line)


def sheet_handover_notes(notes: Iterable[Any], mrns: Iterable[str] | None = None,
                         tz: tzinfo | None = None) -> Mapping[str, tuple[SheetNote, ...]]:
    """What the round sheet prints under each patient: MRN -> the notes awaiting handover,
    newest first (handed-over and entered-in-error notes are not printed). `mrns`: only
    the patients on the sheet (in any order); None: every patient with one. A patient
    without a handover note is absent (the sheet prints no empty section for them);
    `SHEET_TITLE` is the section's heading."""
    wanted = set(mrns) if mrns is not None else None
    out: dict[str, tuple[SheetNote, ...]] = {}
    for mrn, group in handover_notes_by_patient(notes).items():
        if wanted is not None and mrn not in wanted:
            continue
        out[mrn] = tuple(SheetNote(when_text(n.written_at, tz), n.author, n.text,
                                   f"{when_text(n.written_at, tz)} · {n.author}: {one_line(n.text)}")
                         for n in group)
    return out
