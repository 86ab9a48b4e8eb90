"""The audit chain's length and head, anchored outside the chain's own table (issue 14,
item 2): someone who deletes the newest audit entries and moves `meta.audit_head` back,
or empties the trail and resets the head, leaves a store whose chain verifies on its own;
the witness still holds the head the app last committed, and `check` compares.

SQLite: a file beside the store, `<store>.witness`, owner-only (0600, created with
O_EXCL|O_NOFOLLOW), one line appended per write: `P <id> <hash>` under the writer lock
just before the commit, `C <id> <hash>` right after it. The file is append-only for the
app; lines are short single write() calls with O_APPEND, so concurrent writers never
interleave within a line.

What `check` accepts (`compare`): the database head equals the newest committed (`C`)
line, or it is a `P` line newer than that (the process died between its commit and its
`C` line; a `P` line whose transaction rolled back is simply never matched). A head
behind the newest `C` line is a roll-back; one past every line was never written by the
app; a missing witness file is reported, never silently re-created (a re-created witness
would bless whatever the database holds).

PostgreSQL: the `audit_witness` table, one row inserted in the same transaction as every
write (so no P/C), in a table the app role can only insert into (migration 0005).

Residual risk (docs/hazard-log.md H31): someone who can rewrite both the store and its
witness (the same operating-system account, or a PostgreSQL owner/superuser) can still
roll history back consistently; backups (which carry their own witness) bound the damage.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from itb_tui.store import schema as s
from itb_tui.store.errors import StoreError

SUFFIX = ".witness"


def path_for_store(store_file: str | os.PathLike) -> Path:
    return Path(f"{os.fspath(store_file)}{SUFFIX}")


def store_file(conn: Connection) -> Path | None:
    """The SQLite file behind `conn` (None: PostgreSQL or in-memory)."""
    if conn.dialect.name != "sqlite":
        return None
    database = conn.engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).absolute()


def _line(kind: str, head: tuple[int, str]) -> bytes:
    return f"{kind} {head[0]} {head[1]}\n".encode("ascii")


def _append(path: Path, data: bytes, *, sync: bool = True) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW)
    try:
        os.write(fd, data)
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def create_file(path: Path, head: tuple[int, str]) -> None:
    """Start the witness of a new (or newly upgraded) store at `head`. A witness already
    there belongs to an earlier store of the same name (deleted without it): it is kept
    aside, never adopted."""
    if path.is_symlink() or path.exists():
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        os.replace(path, path.with_name(f"{path.name}.orphaned-{stamp}"))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, _line("C", head))
        os.fsync(fd)
    finally:
        os.close(fd)


def start(conn: Connection, head: tuple[int, str]) -> None:
    """Inside the transaction that creates or upgrades a store: its witness begins at
    `head` (SQLite: the file, written before the commit; PostgreSQL: the first row)."""
    path = store_file(conn)
    if path is not None:
        try:
            create_file(path_for_store(path), head)
        except OSError as exc:
            raise StoreError(f"cannot create the audit witness {path_for_store(path)}: "
                             f"{(exc.strerror or str(exc)).lower()}") from None
    elif conn.dialect.name != "sqlite":
        _insert_row(conn, head)


def _insert_row(conn: Connection, head: tuple[int, str]) -> None:
    # inline(): no RETURNING of the new row's key, which nobody reads (and which the
    # PostgreSQL pipeline this runs in could not hand back: store/pipelined.py).
    conn.execute(insert(s.audit_witness).inline(), [{"last_id": head[0], "last_hash": head[1],
                                                     "at": datetime.now(timezone.utc)}])


def before_commit(conn: Connection, head: tuple[int, str]) -> Path | None:
    """Called with the new chain head just before a write transaction commits (writer lock
    held). Returns what `after_commit` needs. A witness that cannot be written stops the
    write: a change the witness did not see would read as tampering."""
    path = store_file(conn)
    if path is None:
        if conn.dialect.name != "sqlite":
            _insert_row(conn, head)
        return None
    wpath = path_for_store(path)
    try:
        _append(wpath, _line("P", head))
    except FileNotFoundError:
        # Missing witness: `check` reports it; the ward keeps working (a re-created file
        # would hide a roll-back, so it is not re-created here).
        return None
    except OSError as exc:
        raise StoreError(f"cannot write the audit witness {wpath}: "
                         f"{(exc.strerror or str(exc)).lower()}; nothing was changed") from None
    return wpath


def after_commit(wpath: Path | None, head: tuple[int, str]) -> None:
    """The `C` line. Failing here is harmless (check accepts a head matching the newest
    `P` line), so it is not reported to the user whose change did commit."""
    if wpath is None:
        return
    try:
        # Not fsynced (issue 17: one fsync fewer per write): a `C` line lost in a crash
        # leaves the fsynced `P` line of the same head, which `compare` accepts.
        _append(wpath, _line("C", head), sync=False)
    except OSError:
        pass


@dataclass(frozen=True, slots=True)
class Comparison:
    ok: bool
    line: str  # what `check` prints


def _read_file(path: Path) -> tuple[tuple[int, str] | None, set[tuple[int, str]], int]:
    committed: tuple[int, str] | None = None
    pending: set[tuple[int, str]] = set()
    bad = 0
    with open(path, "rb") as fh:
        for raw in fh:
            try:
                kind, last_id, last_hash = raw.decode("ascii").split()
                entry = (int(last_id), last_hash)
            except (UnicodeDecodeError, ValueError):
                bad += 1
                continue
            if kind == "C":
                if committed is None or entry[0] >= committed[0]:
                    committed = entry
            elif kind == "P":
                pending.add(entry)
            else:
                bad += 1
    return committed, pending, bad


def compare(conn: Connection, head: tuple[int, str], witness_path: Path | None = None) -> Comparison:
    """The database's chain head against its witness (see the module notes)."""
    path = store_file(conn)
    if witness_path is not None:
        path = Path(str(witness_path)[:-len(SUFFIX)]) if str(witness_path).endswith(SUFFIX) else path
    if path is None and conn.dialect.name == "sqlite":
        return Comparison(True, "witness: none (in-memory store)")
    if path is None:
        row = conn.execute(select(s.audit_witness.c.last_id, s.audit_witness.c.last_hash)
                           .order_by(s.audit_witness.c.last_id.desc(), s.audit_witness.c.seq.desc())
                           .limit(1)).first()
        count = conn.execute(select(func.count()).select_from(s.audit_witness)).scalar_one()
        if row is None:
            return Comparison(False, "witness: MISSING (the audit_witness table is empty: rows "
                                     "were deleted outside the app)")
        return _judge(head, (row[0], row[1]), set(), f"audit_witness table, {count} rows")
    wpath = witness_path or path_for_store(path)
    try:
        committed, pending, bad = _read_file(wpath)
    except FileNotFoundError:
        return Comparison(False, f"witness: MISSING ({wpath} is gone: the chain's length cannot be "
                                 "confirmed; restore the store and its witness from a backup)")
    except OSError as exc:
        return Comparison(False, f"witness: UNREADABLE ({wpath}: {(exc.strerror or str(exc)).lower()})")
    if committed is None:
        return Comparison(False, f"witness: DAMAGED ({wpath} has no committed head)")
    result = _judge(head, committed, pending, str(wpath))
    if bad and result.ok:
        return Comparison(False, f"witness: DAMAGED ({bad} unreadable lines in {wpath})")
    return result


