"""Open the store for the app without making the first screen wait for SQLAlchemy.

Why: the writable Store imports SQLAlchemy, SQLModel, Alembic and the account code
(~0.7 s on the reference machine) before its first query, while the ward list's first
frame needs only its saved rows (store/list_rows.py), which the read-only fast path
(reader.py, plain `sqlite3`) reads in milliseconds. `open_for_app` returns:

- the opened Store, when the store is not current (new, older, newer, damaged): it is
  created, upgraded (with its backup) or refused right here, before any screen, exactly
  as `open_store` always did;
- else a `DeferredStore`: saved list rows come from the reader; anything else (every
  write, every record read, signing in) opens the real Store on first use, in the
  thread that needs it, and is then served by it. Nothing is decided from the reader
  but which saved rows the list may draw first, and those are re-derived at once.
"""

from __future__ import annotations

import threading
from datetime import date


def missing_store_path(url: str):
    """The file a SQLite `url` names when no store is there yet (None: it exists, or the
    URL is another database). The command line refuses to create a store there unasked."""
    from itb_tui.paths import sqlite_path

    path = sqlite_path(url)
    if path is None or path.exists():
        return None
    return path


def open_for_app(url: str, *, today: date):
    """The store for the app at `url`: a `DeferredStore` when the schema is current,
    else the Store `open_store` returns (or its clear StoreError)."""
    from itb_tui.store.reader import open_reader

    reader = open_reader(url)
    if reader is None:
        from itb_tui.store import open_store

        return open_store(url, today=today)
    return DeferredStore(url, today, reader)


class DeferredStore:
    """Stands for the Store until first used, then is it (every attribute is the
    opened Store's). Thread-safe: the first user opens it, others wait for that."""

    def __init__(self, url: str, today: date, reader) -> None:
        self._url = url
        self._today = today
        self._reader = reader
        self._lock = threading.Lock()
        self._store = None
        self._error: BaseException | None = None

    @property
    def opened(self) -> bool:
        return self._store is not None

    def store(self):
        """The real Store, opened now if it is not yet (raises its StoreError if it
        cannot be, every time it is asked)."""
        if self._store is not None:
            return self._store
        with self._lock:
            if self._store is None and self._error is None:
                from itb_tui.store import open_store

                try:
                    self._store = open_store(self._url, today=self._today)
                except BaseException as exc:  # re-raised to every caller below
                    self._error = exc
                else:
                    self._close_reader()  # the Store serves everything from now on
        if self._error is not None:
            raise self._error
        return self._store

    def saved_list_rows(self, key: str):
        """Served by the reader until the Store is open (the same rows: reader.py)."""
        if self._store is None and self._reader is not None:
            return self._reader.saved_list_rows(key)
        return self.store().saved_list_rows(key)

    def close(self) -> None:
        self._close_reader()
        if self._store is not None:
            self._store.close()

    def _close_reader(self) -> None:
        """Let go of the read-only connection (a reader still using it gets a StoreError,
        which the list takes as "no saved rows")."""
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __getattr__(self, name: str):
        # Only reached for what this class does not define: the Store's methods and data.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.store(), name)
