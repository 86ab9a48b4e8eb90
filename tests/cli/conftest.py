"""CLI tests drive the real command in a subprocess with a private data directory and a
fixed "today"."""

from __future__ import annotations

import pytest


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "data"
    d.mkdir()
    return d
