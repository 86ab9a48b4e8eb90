"""Keys that arrive while a new screen cannot take them yet are held, then delivered in
the order they were typed.

Why: a key goes to whichever widget has focus when the app takes it from its queue. A
form pushed by one key of a burst ("i" then a serial number, from a scanner, a paste or
a laggy remote terminal) has no focused field until it is mounted, so the keys right
after the "i" reached the form's screen, found no field and were lost. A screen that is
not ready says so with `takes_keys = False`; the app holds keys until it calls
`release_held_keys` (ItbApp), with a time limit so a screen that never gets ready cannot
swallow the keyboard. No Textual import: the app passes its events in.
"""

from __future__ import annotations

from typing import Any

# Longest a key waits for a screen to get ready (a form mounts in well under 0.1 s).
HOLD_LIMIT_S = 2.0


def screen_takes_keys(screen: Any) -> bool:
    return getattr(screen, "takes_keys", True) is not False


class KeyHold:
    """The held keys, oldest first."""

    def __init__(self) -> None:
        self.keys: list[Any] = []

    def should_hold(self, screen: Any) -> bool:
        """Hold this key: the screen is not ready, or earlier keys still wait (order)."""
        return bool(self.keys) or not screen_takes_keys(screen)

    def hold(self, event: Any) -> bool:
        """Keep `event`; True when it is the first held (start the time limit)."""
        self.keys.append(event)
        return len(self.keys) == 1

    def take(self) -> list[Any]:
        keys, self.keys = self.keys, []
        return keys
