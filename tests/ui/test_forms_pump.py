"""Adding, replacing and reimplanting a pump."""

from __future__ import annotations

from decimal import Decimal

from itb_tui.ui.forms.pump import PumpForm

from detail_helpers import (
    TODAY,
    field_error,
    fill,
    open_form,
    press,
    running,
    screen_text,
)


async def test_replacing_a_pump_explants_the_old_one_then_adds_the_new(tmp_path):
    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        form = await open_form(pilot, "p", PumpForm)
        assert form.replacing.serial == "TST-OK01"
        # Device details carry over; the dose does not (shown as a hint instead).
        assert (form.raw("model"), form.raw("reservoir_ml"), form.raw("daily_dose_ug")) == (
            "SynchroMed II", "20", "")
        assert "previous pump: 300 µg/day" in screen_text(app)
        await fill(pilot, "removal_reason", "battery end of life")
        await fill(pilot, "serial", "TST-OK01B")
        await fill(pilot, "concentration_ug_ml", "500")
        await fill(pilot, "daily_dose_ug", "250")
        await press(pilot, "enter")
        assert app.screen is detail
        old, new = store.get_patient("OK01").pumps
        assert (old.removed_on, old.removal_reason) == (TODAY, "battery end of life")
        assert (new.serial, new.implanted_on, new.removed_on, new.daily_dose_ug) == (
            "TST-OK01B", TODAY, None, Decimal("250"))
        text = screen_text(app)
        assert "serial TST-OK01B" in text and "no refill recorded yet" in text


async def test_pump_form_names_each_bad_field_and_saves_nothing(tmp_path):
    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        before = store.get_patient("OK01").pumps
        form = await open_form(pilot, "p")
        await fill(pilot, "alarm_ml", "25")
        assert field_error(form, "alarm_ml") == "✖ must be below the reservoir (20 mL)"
        await fill(pilot, "daily_dose_ug", "0.5")
        assert field_error(form, "daily_dose_ug") == "✖ must be between 1 and 5000 µg/day"
        await fill(pilot, "removed_on", "2020-01-01")  # before the old pump went in
        assert field_error(form, "removed_on") == "✖ must be on or after implanted_on (2024-01-10)"
        await press(pilot, "enter")
        assert app.screen is form
        assert field_error(form, "removal_reason") == "✖ is required"
        assert field_error(form, "serial") == "✖ is required"
        assert store.get_patient("OK01").pumps == before


async def test_reimplant_after_explant_adds_a_pump(tmp_path):
    async with running(tmp_path, "DAY01") as (store, app, pilot, detail):
        assert "No pump implanted" in screen_text(app)
        form = await open_form(pilot, "i", PumpForm)
        assert form.replacing is None
        assert form.raw("manufacturer") == "Medtronic"
        await fill(pilot, "serial", "TST-DAY01B")
        await fill(pilot, "concentration_ug_ml", "500")
        await fill(pilot, "daily_dose_ug", "300")
        await press(pilot, "enter")
        assert app.screen is detail
        assert [p.serial for p in store.get_patient("DAY01").pumps] == ["TST-DAY01", "TST-DAY01B"]
        assert "serial TST-DAY01B" in screen_text(app)
