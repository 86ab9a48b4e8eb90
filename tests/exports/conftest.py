"""Fixtures for the export tests: the sample ward (export_fixtures.py) and the real rules
table."""

from __future__ import annotations

import pytest

from export_fixtures import sample_pairs


@pytest.fixture
def rules():
    from itb_tui.clinical.rules import load_rules

    return load_rules()


@pytest.fixture
def pairs():
    return sample_pairs()
