"""The first start's first frame (issue 17): the list drawn from the saved rows with the
footer's keys, before the load that checks the rows competes for the interpreter; and
nothing imported or collected for it that the first frame does not need.

Why it matters to a user: the first frame is what a nurse waits for at every start; the
check of the saved rows follows (the list says "checking" until then, hazard H35).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from shell_helpers import SIZE, first_start, make_app, make_store, row_texts, screen_text, settle, ward_screen

from itb_tui.perf import gc_tuning
from itb_tui.ui.screens.ward import CHECKING_TEXT


class _SeenAtLoad:
    """The store, noting when the list's load began to read the records (from the load's
    own thread, at that very moment): how many footer keys had been painted by then, of
    how many; and then what the screen showed."""

    def __init__(self, store, app_box, painted):
        self._store = store
        self._app_box = app_box
        self._painted = painted
        self.at_load: list[tuple[int, int]] = []
        self.seen: list[str] = []

    def list_reads(self, as_of, mrns=None):
        from itb_tui.ui.widgets.key_footer import KeyFooter

        app = self._app_box[0]
        if not self.seen:
            keys = len(app.ward_screen.query_one(KeyFooter).children)
            self.at_load.append((len(self._painted), keys))
            self.seen.append(app.call_from_thread(lambda: screen_text(app)))
        return self._store.list_reads(as_of, mrns)

    def __getattr__(self, name):
        return getattr(self._store, name)


async def test_the_records_are_read_only_after_the_whole_first_frame_is_on_screen(tmp_path, monkeypatch):
    """Textual's footer draws its keys one frame after the list: the load waits for that
    frame too, so what is on screen when it starts is the whole first screen (the
    saved rows, marked "checking", and the keys), and the list then ends checked. (The
    footer's keys are made slow to paint here, so that a load that did not wait for
    them would start while they are being painted.)"""
    import time

    from textual.widgets._footer import FooterKey

    painted: set[int] = set()
    render = FooterKey.render

    def slow_render(self):
        time.sleep(0.02)  # lets the load's thread run, as a busy first frame would
        text = render(self)
        painted.add(id(self))
        return text

    monkeypatch.setattr(FooterKey, "render", slow_render)
    store = make_store(tmp_path)
    derived = await first_start(store)
    painted.clear()
    box = []
    seeing = _SeenAtLoad(store, box, painted)
    app = make_app(seeing)
    box.append(app)
    app.prefetch_saved_rows()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert ward_screen(app).checked and row_texts(app) == derived
    [(keys_painted, keys)] = seeing.at_load
    assert keys > 5 and keys_painted == keys
    [first_screen] = seeing.seen
    assert CHECKING_TEXT in first_screen
    footer = first_screen.splitlines()[-1]
    assert "Open" in footer and "Filter" in footer and "palette" in footer, footer


async def test_the_first_load_does_not_stop_the_interpreter_for_a_full_collection(tmp_path, monkeypatch):
    """The app's first list has nothing of an earlier load frozen: its load skips the full
    collector pass (50-120 ms holding the interpreter while the first frames are drawn);
    a reload still gives the last load's objects back and collects them."""
    store = make_store(tmp_path)
    await first_start(store)
    passes = []
    monkeypatch.setattr(gc_tuning, "thaw_and_collect", lambda: passes.append(1))
    app = make_app(store)
    app.prefetch_saved_rows()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert ward_screen(app).checked
        assert passes == []
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert passes == [1]


def test_the_first_frame_imports_no_text_area_yet_the_note_form_never_blinks():
    """With ITB_TUI_TODAY set (tests, screenshots) cursors do not blink; the note form's
    TextArea is switched off when it is imported, not imported at start for it."""
    code = (
        "import os, sys\n"
        "os.environ['ITB_TUI_TODAY'] = '2026-11-25'\n"
        "from datetime import date\n"
        "from itb_tui.ui.app import ItbApp\n"
        "class Store:\n"
        "    pass\n"
        "ItbApp(Store(), today=date(2026, 11, 25))\n"
        "print('textual.widgets._text_area' in sys.modules)\n"
        "from textual.widgets import Input\n"
        "from itb_tui.ui.forms.note import NoteForm\n"
        "from textual.widgets import TextArea\n"
        "print(Input.cursor_blink, TextArea.cursor_blink)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"], out.stdout + out.stderr


