"""Snapshots of the sign-in, lock and admin screens at 120x36, today 2026-11-25.

Times the store writes (audit entries, accounts) come from a fixed ticking clock and the
export goes to a fixed directory, so every run draws the same screen. A failing snapshot
means the screen changed: look at the HTML diff pytest writes, and accept an intended
change with `pytest --snapshot-update` on that test only.
"""

from __future__ import annotations

import shutil

import pytest

from admin_helpers import (
    SIZE,
    TODAY,
    app_as,
    fixed_audit_clock,
    login_app,
    settle,
    store_with_users,
    type_login,
)
from shell_helpers import make_store

EXPORT_DIR = "/tmp/itb-tui-snapshot-data"


@pytest.fixture(autouse=True)
def _pinned(monkeypatch):
    monkeypatch.setenv("ITB_TUI_TODAY", TODAY.isoformat())  # the app stops cursor blink
    fixed_audit_clock(monkeypatch)


def test_login_after_a_wrong_password(snap_compare, tmp_path):
    app = login_app(store_with_users(tmp_path))

    async def wrong(pilot) -> None:
        await type_login(pilot, "carl", "not-his-password")

    assert snap_compare(app, terminal_size=SIZE, run_before=wrong)


def test_first_admin_with_a_short_password(snap_compare, tmp_path):
    app = login_app(make_store(tmp_path, patients=[]))

    async def short(pilot) -> None:
        await type_login(pilot, "ward.admin", "short", "short")

    assert snap_compare(app, terminal_size=SIZE, run_before=short)


def test_lock_screen(snap_compare, tmp_path):
    app = app_as(store_with_users(tmp_path), "alice")

    async def lock(pilot) -> None:
        await settle(pilot)
        pilot.app.lock()
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=lock)


def test_audit_trail_of_one_patient(snap_compare, tmp_path):
    app = app_as(store_with_users(tmp_path), "adam")

    async def trail(pilot) -> None:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("slash", *"D1001", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=trail)


def test_users(snap_compare, tmp_path):
    app = app_as(store_with_users(tmp_path), "adam")

    async def users(pilot) -> None:
        await settle(pilot)
        await pilot.press("U")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=users)


def test_export_done(snap_compare, tmp_path, monkeypatch):
    shutil.rmtree(EXPORT_DIR, ignore_errors=True)
    monkeypatch.setenv("ITB_TUI_DATA_DIR", EXPORT_DIR)
    app = app_as(store_with_users(tmp_path), "adam")

    async def export(pilot) -> None:
        await settle(pilot)
        await pilot.press("X")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)

    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=export)
    finally:
        shutil.rmtree(EXPORT_DIR, ignore_errors=True)
