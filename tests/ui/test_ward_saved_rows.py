"""The ward list opens on the rows saved at the last derivation (hazard H35), says it is
checking them, re-derives every row from the records straight after, and never shows a
saved row for a patient who changed since, for another date, or one that was altered."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from shell_helpers import SIZE, TODAY, first_start, make_store, row_text, row_texts, screen_text, settle, ward_screen
from shell_helpers import make_app as plain_app

from itb_tui.present.saved_rows import list_key
from itb_tui.ui.screens.ward import CHECKING_TEXT


# Both ways the saved rows reach the list: read by the app before its first frame (as
# `run_app` does), or by the list's own load worker (after a sign-in).
@pytest.fixture(params=["read before the first frame", "read by the load"])
def make_app(request):
    def make(store, **kw):
        app = plain_app(store, **kw)
        if request.param == "read before the first frame":
            app.prefetch_saved_rows()
        return app
    return make


class _HeldLoad:
    """The store, with `list_reads` held until released: the moment between the saved
    rows being drawn and the records being read."""

    def __init__(self, store):
        self._store = store
        self.release = threading.Event()

    def list_reads(self, as_of, mrns=None):  # the list's read of the records
        if mrns is None:  # the whole ward (a few patients' rows may be read before it)
            assert self.release.wait(10), "test never released the load"
        return self._store.list_reads(as_of, mrns)

    def __getattr__(self, name):
        return getattr(self._store, name)


async def _wait_loaded(pilot) -> None:
    for _ in range(200):
        if ward_screen(pilot.app) is not None and ward_screen(pilot.app).loaded:
            return
        await pilot.pause(0.02)
    raise AssertionError("the list never showed")


async def test_the_second_start_shows_the_saved_rows_at_once_then_the_derived_ones(tmp_path, make_app):
    store = make_store(tmp_path)
    derived = await first_start(store)
    held = _HeldLoad(store)
    app = make_app(held)
    async with app.run_test(size=SIZE) as pilot:
        await _wait_loaded(pilot)
        await pilot.pause()
        assert row_texts(app) == derived  # every row, before the records are read
        assert CHECKING_TEXT in screen_text(app) and not ward_screen(app).checked
        held.release.set()
        await settle(pilot)
        assert ward_screen(app).checked and CHECKING_TEXT not in screen_text(app)
        assert row_texts(app) == derived
        assert not any("no longer matched" in n.message for n in app._notifications)


async def test_a_patient_changed_since_is_drawn_from_their_records_never_from_a_saved_row(tmp_path, make_app):
    """A program that does not keep the rows (the lab feed, an import, an older itb-tui)
    moved a patient to another bed after the rows were saved: the list still draws at
    once (issue 17: one overnight change must not make the first start derive the whole
    ward first), that patient's row derived from their records, never the saved one,
    and every row marked "checking" until the whole ward is re-derived (H35)."""
    store = make_store(tmp_path)
    await first_start(store)
    mrn = store.load_patients()[0].mrn
    store.keep_list_rows(None)  # the app registered its row maker on this store object
    store.save_patient(replace(store.get_patient(mrn), bed="99Z"), "other terminal")
    held = _HeldLoad(store)
    app = make_app(held)
    async with app.run_test(size=SIZE) as pilot:
        await _wait_loaded(pilot)
        await pilot.pause()
        assert "99Z" in row_text(app, mrn)  # before the ward's records are read
        assert CHECKING_TEXT in screen_text(app) and not ward_screen(app).checked
        held.release.set()
        await settle(pilot)
        assert ward_screen(app).checked and "99Z" in row_text(app, mrn)
        assert not any("no longer matched" in n.message for n in app._notifications)


async def test_when_most_of_the_ward_changed_since_the_list_waits_for_the_records(tmp_path, make_app):
    """More than half the saved rows void (a re-import of the ward by a script): the list
    derives the whole ward from the records before it shows any row, as with no saved
    rows at all."""
    store = make_store(tmp_path)
    await first_start(store)
    store.keep_list_rows(None)
    patients = store.load_patients()
    moved = patients[: len(patients) // 2 + 1]
    for patient in moved:
        store.save_patient(replace(store.get_patient(patient.mrn), bed="99Z"), "script")
    held = _HeldLoad(store)
    app = make_app(held)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        assert not ward_screen(app).loaded and "Loading the ward…" in screen_text(app)
        held.release.set()
        await settle(pilot)
        assert all("99Z" in row_text(app, p.mrn) for p in moved)


async def test_saved_rows_are_not_used_on_another_day(tmp_path, make_app):
    """The first start saves today's rows and tomorrow's: two days later neither is used
    (their countdowns are not that day's)."""
    store = make_store(tmp_path)
    await first_start(store)
    held = _HeldLoad(store)
    app = make_app(held, today=TODAY.replace(day=27))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        assert not ward_screen(app).loaded
        held.release.set()
        await settle(pilot)
        assert ward_screen(app).checked


@pytest.mark.parametrize("where", ["second process", "load worker"])
async def test_the_next_days_first_start_draws_the_rows_saved_the_day_before(tmp_path, make_app, where,
                                                                            monkeypatch):
    """Once today's list is checked, tomorrow's rows are derived and saved in the
    background (issue 17; in a second process for a SQLite file, else in the load
    worker): the next day's first start draws them at once, says it is checking them,
    and ends on exactly the rows derived from the records that day."""
    if where == "load worker":
        monkeypatch.setattr("itb_tui.ui.screens.ward.rows_from_child", lambda *a: None)
    else:  # the demo ward is small: the list would derive its rows itself
        monkeypatch.setattr("itb_tui.ui.screens.ward.CHILD_MIN_ROWS", 0)
    store = make_store(tmp_path)
    await first_start(store)
    tomorrow = TODAY.replace(day=26)
    expected = await _first_start_on(store, tomorrow)
    held = _HeldLoad(store)
    app = make_app(held, today=tomorrow)
    async with app.run_test(size=SIZE) as pilot:
        await _wait_loaded(pilot)
        await pilot.pause()
        assert CHECKING_TEXT in screen_text(app) and not ward_screen(app).checked
        assert row_texts(app) == expected
        held.release.set()
        await settle(pilot)
        assert ward_screen(app).checked and CHECKING_TEXT not in screen_text(app)
        assert row_texts(app) == expected
        assert not any("no longer matched" in n.message for n in app._notifications)


async def _first_start_on(store, day) -> list[str]:
    """What the list derives from the records on `day` (no saved row drawn first)."""
    return await first_start(_NoSavedRows(store), today=day)


class _NoSavedRows(_HeldLoad):
    """The store with no saved rows to offer and none kept (a plain derivation)."""

    def __init__(self, store):
        super().__init__(store)
        self.release.set()

    def saved_list_rows(self, key):
        from itb_tui.store.errors import StoreError

        raise StoreError("no saved rows in this test")

    def save_list_rows(self, key, rows):
        return 0


async def test_an_altered_saved_row_is_replaced_by_the_records_and_reported(tmp_path, make_app):
    """If a saved row ever disagreed with the records (a bug, or the database edited
    behind the app's back) the records win within the same load and the user is told."""
    store = make_store(tmp_path)
    derived = await first_start(store)
    blocked = next(t for t in derived if "BLOCKED" in t)
    mrn = next(p.mrn for p in store.load_patients() if p.mrn in blocked)
    with store.engine.begin() as conn:
        from sqlalchemy import text

        conn.execute(text("UPDATE list_rows SET payload = replace(payload, 'BLOCKED', 'OK') "
                          "WHERE patient_id = (SELECT id FROM patients WHERE mrn = :mrn)"), {"mrn": mrn})
    held = _HeldLoad(store)
    app = make_app(held)
    async with app.run_test(size=SIZE) as pilot:
        await _wait_loaded(pilot)
        assert "BLOCKED" not in row_text(app, mrn)  # the altered row, while checking
        held.release.set()
        await settle(pilot)
        assert "BLOCKED" in row_text(app, mrn)
        assert row_texts(app) == derived
        said = " ".join(n.message for n in app._notifications)
        assert "no longer matched the records" in said and mrn in said


async def test_a_save_on_the_list_is_kept_for_the_next_start(tmp_path, make_app):
    """Rows re-derived after a change are saved too: the next start needs no derivation
    and shows the change."""
    store = make_store(tmp_path)
    await first_start(store)
    mrn = store.load_patients()[0].mrn
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        store.save_patient(replace(store.get_patient(mrn), bed="42Q"), "this terminal")
        app.notify_data_changed()
        await settle(pilot)
        assert "42Q" in row_text(app, mrn)
    held = _HeldLoad(store)
    app = make_app(held)
    async with app.run_test(size=SIZE) as pilot:
        await _wait_loaded(pilot)
        assert "42Q" in row_text(app, mrn) and not ward_screen(app).checked
        held.release.set()
        await settle(pilot)


class _FailingLoad(_HeldLoad):
    def list_reads(self, as_of, mrns=None):
        raise RuntimeError("database is locked")


async def test_saved_rows_that_cannot_be_checked_say_so(tmp_path, make_app):
    """The records cannot be read after the saved rows were drawn: the list keeps them
    (better than nothing on a ward round) but says plainly they are not checked."""
    from itb_tui.ui.screens.ward import UNCHECKED_TEXT

    store = make_store(tmp_path)
    derived = await first_start(store)
    app = make_app(_FailingLoad(store))
    async with app.run_test(size=SIZE) as pilot:
        await _wait_loaded(pilot)
        await settle(pilot)
        assert row_texts(app) == derived
        assert UNCHECKED_TEXT in screen_text(app) and not ward_screen(app).checked


async def test_read_before_the_first_frame_the_list_never_shows_loading(tmp_path):
    """As `itb-tui` starts (run_app reads the saved rows first): the first frame is the
    drawn list, marked as being checked, with the records still unread."""
    store = make_store(tmp_path)
    derived = await first_start(store)
    held = _HeldLoad(store)
    app = plain_app(held)
    app.prefetch_saved_rows()
    async with app.run_test(size=SIZE) as pilot:
        await app.screen.wait_for_refresh()
        assert ward_screen(app).loaded and not ward_screen(app).checked
        text = screen_text(app)
        assert "Loading the ward…" not in text and CHECKING_TEXT in text
        assert row_texts(app) == derived
        held.release.set()
        await settle(pilot)
        assert ward_screen(app).checked and row_texts(app) == derived


async def test_a_write_saves_the_changed_row_so_the_next_start_only_rechecks(tmp_path, make_app):
    """A save through the app saves that patient's list rows (today's and tomorrow's) in
    its own transaction (issue 17): the next start draws at once, the new bed included,
    marked "checking" until the records are read, and ends on the same rows."""
    store = make_store(tmp_path)
    app = plain_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        mrn = store.load_patients()[0].mrn
        app.store.save_patient(replace(app.store.get_patient(mrn), bed="99Z"), "nurse")
    saved = store.saved_list_rows(list_key(app.rules, TODAY))
    assert saved.complete  # the changed patient's row is already there, no load needed
    expected = await _first_start_on(store, TODAY)
    held = _HeldLoad(store)
    app = make_app(held)
    async with app.run_test(size=SIZE) as pilot:
        await _wait_loaded(pilot)
        await pilot.pause()
        assert "99Z" in row_text(app, mrn)
        assert CHECKING_TEXT in screen_text(app) and not ward_screen(app).checked
        held.release.set()
        await settle(pilot)
        assert ward_screen(app).checked and row_texts(app) == expected
        assert not any("no longer matched" in n.message for n in app._notifications)
