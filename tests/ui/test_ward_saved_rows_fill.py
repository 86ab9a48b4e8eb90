"""What a nurse sees while the list fills in (issue 17, hazard H98): the first
frame decodes only the screenful of the most urgent saved rows, picked from the whole
ward; it says the rest is loading (and that it is being checked, H35); keys wait until
the list is whole, then act on all of it."""

from __future__ import annotations

import sqlite3
import csv
import io
import threading

import pytest
from shell_helpers import SIZE, first_start, make_store, row_texts, screen_text, settle, ward_screen, ward_table
from shell_helpers import make_app

from itb_tui.present.saved_rows import FILLING_TEXT, SavedRows
from itb_tui.ui.screens.ward import CHECKING_TEXT

FIRST = 3  # the demo ward has 27 patients: its "screenful" here is its 3 most urgent


class _HeldLoad:
    """The store, with the list's read of the records held until released."""

    def __init__(self, store):
        self._store = store
        self.release = threading.Event()

    def list_reads(self, as_of, mrns=None):
        if mrns is None:
            assert self.release.wait(10), "test never released the load"
        return self._store.list_reads(as_of, mrns)

    def __getattr__(self, name):
        return getattr(self._store, name)


@pytest.fixture
def held_fill(monkeypatch):
    """Only FIRST rows before the first frame; the fill of the rest held until set."""
    monkeypatch.setattr("itb_tui.ui.saved_rows.FIRST_ROWS", FIRST)
    release = threading.Event()
    fill = SavedRows.fill

    def held(self):
        assert release.wait(10), "test never released the fill"
        return fill(self)

    monkeypatch.setattr(SavedRows, "fill", held)
    return release


def _start(store):
    app = make_app(store)
    app.prefetch_saved_rows()  # as run_app does
    return app


def _filling_words(total: int) -> str:
    return FILLING_TEXT.format(shown=FIRST, total=total)


async def _until_filled(pilot, app) -> None:
    """Let the fill (released just before) end, then its frame: up to 2 s."""
    for _ in range(100):
        await pilot.pause(0.02)
        if not ward_screen(app).filling:
            break
    await pilot.pause()


def _least_urgent(store, derived):
    """The patient of the ward's last row (never in the first screenful)."""
    return next(p for p in store.load_patients() if p.mrn in derived[-1])


async def test_the_first_frame_is_the_most_urgent_of_the_whole_ward_and_says_the_rest_is_loading(
        tmp_path, held_fill):
    store = make_store(tmp_path)
    derived = await first_start(store)  # the whole ward in urgency order, from the records
    held = _HeldLoad(store)
    app = _start(held)
    async with app.run_test(size=SIZE) as pilot:
        await app.screen.wait_for_refresh()
        assert ward_screen(app).loaded and ward_screen(app).filling == len(derived)
        assert row_texts(app) == derived[:FIRST]  # the true top of the whole ward, in order
        text = screen_text(app)
        assert _filling_words(len(derived)) in text and CHECKING_TEXT in text, text.splitlines()[1]
        assert "Loading the ward…" not in text
        held_fill.set()
        await _until_filled(pilot, app)
        assert row_texts(app) == derived  # whole, still from the saved rows
        text = screen_text(app)
        assert "most urgent of" not in text and CHECKING_TEXT in text and not ward_screen(app).checked
        held.release.set()
        await settle(pilot)
        assert ward_screen(app).checked and row_texts(app) == derived
        # The screenful was no saved row "missing": nothing is reported as differing.
        assert not any("no longer matched" in n.message for n in app._notifications)


async def test_keys_wait_for_the_whole_list_then_act_on_all_of_it(tmp_path, held_fill):
    store = make_store(tmp_path)
    derived = await first_start(store)
    app = _start(store)
    async with app.run_test(size=SIZE) as pilot:
        await app.screen.wait_for_refresh()
        assert ward_screen(app).filling
        await pilot.press("end")  # the last patient of the WARD, not of the screenful
        await pilot.pause()
        assert ward_table(app).cursor == 0 and row_texts(app) == derived[:FIRST]  # waiting
        held_fill.set()
        await settle(pilot)
        assert ward_table(app).selected.text() == derived[-1]
        assert ward_table(app).cursor == len(derived) - 1


async def test_a_filter_typed_during_the_fill_finds_a_patient_outside_the_first_screenful(tmp_path, held_fill):
    store = make_store(tmp_path)
    derived = await first_start(store)
    least = _least_urgent(store, derived)
    last, ward_name = least.mrn, least.name
    app = _start(store)
    async with app.run_test(size=SIZE) as pilot:
        await app.screen.wait_for_refresh()
        assert ward_screen(app).filling
        await pilot.press("slash", *last)
        await pilot.pause()
        assert row_texts(app) == derived[:FIRST]  # the keys wait: nothing filtered on a part
        held_fill.set()
        await settle(pilot)
        assert [row.mrn for row in ward_table(app).rows] == [last], ward_name


def _damage_least_urgent(db_path, mrn: str) -> None:
    """Make one saved row undecodable (its "critical" count no number) in every slot,
    leaving its urgency key readable: only the fill can find it."""
    con = sqlite3.connect(db_path)
    pid, payload = con.execute("SELECT l.patient_id, l.payload FROM list_rows l JOIN patients p"
                               " ON p.id = l.patient_id WHERE p.mrn = ?", (mrn,)).fetchone()
    slots = []
    for slot in payload.split("\x1d"):
        head, _sep, tail = slot.partition("\x1e")
        fields = next(csv.reader([head]))
        fields[6] = "many"
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(fields)
        slots.append(out.getvalue() + "\x1e" + tail)
    con.execute("UPDATE list_rows SET payload = ? WHERE patient_id = ?", ("\x1d".join(slots), pid))
    con.commit()
    con.close()


async def test_a_damaged_row_found_by_the_fill_takes_every_saved_row_off_the_list(tmp_path, held_fill):
    store = make_store(tmp_path)
    derived = await first_start(store)
    _damage_least_urgent(tmp_path / "ward.db", _least_urgent(store, derived).mrn)
    held = _HeldLoad(store)
    app = _start(held)
    async with app.run_test(size=SIZE) as pilot:
        await app.screen.wait_for_refresh()
        assert row_texts(app) == derived[:FIRST] and ward_screen(app).filling
        held_fill.set()
        await _until_filled(pilot, app)
        # Never a list that looks whole but is not: no saved row at all, "loading".
        assert row_texts(app) == [] and not ward_screen(app).loaded
        text = screen_text(app)
        assert "Loading the ward…" in text and "loading…" in text and "most urgent of" not in text
        held.release.set()
        await settle(pilot)
        assert ward_screen(app).checked and row_texts(app) == derived
