"""The Textual application: screens, app-wide keys, the "as of" date, themes, palette,
and who is signed in.

Why the app is thin: the clinical engine decides every state and the store does every
read and write; the app only holds what the whole UI shares (the store, today, the date
being shown, the rules table, who is using it) and tells screens when data changed.

Who is using it: a real store opens on the sign-in screen (`require_login`); after
sign-in `app.store` is the store bound to that user (`store.for_user`), so every write
is checked against the user's roles in the store and audited under their name. After
`lock_after_s` seconds without a key press or click the app locks (a full screen over
everything, no patient data visible): the same user signing in again gets the same
place back, screen stack and typed input intact; anyone else starts fresh on the ward
list (`security.session.after_login`). The demo store opens signed in as the demo
clinician. An app built directly with a store and no session (tests, scripts) acts as
the trusted system user: nothing to sign in, nothing locks.

"today" comes in from the shell (`itb_tui.dates.today()` honours ITB_TUI_TODAY) and is
never read here, so snapshots and screenshots are reproducible.
"""

from __future__ import annotations

import importlib
import os
from datetime import date, datetime, timezone
from typing import Callable, Iterable

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.theme import Theme

from itb_tui.security.lockout import DEFAULT_IDLE_TIMEOUT_S, IdleLock
from itb_tui.security.session import Session, after_login, resume

from itb_tui.ui import format as fmt
from itb_tui.ui.commands import PatientIndexEntry, PatientSearchProvider, index_from_rows
from itb_tui.ui.key_hold import HOLD_LIMIT_S, KeyHold
from itb_tui.ui.messages import DataChanged
from itb_tui.ui.session_words import roles_text

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
LOCK_AFTER_ENV = "ITB_TUI_LOCK_AFTER"
# The admin screens and the permission each needs (security.roles).
ADMIN_ACTIONS = {"audit": "view_audit", "users": "manage_users", "export": "export"}
# What needs someone signed in (and the screen unlocked): everything that shows or changes
# the ward, including the palette with its patient search. Moving between the sign-in
# fields (focus_next), the theme and quitting still work.
_NEEDS_SIGN_IN = frozenset({"as_of", "today", "help", "lock", "command_palette", *ADMIN_ACTIONS})


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def lock_after_from_env(environ=os.environ) -> tuple[int, str | None]:
    """(seconds, problem): `ITB_TUI_LOCK_AFTER` in whole seconds, else the default 600.

    A bad value never turns the lock off: the default applies and `problem` says why in
    words, for the app to show once it is running.
    """
    text = (environ.get(LOCK_AFTER_ENV) or "").strip()
    if not text:
        return DEFAULT_IDLE_TIMEOUT_S, None
    if text.isdigit() and int(text) > 0:
        return int(text), None
    return DEFAULT_IDLE_TIMEOUT_S, (
        f"{LOCK_AFTER_ENV}={text!r} is not a whole number of seconds above 0: "
        f"the screen locks after {DEFAULT_IDLE_TIMEOUT_S} s"
    )


def freeze_cursor_blink() -> None:
    """Stop text cursors blinking, so screenshots and snapshots are identical each run.

    Set when ITB_TUI_TODAY pins the date (tests, screenshots, the tmux end-to-end test).
    The note form's TextArea follows when it is imported (ui/cursor_blink.py).
    """
    from itb_tui.ui import cursor_blink

    cursor_blink.freeze()


