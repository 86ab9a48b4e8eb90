"""Help is readable at 80x24 (issue 13): the key sections stack instead of three
columns that wrap every description word by word, and each rule becomes a block of
lines instead of a five-column table. At 120 columns it is laid out as before."""

from __future__ import annotations

from shell_helpers import make_app, make_store, screen_text, settle


async def _help_text(tmp_path, size, *, rules: bool = False) -> str:
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        if rules:
            screen = app.screen
            screen.query_one("#help-body").scroll_to_widget(screen.query_one("#help-rules"), animate=False, top=True)
            await settle(pilot)
        return screen_text(app)


async def test_at_80_columns_each_key_reads_on_one_line(tmp_path):
    text = await _help_text(tmp_path, (80, 24))
    assert "Show the ward as of another date" in text
    assert "Lock the screen now (sign in again to carry on)" in text
    assert "Ward list" in text


async def test_at_80_columns_each_rule_reads_as_a_block(tmp_path):
    text = await _help_text(tmp_path, (80, 24), rules=True)
    assert "Active fungemia: never refill" in text  # the title whole, on one line
    assert "fungemia · expert summary" in text
    assert "Threshold: – · Source: Seed summary" in text


async def test_at_120_columns_the_keys_stand_side_by_side(tmp_path):
    text = await _help_text(tmp_path, (120, 36))
    assert any("Everywhere" in line and "Ward list" in line and "Patient detail" in line
               for line in text.splitlines())
