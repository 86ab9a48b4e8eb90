"""User admin: the admin lists the users, adds one (name, roles, password twice, checked
in words before saving), sets a password and disables a user; the store's refusals (the
last admin, a name taken) are said in words."""

from __future__ import annotations

from textual.widgets import DataTable

from itb_tui.ui.screens.users import AddUserForm, DisableUserForm, PasswordForm, UsersScreen

from admin_helpers import PASSWORDS, SIZE, app_as, settle, store_with_users
from detail_helpers import choose, field_error, fill, press


async def open_users(pilot) -> UsersScreen:
    await settle(pilot)
    await pilot.press("U")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, UsersScreen)
    return screen


def rows(screen: UsersScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def select_user(pilot, screen: UsersScreen, name: str) -> None:
    index = [u.username for u in screen.users].index(name)
    table = screen.query_one(DataTable)
    table.focus()
    table.move_cursor(row=index)
    await settle(pilot)


async def test_the_admin_adds_a_user_who_can_then_sign_in(tmp_path):
    store = store_with_users(tmp_path)
    app = app_as(store, "adam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot)
        assert [r[:3] for r in rows(screen)] == [
            ["adam", "admin", "✔ active"], ["alice", "clinician, admin", "✔ active"],
            ["carl", "clinician", "✔ active"], ["nora", "nurse", "✔ active"]]
        await press(pilot, "a")
        form = app.screen
        assert isinstance(form, AddUserForm)
        await fill(pilot, "username", "Nina.N")
        await choose(pilot, "roles", "nurse")
        await fill(pilot, "password", "nina")
        assert field_error(form, "password") == "✖ The password must be at least 10 characters long."
        await fill(pilot, "password", "nina's long passphrase")
        await fill(pilot, "confirm", "nina's long passphrase?")
        assert field_error(form, "confirm").startswith("✖ differs from the password")
        await press(pilot, "enter")
        assert app.screen is form  # nothing saved while a field is wrong
        assert store.get_user("nina.n") is None
        await fill(pilot, "confirm", "nina's long passphrase")
        await press(pilot, "enter")
        assert app.screen is screen
        assert ["nina.n", "nurse", "✔ active"] in [r[:3] for r in rows(screen)]
        assert [r[4] for r in rows(screen) if r[0] == "nina.n"] == ["adam"]  # created by
    assert store.authenticate("nina.n", "nina's long passphrase").roles == {"nurse"}
    created = [e for e in store.audit_trail(username="adam") if e.action == "create"]
    assert created[-1].after == {"username": "nina.n", "roles": ["nurse"]}
    assert "passphrase" not in repr(store.audit_trail())  # the password is never kept in clear


async def test_a_name_already_taken_is_refused_in_words(tmp_path):
    store = store_with_users(tmp_path)
    app = app_as(store, "adam")
    async with app.run_test(size=SIZE) as pilot:
        await open_users(pilot)
        await press(pilot, "a")
        form = app.screen
        await fill(pilot, "username", "Carl")
        await choose(pilot, "roles", "clinician")
        await fill(pilot, "password", "another long phrase")
        await fill(pilot, "confirm", "another long phrase")
        await press(pilot, "enter")
        assert app.screen is form
        assert form.form_error == "Not saved: user carl already exists"


async def test_the_admin_disables_a_user_who_then_cannot_sign_in(tmp_path):
    store = store_with_users(tmp_path)
    app = app_as(store, "adam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot)
        await select_user(pilot, screen, "carl")
        await press(pilot, "d")
        form = app.screen
        assert isinstance(form, DisableUserForm)
        await fill(pilot, "reason", "left the ward")
        await press(pilot, "enter")
        assert app.screen is screen
        carl = [r for r in rows(screen) if r[0] == "carl"][0]
        assert carl[2].startswith("✖ disabled ")
        assert "1 disabled" not in str(screen.query_one("#users-summary").content)
        assert "4 users, 3 active" in str(screen.query_one("#users-summary").content)
    user = store.get_user("carl")
    assert not user.active and user.disabled_by == "adam"
    import pytest

    from itb_tui.store.errors import LoginFailed

    with pytest.raises(LoginFailed, match="this account is disabled"):
        store.authenticate("carl", PASSWORDS["carl"])
    assert store.audit_trail(username="adam")[-1].reason == "left the ward"


async def test_an_admin_is_not_offered_to_disable_their_own_account(tmp_path):
    store = store_with_users(tmp_path, users=("adam", "alice"))
    app = app_as(store, "adam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot)
        await select_user(pilot, screen, "adam")
        await press(pilot, "d")
        assert isinstance(app.screen, UsersScreen)
        assert "You cannot disable your own account while signed in with it." in [
            n.message for n in app._notifications]
    assert store.get_user("adam").active


async def test_a_refusal_by_the_store_is_said_in_the_form(tmp_path):
    store = store_with_users(tmp_path)
    app = app_as(store, "adam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot)
        await select_user(pilot, screen, "carl")
        await press(pilot, "d")
        form = app.screen
        store.disable_user("carl", actor="another terminal")  # meanwhile, elsewhere
        await press(pilot, "enter")
        assert app.screen is form
        assert form.form_error == "Not saved: user carl is already disabled"


async def test_setting_a_password(tmp_path):
    store = store_with_users(tmp_path)
    app = app_as(store, "adam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot)
        await select_user(pilot, screen, "nora")
        await press(pilot, "p")
        form = app.screen
        assert isinstance(form, PasswordForm)
        await fill(pilot, "password", "nora's new passphrase")
        await fill(pilot, "confirm", "nora's new passphrase")
        await press(pilot, "enter")
        assert app.screen is screen
    assert store.authenticate("nora", "nora's new passphrase").user == "nora"
