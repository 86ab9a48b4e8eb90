"""The palette's patient search lists exact MRN and name matches first (issue 13): "Sven"
is Testperson, Sven before the fuzzy matches (Vera and Tove hold its letters too)."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import OptionList

from shell_helpers import SIZE, make_app, make_store, settle


async def _palette_hits(pilot, query: str) -> list[str]:
    await pilot.press("ctrl+p")
    await settle(pilot)
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    await pilot.press(*query)
    for _ in range(20):  # the search runs as a task: wait for its hits
        await pilot.pause(0.05)
        options = palette.query_one(OptionList)
        if options.option_count:
            break
    await pilot.pause(0.3)
    return [str(options.get_option_at_index(i).prompt).splitlines()[0] for i in range(options.option_count)]


async def test_an_exact_given_name_is_listed_first(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hits = await _palette_hits(pilot, "Sven")
        assert hits[0].startswith("Testperson, Sven · MRN D1019"), hits


async def test_an_exact_mrn_is_listed_first(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hits = await _palette_hits(pilot, "D1002")
        assert "MRN D1002" in hits[0], hits
