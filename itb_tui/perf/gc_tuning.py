"""Every use of Python's cyclic garbage collector (`gc`) in the product, in one module.

Why the collector is tuned at all: a clinic's records (10,000 patients, ~300,000 small
immutable records, ~500,000 objects with the list rows) hold no reference cycles, so
reference counting frees them; but every automatic full collection walks all of them.
Measured at 10,000 patients: `status_document` took 0.37 s with the collector on and
0.07 s paused; a full pass during a keystroke or an open froze it for 250-300 ms.

Two tools, and who uses them:
- `paused()`: the collector off while a block builds many acyclic objects, back on after
  (the store's loader, `report.assess_all`). Safe on any thread: it only skips
  automatic passes for a moment.
- `pause_for_start_up()` / `end_of_start_up()`: the same around a command line's start
  (`python -m itb_tui`, `cli/entry.main`); `status`, a report that ends at once, keeps it
  paused to the end (~3-4 ms of a 60 ms run at 30 patients, issue 17).
- `freeze_survivors()` / `thaw_and_collect()` / `thaw()`: move everything alive now out of
  the collector's sight (the ward's records live until the next load), and give it back
  (the next load, off the event loop; the app when it exits, so nothing stays frozen).

`tests/architecture/test_one_home.py` fails if product code calls `gc` anywhere else.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The cyclic collector off for the block (if it was on), back on when it ends."""
    was_enabled = pause()
    try:
        yield
    finally:
        resume(was_enabled)


def pause() -> bool:
    """`paused()` without the context manager, for a hot path: the collector off; returns
    whether it was on, for `resume`. (Leaving a generator-based `with` allocates, which
    runs the collection the pause put off right there, inside the caller's timing.)"""
    was_enabled = gc.isenabled()
    gc.disable()
    return was_enabled


def resume(was_enabled: bool) -> None:
    """The collector back on if `pause` found it on."""
    if was_enabled:
        gc.enable()


_start_up_found_on: bool | None = None  # the collector's state when start-up paused it


def pause_for_start_up() -> bool:
    """The collector off while a command line starts (imports, configuration, log: ~100,000
    objects, no garbage cycles worth a pass). Called by `python -m itb_tui` before its
    imports (a process that exits after the command: it never ends the pause itself) and
    by `cli/entry.main`; True for the call that paused it. `end_of_start_up` undoes it."""
    global _start_up_found_on
    if _start_up_found_on is not None:
        return False
    _start_up_found_on = pause()
    return True


def end_of_start_up() -> None:
    """The collector back as start-up found it (a no-op when start-up did not pause it)."""
    global _start_up_found_on
    if _start_up_found_on is not None:
        resume(_start_up_found_on)
        _start_up_found_on = None


def freeze_survivors() -> None:
    """Everything alive now moves to the permanent generation: full passes skip it."""
    gc.freeze()


def thaw() -> None:
    """What `freeze_survivors` froze goes back to the collector (without a pass)."""
    gc.unfreeze()


def thaw_and_collect() -> None:
    """Give back what was frozen and run one full pass now: call it off the event loop, at
    a moment that is slow anyway (a reload), so the cycles left since are freed there."""
    gc.unfreeze()
    gc.collect()
