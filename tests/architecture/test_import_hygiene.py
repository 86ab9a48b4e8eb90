"""Run-time guard for what the import-linter contracts cannot see: an import deferred into
a function is still an import in the static graph, and a dependency can arrive sideways
through a third-party package. A fresh interpreter imports each lower layer and must not
have loaded the UI (or, below the store, the database library)."""

from __future__ import annotations

import subprocess
import sys

import pytest

NO_UI = ("textual",)
NO_UI_NO_SQL = ("textual", "sqlalchemy", "sqlmodel", "alembic")

CASES = [
    ("import itb_tui.clinical.engine, itb_tui.clinical.policy", NO_UI_NO_SQL),
    ("import itb_tui.present", NO_UI_NO_SQL),
    ("import itb_tui.report", NO_UI_NO_SQL),
    ("import itb_tui.perf.gc_tuning", NO_UI_NO_SQL),
    ("import itb_tui.store.ports, itb_tui.store.reader, itb_tui.store.opening", NO_UI_NO_SQL),
    ("import itb_tui.formats.fhir.read, itb_tui.formats.fhir.write", NO_UI_NO_SQL),
    ("import itb_tui.cli", NO_UI_NO_SQL),
    ("import itb_tui.store.store", NO_UI),
]


@pytest.mark.parametrize("statement,forbidden", CASES, ids=[c[0].split()[1].rstrip(",") for c in CASES])
def test_a_lower_layer_loads_no_ui(statement, forbidden):
    code = (f"{statement}\nimport sys\n"
            f"print(','.join(m for m in {forbidden!r} if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    leaked = [m for m in out.stdout.strip().split(",") if m]
    assert not leaked, f"{statement!r} imported {leaked}"