class ItbApp(App):
    """itb-tui: the ward-round app for intrathecal baclofen pumps."""

    CSS_PATH = "app.tcss"
    TITLE = "itb-tui"
    crash_log = None  # where the crash log went, after a crash (ui/crash.py)

    def _handle_exception(self, error: Exception) -> None:
        """Never Textual's traceback with local variables (patients) on screen: ui/crash.py."""
        from itb_tui.ui import crash

        crash.handle(self, error)
    COMMANDS = App.COMMANDS | {PatientSearchProvider}

    BINDINGS = [
        Binding("a", "as_of", "As of", id="app.as_of", tooltip="Show the ward as of another date"),
        Binding("t", "today", "Today", id="app.today", tooltip="Back to today"),
        Binding("question_mark,f1", "help", "Help", id="app.help", tooltip="Keys and the rules table"),
        Binding("ctrl+t", "toggle_theme", "Theme", id="app.theme", tooltip="Switch light / dark theme"),
        Binding("q", "quit_app", "Quit", id="app.quit", tooltip="Quit (Ctrl+Q works everywhere)"),
        Binding("ctrl+l", "lock", "Lock", show=False, id="app.lock",
                tooltip="Lock the screen now (sign in again to carry on)"),
        Binding("A", "audit", "Audit", show=False, id="app.audit",
                tooltip="Audit trail: who changed what, when and why (admin)"),
        Binding("U", "users", "Users", show=False, id="app.users", tooltip="Users and roles (admin)"),
        Binding("X", "export", "Export", show=False, id="app.export",
                tooltip="Export the ward: CSV, XLSX, round sheet, FHIR, ward file (admin)"),
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
        session: Session | None = None,
        require_login: bool = False,
        lock_after_s: int | None = None,
        clock: Callable[[], datetime] | None = None,
        site=None,
    ) -> None:
        """`store` is the store as opened (not bound to a user). `session`: the signed-in
        user (the app binds the store to it); None with `require_login` False is the
        trusted system user (tests, scripts); `require_login` opens on the sign-in screen.
        `lock_after_s` (default `ITB_TUI_LOCK_AFTER`, else 600) and `clock` (UTC now;
        tests inject one) drive the idle lock, which applies to signed-in real users.
        `site`: the site configuration (itb_tui.config.SiteConfig; None: every default, no
        file read): its theme, idle lock (when `lock_after_s` is not given), key overrides
        by binding id and hospital name (in the title) are applied here."""
        super().__init__()
        if rules is None:
            from itb_tui.clinical.rules import load_rules

            rules = load_rules()
        self.system_store = store  # signs users in and binds them; never used for data directly
        self.store = store if session is None and not require_login else None
        self.session: Session | None = None
        self.require_login = require_login
        self.today = today
        self.actor = actor
        self.is_demo = demo
        self.rules = rules
        self._clock = clock or utc_now
        self._lock_problem: str | None = None
        if lock_after_s is None and site is not None:
            lock_after_s = site.idle_lock_s  # the environment's already in it (config/load.py)
            self._lock_problem = next((n for n in site.notes if LOCK_AFTER_ENV in n), None)
        if lock_after_s is None:
            lock_after_s, self._lock_problem = lock_after_from_env()
        self.idle_lock = IdleLock(int(lock_after_s))
        self.last_activity = self._clock()
        self.locked_session: Session | None = None  # set while the lock screen is up
        # Every write through this store saves the changed patients' list rows for today
        # and tomorrow in its own transaction (issue 17): the next start only re-checks.
        keep = getattr(store, "keep_list_rows", None)
        if keep is not None:
            from itb_tui.ui.saved_rows import row_maker

            keep(row_maker(rules, today))
        if session is not None:
            self._bind(session)
        self.set_reactive(ItbApp.as_of, today)
        self._saved_rows = None  # see prefetch_saved_rows
        self._patient_rows: list = []
        self._patient_index: list[PatientIndexEntry] | None = []
        self.ward_screen = None
        self._data_version: int | None = None
        self._key_hold = KeyHold()  # keys for a screen not ready yet (ui/key_hold.py)
        self.title = "itb-tui · DEMO (synthetic patients)" if demo else "itb-tui"
        self.site = site  # the checked site configuration (config/), None without one
        if site is not None and site.hospital_name:
            self.title += f" · {site.hospital_name}"
        self.sub_title = fmt.as_of_text(today, today)
        self.register_theme(HIGH_CONTRAST)
        self.theme = site.theme if site is not None else DARK_THEME
        self.site_keymap: dict[str, str] = dict(site.keymap) if site is not None else {}
        if self.site_keymap:
            self.set_keymap(self.site_keymap)  # checked: no safety key moved (config/bindings.py)
        if os.environ.get("ITB_TUI_TODAY"):
            freeze_cursor_blink()

    # --- start-up ------------------------------------------------------------------

    def on_unmount(self) -> None:
        from itb_tui.perf import gc_tuning

        gc_tuning.thaw()  # the ward list froze its load (see WardScreen.on_ward_loaded)
        from itb_tui.store import waiting

        waiting.set_wait_notifier(None)

    def show_waiting_for_writer(self) -> None:
        """A save met another terminal's write (an import?): say so while it waits
        (store/connect.py calls this from the worker thread that waits)."""
        from itb_tui.store.waiting import WAITING

        message = WAITING[0].upper() + WAITING[1:]
        try:
            self.call_from_thread(self.notify, message, severity="warning", timeout=10)
        except RuntimeError:  # called on the app's own thread
            self.notify(message, severity="warning", timeout=10)

    def on_mount(self) -> None:
        from itb_tui.store import waiting

        waiting.set_wait_notifier(self.show_waiting_for_writer)
        self.set_interval(POLL_SECONDS, self._poll_data_version, name="data-version-poll")
        self.set_interval(min(5.0, self.idle_lock.timeout_s / 2), self.check_idle_lock, name="idle-lock")
        if self._lock_problem:
            self.notify(self._lock_problem, severity="warning", timeout=10)
        if self.ward_screen is not None:
            return  # the first screen (get_default_screen)
        if self.signed_in:
            self._start_ward()
        else:
            from itb_tui.ui.screens.login import LoginScreen

            self.push_screen(LoginScreen())

    def get_default_screen(self) -> Screen:
        """The ward list itself is the first screen where nobody signs in or locks it (the
        trusted system user, the demo clinician): no empty default screen composed, laid
        out and painted under it, and no push (~8 ms of the first frame, issue 17). Where
        a user signs in (or may lock and another sign in: `_start_fresh` pops down to the
        first screen and pushes a new list) the list goes on Textual's default screen."""
        if not self.signed_in or self.lockable:
            return super().get_default_screen()
        self.ward_screen = self._new_ward_screen()
        return self.ward_screen

    def _start_ward(self) -> None:
        self.ward_screen = self._new_ward_screen()
        self.push_screen(self.ward_screen)

    def _new_ward_screen(self):
        from itb_tui.ui.screens.ward import WardScreen

        screen = WardScreen(saved=self._saved_rows)
        self._saved_rows = None  # only the first list opens on them
        return screen

    # Single-letter app keys act on the list and the detail screen only: on a modal form a
    # stray "q" must not quit (losing what was typed) nor "t" move the date underneath.
    _NOT_ON_MODALS = frozenset({"as_of", "today", "help", "quit_app", "audit", "users", "export"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.signed_in or self.locked:
            return action not in _NEEDS_SIGN_IN
        if action in self._NOT_ON_MODALS and isinstance(self.screen, ModalScreen):
            return False
        if action == "export":  # every format (admin), or the round sheet alone (nurse)
            return self.can("export") or self.can("print_round_sheet")
        if action in ADMIN_ACTIONS:
            # Offered to every role: the action says who may (a key that does nothing,
            # silently, was issue 13's complaint), and opens nothing the role may not use.
            return True
        if action == "lock":
            return self.lockable
        return True

    # --- who is signed in ----------------------------------------------------------

    @property
    def signed_in(self) -> bool:
        """Someone may use the ward: a signed-in session, or the trusted system user."""
        return self.store is not None

    @property
    def locked(self) -> bool:
        return self.locked_session is not None

    @property
    def lockable(self) -> bool:
        """The idle lock guards real sign-ins (the demo clinician has no password)."""
        return self.session is not None and not self.session.demo

    def can(self, action: str) -> bool:
        """May the signed-in user do `action` (security.roles)? The trusted system user may
        do anything, as its store allows. The UI only offers; the store still refuses."""
        if self.session is None:
            return self.signed_in
        return self.session.can(action)

    def signed_in_text(self) -> str:
        """'alice (clinician, admin)' for the header; '' for the trusted system user."""
        if self.session is None or self.locked:
            return ""
        return f"{self.session.user} ({roles_text(self.session.roles)})"

    def format_title(self, title: str, sub_title: str) -> Content:
        """Every screen's header says who is signed in, after the title and date."""
        content = super().format_title(title, sub_title)
        who = self.signed_in_text()
        if not who:
            return content
        return Content.assemble(content, ("  │  ", "dim"), (who, "bold"))

    def _bind(self, session: Session) -> None:
        """Act as `session` from now on: the store bound to the user, audited in their name."""
        self.store = self.system_store.for_user(session)
        self.session = session
        self.actor = session.user

    def sign_in(self, session: Session) -> None:
        """Called by the sign-in and lock screens once the store accepted a password.

        The same user after a lock gets the locked place back (screens, typed input); anyone
        else, and every first sign-in, starts fresh on the ward list with their own roles.
        """
        locked = self.locked_session
        same_user = after_login(locked, session.user)
        self._bind(resume(locked, session))
        self.locked_session = None
        self.last_activity = self._clock()
        if same_user:
            from itb_tui.ui.screens.lock import LockScreen

            if isinstance(self.screen, LockScreen):
                self.pop_screen()
            # Roles may have changed while locked, and another terminal may have written.
            self.notify_data_changed()
        else:
            self._start_fresh()
        self.refresh_bindings()
        self.notify(f"Signed in as {self.signed_in_text()}.", timeout=3)

    def _start_fresh(self) -> None:
        """The ward list for a new user: nothing of the previous user's screens is kept."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.set_patient_rows([])
        self._data_version = None
        self.set_reactive(ItbApp.as_of, self.today)
        self.watch_as_of(self.today)
        self._start_ward()

    def prefetch_saved_rows(self) -> None:
        """Start reading today's saved list rows now, beside Textual's start (`run_app`
        calls it before `run`): the list waits for them before its first frame, so it
        opens drawn instead of on "Loading the ward…", and its load starts only after
        (~0.1-0.2 s at 10,000 patients). A user who must sign in first gets them from the
        list's own load after sign-in."""
        if self.store is None:
            return
        from itb_tui.perf import gc_tuning
        from itb_tui.ui.saved_rows import SavedRowsReading

        # Everything alive now (the imports) and the 10,000 rows read next live on: out of
        # the cyclic collector's sight, its full passes over them stop stalling the read
        # and the first frame (~40 ms each at 10,000). The list freezes the rows too when
        # it takes them (WardScreen.on_mount); its next load unfreezes and collects.
        gc_tuning.freeze_survivors()
        # Read on a thread while Textual starts; the list waits for them before its first
        # frame (ui/saved_rows.py).
        self._saved_rows = SavedRowsReading(self.store, self.rules, self.today)

    # --- the command palette's patient index ---------------------------------------

    def set_patient_rows(self, rows: list) -> None:
        """The ward list loaded `rows` (every patient): the palette indexes them when it is
        first opened, not at every load (10,000 entries cost ~25 ms on the UI thread)."""
        self._patient_rows = rows
        self._patient_index = None

    @property
    def patient_index(self) -> list[PatientIndexEntry]:
        if self._patient_index is None:
            self._patient_index = index_from_rows(self._patient_rows)
        return self._patient_index

    # --- the idle lock ---------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        # A key, click, scroll or paste is activity; a mouse merely passing over is not.
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown,
                              events.MouseScrollUp, events.Paste)) and not event.is_forwarded:
            self.note_activity()
            if isinstance(event, events.Key) and self._key_hold.should_hold(self.screen):
                if self._key_hold.hold(event):
                    self.set_timer(HOLD_LIMIT_S, self.release_held_keys)
                return
        await super().on_event(event)

    async def release_held_keys(self) -> None:
        """Deliver the keys held while a screen got ready, in order (ui/key_hold.py); a key
        that opens another screen not ready yet holds the rest again."""
        for event in self._key_hold.take():
            if self._key_hold.should_hold(self.screen):
                self._key_hold.hold(event)
                continue
            await super().on_event(event)
        if self._key_hold.keys:
            self.set_timer(HOLD_LIMIT_S, self.release_held_keys)

    def note_activity(self, now: datetime | None = None) -> None:
        self.last_activity = now or self._clock()

    def check_idle_lock(self, now: datetime | None = None) -> bool:
        """Lock when nobody has touched a key or the mouse for `lock_after_s`; True when it
        locked now. Runs on a timer; tests call it with an injected time."""
        if not self.lockable or self.locked:
            return False
        if not self.idle_lock.is_idle(self.last_activity, now or self._clock()):
            return False
        self.lock(now)
        return True

    def action_lock(self) -> None:
        self.lock(manual=True)

    def lock(self, now: datetime | None = None, *, manual: bool = False) -> None:
        """Cover everything with the lock screen, keeping the place (and the session's
        record of it) for the same user's return."""
        if not self.lockable or self.locked:
            return
        from itb_tui.ui.screens.lock import LockScreen

        at = now or self._clock()
        self.locked_session = self.session.with_context(self.place()).lock(at)
        self.clear_notifications()  # a toast may name a patient
        self.push_screen(LockScreen(self.locked_session, self.idle_lock.timeout_s, manual=manual))
        self.refresh_bindings()

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = True) -> None:
        """As App.notify, except while locked: a screen underneath (a save finishing, a
        reload failing) must not put a patient's name or MRN over the lock screen."""
        if self.locked:
            return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def place(self) -> dict[str, object]:
        """Where the user is (screens and patient), kept in the locked session's context."""
        stack = self.screen_stack[1:]
        mrn = next((getattr(s, "mrn", None) for s in reversed(stack) if getattr(s, "mrn", None)), None)
        return {"screens": [type(s).__name__ for s in stack], "mrn": mrn}

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
        """Push the patient's detail screen (the detail engineer's PatientDetailScreen):
        the reusable one switched to `mrn` when the screen offers `for_patient` (opening
        stays fast), else a new one."""
        screen_class = self._optional_class("itb_tui.ui.screens.detail", "PatientDetailScreen")
        if screen_class is None:
            self.notify("The patient detail screen is not installed.", severity="error")
            return
        reuse = getattr(screen_class, "for_patient", None)
        self.push_screen(reuse(self, mrn) if reuse is not None else screen_class(mrn))

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

    def open_audit(self, mrn: str | None = None) -> None:
        """The audit trail: all of it (admin), or one patient's own history (any role)."""
        from itb_tui.ui.screens.audit import AuditScreen

        if mrn is None and not self.can("view_audit"):
            self.notify("Only an admin may view the whole audit trail.", severity="warning")
            return
        self.push_screen(AuditScreen(mrn=mrn))

    def action_audit(self) -> None:
        self.open_audit()

    def action_lab_quarantine(self) -> None:
        """The lab messages the feed could not apply (admin; ui/screens/lab_quarantine.py)."""
        from itb_tui.ui.screens.lab_quarantine import LabQuarantineScreen

        if not self.can("view_audit"):
            self.notify("Only an admin may view the laboratory quarantine.", severity="warning")
            return
        self.push_screen(LabQuarantineScreen())

    def open_tasks(self) -> None:
        """The round's task view (ui/screens/tasks.py), from the ward list (T) or the palette."""
        from itb_tui.ui.screens.tasks import TaskScreen

        self.push_screen(TaskScreen())

    def action_users(self) -> None:
        from itb_tui.ui.screens.users import UsersScreen

        if not self.can("manage_users"):
            self.notify("Only an admin may manage users.", severity="warning")
            return
        self.push_screen(UsersScreen())

    def action_export(self) -> None:
        from itb_tui.ui.screens.export import ExportScreen

        if not (self.can("export") or self.can("print_round_sheet")):
            self.notify("Only an admin may export patient data.", severity="warning")
            return
        self.push_screen(ExportScreen())

    def action_help(self) -> None:
        from itb_tui.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen())

    # --- themes ------------------------------------------------------------------------

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables with status colours that meet WCAG AA on every background
        (ui/status_colours.py), and the detail's Rich styles taken from the same colours."""
        from itb_tui.ui.status_colours import readable_variables, rich_status_styles
        from itb_tui.ui.widgets.detail_text import apply_status_styles

        variables = readable_variables(self.theme, super().get_css_variables())
        self.theme_variables = variables
        apply_status_styles(*rich_status_styles(variables))
        return variables

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
        from itb_tui.ui.role_gate import refusal

        if not self.signed_in or self.locked:
            return
        yield from super().get_system_commands(screen)
        yield SystemCommand("As of date…", "Show the ward as it will be (or was) on another date", self.action_as_of)
        yield SystemCommand("Back to today", "Show today's state again", self.action_today)
        yield SystemCommand("Tasks", "The round's tasks: overdue, today and the next 7 days, per bed (T)",
                            self.open_tasks)
        yield SystemCommand("Help: keys and rules", "Every key and the rules table with sources", self.action_help)
        yield SystemCommand("Toggle light / dark theme", "Switch between the light and the dark theme", self.action_toggle_theme)
        yield SystemCommand("High-contrast theme", "Black and white with strong signal colours", self.action_high_contrast)
        yield SystemCommand("Filter: blocked only", "Show only patients whose refill is blocked (toggle)", self._on_ward("toggle_blocked"))
        yield SystemCommand("Filter: refill due within 7 days", "Show only refills due soon or overdue (toggle)", self._on_ward("toggle_due"))
        yield SystemCommand("Filter: next ward", "Cycle through the wards (all wards at the end)", self._on_ward("cycle_ward"))
        yield SystemCommand("Filter: clear all", "Show every patient again", self._on_ward("clear_filters"))
        yield SystemCommand("Sort: next order", "Urgency, ward & bed, name, alarm date", self._on_ward("cycle_sort"))
        new_refused = refusal(self, "edit_patient")
        if new_refused is None:
            yield SystemCommand("New patient", "Add a patient to the ward", self._on_ward("new_patient"))
        else:
            yield SystemCommand("New patient (unavailable)", f"Unavailable: {new_refused}",
                                self._on_ward("new_patient"))
        yield SystemCommand("Reload the ward", "Read the store again", self._on_ward("reload"))
        if self.lockable:
            yield SystemCommand("Lock the screen", "Sign in again to carry on (ctrl+l)", self.action_lock)
        for permission, title, help_text, callback in (
            ("view_audit", "Audit trail", "Who changed what, when and why; filter by patient, user, date (A)",
             self.action_audit),
            ("manage_users", "Users", "Add a user, disable one, set a password (U)", self.action_users),
            ("view_audit", "Laboratory quarantine", "Lab messages not applied to a patient (issue 15)",
             self.action_lab_quarantine),
        ):
            reason = refusal(self, permission)
            if reason is None:
                yield SystemCommand(title, help_text, callback)
            else:  # shown, and why not, before it is chosen
                yield SystemCommand(f"{title} (unavailable)", f"Unavailable: {reason}", callback)
        if self.can("export"):
            yield SystemCommand("Export the ward…", "CSV, XLSX, printable round sheet, FHIR, ward file (X)",
                                self.action_export)
        elif self.can("print_round_sheet"):
            yield SystemCommand("Print the round sheet…", "The printable HTML round sheet, urgent patients first (X)",
                                self.action_export)


