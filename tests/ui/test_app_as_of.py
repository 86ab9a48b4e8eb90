"""Planning a round ahead: show the ward "as of" another date, and back to today."""

from __future__ import annotations

from datetime import date, timedelta

from itb_tui.ui import format as fmt
from itb_tui.ui.screens.as_of import AsOfScreen

from shell_helpers import TODAY, SIZE, make_app, make_store, row_text, screen_text, settle, ward_table


def _row_with_alarm(app):
    return next(r for r in ward_table(app).rows if r.alarm_on is not None)


async def _set_as_of(pilot, text: str) -> None:
    await pilot.press("a")
    await settle(pilot)
    await pilot.press(*text)
    await pilot.press("enter")
    await settle(pilot)


async def test_moving_the_date_moves_the_countdowns_and_marks_the_screen(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = _row_with_alarm(app)
        days_before = (row.alarm_on - TODAY).days
        assert fmt.days_text(days_before) in row_text(app, row.mrn)
        assert "NOT TODAY" not in screen_text(app)

        await _set_as_of(pilot, "+10d")

        later = TODAY + timedelta(days=10)
        assert app.as_of == later
        assert fmt.days_text(days_before - 10) in row_text(app, row.mrn)
        text = screen_text(app)
        assert "AS OF 2026-12-05 — NOT TODAY (t: back to today)" in text
        assert "AS OF 2026-12-05 (+10 d, not today)" in text  # the header, on every screen
        assert app.has_class("-not-today")


async def test_antifungal_day_count_moves_with_the_date(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        running = [r for r in ward_table(app).rows if "Day " in r.text() and " of " in r.text()]
        assert running, "the demo ward should have an antifungal course in progress"
        mrn = running[0].mrn
        before = row_text(app, mrn)
        day = int(before.split("Day ")[1].split(" of ")[0])
        await _set_as_of(pilot, "+1d")
        assert f"Day {day + 1} of" in row_text(app, mrn)


async def test_t_goes_back_to_today(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = _row_with_alarm(app)
        before = row_text(app, row.mrn)
        await _set_as_of(pilot, "+3d")
        assert row_text(app, row.mrn) != before
        await pilot.press("t")
        await settle(pilot)
        assert app.as_of == TODAY
        assert row_text(app, row.mrn) == before
        text = screen_text(app)
        assert "NOT TODAY" not in text and "as of 2026-11-25 (today)" in text
        assert not app.has_class("-not-today")


async def test_weekday_words_are_understood_and_previewed(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"next monday")
        await settle(pilot)
        assert "→ 2026-11-30, Monday (+5 d from today)" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.as_of == date(2026, 11, 30)  # 2026-11-25 is a Wednesday


async def test_a_bad_date_is_explained_and_changes_nothing(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows_before = ward_table(app).row_texts()
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"someday", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AsOfScreen)  # still asking
        text = screen_text(app)
        assert "✖ invalid date 'someday'" in text
        assert app.as_of == TODAY
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.ward_screen
        assert app.as_of == TODAY
        assert ward_table(app).row_texts() == rows_before
        assert "NOT TODAY" not in screen_text(app)


async def test_enter_on_an_empty_prompt_asks_for_a_date(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Type a date, or press Esc" in screen_text(app)
        assert app.as_of == TODAY
