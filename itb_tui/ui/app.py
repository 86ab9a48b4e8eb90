"""The Textual application: screens, app-wide keys, the "as of" date, themes, palette.

Why the app is thin: the clinical engine decides every state and the store does every
read and write; the app only holds what the whole UI shares (the store, today, the date
being shown, the rules table, who is using it) and tells screens when data changed.

"today" comes in from the shell (`itb_tui.dates.today()` honours ITB_TUI_TODAY) and is
never read here, so snapshots and screenshots are reproducible.
"""

from __future__ import annotations

import importlib
import os
from datetime import date
from typing import Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.theme import Theme
from textual.widgets import Input

from itb_tui.ui import format as fmt
from itb_tui.ui.commands import PatientIndexEntry, PatientSearchProvider
from itb_tui.ui.messages import DataChanged

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"
HIGH_CONTRAST_THEME = "itb-high-contrast"

# Pure black and white with saturated signal colours, for sunlit wards and low vision.
HIGH_CONTRAST = Theme(
    name=HIGH_CONTRAST_THEME,
    primary="#00FFFF",
    secondary="#FFFF00",
    accent="#FFFF00",
    warning="#FFD700",
    error="#FF3030",
    success="#00FF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    boost="#202020",
    dark=True,
    variables={
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "footer-key-foreground": "#FFFF00",
    },
)

POLL_SECONDS = 2.0


def freeze_cursor_blink() -> None:
    """Stop text cursors blinking, so screenshots and snapshots are identical each run.

    Set when ITB_TUI_TODAY pins the date (tests, screenshots, the tmux end-to-end test).
    """
    Input.cursor_blink = False


