"""Explanting a pump: the date and reason, and the bridging plan shown before saving."""

from __future__ import annotations

from itb_tui.ui.forms.explant import ExplantForm

from detail_helpers import (
    SIZE,
    TODAY,
    field_error,
    fill,
    make_app,
    notice_text,
    open_detail,
    press,
    screen_text,
    ward_store,
)


async def test_explant_shows_the_bridging_alert_and_saves(tmp_path):
    store = ward_store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, "KRU01")
        await press(pilot, "x")
        form = app.screen
        assert isinstance(form, ExplantForm)
        await fill(pilot, "removal_reason", "infected device (fungemia)")
        assert app.rules.entry("no_bridging_plan").title in notice_text(form)
        await press(pilot, "enter")
        assert app.screen is detail
        pump = store.get_patient("KRU01").pumps[0]
        assert (pump.removed_on, pump.removal_reason) == (TODAY, "infected device (fungemia)")
        assert "No pump implanted" in screen_text(app)


async def test_explant_form_names_each_bad_field_and_saves_nothing(tmp_path):
    store = ward_store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, "OK01")
        await press(pilot, "x")
        form = app.screen
        await fill(pilot, "removed_on", "2023-12-31")
        assert field_error(form, "removed_on") == "✖ must be on or after implanted_on (2024-01-10)"
        await press(pilot, "enter")
        assert field_error(form, "removal_reason") == "✖ is required"
        assert app.screen is form
        assert store.get_patient("OK01").pumps[0].removed_on is None
