"""The patient detail screen, read the way a clinician reads it on the round."""

from __future__ import annotations

from datetime import timedelta

from itb_tui.clinical.engine import assess
from itb_tui.ui.widgets.detail_timeline import Timeline

from detail_helpers import (
    SIZE,
    TODAY,
    demo_patient_where,
    make_app,
    open_detail,
    press,
    screen_text,
    settle,
    ward_store,
)


async def test_blocked_withdrawal_risk_demo_patient_reads_why_and_what_to_do(tmp_path):
    store = ward_store(tmp_path)
    mrn = demo_patient_where(store, TODAY, lambda p, a: a.refill.status == "blocked" and a.withdrawal_risk)
    app = make_app(store)
    async with app.run_test(size=(120, 80)) as pilot:  # tall: the whole alert list on screen
        screen = await open_detail(pilot, mrn)
        text = screen_text(app)
        assessment = screen.assessment
        assert "✖ BLOCKED: do not refill this pump" in text
        # Each block reason in words with the engine's sentence (its opening words).
        for explanation in assessment.refill.explanations:
            assert " ".join(explanation.split()[:4]) in " ".join(text.split())
        # The withdrawal alert: severity by word and symbol, rule title, source, bridging advice.
        alert = next(a for a in assessment.alerts if a.code == "withdrawal_risk")
        flat = " ".join(text.split())
        assert "‼ CRITICAL" in text
        assert app.rules.entry("withdrawal_risk").title in flat
        assert f"Source: {alert.source}" in flat
        assert "lumbar drain" in flat.lower()
        assert f"‼ {assessment.critical_count} critical" in text


async def test_detail_shows_pump_gauge_countdown_and_dated_timeline(tmp_path):
    app = make_app(ward_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, "KRU01")
        text = screen_text(app)
        assert "Krusei, Test · MRN KRU01 · born 1966-06-06 · Test ward, bed 2 · 70 kg" in text
        assert "Medtronic SynchroMed II · serial TST-KRU01" in text
        assert "300 µg/d · 500 µg/mL · 0.6 mL/d" in text
        # Refilled 2026-10-28 with 20 mL at 0.6 mL/day: (20 - 2) / 0.6 = 30 days -> 2026-11-27.
        assert "2026-11-27 Fri (in 2 d)" in text
        assert "┃" in text and "█" in text  # the gauge with its alarm line
        assert "Awaiting clearance" in text
        timeline = app.screen.query_one(Timeline)
        events = [(e.on.isoformat(), e.event) for e in timeline.entries]
        assert events[:3] == [("2026-11-21", "Antifungal started"), ("2026-11-20", "Culture: blood"),
                              ("2026-10-28", "Refill")]
        assert "POSITIVE: Candida krusei · fluconazole R" in text


async def test_moving_as_of_moves_the_antifungal_day_count(tmp_path):
    app = make_app(ward_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, "DAY01")
        # Anchor 2026-11-18 (symptoms resolved after clearance on 2026-11-08).
        assert "Day 7 of 14" in screen_text(app) and "7 d left" in screen_text(app)
        app.as_of = TODAY + timedelta(days=3)
        await settle(pilot)
        text = screen_text(app)
        assert "Day 10 of 14" in text and "4 d left" in text
        assert "AS OF 2026-11-28 (+3 d, not today)" in text
        app.as_of = TODAY
        await settle(pilot)
        assert "Day 7 of 14" in screen_text(app)


async def test_escape_goes_back_and_unknown_mrn_says_so(tmp_path):
    from itb_tui.ui.screens.detail import PatientDetailScreen

    app = make_app(ward_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        below = app.screen
        app.push_screen(PatientDetailScreen("NOPE"))
        await settle(pilot)
        assert "No patient with MRN NOPE" in screen_text(app)
        await press(pilot, "r")  # nothing to act on: a message, no form
        assert isinstance(app.screen, PatientDetailScreen)
        await press(pilot, "escape")
        assert app.screen is below


async def test_change_in_another_terminal_shows_after_data_changed(tmp_path):
    from itb_tui.clinical.records import Culture

    store = ward_store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, "OK01")
        assert "✔ REFILL OK" in screen_text(app)
        store.add_culture("OK01", Culture("blood", TODAY, "positive", "Candida albicans"), actor="other nurse")
        app.notify_data_changed()
        await settle(pilot)
        assert "✖ BLOCKED: do not refill" in screen_text(app)
        assert assess(store.get_patient("OK01"), TODAY).refill.reasons[0] == "fungemia"


async def test_every_action_is_in_the_command_palette(tmp_path):
    from itb_tui.ui.forms.refill import RefillForm
    from itb_tui.ui.screens.detail import PALETTE_COMMANDS, PatientDetailScreen

    app = make_app(ward_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, "OK01")
        actions = {binding.action for binding in PatientDetailScreen.BINDINGS}
        assert actions == {action for action, _title, _help in PALETTE_COMMANDS}
        await press(pilot, "ctrl+p")
        await pilot.press(*"record refill")
        await pilot.pause(0.5)
        await press(pilot, "enter")
        assert isinstance(app.screen, RefillForm)


async def test_a_store_error_while_loading_is_said_in_words(tmp_path, monkeypatch):
    from itb_tui.store import StoreError

    store = ward_store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        def locked(mrn):
            raise StoreError("database ward.db: database is locked")

        monkeypatch.setattr(store, "detail_bundle", locked)
        from itb_tui.ui.screens.detail import PatientDetailScreen

        app.push_screen(PatientDetailScreen("OK01"))
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert "Could not load patient OK01: database ward.db: database is locked" in messages
