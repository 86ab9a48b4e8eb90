"""FHIR laboratory-result tests: the store and CLI helpers of tests/store, tests/cli and tests/hl7."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_TESTS = Path(__file__).resolve().parents[1]
for sub in ("store", "cli", "hl7", "ui"):
    if str(_TESTS / sub) not in sys.path:
        sys.path.append(str(_TESTS / sub))

from store_fixtures import TODAY  # noqa: E402


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
