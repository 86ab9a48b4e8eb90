"""App-wide behaviour: themes, help, command palette, refreshing, loading and errors."""

from __future__ import annotations

import threading
from datetime import date

from itb_tui.clinical.records import Patient
from itb_tui.store import open_store
from itb_tui.ui.screens.help import HelpScreen

from shell_helpers import (
    SIZE,
    TODAY,
    StandInDetailScreen,
    install_detail_stand_in,
    make_app,
    make_store,
    screen_text,
    settle,
    ward_table,
)


async def test_ctrl_t_switches_between_dark_and_light(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_theme.dark
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert app.theme == "textual-light" and not app.current_theme.dark
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert app.theme == "textual-dark"
        assert "itb-high-contrast" in app.available_themes


async def test_demo_marker_in_the_header(tmp_path):
    app = make_app(make_store(tmp_path), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "DEMO (synthetic patients)" in screen_text(app)


async def test_help_lists_the_keys_and_every_rule_with_its_basis(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=(300, 400)) as pilot:  # wide and tall: every rule on one screen
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for words in ("As of", "Back to today", "Filter", "Sort", "Blocked", "Command palette"):
            assert words in text, words
        rules = app.rules
        assert f"Rules table version {rules.version}" in text
        for entry in rules.entries:
            assert entry.code in text, entry.code
        local = [e for e in rules.entries if e.basis == "local_policy"]
        assert local, "the rules table should mark its local policy rules"
        assert text.count("▲ LOCAL POLICY") >= len(local)
        assert "expert summary" in text and "guideline" in text
        thresholds = [e for e in rules.entries if e.threshold_name]
        assert any(f"{e.threshold_name} = " in text for e in thresholds)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.ward_screen


async def test_palette_finds_a_patient_by_name_and_opens_them(tmp_path, monkeypatch):
    install_detail_stand_in(monkeypatch)
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        target = next(r for r in ward_table(app).rows if r.status == "blocked")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*target.name)
        await pilot.pause(0.5)
        await settle(pilot)
        assert target.mrn in screen_text(app) and "BLOCKED" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StandInDetailScreen)
        assert app.screen.mrn == target.mrn


async def test_palette_runs_app_commands(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Filter: blocked only")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is app.ward_screen
        assert all(r.status == "blocked" for r in ward_table(app).rows)
        assert "filter: blocked only" in screen_text(app)


async def test_notify_data_changed_reloads_the_list(tmp_path):
    store = make_store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        count = len(ward_table(app).rows)
        app.store.save_patient(Patient(mrn="Z9001", name="Newcomer, Nina", ward="Neuro 4B", bed="99"), actor="test")
        app.notify_data_changed()
        await settle(pilot)
        assert len(ward_table(app).rows) == count + 1
        assert "Newcomer, Nina" in "\n".join(ward_table(app).row_texts())


async def test_a_write_from_another_terminal_shows_up_by_itself(tmp_path):
    store = make_store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        count = len(ward_table(app).rows)
        other_terminal = open_store(f"sqlite:///{tmp_path}/ward.db", today=TODAY)
        other_terminal.save_patient(Patient(mrn="Z9002", name="Elsewhere, Eli", ward="Neuro 4B", bed="98"), actor="nurse 2")
        for _ in range(30):  # the 2 s poll; give it up to 6 s
            await pilot.pause(0.2)
            if len(ward_table(app).rows) == count + 1:
                break
        await settle(pilot)
        assert len(ward_table(app).rows) == count + 1
        assert "Elsewhere, Eli" in screen_text(app) or "Elsewhere, Eli" in "\n".join(ward_table(app).row_texts())


class _SlowStore:
    """A store whose first load waits until the test lets it go."""

    def __init__(self, store):
        self._store = store
        self.release = threading.Event()

    def list_reads(self, as_of, mrns=None):  # the list's read of the records
        self.release.wait(10)
        return self._store.list_reads(as_of, mrns)

    def __getattr__(self, name):
        return getattr(self._store, name)


async def test_the_list_says_loading_until_the_ward_is_drawn(tmp_path):
    slow = _SlowStore(make_store(tmp_path))
    app = make_app(slow)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "Loading the ward…" in text
        assert "loading…" in text  # the summary line
        assert app.focused is ward_table(app)  # keys work as soon as rows arrive
        slow.release.set()
        await settle(pilot)
        assert "Loading the ward…" not in screen_text(app)
        assert ward_table(app).rows


class _BrokenStore:
    def __init__(self, store):
        self._store = store
        self.broken = True

    def list_reads(self, as_of, mrns=None):  # the list's read of the records
        if self.broken:
            raise RuntimeError("database is locked")
        return self._store.list_reads(as_of, mrns)

    def __getattr__(self, name):
        return getattr(self._store, name)


async def test_a_store_error_is_shown_in_words_and_the_list_retries(tmp_path, monkeypatch):
    monkeypatch.setattr("itb_tui.ui.screens.ward.RETRY_SECONDS", 0.3)
    broken = _BrokenStore(make_store(tmp_path))
    app = make_app(broken)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Could not load the ward: database is locked" in text
        assert app.is_running  # no crash, no traceback
        broken.broken = False  # the lock goes away
        for _ in range(20):
            await pilot.pause(0.1)
            if ward_table(app).rows:
                break
        await settle(pilot)
        assert ward_table(app).rows


async def test_an_empty_store_says_how_to_start(tmp_path):
    app = make_app(make_store(tmp_path, patients=[]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "No patients yet: press n to add one" in screen_text(app)


def test_today_is_injected_not_read_from_the_clock(tmp_path):
    app = make_app(make_store(tmp_path), today=date(2031, 1, 2))
    assert app.today == app.as_of == date(2031, 1, 2)
    assert TODAY != app.today


async def test_q_does_not_quit_from_a_modal_form_but_ctrl_q_does(tmp_path):
    from textual.screen import ModalScreen
    from textual.widgets import Static

    class _Form(ModalScreen):
        def compose(self):
            yield Static("a half-filled form")

    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(_Form())
        await settle(pilot)
        await pilot.press("q", "t", "a")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, _Form)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_q_quits_from_the_list(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_data_changed_reaches_every_screen_on_the_stack(tmp_path):
    """The detail screen relies on this to re-read its patient after a save."""
    from textual.screen import Screen

    from itb_tui.ui.messages import DataChanged

    class _Listener(Screen):
        heard = 0

        def on_data_changed(self, message: DataChanged) -> None:
            type(self).heard += 1

    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(_Listener())
        await settle(pilot)
        app.notify_data_changed()
        await settle(pilot)
        assert _Listener.heard == 1
