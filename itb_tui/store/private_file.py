"""The SQLite store is the app's own file (issue 14, item 3), or it is not opened.

Why each rule: the store holds the ward, and whoever can write its file, its directory
or the `-wal`/`-shm` files beside it can change or read patients without the trail; a
symbolic link lets another user choose where the store (and its patient data) is
created. So, before SQLite touches anything:

- the store, its `-wal`, `-shm`, `-journal` and `.witness` files are refused when they
  are symbolic links, not regular files, owned by another user, or writable by group or
  others; a file of ours that others can merely read is made owner-only (0600);
- the directory is refused when it is owned by another user (root excepted) or writable
  by group or others (sticky or not: another user could still plant a `-wal` file);
- an existing EMPTY store file is adopted only when it is exactly what the app itself
  creates (ours, 0600): one made by `touch` or by someone else (0644, 0666) is refused;
- a new store file is created with O_CREAT|O_EXCL|O_NOFOLLOW at 0600.

Plain `os` calls only: the read-only fast path (reader.py) checks with it too, without
SQLAlchemy. Each refusal is a StoreError saying why and how to fix it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from itb_tui.store.errors import StoreError

SIDECARS = ("-wal", "-shm", "-journal", ".witness")


def _mode(st: os.stat_result) -> str:
    return f"{stat.S_IMODE(st.st_mode):04o}"


def _refuse(path: Path, why: str, fix: str) -> StoreError:
    return StoreError(f"refusing to open the store {path}: {why}; {fix}")


def check_directory(path: Path) -> None:
    parent = path.parent
    try:
        st = os.stat(parent)
    except FileNotFoundError:
        return  # created by the caller, 0700
    me = os.geteuid()
    if st.st_uid not in (me, 0):
        raise _refuse(path, f"its directory {parent} belongs to another user (uid {st.st_uid})",
                      "keep the store in a directory of your own (the default is "
                      "~/.local/share/itb-tui) or give another path with --db")
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise _refuse(path, f"its directory {parent} can be written by other users (mode {_mode(st)}), "
                      "who could plant or replace the store's files",
                      f"run `chmod go-w {parent}` or keep the store in a directory only you can write")


def check_file(path: Path, *, allow_empty: bool = False) -> bool:
    """Refuse a planted or shared file; True when it exists. Makes a file of ours that
    others can read owner-only."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(st.st_mode):
        raise _refuse(path, f"{path} is a symbolic link (to {os.readlink(path)})",
                      "give the real file's path with --db, or move the file itself here")
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(path, f"{path} is not a regular file", "give the path of a store file")
    if st.st_uid != os.geteuid():
        raise _refuse(path, f"{path} belongs to another user (uid {st.st_uid}), who can read and "
                      "change it outside the app",
                      "copy it to a file of your own (cp, then chmod 600) and open that, if you trust it")
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise _refuse(path, f"{path} can be written by other users (mode {_mode(st)})",
                      f"if you trust its content, run `chmod 600 {path}`; else remove it")
    if st.st_size == 0 and not allow_empty and stat.S_IMODE(st.st_mode) != 0o600:
        raise _refuse(path, f"{path} exists but is empty (mode {_mode(st)}), so it is not an itb-tui "
                      "store and was not made by itb-tui",
                      "remove it (itb-tui creates a new store itself) or give another path")
    if st.st_mode & 0o077:
        os.chmod(path, 0o600)  # ours, not writable by others: just no longer readable by them
    return True


def check_store(path: Path) -> None:
    """Every rule above for an existing or new store file `path` (and its sidecars)."""
    check_directory(path)
    check_file(path)
    for suffix in SIDECARS:
        check_file(Path(f"{path}{suffix}"), allow_empty=suffix != ".witness")


def create_new(path: Path) -> None:
    """Create the empty store file, owner-only, never through a link. Another process
    creating it a moment earlier is fine (it is then checked as an existing file)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        check_file(path)
        return
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
