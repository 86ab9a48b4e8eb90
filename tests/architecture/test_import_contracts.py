"""The layers hold: `lint-imports` checks the contracts in pyproject.toml
([tool.importlinter]: clinical imports nothing of the project, present only clinical,
store never ui/cli/present, ui and cli reach the store only through its ports and never
SQLAlchemy, no import cycles). A new import across a layer fails here, naming it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lint_imports() -> str:
    beside = Path(sys.executable).with_name("lint-imports")
    found = str(beside) if beside.exists() else shutil.which("lint-imports")
    assert found, "lint-imports is missing: install the test extras (pip install -e '.[test]')"
    return found


def test_every_import_contract_is_kept():
    result = subprocess.run([_lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    report = result.stdout[result.stdout.find("Contracts"):] + result.stderr
    assert result.returncode == 0, report
    assert "0 broken" in result.stdout, report


def test_the_contracts_name_each_layer_of_the_issue():
    """The contracts are the issue's, not a weaker set: each named layer has its own."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    by_source = {tuple(c.get("source_modules", ())): c for c in config["contracts"]}
    clinical = by_source[("itb_tui.clinical",)]["forbidden_modules"]
    assert {"itb_tui.store", "itb_tui.ui", "itb_tui.cli", "itb_tui.present", "textual", "sqlalchemy"} <= set(clinical)
    present = by_source[("itb_tui.present",)]["forbidden_modules"]
    assert {"itb_tui.store", "itb_tui.ui", "itb_tui.cli", "textual", "sqlalchemy"} <= set(present)
    store = by_source[("itb_tui.store",)]["forbidden_modules"]
    assert {"itb_tui.ui", "itb_tui.cli", "itb_tui.present", "textual"} <= set(store)
    shells = by_source[("itb_tui.ui", "itb_tui.cli")]["forbidden_modules"]
    assert {"itb_tui.store.store", "itb_tui.store.schema", "sqlalchemy", "sqlmodel"} <= set(shells)
    assert any(c["type"] == "acyclic_siblings" and c["ancestors"] == ["itb_tui"] for c in config["contracts"])
