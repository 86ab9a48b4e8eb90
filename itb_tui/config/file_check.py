"""The configuration file is refused when someone else could have written it.

Why: the file decides who sees the ward (the idle lock), where results are received from
(the listener's address) and what each key does; whoever can write it can weaken the
lock or move a key under a clinician's finger. The rules are the store's
(store/private_file.py), worded for this file: the file (and the real file behind a
symbolic link) must be a regular file owned by the user or root and writable by no one
else, and so must its directory. Readable by others is fine: it holds no patient data.
Not reused from store/private_file.py because its refusals speak of the store and `--db`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class UnsafeConfigFile(Exception):
    """One line: why the file is not trusted and how to fix it."""


def _trusted_owner(uid: int) -> bool:
    return uid in (os.geteuid(), 0)


def _check_one(path: Path, what: str, *, is_dir: bool) -> None:
    st = os.stat(path)
    if not is_dir and not stat.S_ISREG(st.st_mode):
        raise UnsafeConfigFile(f"{path} is not a regular file")
    if not _trusted_owner(st.st_uid):
        raise UnsafeConfigFile(f"{what} {path} belongs to another user (uid {st.st_uid}), who could change "
                               "the settings: copy it to a file of your own (cp, then chmod 600)")
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UnsafeConfigFile(f"{what} {path} can be written by other users (mode "
                               f"{stat.S_IMODE(st.st_mode):04o}): run `chmod go-w {path}` if you trust it")


def check_config_file(path: Path) -> None:
    """Refuse `path` (an existing file) unless only its owner (or root) can write it, its
    real file and the directories they sit in."""
    real = Path(os.path.realpath(path))
    _check_one(path.absolute().parent, "the configuration directory", is_dir=True)
    if real != path.absolute():
        _check_one(real.parent, "the configuration directory", is_dir=True)
    _check_one(real, "the configuration file", is_dir=False)
