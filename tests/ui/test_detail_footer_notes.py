"""The notes keys are in the patient detail's footer (issue 16 follow-up): `n` (write a
note) and `H` (mark the selected note handed over) worked but were hidden, so a nurse
reading the footer could not find them, least of all before the first note (the notes
box, whose title names them, shows only once there is a note). Read off the screen, as
the user reads it, at the standard 120 columns."""

from __future__ import annotations

from detail_helpers import running, screen_text

# Every key the footer showed before, in the same order, then the two notes keys.
ACTION_KEYS = ("esc Back", "l Alerts", "r Refill", "c Culture", "e Result", "f Antifungal", "p Pump",
               "x Explant", "g Bridging", "n Note", "H Handed over")


async def test_the_detail_footer_shows_the_note_and_handed_over_keys_with_every_other(tmp_path):
    async with running(tmp_path, "KRU01", demo=False) as (_store, app, _pilot, _detail):
        lines = screen_text(app).splitlines()
        footer = lines[-1]
        places = [footer.find(key) for key in ACTION_KEYS]
        assert -1 not in places, footer
        assert places == sorted(places), footer
        # Nothing of a clipped key shows between the last whole key and the palette key.
        assert footer.endswith("H Handed over ▏^p palette "), footer
        # The one key the footer has no room for at 120 columns is named above it.
        assert any("delete entered in error" in line for line in lines[:-1])
