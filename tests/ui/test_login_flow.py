"""Signing in: a real store opens on the sign-in screen, a new store asks for the first
admin, a wrong password is refused in words (and throttled), the demo store opens
signed in as the demo clinician."""

from __future__ import annotations

from textual.widgets import Input

from itb_tui.ui.app import app_for_store
from itb_tui.ui.screens.lock import LockScreen
from itb_tui.ui.screens.login import LoginScreen
from itb_tui.ui.screens.ward import WardScreen

from admin_helpers import (
    PASSWORDS,
    SIZE,
    TODAY,
    login_app,
    screen_text,
    settle,
    sign_in,
    store_with_users,
    type_login,
)
from shell_helpers import make_store


async def test_a_real_store_opens_on_sign_in_and_shows_no_patient_until_then(tmp_path):
    store = store_with_users(tmp_path)
    app = app_for_store(store, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and not isinstance(app.screen, LockScreen)
        text = screen_text(app)
        assert "Sign in" in text and "ward.db" in text
        assert "Testperson" not in text and "MRN" not in text
        # Nothing of the ward is reachable yet: not the "as of" prompt, help or the palette.
        app.screen.query_one("#login-user", Input).blur()
        await pilot.press("question_mark", "ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.store is None


async def test_the_right_password_opens_the_ward_list_as_that_user(tmp_path):
    store = store_with_users(tmp_path)
    app = login_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "carl")
        assert isinstance(app.screen, WardScreen)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["WardScreen"]
        assert app.actor == "carl" and app.store.session.user == "carl"
        text = screen_text(app)
        assert "carl (clinician)" in text.splitlines()[0]  # the header says who and which role
        assert "Testperson" in text
    entries = store.audit_trail(username="carl")
    assert [e.action for e in entries] == ["login"]


async def test_a_wrong_password_is_refused_in_words_and_the_password_cleared(tmp_path):
    store = store_with_users(tmp_path)
    app = login_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await type_login(pilot, "carl", "not-the-password")
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        assert screen.error == "Not signed in: wrong user name or password."
        assert "✖ Not signed in: wrong user name or password." in screen_text(app)
        assert screen.query_one("#login-password", Input).value == ""
        assert screen.query_one("#login-user", Input).value == "carl"  # kept to retry
        assert app.store is None
        # An unknown name gets the same words: the screen does not tell which names exist.
        await type_login(pilot, "nobody", "whatever-password")
        assert screen.error == "Not signed in: wrong user name or password."
        # Then the right password works.
        await sign_in(pilot, "carl")
        assert isinstance(app.screen, WardScreen)


async def test_repeated_failures_make_the_user_wait_and_say_how_long(tmp_path):
    store = store_with_users(tmp_path)
    app = login_app(store)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(4):  # three are free; the fourth starts the wait
            await type_login(pilot, "nora", "wrong-password-x")
        await sign_in(pilot, "nora")  # even the right password waits
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        assert screen.error.startswith("Too many failed sign-ins for this name: try again in ")
        assert screen.error.endswith(" s.")
        assert app.store is None


async def test_an_empty_store_asks_for_the_first_admin_then_signs_them_in(tmp_path):
    store = make_store(tmp_path, patients=[])
    app = login_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.mode == "first_admin"
        text = screen_text(app)
        assert "First admin account" in text and "has no users yet" in text
        assert "at least 10 characters" in text
        # The rules in words, as typed: too short, then two different passwords.
        await type_login(pilot, "ward.admin", "short", "short")
        assert screen.error == "Not created: The password must be at least 10 characters long."
        assert not store.has_users()
        await type_login(pilot, "ward.admin", "a long ward passphrase", "a long ward passphrase!")
        assert screen.error == "Not created: The two passwords differ: type the same password twice."
        assert not store.has_users()
        await type_login(pilot, "Bad Name", "a long ward passphrase", "a long ward passphrase")
        assert "may use only letters" in screen.error
        await type_login(pilot, "ward.admin", "a long ward passphrase", "a long ward passphrase")
        assert isinstance(app.screen, WardScreen)
        assert app.session.user == "ward.admin" and app.session.roles == {"admin"}
        assert "ward.admin (admin)" in screen_text(app)
    users = store.list_users()
    assert [(u.username, u.roles) for u in users] == [("ward.admin", ("admin",))]
    # Nobody was signed in yet: the operating-system account created the first admin.
    assert users[0].created_by.startswith("os:")
    assert store.authenticate("ward.admin", "a long ward passphrase").user == "ward.admin"


async def test_a_first_admin_made_meanwhile_on_another_terminal_wins_and_this_one_signs_in(
        tmp_path, monkeypatch):
    """Two terminals both showed "First admin account" on a new store; the other one saved
    first, right after this one last looked (so any "are there users?" check this terminal
    makes is stale). This one must not make a second admin: it says so and turns into
    sign-in. Only the store's single locked count-and-insert can guarantee that."""
    from itb_tui.store import open_store

    store = make_store(tmp_path, patients=[])
    app = login_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.mode == "first_admin"
        other = open_store(store.url, today=TODAY)  # the other workstation
        other.create_first_admin("other.admin", "another long passphrase", actor="os:other")
        other.close()
        monkeypatch.setattr(store, "has_users", lambda: False)  # this terminal's stale view
        await type_login(pilot, "ward.admin", "a long ward passphrase", "a long ward passphrase")
        screen = app.screen
        assert isinstance(screen, LoginScreen) and screen.mode == "sign_in"
        assert "has users now" in screen.error
        assert app.store is None
    assert [u.username for u in store.list_users()] == ["other.admin"]


async def test_enter_moves_to_the_next_empty_field_before_signing_in(tmp_path):
    store = store_with_users(tmp_path)
    app = login_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"carl", "enter")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#login-password", Input)
        assert app.screen.error == ""
        await pilot.press(*PASSWORDS["carl"], "enter")
        await settle(pilot)
        assert isinstance(app.screen, WardScreen)


async def test_tab_moves_between_the_fields_before_sign_in(tmp_path):
    store = store_with_users(tmp_path)
    app = login_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert app.focused is screen.query_one("#login-user", Input)
        await pilot.press(*"carl", "tab")
        assert app.focused is screen.query_one("#login-password", Input)
        await pilot.press(*PASSWORDS["carl"], "shift+tab")
        assert app.focused is screen.query_one("#login-user", Input)
        assert screen.query_one("#login-user", Input).value == "carl"
        assert screen.query_one("#login-password", Input).value == PASSWORDS["carl"]


async def test_the_demo_store_opens_signed_in_as_the_demo_clinician(tmp_path):
    store = make_store(tmp_path, patients=[])
    app = app_for_store(store, today=TODAY, demo=True)  # fills the empty store with the demo ward
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WardScreen)
        header = screen_text(app).splitlines()[0]
        assert "DEMO" in header and "demo (clinician)" in header
        assert app.session.demo and not app.lockable
        assert app.store.patient_count() > 0


async def test_a_real_store_is_never_opened_without_sign_in_even_with_demo(tmp_path):
    store = store_with_users(tmp_path)  # real patients, not marked as a demo store
    app = app_for_store(store, today=TODAY, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert "DEMO" not in screen_text(app)


async def test_letters_that_are_app_keys_type_into_the_sign_in_fields(tmp_path):
    store = store_with_users(tmp_path)
    app = login_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"qatAUX")  # quit, as of, today and the admin keys elsewhere
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#login-user", Input).value == "qatAUX"
