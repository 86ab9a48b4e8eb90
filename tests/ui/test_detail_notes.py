"""Handover notes on the patient detail (issue 16, item 3): `n` writes one (the form names
the patient first; bad text gets a message and saves nothing), the detail shows it
newest first with author, time and "⚑ HANDOVER", `H` marks it handed over, `delete` on
the notes strikes it out (kept in the store)."""

from __future__ import annotations

from textual.widgets import Checkbox, TextArea

from itb_tui.ui.forms.entered_in_error import EnteredInErrorForm
from itb_tui.ui.forms.note import NoteForm
from itb_tui.ui.widgets.detail_notes import NotesList

from detail_helpers import field_error, fill, open_form, press, running, screen_text, widget_text

TEXT = "Lumbar drain out at 06:00"


async def _write(pilot, text: str, *, handover: bool) -> NoteForm:
    form = pilot.app.screen
    area = form.query_one("#f-text", TextArea)
    area.focus()
    await pilot.pause()
    area.text = text
    if handover:
        form.query_one("#f-for_handover", Checkbox).value = True
    await press(pilot, "ctrl+s")
    return form


async def test_a_note_written_on_the_detail_is_shown_newest_first_with_its_author(tmp_path):
    async with running(tmp_path, "KRU01", demo=False) as (store, app, pilot, detail):
        notes = detail.query_one(NotesList)
        assert not notes.display  # no note yet: the detail looks as it always did
        form = await open_form(pilot, "n", NoteForm)
        assert "About: Krusei, Test · MRN KRU01 · Test ward · bed 2" in screen_text(app)
        await _write(pilot, "first note", handover=False)
        assert app.screen is detail
        await open_form(pilot, "n", NoteForm)
        await _write(pilot, f"{TEXT}\nwatch for withdrawal", handover=True)
        assert app.screen is detail and notes.display
        shown = widget_text(notes)
        assert "Notes (newest first)" in shown
        assert [n.text for n in notes.notes] == [f"{TEXT}\nwatch for withdrawal", "first note"]  # newest first
        assert shown.index(TEXT) < shown.rindex("demo clinician")  # the older note's byline below
        assert "demo clinician · ⚑ HANDOVER" in shown and "watch for withdrawal" in shown
        assert [n.text for n in store.notes("KRU01")] == [f"{TEXT}\nwatch for withdrawal", "first note"]
        assert form is not app.screen


async def test_empty_or_too_long_text_says_why_and_saves_nothing(tmp_path):
    async with running(tmp_path, "KRU01", demo=False) as (store, app, pilot, detail):
        form = await open_form(pilot, "n", NoteForm)
        await _write(pilot, "   \n  ", handover=True)
        assert app.screen is form
        assert field_error(form, "text").startswith("✖ is required")
        await _write(pilot, "x" * 1001, handover=True)
        assert app.screen is form
        assert field_error(form, "text") == "✖ is too long (1001 characters; at most 1000)"
        assert store.notes("KRU01", include_in_error=True) == []
        await press(pilot, "escape")
        assert app.screen is detail and not detail.query_one(NotesList).display


async def test_handed_over_and_entered_in_error_from_the_detail(tmp_path):
    async with running(tmp_path, "KRU01", demo=False) as (store, app, pilot, detail):
        kept = store.add_note("KRU01", "relatives visit at 4", "nurse.nina")
        store.add_note("KRU01", TEXT, "nurse.nina", for_handover=True)
        detail.load()
        await press(pilot)
        notes = detail.query_one(NotesList)
        assert "⚑ HANDOVER" in widget_text(notes)
        await press(pilot, "H")  # the one note awaiting handover
        assert "✔ handed over by demo clinician" in widget_text(notes)
        assert not store.notes("KRU01")[0].awaiting_handover
        # strike the older note out: into the notes (l: alerts, l: notes), down to it, delete
        await press(pilot, "l", "l")
        assert app.focused is notes
        await press(pilot, "down")
        assert notes.selected_note.id == kept.id
        form = await open_form(pilot, "delete", EnteredInErrorForm)
        assert "Note by nurse.nina: relatives visit at 4" in screen_text(app)
        await fill(pilot, "reason", "wrong patient")
        await press(pilot, "enter")
        assert app.screen is detail and form is not app.screen
        assert "relatives visit at 4" not in widget_text(notes)
        (struck,) = [n for n in store.notes("KRU01", include_in_error=True) if n.in_error]
        assert (struck.text, struck.entered_in_error_reason) == ("relatives visit at 4", "wrong patient")


async def test_keys_typed_into_the_note_stay_in_the_note(tmp_path):
    """Letters that are keys elsewhere (n, H, q, a, t) and Enter are text in the note."""
    async with running(tmp_path, "KRU01", demo=False) as (store, app, pilot, detail):
        form = await open_form(pilot, "n", NoteForm)
        assert app.focused is form.query_one("#f-text", TextArea)
        await press(pilot, "n", "space", "H", "enter", "q", "a", "t")
        assert app.screen is form
        assert form.query_one("#f-text", TextArea).text == "n H\nqat"
        await press(pilot, "ctrl+s")
        assert app.screen is detail
        assert [n.text for n in store.notes("KRU01")] == ["n H\nqat"]


async def test_admin_may_not_write_a_note_and_a_nurse_strikes_out_her_own(tmp_path):
    from admin_helpers import add_users, app_as

    from detail_helpers import open_detail, ward_store

    store = add_users(ward_store(tmp_path, demo=False))
    app = app_as(store, "adam")
    async with app.run_test(size=(120, 36)) as pilot:
        detail = await open_detail(pilot, "KRU01")
        await press(pilot, "n")
        assert app.screen is detail  # refused before anything is typed
        said = [n.message for n in app._notifications]
        assert any("Admin may not write a handover note: a nurse or a clinician must." == m for m in said), said
    assert store.notes("KRU01") == []
    app = app_as(store, "nora")
    async with app.run_test(size=(120, 36)) as pilot:
        detail = await open_detail(pilot, "KRU01")
        await open_form(pilot, "n", NoteForm)
        await _write(pilot, "on the wrong patient", handover=True)
        assert app.screen is detail
        notes = detail.query_one(NotesList)
        notes.focus()
        await press(pilot)
        await open_form(pilot, "delete", EnteredInErrorForm)  # her own note: a nurse may
        await fill(pilot, "reason", "wrong patient")
        await press(pilot, "enter")
        assert app.screen is detail and not notes.display
    (struck,) = store.notes("KRU01", include_in_error=True)
    assert (struck.author, struck.entered_in_error_by) == ("nora", "nora")