class ItbApp(App):
    """itb-tui: the ward-round app for intrathecal baclofen pumps."""

    CSS_PATH = "app.tcss"
    TITLE = "itb-tui"
    COMMANDS = App.COMMANDS | {PatientSearchProvider}

    BINDINGS = [
        Binding("a", "as_of", "As of", id="app.as_of", tooltip="Show the ward as of another date"),
        Binding("t", "today", "Today", id="app.today", tooltip="Back to today"),
        Binding("question_mark,f1", "help", "Help", id="app.help", tooltip="Keys and the rules table"),
        Binding("ctrl+t", "toggle_theme", "Theme", id="app.theme", tooltip="Switch light / dark theme"),
        Binding("q", "quit_app", "Quit", id="app.quit", tooltip="Quit (Ctrl+Q works everywhere)"),
    ]

    as_of: reactive[date] = reactive(date(2000, 1, 1), init=False)

    def __init__(
        self,
        store,
        *,
        today: date,
        actor: str = "demo clinician",
        demo: bool = False,
        rules=None,
    ) -> None:
        super().__init__()
        if rules is None:
            from itb_tui.clinical.rules import load_rules

            rules = load_rules()
        self.store = store
        self.today = today
        self.actor = actor
        self.is_demo = demo
        self.rules = rules
        self.set_reactive(ItbApp.as_of, today)
        self.patient_index: list[PatientIndexEntry] = []
        self.ward_screen = None
        self._data_version: int | None = None
        self.title = "itb-tui · DEMO (synthetic patients)" if demo else "itb-tui"
        self.sub_title = fmt.as_of_text(today, today)
        self.register_theme(HIGH_CONTRAST)
        self.theme = DARK_THEME
        if os.environ.get("ITB_TUI_TODAY"):
            freeze_cursor_blink()

    # --- start-up ------------------------------------------------------------------

    def on_mount(self) -> None:
        from itb_tui.ui.screens.ward import WardScreen

        self.ward_screen = WardScreen()
        self.push_screen(self.ward_screen)
        self.set_interval(POLL_SECONDS, self._poll_data_version, name="data-version-poll")

    # Single-letter app keys act on the list and the detail screen only: on a modal form a
    # stray "q" must not quit (losing what was typed) nor "t" move the date underneath.
    _NOT_ON_MODALS = frozenset({"as_of", "today", "help", "quit_app"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self._NOT_ON_MODALS and isinstance(self.screen, ModalScreen):
            return False
        return True

    # --- data changes ---------------------------------------------------------------

    def notify_data_changed(self) -> None:
        """Call after any successful write: every screen on the stack reloads its data."""
        self._data_version = None  # the reload records the new version
        for screen in list(self.screen_stack):
            screen.post_message(DataChanged())

    def data_version_seen(self, version: int | None) -> None:
        """The ward list loaded the data as of `version` (called on the UI thread)."""
        self._data_version = version

    def _poll_data_version(self) -> None:
        if self._data_version is not None:
            self._check_data_version()

    @work(thread=True, exclusive=True, group="data-version-poll", exit_on_error=False)
    def _check_data_version(self) -> None:
        """Another terminal may have written: compare the store's version with ours."""
        version = self.store.data_version()
        self.call_from_thread(self._version_checked, version)

    def _version_checked(self, version: int) -> None:
        if self._data_version is not None and version != self._data_version:
            self.notify_data_changed()

    # --- "as of" -------------------------------------------------------------------

    def watch_as_of(self, as_of: date) -> None:
        self.sub_title = fmt.as_of_text(as_of, self.today)
        self.set_class(as_of != self.today, "-not-today")

    def action_as_of(self) -> None:
        from itb_tui.ui.screens.as_of import AsOfScreen

        def chosen(day: date | None) -> None:
            if day is not None:
                self.as_of = day

        self.push_screen(AsOfScreen(self.as_of, self.today), chosen)

    def action_today(self) -> None:
        self.as_of = self.today

    async def action_quit_app(self) -> None:
        await self.action_quit()

    # --- navigation ------------------------------------------------------------------

    def open_patient(self, mrn: str) -> None:
        """Push the patient's detail screen (the detail engineer's PatientDetailScreen)."""
        screen_class = self._optional_class("itb_tui.ui.screens.detail", "PatientDetailScreen")
        if screen_class is None:
            self.notify("The patient detail screen is not installed.", severity="error")
            return
        self.push_screen(screen_class(mrn))

    def open_new_patient(self) -> None:
        """Open the new-patient form (it saves and calls notify_data_changed itself)."""
        form_class = self._optional_class("itb_tui.ui.forms.patient", "PatientForm")
        if form_class is None:
            self.notify("The patient form is not installed.", severity="error")
            return
        self.push_screen(form_class())

    def _optional_class(self, module_name: str, class_name: str):
        """Import a screen built by another module; None only if that module is absent."""
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            return None
        return getattr(module, class_name, None)

    def action_help(self) -> None:
        from itb_tui.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen())

    # --- themes ------------------------------------------------------------------------

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def action_high_contrast(self) -> None:
        self.theme = HIGH_CONTRAST_THEME

    # --- command palette -----------------------------------------------------------

    def _on_ward(self, action: str):
        """A palette callback that runs a ward-list action, going back to the list first."""

        def run() -> None:
            if self.ward_screen is None:
                return
            while self.screen is not self.ward_screen and len(self.screen_stack) > 1:
                self.pop_screen()
            getattr(self.ward_screen, f"action_{action}")()

        return run

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("As of date…", "Show the ward as it will be (or was) on another date", self.action_as_of)
        yield SystemCommand("Back to today", "Show today's state again", self.action_today)
        yield SystemCommand("Help: keys and rules", "Every key and the rules table with sources", self.action_help)
        yield SystemCommand("Toggle light / dark theme", "Switch between the light and the dark theme", self.action_toggle_theme)
        yield SystemCommand("High-contrast theme", "Black and white with strong signal colours", self.action_high_contrast)
        yield SystemCommand("Filter: blocked only", "Show only patients whose refill is blocked (toggle)", self._on_ward("toggle_blocked"))
        yield SystemCommand("Filter: refill due within 7 days", "Show only refills due soon or overdue (toggle)", self._on_ward("toggle_due"))
        yield SystemCommand("Filter: next ward", "Cycle through the wards (all wards at the end)", self._on_ward("cycle_ward"))
        yield SystemCommand("Filter: clear all", "Show every patient again", self._on_ward("clear_filters"))
        yield SystemCommand("Sort: next order", "Urgency, ward & bed, name, alarm date", self._on_ward("cycle_sort"))
        yield SystemCommand("New patient", "Add a patient to the ward", self.open_new_patient)
        yield SystemCommand("Reload the ward", "Read the store again", self._on_ward("reload"))


def run_app(db_url: str, *, today: date, demo: bool = False) -> None:
    """Open the store at `db_url` and run the app until the user quits.

    With `demo`, an empty store is first filled with the synthetic demo ward (marked as a
    demo store, as `itb-tui demo` does), so `itb-tui --demo` has something to explore.
    """
    from itb_tui.store import open_store

    store = open_store(db_url, today=today)
    if demo and store.patient_count() == 0:
        from itb_tui.demo import build_demo_ward

        store.set_meta("kind", "demo")
        store.import_patients(build_demo_ward(today), "demo", reason="synthetic demo ward")
    actor = "demo clinician" if demo else _os_actor()
    try:
        ItbApp(store, today=today, actor=actor, demo=demo).run()
    finally:
        store.close()


def _os_actor() -> str:
    """Who writes, for the audit trail: `ITB_TUI_ACTOR`, else the login account."""
    if os.environ.get("ITB_TUI_ACTOR"):
        return os.environ["ITB_TUI_ACTOR"].strip()[:64]
    from itb_tui.security.actors import os_actor

    return os_actor()
