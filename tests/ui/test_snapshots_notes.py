"""Snapshots of the handover notes (issue 16, item 3): the detail of the demo ward's
blocked patient with two notes (one awaiting handover), and the note form with a note
typed. The demo ward on 2026-11-25 at 120x36; the notes are written at fixed times
(14:05 and 14:20 UTC, shown in UTC: TZ is set for the run)."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from itb_tui.clinical.engine import assess
from itb_tui.ui.screens.detail import PatientDetailScreen

from detail_helpers import SIZE, TODAY, make_app, press, settle
from shell_helpers import make_store
from test_snapshots_detail import blocked_with_withdrawal_risk



@pytest.fixture
def notes_app(tmp_path, monkeypatch):
    monkeypatch.setenv("ITB_TUI_TODAY", TODAY.isoformat())
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield make_app(make_store(tmp_path), demo=True)
    monkeypatch.undo()
    time.tzset()


def with_notes(*keys: str, then=None):
    async def run_before(pilot) -> None:
        from itb_tui.store import audit

        app = pilot.app
        await settle(pilot)
        mrn = next(p.mrn for p in app.store.load_patients()
                   if blocked_with_withdrawal_risk(p, assess(p, TODAY, app.rules)))
        times = iter([datetime(2026, 11, 25, 14, 5, tzinfo=timezone.utc),
                      datetime(2026, 11, 25, 14, 20, tzinfo=timezone.utc)])
        real = audit.now_utc
        audit.now_utc = lambda: next(times)
        try:
            app.store.add_note(mrn, "Relatives visiting at 16:00; they know about the explant.", "nurse.nina")
            app.store.add_note(mrn, "Oral baclofen 10 mg tds started at 14:00.\nWatch for withdrawal "
                                    "overnight: itching, fever, rising spasticity.", "dr.carl", for_handover=True)
        finally:
            audit.now_utc = real
        app.push_screen(PatientDetailScreen(mrn))
        await settle(pilot)
        if keys:
            await press(pilot, *keys)
        if then is not None:
            await then(pilot)

    return run_before


async def type_note(pilot) -> None:
    from textual.widgets import Checkbox, TextArea

    form = pilot.app.screen
    form.query_one("#f-text", TextArea).text = "Drain out at 06:00.\nCheck the wound before the day shift."
    form.query_one("#f-for_handover", Checkbox).value = True
    await settle(pilot)


def test_detail_with_notes(snap_compare, notes_app):
    assert snap_compare(notes_app, terminal_size=SIZE, run_before=with_notes())


def test_note_form(snap_compare, notes_app):
    assert snap_compare(notes_app, terminal_size=SIZE, run_before=with_notes("n", then=type_note))


def test_task_view_with_a_handover_note(snap_compare, notes_app):
    async def open_tasks(pilot) -> None:
        from itb_tui.store import audit

        app = pilot.app
        await settle(pilot)
        mrn = next(p.mrn for p in app.store.load_patients()
                   if blocked_with_withdrawal_risk(p, assess(p, TODAY, app.rules)))
        real = audit.now_utc
        audit.now_utc = lambda: datetime(2026, 11, 25, 14, 20, tzinfo=timezone.utc)
        try:
            app.store.add_note(mrn, "Oral baclofen 10 mg tds started at 14:00; watch for withdrawal overnight.",
                               "dr.carl", for_handover=True)
        finally:
            audit.now_utc = real
        await pilot.press("T")
        await settle(pilot)
        from textual.widgets import OptionList

        tasks = app.screen.query_one(OptionList)  # the patient's first task, scrolled into view
        tasks.highlighted = next(i for i in range(tasks.option_count)
                                 if (tasks.get_option_at_index(i).id or "").startswith(f"{mrn}:"))
        await settle(pilot)

    assert snap_compare(notes_app, terminal_size=SIZE, run_before=open_tasks)
