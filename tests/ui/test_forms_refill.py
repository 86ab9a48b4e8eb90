"""Recording a refill: allowed, blocked without override (refused, reasons shown, nothing
saved), blocked with an override (saved, override kept), bad values, cancel."""

from __future__ import annotations

from decimal import Decimal

from itb_tui.ui.forms.refill import RefillForm
from itb_tui.ui.screens.detail import PatientDetailScreen

from detail_helpers import (
    TODAY,
    field_error,
    fill,
    notice_text,
    open_form,
    press,
    refill_count,
    running,
    screen_text,
)


async def test_allowed_refill_saves_and_the_detail_shows_it(tmp_path):
    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        form = await open_form(pilot, "r", RefillForm)
        assert notice_text(form) == "✔ Refill allowed on 2026-11-25 Wed."
        assert not form.is_shown("override_reason")
        await fill(pilot, "volume_ml", "19.5")
        await press(pilot, "enter")
        assert app.screen is detail
        refills = store.get_patient("OK01").pumps[0].refills
        assert [(r.on, r.volume_ml, r.override_reason) for r in refills][-1] == (TODAY, Decimal("19.5"), None)
        # 19.5 mL filled today at 0.6 mL/day: (19.5 - 2) / 0.6 = 29.17 -> 29 days -> 2026-12-24.
        assert "2026-12-24 Thu (in 29 d)" in screen_text(app)


async def test_blocked_refill_without_override_is_refused_with_the_reasons(tmp_path):
    async with running(tmp_path, "KRU01") as (store, app, pilot, detail):
        before = refill_count(store, "KRU01")
        form = await open_form(pilot, "r")
        text = notice_text(form)
        assert "✖ REFILL BLOCKED on 2026-11-25 Wed" in text
        assert "Fungemia" in text  # the reason in words
        assert f"[source: {app.rules.entry('fungemia').source}]" in text
        assert form.is_shown("override_reason")
        await fill(pilot, "volume_ml", "20")
        await press(pilot, "enter")
        assert app.screen is form  # still open: nothing saved
        assert field_error(form, "override_reason").startswith(
            "✖ is required: refill is blocked on 2026-11-25")
        assert "Not saved" in form.form_error
        assert refill_count(store, "KRU01") == before


async def test_blocked_refill_with_override_saves_and_keeps_the_reason(tmp_path):
    async with running(tmp_path, "KRU01") as (store, app, pilot, detail):
        form = await open_form(pilot, "r")
        await fill(pilot, "volume_ml", "20")
        await fill(pilot, "override_reason", "too short")
        assert "at least 10 characters" in field_error(form, "override_reason")
        reason = "explant tomorrow; withdrawal risk judged higher"
        await fill(pilot, "override_reason", reason)
        await press(pilot, "enter")
        assert app.screen is detail
        refill = store.get_patient("KRU01").pumps[0].refills[-1]
        assert (refill.on, refill.override_reason) == (TODAY, reason)
        assert any(e.reason == reason for e in store.audit_trail("KRU01"))
        assert "⚑ OVERRIDE" in screen_text(app)


async def test_caution_is_shown_but_needs_no_override(tmp_path):
    async with running(tmp_path, "PEND01") as (store, app, pilot, detail):
        await press(pilot, "r")
        assert "▲ CAUTION on 2026-11-25 Wed: refill allowed" in notice_text(app.screen)
        assert "Culture pending" in notice_text(app.screen)
        assert not app.screen.is_shown("override_reason")


async def test_bad_refill_values_are_named_under_their_field_and_nothing_is_saved(tmp_path):
    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        before = refill_count(store, "OK01")
        form = await open_form(pilot, "r")
        await fill(pilot, "volume_ml", "25")
        assert field_error(form, "volume_ml") == "✖ must be at most the reservoir (20 mL)"
        await fill(pilot, "volume_ml", "lots")
        assert field_error(form, "volume_ml") == "✖ must be a number, such as 20 or 18.5"
        await fill(pilot, "on", "2026-13-01")
        assert "invalid date" in field_error(form, "on")
        await fill(pilot, "on", "+2d")
        assert field_error(form, "on") == "✖ must not be after today (2026-11-25)"
        await fill(pilot, "on", "yesterday")
        assert field_error(form, "on") == ""
        assert "= 2026-11-24 Tuesday" in screen_text(app)  # what a relative date means
        await press(pilot, "enter")
        assert app.screen is form
        assert refill_count(store, "OK01") == before


async def test_cancel_closes_the_form_and_loses_nothing_saved(tmp_path):
    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        before = store.get_patient("OK01")
        await press(pilot, "r")
        await fill(pilot, "volume_ml", "20")
        await press(pilot, "escape")
        assert isinstance(app.screen, PatientDetailScreen)
        assert store.get_patient("OK01") == before


async def test_block_found_by_the_store_at_save_asks_for_an_override(tmp_path):
    """Another terminal recorded a positive culture after the form opened: the store refuses
    the refill as decided on a stale screen (who changed the patient); ctrl+r loads the
    change, and the form then says the refill is blocked and why and asks for the
    override, keeping what was typed. Nothing is saved on the way."""
    from itb_tui.clinical.records import Culture

    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        before = refill_count(store, "OK01")
        form = await open_form(pilot, "r")
        await fill(pilot, "volume_ml", "20")
        assert not form.is_shown("override_reason")
        store.add_culture("OK01", Culture("blood", TODAY, "positive", "Candida albicans"), actor="other nurse")
        await press(pilot, "enter")
        assert app.screen is form
        assert "other nurse changed patient OK01" in form.form_error
        assert refill_count(store, "OK01") == before
        await press(pilot, "ctrl+r")
        assert form.is_shown("override_reason")  # the reloaded patient is blocked
        await press(pilot, "enter")
        assert app.screen is form
        text = screen_text(app)
        assert "REFILL BLOCKED on 2026-11-25" in text and "Candida albicans" in text
        assert "reason is needed to record it" in text
        assert form.raw("volume_ml") == "20"
        assert refill_count(store, "OK01") == before
