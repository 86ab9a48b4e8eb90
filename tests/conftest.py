"""Shared test set-up: a fixed time zone and a private data directory per test session,
so no test ever touches a real user's store."""

from __future__ import annotations

import os
import time

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
