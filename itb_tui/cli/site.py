"""Before any command runs: the site configuration read and checked, the log file opened,
the start logged; after it: the stop (or the failure) logged.

Why here, before the command: a bad configuration file must stop everything with one
line (no app started, no listener bound, nothing written), and every command, not only
the ones that read a setting, must be logged the same way. The checked configuration
travels on `args.site_config` to the commands that use it (the TUI, `results listen`,
`config show`). The write wait is handed to the store through ITB_TUI_WRITE_WAIT_S (the
store reads only that), and only when the environment does not already set it.
"""

from __future__ import annotations

import logging
import os
import time

log = logging.getLogger("itb_tui.cli")


def start(args) -> None:
    from itb_tui.cli.common import CliError
    from itb_tui.config import ConfigError, load_config
    from itb_tui.config.load import WRITE_WAIT_ENV
    from itb_tui.config.log_file import setup_logging

    try:
        site = load_config(getattr(args, "config", None), log_level=getattr(args, "log_level", None))
    except ConfigError as exc:
        raise CliError(f"{exc}; nothing was started") from None
    args.site_config = site
    wait = site.settings["store.write_wait_seconds"]
    if wait.source == "file":
        os.environ[WRITE_WAIT_ENV] = str(wait.value)
    setup_logging(site.log_level)
    args._log_started = time.monotonic()
    from itb_tui import __version__
    from itb_tui.cli.common import _actor

    log.info("start: itb-tui %s, command %s, user %s, configuration %s (%s)", __version__,
             _command_name(args), _actor(), site.path, "read" if site.found else "absent: defaults")
    for note in site.notes:
        log.warning("configuration: %s", note)


def _command_name(args) -> str:
    name = args.command or "app"
    for attr in ("results_command", "config_command", "tasks_action", "user_command"):
        sub = getattr(args, attr, None)
        if isinstance(sub, str):
            name += f" {sub}"
    return name


def stop(args, code: int) -> None:
    began = getattr(args, "_log_started", None)
    if began is None:
        return
    log.info("stop: command %s, exit status %d, %.1f s", _command_name(args), code, time.monotonic() - began)


def failed(args, message: str | None, exc: BaseException | None = None) -> None:
    """The error as the user read it (file paths, MRNs and user names, never a record's
    content); for an internal error its type and where it happened (the traceback's code
    lines: an exception's own text can quote a row's values)."""
    if getattr(args, "_log_started", None) is None:
        return
    if message:
        log.warning("refused: %s", message)
        return
    if exc is not None:
        import traceback

        where = "".join(traceback.format_tb(exc.__traceback__)[-3:]).rstrip()
        log.error("internal error %s, at:\n%s", type(exc).__name__, where)
