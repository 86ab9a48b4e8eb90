"""Handover notes in the task view (issue 16, item 3): a patient's notes awaiting
handover are shown under the patient's tasks, once; a patient with a handover note and
no task gets a group of its own; handed-over and struck-out notes are not shown.
Synthetic patients of detail_helpers as of 2026-11-25 (KRU01, bed 2, has tasks today and
in the next 7 days; OK01, bed 1, has none)."""

from __future__ import annotations

from detail_helpers import press, running, screen_text, settle
from task_helpers import open_tasks, task_lines


def _line_with(lines: list[str], text: str) -> int:
    return next(i for i, line in enumerate(lines) if text in line)


async def test_handover_notes_are_shown_under_the_patients_tasks_once(tmp_path):
    async with running(tmp_path, demo=False) as (store, app, pilot, _):
        store.add_note("KRU01", "Drain out at 06:00\nwatch for withdrawal", "nurse.nina", for_handover=True)
        store.add_note("KRU01", "not for handover", "nurse.nina")
        done = store.add_note("KRU01", "already handed over", "nurse.nina", for_handover=True)
        store.mark_note_handed_over(done.id, "nurse.olga")
        store.add_note("OK01", "Family meeting at 10", "dr.carl", for_handover=True)
        await open_tasks(pilot)
        lines = task_lines(app)
        heading = lines.index("Test ward · bed 2  Krusei, Test (KRU01)")
        note = lines[heading + 1]
        assert note.startswith("⚑ HANDOVER ") and note.endswith(
            "nurse.nina: Drain out at 06:00 / watch for withdrawal")
        assert lines[heading + 2] == "Draw follow-up blood cultures  ·  today"
        text = screen_text(app)
        assert text.count("Drain out at 06:00") == 1  # once, not again under "Next 7 days"
        assert "not for handover" not in text and "already handed over" not in text
        group = lines.index("Handover notes (1)")  # OK01 has no task: its own group, last
        assert lines[group + 1] == "Test ward · bed 1  Okafor, Test (OK01)"
        assert lines[group + 2].endswith("dr.carl: Family meeting at 10")
        assert group > _line_with(lines, "Dilated eye exam")


async def test_a_note_handed_over_elsewhere_leaves_the_task_view_on_reload(tmp_path):
    async with running(tmp_path, demo=False) as (store, app, pilot, _):
        note = store.add_note("KRU01", "Drain out at 06:00", "nurse.nina", for_handover=True)
        await open_tasks(pilot)
        assert "Drain out at 06:00" in screen_text(app)
        store.mark_note_handed_over(note.id, "nurse.olga")
        await press(pilot, "ctrl+r")
        await settle(pilot)
        assert "Drain out at 06:00" not in screen_text(app)
