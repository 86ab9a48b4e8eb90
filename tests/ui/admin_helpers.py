"""Set-up for the sign-in, lock and admin screen tests: the demo ward in a temp store with
synthetic user accounts, an app that asks for a sign-in, and ways to sign in as a user
does (typing into the sign-in screen).

All users and passwords here are synthetic test accounts.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from itertools import count

from textual.widgets import Input

from shell_helpers import SIZE, TODAY, make_store, screen_text, settle

__all__ = ["SIZE", "TODAY", "screen_text", "settle"]

PASSWORDS = {
    "alice": "alice-long-passphrase",  # clinician and admin
    "adam": "adam-long-passphrase",  # admin only
    "nora": "nora-long-passphrase",  # nurse
    "carl": "carl-long-passphrase",  # clinician
}
ROLES = {
    "alice": ("clinician", "admin"),
    "adam": ("admin",),
    "nora": ("nurse",),
    "carl": ("clinician",),
}


def store_with_users(tmp_path, users=("adam", "alice", "nora", "carl"), *, patients=None):
    """The demo ward (or `patients`) plus the given accounts (the first must hold admin)."""
    return add_users(make_store(tmp_path, patients=patients), users)


def add_users(store, users=("adam", "alice", "nora", "carl")):
    for name in users:
        store.create_user(name, PASSWORDS[name], ROLES[name], actor="test")
    return store


def session_of(store, name: str):
    return store.authenticate(name, PASSWORDS[name])


def login_app(store, **kwargs):
    """The app as `itb-tui` runs it on a real store: it opens on the sign-in screen."""
    from itb_tui.ui.app import ItbApp

    return ItbApp(store, today=TODAY, require_login=True, **kwargs)


def app_as(store, name: str, **kwargs):
    """The app already signed in as `name` (as after the sign-in screen)."""
    from itb_tui.ui.app import ItbApp

    return ItbApp(store, today=TODAY, session=session_of(store, name), **kwargs)


async def type_login(pilot, username: str, password: str, confirm: str | None = None) -> None:
    """Fill the sign-in screen (and the confirmation, for the first admin) and press Enter."""
    screen = pilot.app.screen
    await settle(pilot)
    screen.query_one("#login-user", Input).value = username
    screen.query_one("#login-password", Input).value = password
    if confirm is not None:
        screen.query_one("#login-confirm", Input).value = confirm
    screen.query_one("#login-password" if confirm is None else "#login-confirm", Input).focus()
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)
    # The password check runs in a worker; its answer arrives as a message afterwards.
    for _ in range(100):
        if not getattr(screen, "busy", False):
            break
        await pilot.pause(0.05)
    await settle(pilot)


async def sign_in(pilot, name: str) -> None:
    await type_login(pilot, name, PASSWORDS[name])


class FakeClock:
    """A UTC clock the test moves by hand, for the idle lock."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


def fixed_audit_clock(monkeypatch, start: datetime | None = None) -> None:
    """Make the store stamp audit rows (and user accounts) with a ticking fixed clock,
    one second apart, so screens that show times are the same on every run."""
    from itb_tui.store import audit

    base = start or datetime(2026, 11, 25, 7, 30, tzinfo=timezone.utc)
    ticks = count()
    monkeypatch.setattr(audit, "now_utc", lambda: base + timedelta(seconds=next(ticks)))
