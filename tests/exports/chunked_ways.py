"""What every chunked-export test compares (cli/chunked.py, issue 17): the one-piece export,
the chunked path in one process and on two processes, with chunks of 7 so the 60-patient
demo ward spans several chunks and both shares; and that demo ward, built once a module."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from cli_runner import run_cli  # noqa: E402

WAYS = [
    ("one piece", {}),
    ("chunks, one process", {"ITB_TUI_CHUNK": "7", "ITB_TUI_WORKERS": "1"}),
    ("chunks, two processes", {"ITB_TUI_CHUNK": "7", "ITB_TUI_WORKERS": "2"}),
]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    """A data directory holding a 60-patient demo store (above the chunk size many times)."""
    data_dir = tmp_path_factory.mktemp("chunked-export")
    assert run_cli(data_dir, "demo", "--patients", "60").code == 0
    return data_dir
