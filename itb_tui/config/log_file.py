"""The administrator's log: stdlib logging to one owner-only file.

Where: `$XDG_STATE_HOME/itb-tui/itb-tui.log` (`~/.local/state/itb-tui/itb-tui.log`), the
directory 0700 and the file 0600, opened without following a symbolic link (whoever
could plant a link could have the log written, or read, elsewhere). A directory or file
that another user owns or can write is not logged to: one warning on stderr, the command
still runs (a log must never stop a ward round).

What: only what an administrator needs (start and stop, the store opened with its URL
minus any password, import / export / backup / restore outcomes as counts, listener
connections and one line per laboratory message with its control id, MRN and outcome,
errors). Patients appear by MRN only: never a name, a date of birth or free text
(tests/cli/test_config_logging.py runs commands on the demo ward and checks the file).
Only the `itb_tui` loggers write here (propagate off): SQLAlchemy's loggers, whose INFO
lines carry query parameters (patients' names), never reach the file.

Size: past 5 MiB at start-up the file is renamed to itb-tui.log.1 (the previous .1 is
replaced), so a listener that runs for months keeps at most ~10 MiB.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

LOGGER = "itb_tui"
LOG_NAME = "itb-tui.log"
ROTATE_BYTES = 5 * 1024 * 1024
_FORMAT = "%(asctime)s %(levelname)s pid=%(process)d %(name)s: %(message)s"
_handler: logging.Handler | None = None


def log_dir(environ=os.environ) -> Path:
    xdg = environ.get("XDG_STATE_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "state"
    return base / "itb-tui"


def log_path(environ=os.environ) -> Path:
    return log_dir(environ) / LOG_NAME


def redact_url(url: str) -> str:
    """A database URL without its password: postgresql://ward:***@db/itb."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an unreadable URL)"
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = parts.username or ""
    return urlunsplit((parts.scheme, f"{user}:***@{host}", parts.path, parts.query, parts.fragment))


class _UTCFormatter(logging.Formatter):
    converter = time.gmtime

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", self.converter(record.created))


def _private_dir(d: Path) -> None:
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = os.lstat(d)
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise OSError(f"{d} is not a directory of its own (a symbolic link?)")
    if st.st_uid != os.geteuid():
        raise OSError(f"{d} belongs to another user (uid {st.st_uid})")
    if stat.S_IMODE(st.st_mode) != 0o700:
        os.chmod(d, 0o700)


def _open_private(path: Path):
    if path.exists() and not path.is_symlink() and path.stat().st_size > ROTATE_BYTES:
        os.replace(path, path.with_name(path.name + ".1"))
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
            raise OSError(f"{path} is not a file of this user")
        os.fchmod(fd, 0o600)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace", buffering=1)


def setup_logging(level: str, environ=os.environ) -> Path | None:
    """Send the `itb_tui` loggers at `level` to the owner-only file; the file's path, or
    None (and a warning on stderr) when it cannot be used. Calling again replaces the
    handler (tests run several commands in one process)."""
    global _handler
    logger = logging.getLogger(LOGGER)
    logger.propagate = False
    logger.setLevel(getattr(logging, level, logging.INFO))
    if _handler is not None:
        logger.removeHandler(_handler)
        _handler.close()
        _handler = None
    path = log_path(environ)
    try:
        _private_dir(path.parent)
        stream = _open_private(path)
    except OSError as exc:
        logger.addHandler(logging.NullHandler())
        print(f"itb-tui: warning: not logging to {path}: {exc.strerror or exc}", file=sys.stderr)
        return None
    _handler = logging.StreamHandler(stream)
    _handler.setFormatter(_UTCFormatter(_FORMAT))
    logger.addHandler(_handler)
    return path
