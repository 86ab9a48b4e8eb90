"""The audit trail screen: the admin's whole trail with filters (patient, user, dates),
the values before and after each change, and each patient's own history from the detail
screen, open to every role."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import DataTable, Input, Static

from itb_tui.ui.screens.audit import AuditScreen

from admin_helpers import SIZE, app_as, fixed_audit_clock, screen_text, settle, sign_in, store_with_users
from detail_helpers import open_detail, press


async def open_trail(pilot) -> AuditScreen:
    await settle(pilot)
    await pilot.press("A")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AuditScreen)
    return screen


async def set_filter(pilot, field: str, text: str) -> None:
    box = pilot.app.screen.query_one(f"#audit-{field}", Input)
    box.focus()
    box.value = text
    await pilot.press("enter")
    await settle(pilot)


def column(screen: AuditScreen, key: str) -> list[str]:
    table = screen.query_one(DataTable)
    return [str(cell) for cell in table.get_column(key)]


def summary(screen: AuditScreen) -> str:
    return str(screen.query_one("#audit-summary", Static).content)


def details(screen: AuditScreen) -> str:
    return str(screen.query_one("#audit-details", Static).content)


async def test_the_admin_filters_the_trail_by_patient(tmp_path, monkeypatch):
    fixed_audit_clock(monkeypatch)
    store = store_with_users(tmp_path)
    app = app_as(store, "adam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_trail(pilot)
        everything = screen.query_one(DataTable).row_count
        assert everything == len(store.audit_trail())
        assert {"D1001", "D1002", "–"} <= set(column(screen, "mrn"))
        await set_filter(pilot, "mrn", "D1001")
        mrns = column(screen, "mrn")
        assert mrns and set(mrns) == {"D1001"}
        assert len(mrns) == len(store.audit_trail(mrn="D1001")) < everything
        assert summary(screen).startswith(f"{len(mrns)} entries · patient D1001 · newest first")
        assert screen.first_row_text().startswith("2026-11-25 07:30:00 | test | created |")


async def test_the_admin_filters_by_user_and_sees_sign_ins(tmp_path, monkeypatch):
    fixed_audit_clock(monkeypatch)
    store = store_with_users(tmp_path)
    app = app_as(store, "adam")  # signing in writes an audit entry
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_trail(pilot)
        await set_filter(pilot, "user", "adam")
        assert column(screen, "who") == ["adam"]
        assert column(screen, "action") == ["signed in"]
        assert summary(screen).startswith("1 entry · user adam")


async def test_the_date_filters_read_dates_as_typed_and_say_what_is_wrong(tmp_path, monkeypatch):
    fixed_audit_clock(monkeypatch)  # every entry is written on 2026-11-25
    store = store_with_users(tmp_path)
    app = app_as(store, "adam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_trail(pilot)
        await set_filter(pilot, "since", "+1d")  # tomorrow: nothing yet
        assert screen.query_one(DataTable).row_count == 0
        assert "from 2026-11-26" in summary(screen)
        assert details(screen) == "No entry matches the filters."
        await set_filter(pilot, "since", "2026-11-25")
        await set_filter(pilot, "until", "today")
        assert screen.query_one(DataTable).row_count == len(store.audit_trail())
        await set_filter(pilot, "until", "-3d")
        assert screen.error == "✖ the 'from' date 2026-11-25 is after the 'to' date 2026-11-22"
        await set_filter(pilot, "until", "someday")
        assert screen.error.startswith("✖ 'to' date: ")
        assert "someday" in screen.error


async def test_the_entry_under_the_cursor_shows_its_values_before_and_after(tmp_path, monkeypatch):
    fixed_audit_clock(monkeypatch)
    store = store_with_users(tmp_path)
    patient = store.get_patient("D1001")
    store.save_patient(replace(patient, bed="9"), actor="test", reason="moved to a side room")
    app = app_as(store, "adam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_trail(pilot)
        await set_filter(pilot, "mrn", "D1001")
        screen.query_one(DataTable).focus()
        await settle(pilot)
        text = details(screen)
        assert "changed patient" in text and "MRN D1001" in text
        assert "Why: moved to a side room" in text
        assert f"bed: {patient.bed} → 9" in text
        assert column(screen, "reason")[0] == "moved to a side room"


async def test_a_nurse_reads_the_patients_own_history_from_the_detail_screen(tmp_path, monkeypatch):
    fixed_audit_clock(monkeypatch)
    store = store_with_users(tmp_path)
    app = app_as(store, "nora")
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, "D1002")
        await press(pilot, "h")
        screen = app.screen
        assert isinstance(screen, AuditScreen) and screen.fixed_mrn == "D1002"
        assert set(column(screen, "mrn")) == {"D1002"}
        assert screen.query_one("#audit-mrn", Input).disabled  # this patient only
        assert screen.query_one("#audit-user", Input).disabled  # other users' work is the admin's view
        assert "History of patient D1002" in screen_text(app).splitlines()[0]
        await press(pilot, "escape")
        assert type(app.screen).__name__ == "PatientDetailScreen"


async def test_a_signed_in_user_lands_on_their_own_login_in_the_trail(tmp_path, monkeypatch):
    from admin_helpers import login_app

    fixed_audit_clock(monkeypatch)
    store = store_with_users(tmp_path)
    app = login_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice")
        screen = await open_trail(pilot)
        assert screen.first_row_text().split(" | ")[1:3] == ["alice", "signed in"]
