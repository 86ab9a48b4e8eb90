"""The fast paths of issue 6 (open a patient, filter keystroke) keep showing the right thing.

Opening a patient reuses one detail screen and shows the ward list's copy of the patient
at once; the filter box narrows from its previous result; the ward reload reuses the
rows of unchanged patients; footers rebuild only when their keys change. Each test
checks what a user sees (or the rows they get) and that the shortcut was really taken.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

from textual.widgets._footer import FooterKey

from detail_helpers import SIZE, TODAY, make_app, screen_text, settle, ward_store


async def _press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


# --- opening a patient -----------------------------------------------------------------


async def test_opening_shows_the_patient_in_the_first_frame_without_waiting_for_the_store(tmp_path):
    from itb_tui.ui.screens.detail import PatientDetailScreen

    store = ward_store(tmp_path, demo=False)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reads = []
        real_get = store.detail_bundle
        store.detail_bundle = lambda mrn: reads.append(mrn) or real_get(mrn)
        app.open_patient("KRU01")
        screen = app.screen
        # Synchronously, before any worker ran: the patient and the engine's verdict.
        assert isinstance(screen, PatientDetailScreen)
        assert screen.patient is not None and screen.patient.mrn == "KRU01"
        assert screen.assessment is not None and screen.assessment.refill.status == "blocked"
        await settle(pilot)
        assert reads == ["KRU01"]  # the store is still read, for the newest data
        assert screen.loaded
        assert "✖ BLOCKED: do not refill" in screen_text(app)


async def test_the_reused_detail_screen_never_shows_the_previous_patient(tmp_path):
    store = ward_store(tmp_path, demo=False)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_patient("KRU01")
        await settle(pilot)
        first = app.screen
        assert "Krusei, Test" in screen_text(app) and "✖ BLOCKED: do not refill" in screen_text(app)
        await _press(pilot, "escape")
        app.open_patient("OK01")
        await settle(pilot)
        assert app.screen is first  # reused, not composed anew
        text = screen_text(app)
        assert "Okafor, Test" in text and "REFILL OK" in text
        assert "Krusei" not in text and "Candida krusei" not in text and "TST-KRU01" not in text
        assert {e.record.serial for e in first.query_one("Timeline").entries if e.kind == "pump"} == {"TST-OK01"}
        await _press(pilot, "escape")
        app.open_patient("NOPE")
        await settle(pilot)
        text = screen_text(app)
        assert "No patient with MRN NOPE" in text
        assert "Okafor" not in text and "REFILL" not in text and "TST-OK01" not in text


async def test_after_a_save_the_detail_waits_for_the_store_instead_of_the_older_list_copy(tmp_path):
    from itb_tui.clinical.records import Culture

    store = ward_store(tmp_path, demo=False)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ward = app.ward_screen
        assert ward.loaded_patient("OK01") is not None
        store.add_culture("OK01", Culture("blood", TODAY, "positive", "Candida albicans"), actor="other nurse")
        release = threading.Event()
        real_load = store.list_reads  # the list's read of the records
        store.list_reads = lambda as_of, mrns=None: release.wait(10) and real_load(as_of, mrns)
        app.notify_data_changed()
        await pilot.pause()
        # The list is reloading (held here): its copy predates the culture, so it is not offered.
        assert ward.loaded_patient("OK01") is None
        app.open_patient("OK01")
        assert app.screen.patient is None and app.screen.assessment is None  # "Loading…", not the old copy
        release.set()
        await settle(pilot)
        assert "✖ BLOCKED: do not refill" in screen_text(app)
        assert ward.loaded_patient("OK01").cultures  # the reloaded list has it


async def test_moving_the_date_while_the_detail_is_closed_shows_the_new_date_on_reopening(tmp_path):
    store = ward_store(tmp_path, demo=False)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_patient("OK01")
        await settle(pilot)
        await _press(pilot, "escape")
        app.as_of = TODAY + timedelta(days=20)  # past the 2026-12-10 alarm
        await settle(pilot)
        app.open_patient("OK01")
        await settle(pilot)
        assert app.screen.assessment.as_of == TODAY + timedelta(days=20)
        assert "2026-12-15" in screen_text(app)


async def test_a_new_sign_in_gets_a_fresh_detail_screen(tmp_path):
    store = ward_store(tmp_path, demo=False)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_patient("OK01")
        await settle(pilot)
        first = app.screen
        app._start_fresh()  # what sign_in does for another user
        await settle(pilot)
        app.open_patient("OK01")
        await settle(pilot)
        assert app.screen is not first
        assert "Okafor, Test" in screen_text(app)


async def test_a_patient_opened_over_an_open_patient_gets_its_own_screen(tmp_path):
    store = ward_store(tmp_path, demo=False)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_patient("OK01")
        await settle(pilot)
        below = app.screen
        app.open_patient("KRU01")  # e.g. from the palette, on the detail screen
        await settle(pilot)
        assert app.screen is not below and app.screen.mrn == "KRU01"
        await _press(pilot, "escape")
        assert app.screen is below and "Okafor, Test" in screen_text(app)


# --- footers ------------------------------------------------------------------------------


async def test_footer_keeps_its_keys_when_a_refresh_changes_nothing_and_follows_a_real_change(tmp_path):
    from itb_tui.ui.widgets.key_footer import KeyFooter

    app = make_app(ward_store(tmp_path, demo=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_patient("OK01")
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        keys = list(footer.query(FooterKey))
        assert "Refill" in [key.description for key in keys]
        for _ in range(3):
            app.screen.refresh_bindings()
        await settle(pilot)
        assert list(footer.query(FooterKey)) == keys  # the very same widgets: no rebuild
        app.update_keymap({"detail.refill": "R"})
        await settle(pilot)
        assert "R" in [key.key_display for key in footer.query(FooterKey) if key.description == "Refill"]


# --- the filter box -----------------------------------------------------------------------


def _rows(names):
    from itb_tui.ui.widgets.ward_rows import Cell, WardRow

    return [
        WardRow(mrn=f"M{i}", name=name, ward="A", bed=str(i), status="ok", withdrawal_risk=False,
                critical=0, warning=0, alarm_on=None, days_to_refill=None, urgency=(),
                search=f"{name} m{i} {i}".casefold(), cells=(Cell(""),) * 8)
        for i, name in enumerate(names)
    ]


def test_typing_narrows_from_the_previous_result_and_backspace_is_remembered(monkeypatch):
    from itb_tui.ui.widgets import ward_rows
    from itb_tui.ui.widgets.ward_rows import RowFilter, filter_rows

    source = _rows(["Marsh", "Martin", "Mary Kelley", "Adams", "Kelly Mar", "Zeller"])
    scanned = []
    real = ward_rows.filter_rows
    monkeypatch.setattr(ward_rows, "filter_rows", lambda rows, *a, **k: scanned.append(len(rows)) or real(rows, *a, **k))
    row_filter = RowFilter()
    for text in ("m", "ma", "mar", "mar k", "mar ke", "mar k", "mar", "ma", "m", ""):
        assert row_filter.rows(source, text) == filter_rows(source, text), text
    # "m" scans all 6; each longer query scans only what the previous one left; the way
    # back (backspace) is remembered, and "" is the whole list again.
    assert scanned[0] == 6
    assert scanned[1:] == [len(filter_rows(source, t)) for t in ("m", "ma", "mar", "mar k")] + [6]


def test_the_other_filters_are_never_mixed_up_with_a_remembered_result():
    from itb_tui.ui.widgets.ward_rows import RowFilter, filter_rows

    source = _rows(["Marsh", "Martin", "Mary"])
    row_filter = RowFilter()
    assert len(row_filter.rows(source, "mar")) == 3
    assert row_filter.rows(source, "mart", ward="B") == filter_rows(source, "mart", ward="B") == []
    assert [r.name for r in row_filter.rows(source, "mart")] == ["Martin"]
    other = _rows(["Martha"])  # a reload: a new list
    assert [r.name for r in row_filter.rows(other, "mar")] == ["Martha"]


# --- the ward reload ------------------------------------------------------------------------


def test_a_reload_reuses_the_rows_of_unchanged_patients_and_rebuilds_the_changed_one(tmp_path):
    from itb_tui.clinical.records import Refill
    from itb_tui.clinical.rules import load_rules
    from itb_tui.ui.widgets.ward_rows import RowCache, build_rows

    store = ward_store(tmp_path, demo=False)
    rules = load_rules()
    cache = RowCache()
    before = {row.mrn: row for row in cache.build(store.load_patients(), TODAY, rules)}
    assert before["KRU01"].status == "blocked"
    pump = store.get_patient("OK01").pumps[0]
    store.record_refill("OK01", pump.id, Refill(TODAY, Decimal(20)), actor="nurse")
    patients = store.load_patients()
    after = {row.mrn: row for row in cache.build(patients, TODAY, rules)}
    assert after["PEND01"] is before["PEND01"] and after["KRU01"] is before["KRU01"]
    assert after["OK01"] is not before["OK01"] and after["OK01"].alarm_on > before["OK01"].alarm_on
    assert list(after.values()) == build_rows(patients, TODAY, rules)  # same as building afresh
    later = {row.mrn: row for row in cache.build(patients, TODAY + timedelta(days=30), rules)}
    assert later["OK01"] is not after["OK01"] and later["OK01"].alarm_on == after["OK01"].alarm_on


async def test_the_loaded_ward_is_kept_out_of_full_collections_until_the_app_exits(tmp_path):
    """After a load the ward's objects are frozen (no 250-300 ms collector pauses on a
    keystroke at 10,000 patients); a reload frees the old load first, and quitting
    unfreezes everything, so a long session or a test run does not keep garbage."""
    import gc

    from shell_helpers import SIZE, make_app, make_store, settle

    gc.unfreeze()
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        frozen = gc.get_freeze_count()
        assert frozen > 0
        await pilot.press("ctrl+r")  # reload: unfreeze, collect, load, freeze again
        await settle(pilot)
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
