"""Who is told when a write waits for another writer (store/connect.py, access.py).

A module of its own, with no imports, so the TUI can hand in its notifier through the
store's public surface (the import contract keeps ui/ out of connect.py): the command
line prints a line on stderr; the TUI replaces it with a notification (ItbApp.on_mount).
"""

from __future__ import annotations

WAITING = "waiting for another terminal to finish writing…"


def _stderr_notice() -> None:
    import sys

    print(f"itb-tui: {WAITING}", file=sys.stderr, flush=True)


# Called once when a write starts waiting.
wait_notifier = _stderr_notice


def set_wait_notifier(notifier) -> None:
    """Use `notifier()` to announce waits (None: back to the stderr line)."""
    global wait_notifier
    wait_notifier = notifier or _stderr_notice


def notify_waiting() -> None:
    try:
        wait_notifier()
    except Exception:  # noqa: BLE001 - a notice must never fail the write
        pass