async def test_the_first_frame_of_the_list_already_shows_the_keys(tmp_path, monkeypatch):
    """Textual's Footer composes its keys one frame after its screen (a second layout and
    paint of the whole start); the list's footer composes them for the first frame."""
    from textual.screen import Screen

    from itb_tui.ui.screens.ward import WardScreen

    store = make_store(tmp_path)
    derived = await first_start(store)
    frames: list[str] = []
    paint = Screen._compositor_refresh

    def first_paint(self):
        if isinstance(self, WardScreen) and not frames:
            frames.append(screen_text(self.app))  # what this first paint puts on screen
        paint(self)

    monkeypatch.setattr(Screen, "_compositor_refresh", first_paint)
    app = make_app(store)
    app.prefetch_saved_rows()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert row_texts(app) == derived
    [first] = frames
    assert derived[0].split(" | ")[0] in first
    footer = first.splitlines()[-1]
    assert "Open" in footer and "Filter" in footer and "palette" in footer, footer


class _SlowSavedRows:
    """The store, answering the saved-rows read only when released."""

    def __init__(self, store):
        self._store = store
        self.release = threading.Event()

    def saved_list_rows(self, key):
        assert self.release.wait(10), "test never released the read"
        return self._store.saved_list_rows(key)

    def __getattr__(self, name):
        return getattr(self._store, name)


async def test_the_saved_rows_are_read_while_textual_starts_and_still_drawn_first(tmp_path):
    """`prefetch_saved_rows` returns while the store is still answering (the read runs on
    a thread beside Textual's start); the list's first frame still waits for the rows:
    never "Loading the ward…", the saved rows marked "checking", then checked."""
    store = make_store(tmp_path)
    derived = await first_start(store)
    slow = _SlowSavedRows(store)
    app = make_app(slow)
    app.prefetch_saved_rows()  # returns with the read still held
    slow.release.set()
    async with app.run_test(size=SIZE) as pilot:
        assert ward_screen(app).loaded and ward_screen(app).opened_on_saved_rows
        await settle(pilot)
        assert ward_screen(app).checked and row_texts(app) == derived


def test_an_unexpected_error_of_the_saved_rows_read_is_raised_where_they_are_wanted():
    """A bug in the read (not a store refusal: those mean "no saved rows") is not lost on
    its thread: it is raised when the list takes the rows (then the crash screen)."""
    import pytest

    from itb_tui.ui.saved_rows import SavedRowsReading

    class Broken:
        def saved_list_rows(self, key):
            raise RuntimeError("a bug")

    from itb_tui.clinical.rules import load_rules
    from shell_helpers import TODAY

    reading = SavedRowsReading(Broken(), load_rules(), TODAY)
    with pytest.raises(RuntimeError, match="a bug"):
        reading.result()


async def test_the_list_is_the_first_screen_and_each_widget_is_styled_once_for_it(tmp_path, monkeypatch):
    """Where nobody signs in, the list is the app's first screen: no empty screen under it
    is composed, laid out or painted, and the widgets of its first frame are each styled
    once, as they mount (not again with the keys' compact state toggled on and off, nor
    for the list's first resume). The first frame is the same (the snapshot tests)."""
    from collections import Counter

    from textual.css.stylesheet import Stylesheet
    from textual.screen import Screen

    from itb_tui.ui.screens.ward import WardScreen

    store = make_store(tmp_path)
    await first_start(store)
    painted: list[str] = []
    styled: Counter = Counter()
    paint, apply = Screen._compositor_refresh, Stylesheet.apply

    def noting_paint(self):
        painted.append(type(self).__name__)
        paint(self)

    def noting_apply(self, node, **kwargs):
        if not painted and node.parent is not None:  # a widget, before the first frame
            styled[node] += 1
        apply(self, node, **kwargs)

    monkeypatch.setattr(Screen, "_compositor_refresh", noting_paint)
    monkeypatch.setattr(Stylesheet, "apply", noting_apply)
    app = make_app(store)
    app.prefetch_saved_rows()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen_stack == [app.ward_screen]
        assert isinstance(app.ward_screen, WardScreen) and ward_screen(app).checked
    assert set(painted) == {"WardScreen"}, painted
    widgets = [node for node in styled if hasattr(node, "region")]
    assert widgets, "nothing was styled before the first frame"
    twice = sorted(f"{type(n).__name__}{sorted(n.classes)}" for n in widgets if styled[n] > 1)
    # Textual's command palette key sets its own compact class after it is styled, and
    # the list is styled again as it takes the keyboard (its focused look).
    assert twice == ["FooterKey['-command-palette', '-compact']", "WardTable[]"], twice
