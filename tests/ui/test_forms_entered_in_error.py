"""Marking a record entered in error: hidden from the screen and the rules, kept in the store."""

from __future__ import annotations

from itb_tui.ui.forms.entered_in_error import EnteredInErrorForm
from itb_tui.ui.widgets.detail_timeline import Timeline

from detail_helpers import (
    field_error,
    fill,
    open_form,
    press,
    running,
    screen_text,
)


async def test_marked_culture_disappears_and_stays_in_the_audit_trail(tmp_path):
    async with running(tmp_path, "KRU01") as (store, app, pilot, detail):
        assert "✖ BLOCKED: do not refill" in screen_text(app)
        timeline = detail.query_one(Timeline)
        row = next(i for i, e in enumerate(timeline.entries) if e.kind == "culture")
        culture_id = timeline.entries[row].record_id
        timeline.move_cursor(row=row)
        form = await open_form(pilot, "delete", EnteredInErrorForm)
        assert "Culture: blood on 2026-11-20" in screen_text(app)
        await press(pilot, "enter")  # no reason given
        assert app.screen is form
        assert field_error(form, "reason") == "✖ is required"
        assert len(store.get_patient("KRU01").cultures) == 1
        await fill(pilot, "reason", "wrong patient's sample")
        await press(pilot, "enter")
        assert app.screen is detail
        assert store.get_patient("KRU01").cultures == ()
        assert all(e.kind != "culture" for e in timeline.entries)
        assert "✖ BLOCKED: do not refill" not in screen_text(app)
        # Never hard-deleted: the audit trail keeps the record, who marked it and why.
        entry = next(e for e in store.audit_trail("KRU01") if e.action == "entered_in_error")
        assert (entry.record_id, entry.reason, entry.actor) == (culture_id, "wrong patient's sample",
                                                                 "demo clinician")
        assert entry.before["organism"] == "Candida krusei"


async def test_delete_on_a_row_that_cannot_be_marked_says_so(tmp_path):
    async with running(tmp_path, "DAY01") as (store, app, pilot, detail):
        timeline = detail.query_one(Timeline)
        row = next(i for i, e in enumerate(timeline.entries) if e.event == "Symptoms resolved")
        timeline.move_cursor(row=row)
        await press(pilot, "delete")
        assert app.screen is detail  # no form: symptom dates are changed with y
