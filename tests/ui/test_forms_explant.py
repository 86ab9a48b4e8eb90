"""Explanting a pump: the date and reason, and the bridging plan shown before saving."""

from __future__ import annotations

from itb_tui.ui.forms.explant import ExplantForm

from detail_helpers import (
    TODAY,
    field_error,
    fill,
    notice_text,
    open_form,
    press,
    running,
    screen_text,
)


async def test_explant_shows_the_bridging_alert_and_saves(tmp_path):
    async with running(tmp_path, "KRU01") as (store, app, pilot, detail):
        form = await open_form(pilot, "x", ExplantForm)
        await fill(pilot, "removal_reason", "infected device (fungemia)")
        assert app.rules.entry("no_bridging_plan").title in notice_text(form)
        await press(pilot, "enter")
        assert app.screen is detail
        pump = store.get_patient("KRU01").pumps[0]
        assert (pump.removed_on, pump.removal_reason) == (TODAY, "infected device (fungemia)")
        assert "No pump implanted" in screen_text(app)


async def test_explant_form_names_each_bad_field_and_saves_nothing(tmp_path):
    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        form = await open_form(pilot, "x")
        await fill(pilot, "removed_on", "2023-12-31")
        assert field_error(form, "removed_on") == "✖ must be on or after implanted_on (2024-01-10)"
        await press(pilot, "enter")
        assert field_error(form, "removal_reason") == "✖ is required"
        assert app.screen is form
        assert store.get_patient("OK01").pumps[0].removed_on is None
