"""User admin: who may sign in, with which roles; add a user, disable one, set a password.

Why here and not only on the command line: the ward's admin adds the new nurse at the
workstation. The store does the checking (admin only, name and password rules, never
the last active admin disabled) and writes the audit trail; this screen only asks, in
the same keyboard-first forms as the clinical records, and says in words why the store
refused. Passwords are typed masked and never shown, logged or kept after saving.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.worker import Worker, WorkerState

from itb_tui.security.passwords import check_password_policy
from itb_tui.security.roles import ROLES
from itb_tui.security.usernames import check_username
from itb_tui.ui.forms.base import Field, FormScreen

USERS_GROUP = "users-load"

# Every combination of roles, in the role table's order, as a form choice.
ROLE_CHOICES: tuple[tuple[str, str], ...] = (
    ("nurse", "nurse"),
    ("clinician", "clinician"),
    ("admin", "admin"),
    ("clinician + admin", "clinician,admin"),
    ("nurse + admin", "nurse,admin"),
    ("nurse + clinician", "nurse,clinician"),
    ("nurse + clinician + admin", "nurse,clinician,admin"),
)

ROLE_HELP = ("nurse: view, refills when not blocked, bridging, culture results · clinician: every "
             "clinical record, refill overrides · admin: users, exports, audit trail, backups")


def _roles(user) -> str:
    return ", ".join(r for r in ROLES if r in user.roles) or "no role"


def _day(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "never"


def status_text(user) -> str:
    if user.active:
        return "✔ active"
    return f"✖ disabled {user.disabled_at:%Y-%m-%d}"


class PasswordFields(FormScreen):
    """A form with masked password fields (`kind="password"`), checked against the policy."""

    PASSWORD_FIELDS = ("password", "confirm")

    def on_mount(self) -> None:
        for name in self.PASSWORD_FIELDS:
            self.query_one(f"#f-{name}", Input).password = True

    def parse_field(self, spec: Field, raw: Any) -> Any:
        if spec.kind == "password":  # spaces count in a password: never trimmed
            return raw or None
        return super().parse_field(spec, raw)

    def username(self, values: dict[str, Any]) -> str:
        raise NotImplementedError

    def password_problems(self, values: dict[str, Any]) -> dict[str, str]:
        problems = {}
        password, confirm = values.get("password"), values.get("confirm")
        if not password:
            problems["password"] = "is required"
        else:
            problem = check_password_policy(password, self.username(values) or "")
            if problem:
                problems["password"] = problem
        if password and confirm != password:
            problems["confirm"] = "differs from the password: type the same password twice"
        return problems


class AddUserForm(PasswordFields):
    FORM_TITLE = "Add user"
    SAVE_LABEL = "Add user"

    def intro(self) -> str:
        return f"The new user signs in with this name and password.\n{ROLE_HELP}"

    def form_fields(self) -> list[Field]:
        return [
            Field("username", "User name", placeholder="e.g. nora.n", required=True,
                  hint="letters a-z, digits and . _ -"),
            Field("roles", "Roles", "select", options=ROLE_CHOICES, placeholder="choose the roles",
                  required=True),
            Field("password", "Password", "password", hint="at least 10 characters; a long phrase is best"),
            Field("confirm", "Password again", "password"),
        ]

    def username(self, values: dict[str, Any]) -> str:
        return values.get("username") or ""

    def extra_problems(self, values: dict[str, Any], draft) -> dict[str, str]:
        problems = {}
        if values.get("username"):
            problem = check_username(values["username"])
            if problem:
                problems["username"] = problem
        problems.update(self.password_problems(values))
        return problems

    def save(self, values: dict[str, Any]) -> Any:
        return self.store.create_user(values["username"], values["password"], values["roles"].split(","),
                                      actor=self.actor)

    def saved_message(self, result: Any) -> str:
        return f"User {result.username} added ({_roles(result)})"


class PasswordForm(PasswordFields):
    FORM_TITLE = "Set password"
    SAVE_LABEL = "Set password"

    def __init__(self, username: str) -> None:
        super().__init__()
        self.user_name = username

    def intro(self) -> str:
        return (f"A new password for {self.user_name}. Tell them in person; they can sign in with it "
                "at once.")

    def form_fields(self) -> list[Field]:
        return [
            Field("password", "New password", "password", hint="at least 10 characters; a long phrase is best"),
            Field("confirm", "Password again", "password"),
        ]

    def username(self, values: dict[str, Any]) -> str:
        return self.user_name

    def extra_problems(self, values: dict[str, Any], draft) -> dict[str, str]:
        return self.password_problems(values)

    def save(self, values: dict[str, Any]) -> Any:
        self.store.set_password(self.user_name, values["password"], actor=self.actor)
        return self.user_name

    def saved_message(self, result: Any) -> str:
        return f"Password set for {result}"


class DisableUserForm(FormScreen):
    FORM_TITLE = "Disable user"
    SAVE_LABEL = "Disable user"

    def __init__(self, username: str) -> None:
        super().__init__()
        self.user_name = username

    def intro(self) -> str:
        return (f"Disable {self.user_name}? They can no longer sign in. Everything they recorded "
                "stays, under their name, in the records and the audit trail.")

    def form_fields(self) -> list[Field]:
        return [Field("reason", "Reason", placeholder="e.g. left the ward (optional)")]

    def save(self, values: dict[str, Any]) -> Any:
        return self.store.disable_user(self.user_name, actor=self.actor, reason=values.get("reason"))

    def saved_message(self, result: Any) -> str:
        return f"User {result.username} disabled"


class UsersScreen(Screen):
    """Every account with its roles and state; keys add, disable and set passwords."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="users.back"),
        Binding("a", "add", "Add user", id="users.add"),
        Binding("d", "disable", "Disable", id="users.disable"),
        Binding("p", "password", "Set password", id="users.password"),
        Binding("ctrl+r", "reload", "Reload", id="users.reload"),
    ]

    AUTO_FOCUS = "#users-table"

    DEFAULT_CSS = """
    UsersScreen #users-summary { height: auto; padding: 0 1; background: $panel; }
    UsersScreen #users-summary.-error { color: $text-error; text-style: bold; }
    UsersScreen #users-table { height: 1fr; }
    UsersScreen #users-roles { height: auto; padding: 0 1; color: $text-muted; border-top: solid $secondary; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.users: list = []
        self.loaded = False
        self.error = ""
        self.title = "Users"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the users…", id="users-summary")
        yield DataTable(id="users-table", cursor_type="row", zebra_stripes=True)
        yield Static(f"Roles: {ROLE_HELP}", id="users-roles")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, key in (("User", "user"), ("Roles", "roles"), ("Status", "status"),
                           ("Created (UTC)", "created"), ("Created by", "by"), ("Last sign-in (UTC)", "login")):
            table.add_column(label, key=key)
        self.load()

    def load(self) -> None:
        self._read()

    @work(thread=True, exclusive=True, group=USERS_GROUP, exit_on_error=False)
    def _read(self) -> list:
        return self.app.store.list_users()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != USERS_GROUP:
            return
        summary = self.query_one("#users-summary", Static)
        if event.state == WorkerState.SUCCESS:
            self.show_users(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.error = f"Cannot list the users: {event.worker.error}".splitlines()[0]
            summary.update(f"✖ {self.error}")
            summary.add_class("-error")

    def show_users(self, users: list) -> None:
        self.loaded = True
        self.error = ""
        table = self.query_one(DataTable)
        selected = self.selected_name()
        self.users = list(users)
        table.clear()
        for user in self.users:
            table.add_row(user.username, _roles(user), status_text(user), _day(user.created_at),
                          user.created_by or "–", _day(user.last_login_at), key=user.username)
        if selected is not None:
            for index, user in enumerate(self.users):
                if user.username == selected:
                    table.move_cursor(row=index)
        active = sum(1 for u in self.users if u.active)
        summary = self.query_one("#users-summary", Static)
        summary.remove_class("-error")
        summary.update(f"{len(self.users)} users, {active} active · a: add · d: disable · p: set password")

    def selected_name(self) -> str | None:
        table = self.query_one(DataTable)
        if not self.users or table.cursor_row is None or not 0 <= table.cursor_row < len(self.users):
            return None
        return self.users[table.cursor_row].username

    def on_data_changed(self, _message) -> None:
        self.load()

    # --- actions: each form saves, then `notify_data_changed` reloads this list ---

    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.load()

    def action_add(self) -> None:
        self.app.push_screen(AddUserForm())

    def _selected_or_say(self) -> str | None:
        name = self.selected_name()
        if name is None:
            self.notify("Select a user in the list first.", severity="warning")
        return name

    def action_disable(self) -> None:
        name = self._selected_or_say()
        if name is None:
            return
        user = next(u for u in self.users if u.username == name)
        if not user.active:
            self.notify(f"{name} is already disabled.", severity="warning")
            return
        if self.app.session is not None and name == self.app.session.user:
            self.notify("You cannot disable your own account while signed in with it.", severity="warning")
            return
        self.app.push_screen(DisableUserForm(name))

    def action_password(self) -> None:
        name = self._selected_or_say()
        if name is not None:
            self.app.push_screen(PasswordForm(name))
