"""When the app crashes, no patient data reaches the terminal (issue 14, item 5).

Why: Textual's own handler prints a rich traceback WITH local variables when the app
exits on an unhandled exception: `Patient(mrn=..., name=..., dob=...)` and every record
it holds end up on the screen (and in the terminal's scroll-back, a screenshot, a shared
session). Here the screen gets one line saying what happened and where the details are;
the details go to an owner-only crash log (0600 in a 0700 directory of the data
directory) holding the traceback WITHOUT local variables (the exception's own message is
kept there: the file is as private as the store). The exit status is non-zero.

`ItbApp` routes Textual's `_handle_exception` here (`handle`); `run_app` guards what runs
around the app (`guard`).
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path

EXIT_CRASHED = 70  # EX_SOFTWARE: an internal error, not the user's


def crash_dir() -> Path:
    from itb_tui.paths import data_dir

    return data_dir() / "crash-logs"


def write_log(error: BaseException) -> Path | None:
    """The traceback (no locals) in a new owner-only file; None if it cannot be written."""
    d = crash_dir()
    try:
        d.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(d, 0o700)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        path = d / f"crash-{stamp}-{os.getpid()}.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:
            fh.write(f"itb-tui crash at {stamp} (pid {os.getpid()})\n")
            fh.write("".join(traceback.format_exception(type(error), error, error.__traceback__)))
        return path
    except OSError:
        return None


def message(path: Path | None) -> str:
    """The one line the user sees (never the exception text: it may name a patient)."""
    where = f"the details are in {path} (owner-only)" if path else "no crash log could be written"
    return (f"itb-tui stopped after an internal error ({'' if path else 'sorry: '}{where}); "
            "changes already saved are kept, an unsaved form was not saved. Start itb-tui again.")


def handle(app, error: Exception) -> None:
    """In place of Textual's `App._handle_exception`: the same bookkeeping (the app exits
    with status 1, a test pilot sees the exception) but one line on screen, no traceback."""
    from rich.text import Text

    app._return_code = 1
    if app._exception is None:
        app._exception = error
        app._exception_event.set()
    path = write_log(error)
    app.crash_log = path
    app._exit_renderables.append(Text(message(path)))
    app._close_messages_no_wait()


def guard(run) -> int:
    """Run `run()` (which returns an exit status); an exception outside the app's own
    loop gets the same treatment: a crash log and one line on stderr, status 70."""
    try:
        return run()
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - the point of this function
        from itb_tui.store.errors import StoreError

        if isinstance(exc, StoreError):
            raise  # the command line shows those in words already
        print(f"itb-tui: {message(write_log(exc))}", file=sys.stderr)
        return EXIT_CRASHED
