"""HL7 result-import tests: the store and CLI helpers of tests/store and tests/cli; the
`store` and `data_dir` fixtures are feed_fixtures.py's (shared with tests/lab)."""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS = Path(__file__).resolve().parents[1]
for sub in ("store", "cli"):
    if str(_TESTS / sub) not in sys.path:
        sys.path.append(str(_TESTS / sub))

from feed_fixtures import data_dir, store  # noqa: E402,F401