def _judge(head: tuple[int, str], committed: tuple[int, str], pending: set[tuple[int, str]],
           where: str) -> Comparison:
    if head == committed or (head[0] > committed[0] and head in pending):
        return Comparison(True, f"witness: ok (head at entry {head[0]}, {where})")
    if head[0] < committed[0]:
        lost = (f"entry {committed[0]}" if committed[0] == head[0] + 1
                else f"entries {head[0] + 1} to {committed[0]}")
        return Comparison(False, f"witness: MISMATCH: the trail ends at entry {head[0]} but the app "
                                 f"committed up to entry {committed[0]} ({where}): {lost} were "
                                 "removed or rolled back outside the app")
    if head[0] == committed[0]:
        return Comparison(False, f"witness: MISMATCH: entry {head[0]} is not the entry the app "
                                 f"committed ({where}): the trail was rewritten outside the app")
    return Comparison(False, f"witness: MISMATCH: the trail goes past entry {committed[0]}, the last "
                             f"the app committed ({where}): entries {committed[0] + 1} to {head[0]} "
                             "were added outside the app")


def check_private(path: Path) -> str | None:
    """Why a witness file is not the app's own (None when it is)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        return f"{path} is a symbolic link"
    if st.st_uid != os.geteuid():
        return f"{path} belongs to another user"
    if st.st_mode & 0o077:
        return f"{path} can be read or written by others (mode {stat.S_IMODE(st.st_mode):o})"
    return None
