"""The automatic copy of a SQLite store taken before its schema is upgraded, without
piling up copies when upgrades keep failing.

Why this matters: an upgrade is tried on every open. If one fails (the store is left as
it was), every later `itb-tui status`, every terminal start, tries again; a fresh full copy
each time would fill the disk with identical copies of a ward of patient data. So:

- Reuse: when the newest earlier copy for this schema version holds exactly the same
  bytes as a fresh copy (nothing was written in between, as after a failed upgrade), the
  fresh copy is dropped and the earlier one named instead.
- Rotate: at most `KEEP` copies per store file and schema version are kept
  (`ward.db.v1-backup-<UTC time>`); making a new one removes the oldest beyond that. The
  store itself is never touched here, and the copies are of the same store: the oldest
  copy only holds an older state of records the store still has (nothing is deleted from
  a store), so rotating it away loses no clinical data.

Copies are owner-only (0600) and made with SQLite's online backup API (`backup.copy_sqlite`).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

from itb_tui.store.backup import copy_sqlite

KEEP = 3  # upgrade copies kept per store file and schema version


def _prefix(path: Path, version: int) -> str:
    return f"{path.name}.v{version}-backup-"


def upgrade_backups(path: Path, version: int) -> list[Path]:
    """The upgrade copies of `path` taken at schema `version`, oldest first."""
    prefix = _prefix(path, version)
    found = [p for p in path.parent.glob(f"{prefix}*") if p.is_file() and not p.name.startswith(".")]
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))


def _new_path(path: Path, version: int) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{_prefix(path, version)}{stamp}")
    n = 1
    while target.exists():  # two attempts in the same second
        n += 1
        target = path.with_name(f"{_prefix(path, version)}{stamp}-{n}")
    return target


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def same_bytes(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and _digest(a) == _digest(b)


def backup_before_upgrade(path: Path, version: int, *, keep: int = KEEP) -> Path:
    """A copy of the store `path` (schema `version`) to name in messages: a new one, or
    the newest earlier one when it is identical; then at most `keep` are left."""
    earlier = upgrade_backups(path, version)
    fresh = copy_sqlite(path, _new_path(path, version), witness=False)
    if earlier and same_bytes(earlier[-1], fresh):
        fresh.unlink()
        return earlier[-1]
    for old in (earlier + [fresh])[:-keep]:
        try:
            old.unlink()
        except OSError:
            pass  # a copy we cannot remove is left: never a reason to refuse the upgrade
    return fresh
