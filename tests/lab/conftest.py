"""FHIR laboratory-result tests: the store and CLI helpers of tests/store, tests/cli and
tests/hl7; the `store` and `data_dir` fixtures are tests/hl7/feed_fixtures.py's."""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS = Path(__file__).resolve().parents[1]
for sub in ("store", "cli", "hl7", "ui"):
    if str(_TESTS / sub) not in sys.path:
        sys.path.append(str(_TESTS / sub))

from feed_fixtures import data_dir, store  # noqa: E402,F401
