"""The test suite cannot pass by not running: a broken import of the project is an error,
not a skip, and a run without PostgreSQL says so in its report."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_no_test_skips_when_a_module_of_the_project_fails_to_import():
    pattern = re.compile(r"importorskip\(\s*[\"']itb_tui")
    offenders = [f"{path.relative_to(TESTS)}:{n}"
                 for path in sorted(TESTS.rglob("*.py"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line) and path != Path(__file__)]
    assert offenders == []


def test_a_run_without_postgresql_says_its_store_tests_ran_on_sqlite_only():
    env = {k: v for k, v in os.environ.items() if k != "ITB_TUI_TEST_PG_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
         "tests/store/test_store_list_rows.py::test_saving_rows_is_not_a_clinical_change"],
        cwd=TESTS.parent, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "store tests ran on SQLite only: ITB_TUI_TEST_PG_URL is not set" in result.stdout
