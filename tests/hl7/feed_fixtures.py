"""The fixtures the result-feed tests share (tests/hl7 and tests/lab import them into
their conftest.py): a fresh store on `store_url` (SQLite, and PostgreSQL too when
ITB_TUI_TEST_PG_URL is set) at the store tests' TODAY, and a private data directory for
the command line."""

from __future__ import annotations

import pytest
from store_fixtures import TODAY


@pytest.fixture
def store(store_url):
    from itb_tui.store import open_store

    s = open_store(store_url, today=TODAY)
    yield s
    s.close()


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "data"
    d.mkdir()
    return d
