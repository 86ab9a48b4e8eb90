"""Store test set-up: `store` is a fresh store on `store_url` (tests/conftest.py: SQLite,
and PostgreSQL too when ITB_TUI_TEST_PG_URL is set)."""

from __future__ import annotations

import pytest
from store_fixtures import TODAY


@pytest.fixture
def store(store_url):
    from itb_tui.store import open_store

    s = open_store(store_url, today=TODAY)
    yield s
    s.close()
