"""Sign-in: the first screen of a real store, and the first admin account of a new one.

Why a screen of its own: a ward workstation is shared and holds patient data, so nothing
of the ward shows until someone signs in (the app refuses every key but quit meanwhile).
On a new store with no users yet the same screen asks for the first admin account, so a
store can always be managed; the password rules are said in words as they are typed.

Passwords are checked by the store (scrypt, slow on purpose, every attempt audited and
rate-limited) in a worker thread. A refusal is shown in words, with the wait after
repeated failures; the message never says whether the user name exists.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Checkbox, Header, Input, Label, Static
from textual.worker import Worker, WorkerState

from itb_tui.security.passwords import check_password_policy
from itb_tui.security.usernames import check_username, normalise_username
from itb_tui.store.errors import LoginLocked, StoreError, UsersExist
from itb_tui.store.ports import WardReads

LOGIN_GROUP = "login"

CHECKING, SIGN_IN, FIRST_ADMIN = "checking", "sign_in", "first_admin"
PASSWORDS_DIFFER = "The two passwords differ: type the same password twice."


def store_text(store: WardReads) -> str:
    """Which store this is, without secrets: the file name, or the URL without password."""
    from itb_tui.paths import sqlite_path

    url = store.url or ""
    path = sqlite_path(url)
    if path is not None:
        return f"{Path(path).name} (SQLite)"
    return url or "the store"


def refusal_text(error: BaseException | None) -> str:
    """One line saying why signing in did not work (never a traceback)."""
    if isinstance(error, LoginLocked):
        return f"Too many failed sign-ins for this name: try again in {error.seconds_left} s."
    if isinstance(error, StoreError):
        text = str(error)
        return f"Not signed in: {text}." if not text.endswith(".") else f"Not signed in: {text}"
    name = type(error).__name__ if error is not None else "unknown error"
    return f"Not signed in: {name}: {error}".splitlines()[0]


class LoginScreen(Screen):
    """Sign in with a user name and password; on an empty store, create the first admin."""

    AUTO_FOCUS = None

    DEFAULT_CSS = """
    LoginScreen { align: center middle; }
    LoginScreen #login-box {
        width: 76; max-width: 100%; height: auto;
        border: thick $primary; border-title-style: bold;
        background: $surface; padding: 1 2;
    }
    LoginScreen.-locked #login-box { border: thick $warning; }
    LoginScreen #login-intro { color: $text-muted; margin-bottom: 1; }
    LoginScreen .login-row { height: auto; }
    LoginScreen .login-row.-hidden { display: none; }
    LoginScreen .login-label { width: 18; padding-right: 1; text-align: right; }
    LoginScreen .login-input { width: 1fr; background: $panel; }
    LoginScreen .login-input:focus { background: $boost; text-style: bold; }
    LoginScreen #login-policy { color: $text-muted; height: auto; margin-top: 1; display: none; }
    LoginScreen #login-policy.-bad { color: $text-warning; }
    LoginScreen #login-error { color: $text-error; text-style: bold; height: auto; margin-top: 1; display: none; }
    LoginScreen #login-policy.-shown, LoginScreen #login-error.-shown { display: block; }
    LoginScreen #login-keys { color: $text-muted; margin-top: 1; }
    """

    BOX_TITLE = "Sign in"
    SCREEN_TITLE = "itb-tui · sign in"

    def __init__(self, *, username: str = "") -> None:
        super().__init__()
        self.username = username
        self.mode = CHECKING
        self.error = ""  # the refusal shown right now
        self.busy = False
        # Titles are set before mounting: a title set later races the Header at quit.
        self.title = self.SCREEN_TITLE
        self.sub_title = ""

    # --- what the lock screen changes ---

    def box_title(self) -> str:
        return self.BOX_TITLE if self.mode != FIRST_ADMIN else "First admin account"

    def intro_text(self) -> str:
        store = store_text(self.app.system_store)
        if self.mode == FIRST_ADMIN:
            return (f"Store {store} has no users yet. Create the first admin account: it can "
                    "add the nurses, clinicians and other admins; tick \"also clinician\" to add "
                    "patients with it too. Then you are signed in.")
        if self.mode == CHECKING:
            return f"Opening store {store}…"
        return f"Store {store}. Sign in to see the ward."

    def keys_text(self) -> str:
        if self.mode == FIRST_ADMIN:
            return "Enter: next field / create · Tab: next field · Ctrl+Q: quit"
        return "Enter: sign in · Tab: next field · Ctrl+Q: quit"

    def first_mode(self) -> str | None:
        """The mode to open in, or None to ask the store whether it has users."""
        return None

    # --- layout ---

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="login-box"):
            yield Static("", id="login-intro")
            with Horizontal(classes="login-row"):
                yield Label("User name", classes="login-label")
                yield Input(self.username, placeholder="e.g. alice", id="login-user", classes="login-input",
                            compact=True)
            with Horizontal(classes="login-row"):
                yield Label("Password", classes="login-label")
                yield Input(password=True, id="login-password", classes="login-input", compact=True)
            with Horizontal(classes="login-row -hidden", id="row-confirm"):
                yield Label("Password again", classes="login-label")
                yield Input(password=True, id="login-confirm", classes="login-input", compact=True)
            with Horizontal(classes="login-row -hidden", id="row-clinician"):
                yield Label("", classes="login-label")
                # An admin alone cannot add patients: ticked, one person can start a site
                # (issue 13). Off by default: clinical rights are asked for, not assumed.
                yield Checkbox("also clinician (adds patients, records care)", False,
                               id="login-clinician", compact=True)
            yield Static("", id="login-policy")
            yield Static("", id="login-error")
            yield Static("", id="login-keys")

    def on_mount(self) -> None:
        mode = self.first_mode()
        self._set_mode(mode or CHECKING)
        if mode is None:
            self._check_users()

    @work(thread=True, exclusive=True, group=LOGIN_GROUP, exit_on_error=False)
    def _check_users(self) -> str:
        return FIRST_ADMIN if not self.app.system_store.has_users() else SIGN_IN

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        self.query_one("#login-box").border_title = self.box_title()
        self.query_one("#login-intro", Static).update(self.intro_text())
        self.query_one("#row-confirm").set_class(mode != FIRST_ADMIN, "-hidden")
        self.query_one("#row-clinician").set_class(mode != FIRST_ADMIN, "-hidden")
        self.query_one("#login-keys", Static).update(self.keys_text())
        for field in self.query(Input):
            field.disabled = mode == CHECKING
        if mode == FIRST_ADMIN:
            self.sub_title = "first admin account"
        self._update_policy()
        if mode != CHECKING:
            user = self.query_one("#login-user", Input)
            (self.query_one("#login-password", Input) if user.value else user).focus()

    # --- typing ---

    def _values(self) -> tuple[str, str, str]:
        return (self.query_one("#login-user", Input).value,
                self.query_one("#login-password", Input).value,
                self.query_one("#login-confirm", Input).value)

    def first_admin_problem(self) -> str | None:
        """What is wrong with the first-admin fields, in words (None: ready to create)."""
        username, password, confirm = self._values()
        problem = check_username(username)
        if problem:
            return problem
        problem = check_password_policy(password, username)
        if problem:
            return problem
        if confirm != password:
            return PASSWORDS_DIFFER
        return None

    def _update_policy(self) -> None:
        """First admin: the password rules in words, live; nothing to say when signing in."""
        policy = self.query_one("#login-policy", Static)
        policy.set_class(self.mode == FIRST_ADMIN, "-shown")
        if self.mode != FIRST_ADMIN:
            policy.update("")
            return
        username, password, confirm = self._values()
        problem = None
        if username:
            problem = check_username(username)
        if problem is None and password:
            problem = check_password_policy(password, username)
        if problem is None and password and confirm and confirm != password:
            problem = PASSWORDS_DIFFER
        if problem and self.error.endswith(problem):
            policy.set_class(False, "-shown")  # the refusal below says it already
        if problem:
            policy.update(f"▲ {problem}")
        elif password and confirm == password:
            policy.update("✔ The password meets the rules.")
        else:
            policy.update("Password: at least 10 characters, not the user name, not one character "
                          "repeated. A long phrase is best.")
        policy.set_class(bool(problem), "-bad")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if self.error and not self.busy and event.value:
            self.show_error("")  # typing again answers the refusal (clearing a field does not)
        self._update_policy()

    def show_error(self, text: str) -> None:
        self.error = text
        self.say(f"✖ {text}" if text else "")
        if self.mode == FIRST_ADMIN:
            self._update_policy()

    def say(self, text: str) -> None:
        """The line under the fields: a refusal, or 'Checking…' while the store works."""
        line = self.query_one("#login-error", Static)
        line.update(text)
        line.set_class(bool(text), "-shown")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter moves on to the next empty field, and submits from the last one."""
        event.stop()
        if self.busy or self.mode == CHECKING:
            return
        username, password, confirm = self._values()
        order = ["login-user", "login-password"] + (["login-confirm"] if self.mode == FIRST_ADMIN else [])
        values = {"login-user": username.strip(), "login-password": password, "login-confirm": confirm}
        if event.input.id != order[-1] and not values[order[order.index(event.input.id) + 1]]:
            self.query_one(f"#{order[order.index(event.input.id) + 1]}", Input).focus()
            return
        self.submit()

    def submit(self) -> None:
        username, password, _confirm = self._values()
        if self.mode == FIRST_ADMIN:
            problem = self.first_admin_problem()
            if problem:
                self.show_error(f"Not created: {problem}")
                return
        else:
            if not username.strip():
                self.show_error("Type your user name.")
                self.query_one("#login-user", Input).focus()
                return
            if not password:
                self.show_error("Type your password.")
                self.query_one("#login-password", Input).focus()
                return
        self.show_error("")
        self.busy = True
        self.say("Checking the password…")
        clinician = self.query_one("#login-clinician", Checkbox).value
        self._sign_in(self.mode, username, password, clinician)

    @work(thread=True, exclusive=True, group=LOGIN_GROUP, exit_on_error=False)
    def _sign_in(self, mode: str, username: str, password: str, clinician: bool = False):
        """The store checks the password (slow on purpose); first creates the admin if asked."""
        store = self.app.system_store
        if mode == FIRST_ADMIN:
            from itb_tui.security.actors import os_actor

            # Nobody is signed in yet: the operating-system account creates the first admin.
            # The store counts and inserts in one locked step, so if another terminal was
            # quicker this raises UsersExist instead of making a second "first" admin.
            store.create_first_admin(username, password, actor=os_actor(), clinician=clinician)
        return store.authenticate(normalise_username(username), password)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != LOGIN_GROUP:
            return
        if event.worker.name == "_check_users":
            if event.state == WorkerState.SUCCESS:
                self._set_mode(event.worker.result)
            elif event.state == WorkerState.ERROR:
                self.show_error(f"Cannot read the store: {event.worker.error}".splitlines()[0])
            return
        if event.state == WorkerState.SUCCESS:
            self.busy = False
            for field in self.query(Input):
                field.value = "" if field.password else field.value
            self.app.sign_in(event.worker.result)
        elif event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self.busy = False
            error = event.worker.error
            if self.mode == FIRST_ADMIN and isinstance(error, UsersExist):
                self._set_mode(SIGN_IN)
            self.show_error(refusal_text(error))
            password = self.query_one("#login-password", Input)
            if self.mode == SIGN_IN:
                password.value = ""
            password.focus()
