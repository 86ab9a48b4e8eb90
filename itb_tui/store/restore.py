"""Restoring a SQLite store from a backup (`itb-tui restore BACKUP`, issue 14 item 4).

Why not `cp backup.db ward.db`: the store is the file PLUS its `-wal` log (and `-shm`
index); copying a backup over the file next to a live or crashed `-wal` makes SQLite
replay the old log onto the new file ("database disk image is malformed"), and the
witness beside it would still describe the replaced trail. So, in this order:

1. the backup must pass `check` (its database, its audit chain, its witness when it has
   one, every clinical row against its trail): a damaged copy is never restored;
2. no other process may have the store, its `-wal` or `-shm` open (found through
   /proc; named by pid), and the writer lock is taken for the swap itself;
3. the replaced store is kept aside, whole: the file, its `-wal`, `-shm` and witness
   are renamed together to `<store>.replaced-<UTC time>` (a pair SQLite can still open,
   with whatever the `-wal` held), never deleted;
4. the backup is copied in with SQLite's backup API (0600, its own fresh witness) and
   renamed into place;
5. a `restore` audit entry in the restored store records who restored what from where
   and where the replaced store was kept.

PostgreSQL is restored with pg_restore (docs/roles.md): the command refuses in words.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from itb_tui.store.errors import StoreError

SIDE = ("-wal", "-shm", "-journal", ".witness")


@dataclass(frozen=True, slots=True)
class Restored:
    store: Path
    kept_aside: Path | None
    check_lines: tuple[str, ...]


def check_backup(backup: Path) -> list[str]:
    """`check` on the backup file itself (read without changing it); the lines, or
    StoreError saying why it is not restored."""
    import sqlite3

    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from itb_tui.store import check

    if not backup.is_file():
        raise StoreError(f"no backup file {backup}")
    try:
        with open(backup, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise StoreError(f"{backup} is not a SQLite backup of an itb-tui store")
    except OSError as exc:
        raise StoreError(f"cannot read {backup}: {(exc.strerror or str(exc)).lower()}") from None
    uri = f"file:{backup}?mode=ro"
    engine = create_engine("sqlite://", poolclass=NullPool,
                           creator=lambda: sqlite3.connect(uri, uri=True))
    try:
        with engine.connect() as conn:
            result = check.run_on_file(conn, backup)
    except StoreError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged file, in words
        raise StoreError(f"{backup} cannot be checked, so it is not restored: "
                         f"{' '.join(str(exc).split())[:200]}") from None
    finally:
        engine.dispose()
    if not result.ok:
        raise StoreError(f"the backup {backup} does not pass itb-tui check, so it is not restored:\n  "
                         + "\n  ".join(result.lines()))
    return result.lines()


def other_users_of(store: Path) -> list[int]:
    """The pids of other processes that have the store or its sidecars open (Linux
    /proc; elsewhere none are found and only the writer lock guards the swap)."""
    names = {os.path.realpath(store)} | {os.path.realpath(f"{store}{s}") for s in ("-wal", "-shm")}
    me = os.getpid()
    found = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd) in names:
                    found.append(int(entry.name))
                    break
            except OSError:
                continue
    return sorted(found)


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _keep_aside(store: Path) -> Path | None:
    if not os.path.lexists(store):
        return None
    aside = store.with_name(f"{store.name}.replaced-{_stamp()}")
    n = 1
    while os.path.lexists(aside):
        n += 1
        aside = store.with_name(f"{store.name}.replaced-{_stamp()}-{n}")
    os.replace(store, aside)
    for side in SIDE:
        if os.path.lexists(f"{store}{side}"):
            os.replace(f"{store}{side}", f"{aside}{side}")
    return aside


def restore_sqlite(backup: Path, store: Path, *, actor: str, today: date) -> Restored:
    """Replace the store at `store` by the checked backup (see the module notes)."""
    import sqlite3

    from itb_tui.store import backup as b
    from itb_tui.store import private_file

    backup = backup.expanduser().absolute()
    store = store.absolute()
    if backup == store:
        raise StoreError("the backup is the store itself: give the backup file")
    check_backup(backup)
    busy = other_users_of(store)
    if busy:
        raise StoreError(f"the store {store} is open in other processes (pid {', '.join(map(str, busy))}): "
                         "close itb-tui on every terminal, then restore")
    if os.path.lexists(store):
        private_file.check_store(store)
    store.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    incoming = store.with_name(f".{store.name}.restoring-{os.getpid()}")
    b.remove_copy(incoming)
    lock = None
    try:
        b.copy_sqlite(backup, incoming)  # 0600, journal mode DELETE, its own witness
        if os.path.lexists(store):
            lock = sqlite3.connect(str(store), timeout=5, isolation_level=None)
            lock.execute("BEGIN IMMEDIATE")  # no writer starts while the files move
        aside = _keep_aside(store)
        os.replace(f"{incoming}.witness", f"{store}.witness")
        os.replace(incoming, store)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot take the store's writer lock to restore: {exc}; nothing was changed") from None
    except OSError as exc:
        raise StoreError(f"cannot restore into {store}: {(exc.strerror or str(exc)).lower()}") from None
    finally:
        if lock is not None:
            lock.close()
        b.remove_copy(incoming)
    _record(store, backup, aside, actor, today)
    from itb_tui.store import open_store

    with open_store(f"sqlite:///{store}", today=today) as s:
        lines = tuple(s.check().lines())
    return Restored(store, aside, lines)


def _record(store: Path, backup: Path, aside: Path | None, actor: str, today: date) -> None:
    from itb_tui.store import open_store

    with open_store(f"sqlite:///{store}", today=today) as s:
        with s._tx(write=True) as conn:
            s._audit(conn, actor=actor, action="restore", table="store", record_id=None, mrn=None,
                     before=None, after={"from": str(backup),
                                         "replaced_store_kept_as": str(aside) if aside else None})
