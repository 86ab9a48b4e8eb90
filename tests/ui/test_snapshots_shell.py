"""Snapshots of the shell's screens: the demo ward at a fixed date and terminal size.

A failing snapshot means the screen changed: look at the report (pytest writes an HTML
diff), and if the change is intended, accept it with `pytest --snapshot-update`.
"""

from __future__ import annotations

import pytest

from shell_helpers import SIZE, TODAY, make_app, make_store, settle


@pytest.fixture
def demo_app(tmp_path, monkeypatch):
    monkeypatch.setenv("ITB_TUI_TODAY", TODAY.isoformat())  # the app stops cursor blink
    return make_app(make_store(tmp_path), demo=True)


async def _loaded(pilot) -> None:
    await settle(pilot)


def test_ward_list(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=_loaded)


def test_ward_list_as_of_a_future_date(snap_compare, demo_app):
    async def ten_days_ahead(pilot) -> None:
        await settle(pilot)
        await pilot.press("a", *"+10d", "enter")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=ten_days_ahead)


def test_as_of_prompt_with_an_error(snap_compare, demo_app):
    async def bad_date(pilot) -> None:
        await settle(pilot)
        await pilot.press("a", *"someday", "enter")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=bad_date)


def test_help(snap_compare, demo_app):
    async def open_help(pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=open_help)


def test_help_at_80x24(snap_compare, demo_app):
    """The key sections stacked, one per row, nothing wrapped word by word (issue 13)."""
    async def open_help(pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=open_help)


def test_help_rules_at_80x24(snap_compare, demo_app):
    """The rules as blocks of lines, not a five-column table squeezed into 80 columns."""
    async def open_rules(pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#help-body").scroll_to_widget(screen.query_one("#help-rules"), animate=False, top=True)
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=open_rules)


def test_ward_list_at_80x24(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=_loaded)


def test_ward_list_blocked_only_light_theme(snap_compare, demo_app):
    async def blocked_light(pilot) -> None:
        await settle(pilot)
        await pilot.press("b", "ctrl+t")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=blocked_light)


def test_task_view(snap_compare, demo_app):
    """The round's tasks (T): overdue, today, next 7 days, each patient by bed."""
    async def open_tasks(pilot) -> None:
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=open_tasks)