def run_app(db_url: str, *, today: date, demo: bool = False, lock_after_s: int | None = None,
            site=None) -> int:
    """Open the store at `db_url` and run the app until the user quits (see `app_for_store`).
    A current store opens in the background of the first screen (store/opening.py).
    Returns the exit status: 0, or 70 after a crash (ui/crash.py: one line on screen, the
    traceback without local variables in an owner-only log)."""
    from itb_tui.store.opening import open_for_app

    from itb_tui.ui import crash

    store = open_for_app(db_url, today=today)

    def run() -> int:
        app = app_for_store(store, today=today, demo=demo, lock_after_s=lock_after_s, site=site)
        app.prefetch_saved_rows()
        app.run()
        if app.crash_log is not None or app.return_code:
            return crash.EXIT_CRASHED
        return 0

    try:
        return crash.guard(run)
    finally:
        store.close()


def app_for_store(store, *, today: date, demo: bool = False, lock_after_s: int | None = None,
                  site=None) -> ItbApp:
    """The app as `itb-tui` runs it on an opened store.

    A real store opens on the sign-in screen (the first admin account on a new store).
    With `demo`, an empty store is first filled with the synthetic demo ward (marked as a
    demo store, as `itb-tui demo` does) and the app opens signed in as the demo clinician,
    so `itb-tui --demo` lands straight on the ward list. A store that is not marked as a
    demo store asks for a sign-in even with `demo`: real data never opens without one.
    """
    from itb_tui.security.session import demo_session
    from itb_tui.store import StoreError

    session = None
    if demo:
        if store.patient_count() == 0:
            from itb_tui.demo import build_demo_ward

            store.set_meta("kind", "demo")
            store.import_patients(build_demo_ward(today), "demo", reason="synthetic demo ward")
        session = demo_session(utc_now())
        try:
            store.for_user(session)
        except StoreError:
            session = None
    return ItbApp(store, today=today, actor="" if session is None else session.user,
                  demo=session is not None, session=session, require_login=session is None,
                  lock_after_s=lock_after_s, site=site)
