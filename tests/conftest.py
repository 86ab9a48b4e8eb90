"""Shared test set-up: a fixed time zone and a private data directory per test session,
so no test ever touches a real user's store; and `store_url`, the store every store and
safety test runs against.

`store_url` yields a temp SQLite file, and also a PostgreSQL URL when
`ITB_TUI_TEST_PG_URL` is set (e.g. `postgresql+psycopg://postgres@127.0.0.1:5432/postgres`;
`.ci/run` sets it): each PostgreSQL test runs in a schema of its own (search_path),
dropped afterwards, so the same tests prove the same code on both databases.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from urllib.parse import quote

import pytest

os.environ["TZ"] = "UTC"
if hasattr(time, "tzset"):
    time.tzset()


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path, monkeypatch):
    """Every test gets its own empty data directory and no inherited store URL."""
    monkeypatch.setenv("ITB_TUI_DATA_DIR", str(tmp_path / "itb-data"))
    monkeypatch.delenv("ITB_TUI_DB", raising=False)
    monkeypatch.delenv("ITB_TUI_TODAY", raising=False)


PG_URL = os.environ.get("ITB_TUI_TEST_PG_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
# Tests that would also have run on PostgreSQL had ITB_TUI_TEST_PG_URL been set: the
# report says how many, so a green run on SQLite alone is never read as "PostgreSQL ok".
_SQLITE_ONLY: set[str] = set()


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path):
    if not PG_URL:
        _SQLITE_ONLY.add(request.node.nodeid)
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/store/ward.db"
        return
    with own_schema(PG_URL) as url:
        yield url


@contextlib.contextmanager
def own_schema(base_url: str, prefix: str = "itb_test"):
    """A URL of the PostgreSQL server at `base_url` whose search_path is a new schema of
    its own, dropped with everything in it afterwards."""
    from sqlalchemy import create_engine, text

    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_own_schema():
    """`own_schema` for a test module (a conftest is not imported by name)."""
    return own_schema


def pytest_terminal_summary(terminalreporter):
    if _SQLITE_ONLY:
        terminalreporter.write_sep("-", "PostgreSQL not tested", yellow=True)
        terminalreporter.write_line(
            f"{len(_SQLITE_ONLY)} store tests ran on SQLite only: ITB_TUI_TEST_PG_URL is not set "
            "(.ci/run sets it; see tests/conftest.py)")


@pytest.fixture(autouse=True)
def _no_site_configuration(tmp_path_factory, monkeypatch):
    """No test reads the user's site configuration or writes to their log: an empty config
    directory and a private state directory (the log file) per test (docs/config.md),
    outside tmp_path (tests check that nothing else appears there)."""
    xdg = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(xdg / "state"))
    for name in ("ITB_TUI_CONFIG", "ITB_TUI_LOG_LEVEL", "ITB_TUI_WRITE_WAIT_S"):
        monkeypatch.delenv(name, raising=False)
