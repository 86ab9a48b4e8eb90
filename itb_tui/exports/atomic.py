"""Write an export file all at once or not at all, readable by its owner only.

An export holds patient names and infection status, so it is created 0600 from the start
(a temp file made as `mkstemp` makes it, never a world-readable file chmod-ed afterwards). It is
written beside the target and renamed over it: a reader, a sync client or a crash never
sees half a file, and a failed export leaves the previous file exactly as it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

FILE_MODE = 0o600
_CHUNK = 1 << 20  # write in pieces so a full disk fails part-way, as in real life


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically (temp file, fsync, rename) with mode 0600.

    Raises OSError on failure, after removing the temp file; `path` is then untouched.
    """
    return write_chunks_atomic(path, (data[start : start + _CHUNK] for start in range(0, len(data), _CHUNK)))


def write_chunks_atomic(path: Path, chunks: Iterable[bytes]) -> Path:
    """`write_bytes_atomic` for a file made piece by piece (a 10,000-patient FHIR Bundle is
    ~290 MB: never held whole). Anything raised while making the chunks, as any write
    error, removes the temp file and leaves `path` untouched."""
    path = Path(path)
    directory = path.parent
    fd, tmp_name = _make_temp(directory, path.name)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, FILE_MODE)  # created 0600 already; say so explicitly
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_directory(directory)
    return path


_TEMP_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def _make_temp(directory: Path, name: str) -> tuple[int, str]:
    """What `tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")` does (a new
    file, O_EXCL, mode 0600, a random name, never following a link), without importing
    tempfile: it brings random and shutil, ~2 ms of every export's start (issue 17)."""
    for _ in range(100):
        tmp_name = os.path.join(directory, f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp_name, _TEMP_FLAGS, FILE_MODE), tmp_name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary file name beside {name} in {directory}")


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (a crash right after could otherwise undo it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not supported here (e.g. Windows); the data itself is already synced
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
