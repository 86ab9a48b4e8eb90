"""Helpers shared by the child scripts: the bench date, the bare Textual baseline app,
and how to deliver a keystroke without Pilot's idle waits.

Why not `pilot.press`: it waits for the process to go idle (at least two 20 ms sleeps)
after each key, which would be timed as if it were the app's latency. Here the key is
delivered the way the terminal driver delivers it, and the clock stops when the change
is visible on screen (the screen's next refresh after the state changed).
"""

from __future__ import annotations

import asyncio
import time
from datetime import date
from typing import Callable

from bench.synthetic import BENCH_TODAY

TIMEOUT_S = 30.0


def bench_today() -> date:
    return BENCH_TODAY


# Named keys that type a character (the rest, e.g. backspace, only act).
_CHARACTERS = {"space": " "}


def send_key(app, key: str) -> None:
    """Deliver one key as the terminal driver does (a Key event posted to the app)."""
    from textual import events

    char = key if len(key) == 1 else _CHARACTERS.get(key)
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


# How often `until` looks. It sleeps in between rather than spinning: a spinning event
# loop holds the GIL half the time and starves the app's worker threads (loading the
# ward, reading a patient), which measured the harness, not the app (a 10,000-patient
# load took 8.5 s with a spin, 1.6 s of it on the worker's CPU).
POLL_S = 0.001


async def until(condition: Callable[[], bool], what: str, timeout_s: float = TIMEOUT_S) -> None:
    """Wait until `condition()` holds, checking every POLL_S (raises after `timeout_s`)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(POLL_S)


async def painted(app) -> None:
    """Wait until the current screen has repainted everything that changed."""
    await app.screen.wait_for_refresh()


def bare_app_class():
    """The baseline: a bare Textual app with an Input over an empty DataTable, and a
    key that opens a second screen (the floor of any "open a detail" action)."""
    from textual.app import App
    from textual.binding import Binding
    from textual.screen import Screen
    from textual.widgets import DataTable, Input, Static

    class BareDetail(Screen):
        BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

        def compose(self):
            yield Static("detail")

    class BareApp(App):
        # priority: the DataTable's own Enter binding would otherwise take the key.
        BINDINGS = [Binding("enter", "open", "Open", priority=True)]

        def __init__(self, with_input: bool = False):
            super().__init__()
            self.with_input = with_input

        def compose(self):
            if self.with_input:
                yield Input(id="filter")
            yield DataTable(id="table")

        def action_open(self) -> None:
            self.push_screen(BareDetail())

    BareApp.BareDetail = BareDetail
    return BareApp
