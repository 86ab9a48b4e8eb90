"""Symptom resolution and neutrophil recovery dates anchor the antifungal count."""

from __future__ import annotations

from datetime import date

from itb_tui.ui.forms.symptoms import SymptomsForm

from detail_helpers import (
    field_error,
    fill,
    notice_text,
    open_form,
    press,
    running,
    screen_text,
)


async def test_symptom_date_moves_the_count_before_and_after_saving(tmp_path):
    async with running(tmp_path, "DAY01") as (store, app, pilot, detail):
        assert "Day 7 of 14" in screen_text(app)
        form = await open_form(pilot, "y", SymptomsForm)
        assert form.raw("symptoms_resolved_on") == "2026-11-18"
        await fill(pilot, "symptoms_resolved_on", "2026-11-20")
        assert "Day 5 of 14" in notice_text(form)  # live, before saving
        await fill(pilot, "neutrophil_recovery_on", "+1d")
        assert field_error(form, "neutrophil_recovery_on") == "✖ must not be after today (2026-11-25)"
        await press(pilot, "enter")
        assert app.screen is form
        assert store.get_patient("DAY01").symptoms_resolved_on == date(2026, 11, 18)
        await fill(pilot, "neutrophil_recovery_on", "")
        await press(pilot, "enter")
        assert app.screen is detail
        assert store.get_patient("DAY01").symptoms_resolved_on == date(2026, 11, 20)
        assert "Day 5 of 14" in screen_text(app)
