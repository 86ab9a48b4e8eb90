"""The ward list derives its rows from `Store.list_reads` (issue 17: the DB-API read of
`status --json`, each pump with only the refill the engine uses on the date shown). Those
patients are not the record: the list must never assess them on another date, and never
hand them to the detail screen (which shows the whole refill history)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from shell_helpers import SIZE, TODAY, make_app, make_store, settle, ward_screen

from itb_tui.ui.widgets.ward_rows import build_rows


def _rows_by_mrn(rows) -> dict:
    return {row.mrn: row for row in rows}


def _a_date_the_cut_records_get_wrong(store):
    """A day before TODAY on which a patient read for TODAY (latest refill only) would be
    assessed differently from the whole record: the test is not vacuous."""
    full = store.load_patients()
    cut = store.list_reads(TODAY).patients
    for back in range(1, 200):
        day = TODAY - timedelta(days=back)
        if _rows_by_mrn(build_rows(cut, day)) != _rows_by_mrn(build_rows(full, day)):
            return day
    raise AssertionError("the demo ward has no refill history to tell the two apart")


class _NoWholeRecords:
    """The store, whose whole-record read (after the rows are drawn) fails: the list keeps
    only its per-date read."""

    def __init__(self, store):
        self._store = store

    def load_patients(self, ward=None):
        from itb_tui.store.errors import StoreError

        raise StoreError("database is locked")

    def __getattr__(self, name):
        return getattr(self._store, name)


@pytest.mark.parametrize("whole", ["whole records read", "whole records unreadable"])
async def test_moving_the_date_assesses_the_whole_record_not_todays_read(tmp_path, whole):
    store = make_store(tmp_path)
    day = _a_date_the_cut_records_get_wrong(store)
    app = make_app(store if whole == "whole records read" else _NoWholeRecords(store))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert _rows_by_mrn(ward_screen(app).all_rows) == _rows_by_mrn(build_rows(store.load_patients(), TODAY))
        app.as_of = day
        await settle(pilot)
        assert _rows_by_mrn(ward_screen(app).all_rows) == _rows_by_mrn(build_rows(store.load_patients(), day))
        app.as_of = TODAY
        await settle(pilot)
        assert _rows_by_mrn(ward_screen(app).all_rows) == _rows_by_mrn(build_rows(store.load_patients(), TODAY))


async def test_the_detail_gets_the_whole_record_never_the_lists_read(tmp_path):
    store = make_store(tmp_path)
    full = {p.mrn: p for p in store.load_patients()}
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ward = ward_screen(app)
        many = [mrn for mrn, p in full.items() if any(len(pump.refills) > 1 for pump in p.pumps)]
        assert many  # patients whose refill history the list's read leaves out
        for mrn in many:
            assert ward.loaded_patient(mrn) == full[mrn]
