"""The idle lock: after the idle time the app covers everything with the lock screen; the
same user signing in gets the same place back, anyone else starts fresh with their own
roles. Time is driven with an injected clock, never by sleeping."""

from __future__ import annotations

from textual.widgets import Input, Static

from itb_tui.ui.forms.bridging import BridgingForm
from itb_tui.ui.screens.detail import PatientDetailScreen
from itb_tui.ui.screens.lock import LockScreen
from itb_tui.ui.screens.ward import WardScreen

from admin_helpers import (
    SIZE,
    FakeClock,
    app_as,
    login_app,
    screen_text,
    settle,
    sign_in,
    store_with_users,
    type_login,
)
from detail_helpers import open_detail, press


def intro(app) -> str:
    """The words at the top of the sign-in / lock box."""
    return str(app.screen.query_one("#login-intro", Static).content)


def _stack(app) -> list[str]:
    return [type(s).__name__ for s in app.screen_stack[1:]]


async def test_idle_time_locks_and_hides_every_patient(tmp_path):
    clock = FakeClock()
    store = store_with_users(tmp_path)
    app = app_as(store, "carl", clock=clock, lock_after_s=600)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Testperson" in screen_text(app)
        app.note_activity(clock.now)
        clock.advance(599)
        assert app.check_idle_lock() is False  # one second short
        assert isinstance(app.screen, WardScreen)
        clock.advance(1)
        assert app.check_idle_lock() is True  # exactly at the idle time
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        text = screen_text(app)
        assert "Locked: no key press or click for 10 min." in text
        assert "carl (clinician) signs in again" in intro(app)
        assert "Testperson" not in text and "MRN" not in text
        # Locked: the palette (with its patient search) and the app keys do nothing.
        app.screen.query_one("#login-password", Input).blur()
        await pilot.press("ctrl+p", "question_mark", "a")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert app.locked_session.context["screens"] == ["WardScreen"]
        # A screen underneath finishing some work must not show a patient over the lock.
        app.ward_screen.notify("Refill recorded for Testperson, Alma (D1001)")
        await settle(pilot)
        assert not app._notifications
        assert "D1001" not in screen_text(app)


async def test_a_key_press_restarts_the_idle_time(tmp_path):
    clock = FakeClock()
    store = store_with_users(tmp_path)
    app = app_as(store, "carl", clock=clock, lock_after_s=60)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        clock.advance(50)
        await pilot.press("down")  # the user is working
        clock.advance(50)
        assert app.check_idle_lock() is False
        clock.advance(10)
        assert app.check_idle_lock() is True
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)


async def test_the_same_user_gets_the_same_place_back_with_what_they_typed(tmp_path):
    clock = FakeClock()
    store = store_with_users(tmp_path)
    app = login_app(store, clock=clock, lock_after_s=300)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "carl")
        detail = await open_detail(pilot, "D1001")
        await press(pilot, "g")  # the bridging form, half filled in
        form = app.screen
        assert isinstance(form, BridgingForm)
        form.query_one("#f-detail", Input).value = "20 mg three times daily"
        await settle(pilot)
        before = list(app.screen_stack)
        clock.advance(301)
        assert app.check_idle_lock()
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert app.screen.query_one("#login-user", Input).value == "carl"  # filled in
        await sign_in(pilot, "carl")
        assert list(app.screen_stack) == before  # the very same screens
        assert app.screen is form
        assert form.query_one("#f-detail", Input).value == "20 mg three times daily"
        assert detail.mrn == "D1001"
        assert app.session.user == "carl" and not app.locked


async def test_another_user_starts_fresh_on_the_ward_list_with_their_own_roles(tmp_path):
    clock = FakeClock()
    store = store_with_users(tmp_path)
    app = login_app(store, clock=clock, lock_after_s=300)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice")  # clinician and admin
        await open_detail(pilot, "D1001")
        await press(pilot, "b")  # not a detail key: nothing; then the as-of date moves
        app.as_of = app.today.replace(day=28)
        await settle(pilot)
        assert app.check_action("audit", ()) is True
        app.lock()
        await settle(pilot)
        await sign_in(pilot, "nora")  # a nurse
        assert _stack(app) == ["WardScreen"]
        assert isinstance(app.screen, WardScreen)
        assert app.session.user == "nora" and app.store.session.user == "nora"
        assert app.actor == "nora"
        assert app.as_of == app.today  # alice's "as of" is not kept either
        assert app.can("view_audit") is False  # nora's roles, not alice's (A is offered, and says no)
        header = screen_text(app).splitlines()[0]
        assert "nora (nurse)" in header and "alice" not in header
        assert "Testperson" in screen_text(app)  # the ward loaded for nora


async def test_a_wrong_password_on_the_lock_screen_keeps_it_locked(tmp_path):
    clock = FakeClock()
    store = store_with_users(tmp_path)
    app = app_as(store, "carl", clock=clock, lock_after_s=300)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")  # lock at once, e.g. walking away
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert intro(app).startswith("Locked with Ctrl+L.")
        await type_login(pilot, "carl", "guessing-password")
        assert isinstance(app.screen, LockScreen)
        assert app.screen.error == "Not signed in: wrong user name or password."
        assert app.locked


async def test_the_lock_time_comes_from_the_environment(tmp_path, monkeypatch):
    store = store_with_users(tmp_path)
    monkeypatch.setenv("ITB_TUI_LOCK_AFTER", "90")
    assert app_as(store, "carl").idle_lock.timeout_s == 90
    monkeypatch.setenv("ITB_TUI_LOCK_AFTER", "soon")
    app = app_as(store, "carl")
    assert app.idle_lock.timeout_s == 600  # a bad value never turns the lock off
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any("ITB_TUI_LOCK_AFTER='soon' is not a whole number of seconds" in m for m in said), said


async def test_the_demo_clinician_and_the_trusted_app_never_lock(tmp_path):
    from shell_helpers import make_app

    clock = FakeClock()
    store = store_with_users(tmp_path)
    app = make_app(store)  # no session: tests and scripts
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app._clock = clock
        clock.advance(10_000)
        assert app.check_idle_lock() is False
        assert isinstance(app.screen, WardScreen)
        assert isinstance(app.screen_stack[-1], WardScreen)
        assert not isinstance(app.screen, PatientDetailScreen)
