"""PostgreSQL: a pooled connection is pinged before use only when it sat idle longer
than `connect.IDLE_PING_S` (issue 17: one round trip less per lab message and per ward
write), and a connection that died while idle is replaced, not handed out: the next
store call works as if nothing happened. Runs where the `store_url` fixture is
PostgreSQL (ITB_TUI_TEST_PG_URL)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text


@pytest.fixture
def pg_store(store_url):
    if not store_url.startswith("postgresql"):
        pytest.skip("connection pinging is PostgreSQL's (SQLite has no server to lose)")
    from itb_tui.store import open_store

    store = open_store(store_url)
    yield store
    store.close()


def _pings(store, monkeypatch) -> list[int]:
    seen: list[int] = []
    real = store.engine.dialect.do_ping

    def counted(dbapi_conn):
        seen.append(1)
        return real(dbapi_conn)

    monkeypatch.setattr(store.engine.dialect, "do_ping", counted)
    return seen


def test_a_connection_used_again_at_once_is_not_pinged(pg_store, monkeypatch):
    pg_store.patient_count()
    pings = _pings(pg_store, monkeypatch)
    for _ in range(5):
        pg_store.patient_count()
    assert pings == []


def test_a_connection_that_died_while_idle_is_replaced(pg_store, store_url, monkeypatch):
    from itb_tui.store import connect

    pg_store.patient_count()
    with pg_store.engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    admin = create_engine(store_url.split("?")[0])
    with admin.begin() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar_one()
    admin.dispose()
    monkeypatch.setattr(connect, "IDLE_PING_S", 0.0)  # "idle too long": pinged
    pings = _pings(pg_store, monkeypatch)
    assert pg_store.patient_count() == 0
    assert pings  # found dead by the ping, and a new connection used
