"""Role-aware UI: a nurse is told in words what only a clinician may do (the store refuses
it regardless), and the admin screens (audit trail, users, export) are offered to
admins only, by key and in the command palette, while the store refuses everyone else."""

from __future__ import annotations

import pytest

from itb_tui.store.errors import PermissionDenied
from itb_tui.ui.forms.culture import CultureForm
from itb_tui.ui.forms.refill import RefillForm
from itb_tui.ui.screens.audit import AuditScreen
from itb_tui.ui.screens.export import ExportScreen
from itb_tui.ui.screens.users import UsersScreen
from itb_tui.ui.screens.ward import WardScreen

from admin_helpers import SIZE, add_users, app_as, session_of, settle, store_with_users
from detail_helpers import TODAY, fill, notice_text, open_detail, press, refill_count, screen_text, ward_store

ADMIN_COMMANDS = {"Audit trail", "Users", "Export the ward…"}


def palette_titles(app) -> set[str]:
    return {command.title for command in app.get_system_commands(app.screen)}


async def test_a_nurse_is_told_a_clinician_must_override_a_blocked_refill(tmp_path):
    store = add_users(ward_store(tmp_path))
    app = app_as(store, "nora")
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, "KRU01")  # blocked: Candida krusei fungemia
        before = refill_count(store, "KRU01")
        await press(pilot, "r")
        form = app.screen
        assert isinstance(form, RefillForm)
        assert "✖ REFILL BLOCKED" in notice_text(form)
        assert "You may not override the block with your role: ask a clinician" in notice_text(form)
        await fill(pilot, "volume_ml", "20")
        await fill(pilot, "override_reason", "pump alarm tonight, no clinician on the ward")
        await press(pilot, "enter")
        assert app.screen is form  # not saved, what was typed is still there
        assert form.form_error == "Not saved: nurse may not override a refill block: a clinician must"
        assert refill_count(store, "KRU01") == before


async def test_a_nurse_may_record_an_allowed_refill(tmp_path):
    store = add_users(ward_store(tmp_path))
    app = app_as(store, "nora")
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, "OK01")
        before = refill_count(store, "OK01")
        await press(pilot, "r")
        assert "may not override" not in notice_text(app.screen)
        await fill(pilot, "volume_ml", "20")
        await press(pilot, "enter")
        assert app.screen is detail
        assert refill_count(store, "OK01") == before + 1
    assert store.audit_trail(mrn="OK01")[-1].username == "nora"  # audited under her name


async def test_a_nurse_records_a_culture_as_drawn_pending(tmp_path):
    """Issue 13: the form says at once that a nurse records the culture as drawn (the
    result stays pending) instead of refusing at Save; Enter saves it."""
    store = add_users(ward_store(tmp_path))
    app = app_as(store, "nora")
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, "OK01")
        await press(pilot, "c")
        form = app.screen
        assert isinstance(form, CultureForm)
        assert form.query_one("#f-result").disabled and form.raw("result") == "pending"
        assert "your role records the culture as drawn" in screen_text(app)
        await press(pilot, "enter")
        assert app.screen is detail
        (culture,) = store.get_patient("OK01").cultures
        assert (culture.result, culture.specimen) == ("pending", "blood")
    bound = store.for_user(session_of(store, "nora"))  # the store: a result is a clinician's
    from itb_tui.clinical.records import Culture
    with pytest.raises(PermissionDenied, match="nurse may not add a culture with its result: a clinician must"):
        bound.add_culture("OK01", Culture(specimen="blood", drawn_on=TODAY, result="no_growth"), "nora")


@pytest.mark.parametrize("name", ["nora", "carl"])
async def test_admin_screens_are_not_offered_to_a_nurse_or_a_clinician(tmp_path, name):
    store = store_with_users(tmp_path)
    app = app_as(store, name)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, words in (("A", "Only an admin may view the whole audit trail."),
                           ("U", "Only an admin may manage users.")):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, WardScreen), key
            assert words in [n.message for n in app._notifications]  # said, not silent
        titles = palette_titles(app)
        assert not titles & ADMIN_COMMANDS
        assert {"Audit trail (unavailable)", "Users (unavailable)", "Print the round sheet…"} <= titles
        assert "Lock the screen" in titles
        # X: the round sheet only (print_round_sheet), never the other formats.
        await pilot.press("X")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert [code for _words, code in app.screen.format_choices()] == ["html"]
    # And the store refuses regardless of the UI.
    bound = store.for_user(session_of(store, name))
    with pytest.raises(PermissionDenied, match="may not view the audit trail: an admin must"):
        bound.audit_trail()
    with pytest.raises(PermissionDenied, match="may not manage users: an admin must"):
        bound.list_users()
    with pytest.raises(PermissionDenied, match="may not export patient data: an admin must"):
        bound.load_for_export()


async def test_an_admin_is_offered_the_admin_screens(tmp_path):
    store = store_with_users(tmp_path)
    app = app_as(store, "adam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert ADMIN_COMMANDS <= palette_titles(app)
        for key, screen_class in (("A", AuditScreen), ("U", UsersScreen), ("X", ExportScreen)):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, screen_class), key
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, WardScreen)
