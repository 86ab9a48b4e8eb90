"""Where the stores live, so every shell (CLI, TUI, tests) finds the same file.

The real ward store and the demo store are different files in the same data directory,
so building or rebuilding the demo can never touch real data. A bare path given with
`--db` becomes an absolute SQLite URL: a relative URL would silently point elsewhere
as soon as the app is started from another directory.
"""

from __future__ import annotations

import os
from pathlib import Path

WARD_DB_NAME = "ward.db"
DEMO_DB_NAME = "demo.db"


def data_dir() -> Path:
    """`$ITB_TUI_DATA_DIR`, else `$XDG_DATA_HOME/itb-tui`, else `~/.local/share/itb-tui`."""
    explicit = os.environ.get("ITB_TUI_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "itb-tui"


def to_url(db: str) -> str:
    """A database URL as given, or a bare file path turned into `sqlite:///abs/path`."""
    if "://" in db:
        return db
    return "sqlite:///" + str(Path(db).expanduser().absolute())


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for another database or an in-memory one."""
    if not url.startswith("sqlite"):
        return None
    _, _, rest = url.partition(":///")
    rest = rest.split("?", 1)[0]
    if not rest or rest == ":memory:":
        return None
    return Path(rest)


def resolve_db_url(db: str | None, demo: bool) -> str:
    """The store to open: `--db` wins; the demo store ignores `$ITB_TUI_DB` (that names the
    real store); otherwise `$ITB_TUI_DB`, then the default file in the data directory."""
    if db:
        return to_url(db)
    if demo:
        return to_url(str(data_dir() / DEMO_DB_NAME))
    env = os.environ.get("ITB_TUI_DB")
    if env:
        return to_url(env)
    return to_url(str(data_dir() / WARD_DB_NAME))
