"""Consistent copies of a store while it is in use: SQLite's online backup API, or
PostgreSQL's pg_dump.

Why not copy the file: a SQLite store in WAL mode is the file PLUS its -wal log, and a
plain copy taken while a workstation writes can catch half a transaction. The backup API
copies one consistent snapshot in one step (readers never block the writer in WAL mode,
so the ward keeps working). The copy is written under a temporary name, owner-only
(0600: it holds patient data), checked, and only then renamed into place, so DEST is
either a whole good copy or untouched. For PostgreSQL the documented tool is
`pg_dump -Fc` (a custom-format archive for pg_restore); the password goes through the
environment, never the command line other users can see in `ps`.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from itb_tui.store.errors import StoreError

BUSY_TIMEOUT_MS = 5000


def default_name(kind: str) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"itb-tui-backup-{stamp}.{'db' if kind == 'sqlite' else 'dump'}"


def target_path(dest: str | os.PathLike, kind: str) -> Path:
    """DEST as a file path: a directory gets a time-stamped file name inside it."""
    target = Path(dest).expanduser().absolute()
    if target.is_dir():
        target = target / default_name(kind)
    if not target.parent.is_dir():
        raise StoreError(f"cannot write the backup {target}: directory {target.parent} does not exist")
    if target.exists():
        raise StoreError(f"cannot write the backup {target}: it already exists (give a new name)")
    return target


def _owner_only_file(path: Path) -> None:
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def _remove(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal"),
              Path(f"{path}.witness")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def _publish(tmp: Path, target: Path) -> None:
    """Rename the finished copy into place and make the rename durable."""
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    try:
        dir_fd = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def copy_sqlite(src: Path, dest: Path, *, check=None, witness: bool = True) -> Path:
    """Copy the SQLite database `src` to the new file `dest` (0600) with the online backup
    API; the copy is a single self-contained file (rollback journal mode). `check(path)`,
    if given, inspects the finished copy before it is published and raises to reject it.
    `witness`: the copy gets its own `<dest>.witness` (not the pre-upgrade copies, whose
    name pattern the witness file would match). Returns `dest`."""
    dest = Path(dest)
    if dest.exists():
        raise StoreError(f"cannot write the backup {dest}: it already exists")
    tmp = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    _remove(tmp)
    try:
        _owner_only_file(tmp)
        from itb_tui.store.connect import write_wait_s

        source = sqlite3.connect(str(src), timeout=max(BUSY_TIMEOUT_MS / 1000, write_wait_s()))
        try:
            copy = sqlite3.connect(str(tmp))
            try:
                source.backup(copy)  # all pages in one step: one consistent snapshot
                copy.execute("PRAGMA journal_mode=DELETE")
                result = copy.execute("PRAGMA integrity_check").fetchall()
            finally:
                copy.close()
        finally:
            source.close()
        if [r[0] for r in result] != ["ok"]:
            raise StoreError(f"the backup copy failed its integrity check: {result[0][0]}")
        if witness:
            _witness_copy(tmp)
        if check is not None:
            check(tmp)
        if Path(f"{tmp}.witness").exists():
            _publish(Path(f"{tmp}.witness"), Path(f"{dest}.witness"))
        _publish(tmp, dest)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot back up {src}: {exc}") from None
    except OSError as exc:
        raise StoreError(f"cannot write the backup {dest}: {(exc.strerror or str(exc)).lower()}") from None
    finally:
        _remove(tmp)
    return dest


def _witness_copy(copy_path: Path) -> None:
    """The copy carries its own witness (store/witness.py): its chain head as committed,
    so a restored copy checks against it and a copy cut short afterwards is found."""
    from itb_tui.store import witness

    conn = sqlite3.connect(str(copy_path))
    try:
        value = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    except sqlite3.OperationalError:  # a store older than the chain (the pre-upgrade copy)
        value = None
    finally:
        conn.close()
    if value is None:
        return
    last_id, last_hash = str(value[0]).split()
    witness.create_file(witness.path_for_store(copy_path), (int(last_id), last_hash))


def remove_copy(path: str | os.PathLike) -> None:
    """Take back a copy that could not be recorded in the audit trail (and its witness)."""
    _remove(Path(path))


def pg_dump(url: str, dest: Path) -> Path:
    """`pg_dump -Fc` of the database at the SQLAlchemy `url` into the new file `dest`
    (0600); checked with `pg_restore --list` before it is published."""
    from sqlalchemy.engine import make_url

    exe = shutil.which("pg_dump")
    if exe is None:
        raise StoreError("cannot back up a PostgreSQL store: pg_dump is not installed (install the "
                         "PostgreSQL client tools, e.g. apt-get install postgresql-client)")
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    libpq = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    dest = Path(dest)
    tmp = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    _remove(tmp)
    try:
        _owner_only_file(tmp)
        argv = [exe, "-Fc", "--no-password", "-f", str(tmp), "--dbname", libpq]
        schema = _search_path_schema(parsed)
        if schema:  # the store lives in one schema of a shared database: dump that schema
            argv += ["--schema", schema]
        done = subprocess.run(argv,
                              env=env, capture_output=True, text=True, timeout=3600)
        if done.returncode != 0:
            raise StoreError(f"pg_dump failed: {_first_line(done.stderr, parsed.password)}")
        os.chmod(tmp, 0o600)
        restore = shutil.which("pg_restore")
        if restore is not None:
            listed = subprocess.run([restore, "--list", str(tmp)], capture_output=True, text=True, timeout=600)
            if listed.returncode != 0:
                raise StoreError(f"the dump failed its check (pg_restore --list): "
                                 f"{_first_line(listed.stderr, None)}")
        _publish(tmp, dest)
    except OSError as exc:
        raise StoreError(f"cannot write the backup {dest}: {(exc.strerror or str(exc)).lower()}") from None
    except subprocess.TimeoutExpired:
        raise StoreError("pg_dump did not finish within an hour") from None
    finally:
        _remove(tmp)
    return dest


def _search_path_schema(parsed) -> str | None:
    """The schema named by `?options=-csearch_path=NAME` in the URL, if any."""
    import re

    options = parsed.query.get("options")
    if isinstance(options, tuple):
        options = " ".join(options)
    found = re.search(r"search_path=([A-Za-z0-9_]+)", options or "")
    return found.group(1) if found else None


def _first_line(text: str, secret: str | None) -> str:
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    line = lines[0] if lines else "no message"
    return line.replace(str(secret), "***") if secret else line
