"""Opening a patient draws the reused detail screen in one frame (issue 6, "open a patient").

What a user waits for on Enter is Textual's work on the screen: restyling, laying out,
painting. These tests pin down the three savings of the open path, and that each one
keeps the screen right: the widgets' layout requests reach the screen before its first
frame (one layout, not a second one a frame later), reopening skips the whole-screen
restyle unless something app-wide changed while the patient was closed (a theme change
still shows), and a change on the ward list underneath does not repaint the patient.
"""

from __future__ import annotations

from datetime import timedelta

from textual.color import Color

from detail_helpers import SIZE, make_app, screen_text, settle, ward_store


async def _open_from_ward(pilot, mrn: str) -> None:
    """Enter on `mrn` in the ward list, as a user opens a patient."""
    from itb_tui.ui.widgets.ward_table import WardTable

    table = pilot.app.ward_screen.query_one(WardTable)
    table.focus()
    table.move_cursor(next(i for i, row in enumerate(table.rows) if row.mrn == mrn))
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)


async def _back(pilot) -> None:
    await pilot.press("escape")
    await settle(pilot)


def _count_calls(obj, name: str) -> list[int]:
    """Count calls of obj.name (an instance-level wrapper around the real method)."""
    calls = [0]
    real = getattr(obj, name)

    def counted(*args, **kwargs):
        calls[0] += 1
        return real(*args, **kwargs)

    setattr(obj, name, counted)
    return calls


async def _reused_screen(pilot):
    """Open and close one patient, so the reusable detail screen exists; the screen."""
    from itb_tui.ui.screens.detail import DETAIL_SCREEN_NAME

    await _open_from_ward(pilot, "OK01")
    await _back(pilot)
    return pilot.app.get_screen(DETAIL_SCREEN_NAME)


async def test_reopening_lays_the_patient_out_once_with_every_card_and_the_timeline_sized(tmp_path):
    app = make_app(ward_store(tmp_path, demo=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await _reused_screen(pilot)
        layouts = _count_calls(screen, "_refresh_layout")
        # After OK01, PEND01 has another banner, other alerts and one more timeline row
        # (no scrollbar comes or goes: that would rightly need a second layout).
        await _open_from_ward(pilot, "PEND01")
        assert app.screen is screen
        text = screen_text(app)
        assert "Pending, Test" in text and "▲ CAUTION: refill only after" in text and "Culture: blood" in text
        assert "Okafor" not in text
        assert layouts == [1]  # not laid out again a frame later for the resized cards or timeline
        timeline = screen.query_one("Timeline")
        assert timeline.virtual_size.height == timeline.row_count + 1  # rows and the header


async def test_reopening_skips_the_whole_screen_restyle(tmp_path):
    app = make_app(ward_store(tmp_path, demo=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await _reused_screen(pilot)
        restyled = []
        real_update_nodes = app.stylesheet.update_nodes

        def update_nodes(nodes, animate=False):
            nodes = list(nodes)
            restyled.extend(nodes)
            return real_update_nodes(nodes, animate=animate)

        app.stylesheet.update_nodes = update_nodes
        await _open_from_ward(pilot, "KRU01")
        assert app.screen is screen and "✖ BLOCKED: do not refill" in screen_text(app)
        assert screen not in restyled  # only the widgets whose classes or focus changed


async def test_a_theme_change_while_the_patient_is_closed_shows_on_reopening(tmp_path):
    app = make_app(ward_store(tmp_path, demo=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await _reused_screen(pilot)
        timeline = screen.query_one("Timeline")
        before = timeline.styles.border_top[1]
        app.theme = "nord" if app.theme != "nord" else "gruvbox"  # another accent colour
        await settle(pilot)
        await _open_from_ward(pilot, "OK01")
        assert app.screen is screen
        focused_border = Color.parse(app.get_css_variables()["accent"])  # Timeline:focus border
        assert timeline.styles.border_top[1] != before
        assert timeline.styles.border_top[1] == focused_border


async def test_a_change_on_the_ward_list_underneath_does_not_repaint_the_open_patient(tmp_path):
    from itb_tui.ui.widgets.ward_table import WardTable

    app = make_app(ward_store(tmp_path, demo=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_from_ward(pilot, "PEND01")
        screen = app.screen
        shown = screen_text(app)
        renders = _count_calls(screen._compositor, "render_update")
        app.ward_screen.query_one(WardTable).refresh()  # the list below repaints
        await settle(pilot)
        assert renders == [0]
        assert screen_text(app) == shown
        # The patient's own changes still paint: moving the date redraws the countdowns.
        app.as_of = app.as_of + timedelta(days=1)
        await settle(pilot)
        assert renders[0] >= 1 and screen_text(app) != shown
