"""Words for handover notes (present/notes.py): the byline, the handover mark, the task
view's grouping and what the round sheet gets. Times are UTC in, local (fixed +01:00
here) out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from itb_tui.present import notes as pn

CET = timezone(timedelta(hours=1))
T1 = datetime(2026, 11, 10, 13, 5, tzinfo=timezone.utc)  # 14:05 in CET
T2 = datetime(2026, 11, 10, 21, 30, tzinfo=timezone.utc)  # 22:30 in CET


@dataclass(frozen=True)
class N:
    id: int
    mrn: str
    text: str
    for_handover: bool
    author: str
    written_at: datetime
    handed_over_at: datetime | None = None
    handed_over_by: str | None = None
    entered_in_error_at: datetime | None = None
    entered_in_error_by: str | None = None
    entered_in_error_reason: str | None = None


PLAIN = N(1, "A1001", "relatives visit at 4", False, "nurse.nina", T1)
HANDOVER = N(2, "A1001", "drain out at 06:00\nwatch for withdrawal", True, "dr.carl", T2)
HANDED = N(3, "B2002", "done", True, "nurse.nina", T1, T2, "nurse.olga")
STRUCK = N(4, "B2002", "wrong bed", True, "nurse.nina", T1, entered_in_error_at=T2,
           entered_in_error_by="dr.carl", entered_in_error_reason="wrong patient")


@pytest.mark.parametrize("note, expected", [
    (PLAIN, "2026-11-10 14:05 · nurse.nina"),
    (HANDOVER, "2026-11-10 22:30 · dr.carl · ⚑ HANDOVER"),
    (HANDED, "2026-11-10 14:05 · nurse.nina · ✔ handed over by nurse.olga 2026-11-10 22:30"),
    (STRUCK, "2026-11-10 14:05 · nurse.nina · ✖ ENTERED IN ERROR by dr.carl: wrong patient"),
])
def test_the_byline_says_when_who_and_the_state_in_words(note, expected):
    assert pn.byline(note, CET) == expected


def test_one_line_joins_lines_and_cuts_long_text():
    assert pn.one_line(HANDOVER.text) == "drain out at 06:00 / watch for withdrawal"
    assert pn.one_line("x" * 50, limit=10) == "x" * 9 + "…"


def test_only_notes_awaiting_handover_reach_the_task_view_and_the_sheet():
    later = N(5, "A1001", "second", True, "nurse.nina", T2 + timedelta(minutes=1))
    grouped = pn.handover_notes_by_patient([PLAIN, HANDOVER, HANDED, STRUCK, later])
    assert {mrn: [n.id for n in group] for mrn, group in grouped.items()} == {"A1001": [5, 2]}
    sheet = pn.sheet_handover_notes([PLAIN, HANDOVER, HANDED, STRUCK, later], tz=CET)
    assert list(sheet) == ["A1001"]
    first, second = sheet["A1001"]
    assert (first.when, first.author, first.text) == ("2026-11-10 22:31", "nurse.nina", "second")
    assert second.line == "2026-11-10 22:30 · dr.carl: drain out at 06:00 / watch for withdrawal"
    assert second.text == HANDOVER.text  # the line break kept for the sheet to print
    assert pn.sheet_handover_notes([HANDOVER], mrns=["B2002"], tz=CET) == {}


def test_the_json_of_a_note():
    assert pn.note_json(HANDED) == {
        "id": 3, "mrn": "B2002", "text": "done", "author": "nurse.nina",
        "written_at": "2026-11-10T13:05:00+00:00", "for_handover": True, "awaiting_handover": False,
        "handed_over_at": "2026-11-10T21:30:00+00:00", "handed_over_by": "nurse.olga",
        "entered_in_error": False, "entered_in_error_reason": None,
    }
