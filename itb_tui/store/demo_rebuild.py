"""Rebuilding the demo store without ever endangering a real one.

The demo store is built in a temporary file next to it and renamed over the old one, so
a failed build leaves the previous demo intact and a reader never sees half a ward. A
store named explicitly (`--db`) is replaced only when it is empty or marked as a demo
store: real patient data is never overwritten by synthetic data.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Callable

from sqlalchemy.engine import make_url

from itb_tui.store.connect import safe_url
from itb_tui.store.errors import StoreError
from itb_tui.store.store import Store, open_store

DEMO_KIND = "demo"


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).absolute()


def _remove_with_sidecars(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal"),
              Path(f"{path}.witness")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def _check_replaceable(url: str, today: date) -> None:
    try:
        with open_store(url, today=today) as store:
            count, kind = store.patient_count(), store.get_meta("kind")
    except StoreError as exc:
        raise StoreError(f"refusing to rebuild the demo in {safe_url(url)}: it is not a usable "
                         f"itb-tui store ({exc})") from None
    if count and kind != DEMO_KIND:
        raise StoreError(f"refusing to rebuild the demo in {safe_url(url)}: it holds {count} "
                         "patients and is not a demo store")


def rebuild_demo_store(url: str, today: date, patients: int | None, *, explicit: bool,
                       fill: Callable[[Store], int]) -> tuple[str, int]:
    """Replace the store at `url` with a fresh one filled by `fill(store)` (which returns
    the number of patients). Returns (where, number of patients)."""
    path = _sqlite_file(url)
    if path is None:  # another database: it cannot be swapped, so it must be empty
        _check_replaceable(url, today)
        with open_store(url, today=today) as store:
            if store.patient_count():
                raise StoreError(f"cannot rebuild the demo in {safe_url(url)}: only a SQLite file "
                                 "can be replaced; give an empty database")
            return safe_url(url), fill(store)
    if explicit and path.exists() and path.stat().st_size > 0:
        _check_replaceable(url, today)
    tmp = path.with_name(f".{path.name}.building-{os.getpid()}")
    _remove_with_sidecars(tmp)
    try:
        store = open_store("sqlite:///" + str(tmp), today=today)
        try:
            count = fill(store)
            store.checkpoint()
        finally:
            store.close()
        for sidecar in ("-wal", "-shm", "-journal"):  # belong to the old file: never reuse
            Path(f"{path}{sidecar}").unlink(missing_ok=True)
        os.replace(tmp, path)
        os.replace(f"{tmp}.witness", f"{path}.witness")  # the new store's audit witness
    except OSError as exc:
        raise StoreError(f"cannot write the demo store {path}: {(exc.strerror or str(exc)).lower()}") from None
    finally:
        _remove_with_sidecars(tmp)
    return str(path), count
