"""Set-up the task view tests share (test_task_view*.py, test_task_defer.py): open the
task view from the ward list as a user does (T), highlight one task by its key, read the
view's lines without the list's cursor marks."""

from __future__ import annotations

from itb_tui.ui.screens.tasks import TaskScreen

from detail_helpers import press, screen_text, settle


async def open_tasks(pilot) -> TaskScreen:
    """Press T on the ward list; the task view, loaded."""
    await press(pilot, "T")
    screen = pilot.app.screen
    assert isinstance(screen, TaskScreen)
    await settle(pilot)
    return screen


def select_task(screen: TaskScreen, key: str) -> None:
    """Highlight the task `key` ("MRN:kind:reason") in the view's list."""
    from textual.widgets import OptionList

    task_list = screen.query_one(OptionList)
    task_list.highlighted = task_list.get_option_index(key)


def task_lines(app) -> list[str]:
    return [line.strip("▊▎ ") for line in screen_text(app).splitlines()]
