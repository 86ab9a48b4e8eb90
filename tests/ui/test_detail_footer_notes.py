"""The notes keys are in the patient detail's footer (issue 16 follow-up): `n` (write a
note) and `H` (mark the selected note handed over) worked but were hidden, so a nurse
reading the footer could not find them, least of all before the first note (the notes
box, whose title names them, shows only once there is a note). Read off the screen, as
the user reads it, at the standard 120 columns."""

from __future__ import annotations

from detail_helpers import running, screen_text

# Every key the footer showed before, in the same order, with the two notes keys before
# the clinician-only ones (a nurse's footer names those "✗ clinician", and is longer).
ACTION_KEYS = ("esc Back", "l Alerts", "r Refill", "c Culture", "e Result", "n Note", "H Handed over",
               "f Antifungal", "p Pump", "x Explant", "g Bridging")


async def test_the_detail_footer_shows_the_note_and_handed_over_keys_with_every_other(tmp_path):
    async with running(tmp_path, "KRU01", demo=False) as (_store, app, _pilot, _detail):
        lines = screen_text(app).splitlines()
        footer = lines[-1]
        places = [footer.find(key) for key in ACTION_KEYS]
        assert -1 not in places, footer
        assert places == sorted(places), footer
        # Nothing of a clipped key shows between the last whole key and the palette key.
        assert footer.endswith("g Bridging ▏^p palette "), footer
        # The one key the footer has no room for at 120 columns is named above it.
        assert any("delete entered in error" in line for line in lines[:-1])


async def test_a_nurses_footer_shows_the_notes_keys_too(tmp_path):
    """A nurse's footer is longer ("Antifungal ✗ clinician"): the notes keys, which a
    nurse uses most at handover, come before the keys the nurse may not use."""
    from admin_helpers import add_users, app_as
    from detail_helpers import open_detail, settle, ward_store, SIZE

    store = ward_store(tmp_path, demo=False)
    add_users(store)
    app = app_as(store, "nora")  # a nurse
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_detail(pilot, "KRU01")
        footer = screen_text(app).splitlines()[-1]
        assert "n Note" in footer and "H Handed over" in footer, footer
        assert "f Antifungal ✗ clinician" in footer, footer
