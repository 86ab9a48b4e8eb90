"""Type-ahead on the ward list is safe (issue 13): keys that arrive in one burst (a
barcode scanner, a paste, a laggy remote terminal) all go to the filter after `/`, and
Enter opens what the filter matched, never the row that was under the cursor before.

Two ways to send a burst: `pilot.press(*keys)` (no pause asked for between keys), and
`burst()`, which queues every key on the app before any of them is handled, as keys
arrive while a worker holds the interpreter. The second is the harder case.
"""

from __future__ import annotations

import threading
import time

from textual import events

from shell_helpers import (
    SIZE,
    StandInDetailScreen,
    install_detail_stand_in,
    make_app,
    make_store,
    settle,
    ward_table,
)

_NAMED = {"slash": "/", "enter": "\r", "escape": "\x1b", "space": " "}


async def burst(pilot, *keys: str) -> None:
    """Queue every key on the app at once (nothing runs between them), then let it work."""
    app = pilot.app
    for key in keys:
        char = _NAMED.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, char))
    await pilot.pause()


def _opened(app) -> str | None:
    return app.screen.mrn if isinstance(app.screen, StandInDetailScreen) else None


async def test_slash_mrn_enter_in_one_burst_opens_that_patient(tmp_path, monkeypatch):
    install_detail_stand_in(monkeypatch)
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert ward_table(app).selected.mrn != "D1020"  # the cursor is on someone else
        await burst(pilot, "slash", *"D1020", "enter")
        await settle(pilot)
        assert _opened(app) == "D1020"
        assert app.ward_screen.filter_text == "D1020"


async def test_pilot_press_without_pauses_opens_the_typed_patient(tmp_path, monkeypatch):
    install_detail_stand_in(monkeypatch)
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"d1019", "enter")
        await settle(pilot)
        assert _opened(app) == "D1019"


async def test_list_shortcuts_typed_into_the_filter_stay_text(tmp_path, monkeypatch):
    """`/Sven` as one burst: the n is a letter of the name, not the New patient key; the
    b, d, s, w quick keys do not toggle either."""
    install_detail_stand_in(monkeypatch)
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.ward_screen
        await burst(pilot, "slash", *"Svenbdsw")
        await settle(pilot)
        assert app.screen is screen  # no New patient form
        assert screen.filter_text == "Svenbdsw"
        assert not screen.blocked_only and not screen.due_only and screen.ward is None
        assert screen.sort_order == "urgency"


async def test_a_slash_inside_the_filter_is_text(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "slash", *"a", "slash", *"b")
        await settle(pilot)
        assert app.ward_screen.filter_text == "a/b"


async def test_enter_opens_the_top_match_not_the_row_under_the_cursor(tmp_path, monkeypatch):
    install_detail_stand_in(monkeypatch)
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down")
        before = ward_table(app).selected.mrn
        await burst(pilot, "slash", *"vera", "enter")  # Vera only
        await settle(pilot)
        assert _opened(app) == "D1022" != before


async def test_enter_on_a_filter_that_matches_nobody_opens_nobody(tmp_path, monkeypatch):
    install_detail_stand_in(monkeypatch)
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "slash", *"zzz", "enter")
        await settle(pilot)
        assert _opened(app) is None
        assert app.ward_screen.filter_text == "zzz"


async def test_a_burst_while_the_list_is_still_loading_opens_the_typed_patient(tmp_path, monkeypatch):
    """The keys arrive before the rows: every key reaches the filter and Enter opens the
    match once the list has loaded (it would otherwise open nobody, or the first row)."""
    install_detail_stand_in(monkeypatch)
    store = make_store(tmp_path)
    real_load = store.list_reads  # the list's read of the records
    release = threading.Event()

    def slow_load(*args, **kwargs):
        release.wait(5)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(store, "list_reads", slow_load)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.ward_screen.loaded
        await burst(pilot, "slash", *"D1020", "enter")
        await pilot.pause()
        assert _opened(app) is None
        assert app.ward_screen.filter_text == "D1020"
        release.set()
        await settle(pilot)
        assert _opened(app) == "D1020"


async def test_keys_while_the_load_holds_the_interpreter_still_reach_the_filter(tmp_path, monkeypatch):
    """A load worker that keeps the interpreter busy makes the keys pile up and arrive
    together: the same burst must still open the patient typed."""
    install_detail_stand_in(monkeypatch)
    store = make_store(tmp_path)
    real_load = store.list_reads  # the list's read of the records

    def busy_load(*args, **kwargs):
        end = time.monotonic() + 0.4
        while time.monotonic() < end:  # pure Python: holds the GIL most of the time
            sum(range(1000))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(store, "list_reads", busy_load)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"D1020", "enter")
        await settle(pilot)
        assert _opened(app) == "D1020"
