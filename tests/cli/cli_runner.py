"""Run the real `itb-tui` in a subprocess, the way a user or a script does."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

TODAY = "2026-11-10"  # a Tuesday
EXAMPLE = Path(__file__).parent / "data" / "ward_example.json"


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def env_for(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ITB_TUI_")}
    env.update({"ITB_TUI_DATA_DIR": str(data_dir), "ITB_TUI_TODAY": TODAY, "PYTHONIOENCODING": "utf-8",
                "NO_COLOR": "1"})
    env.update(extra)
    return env


def run_cli(data_dir: Path, *args: str, stdin: bytes | None = None, cwd: Path | None = None,
            env: dict[str, str] | None = None, timeout: float = 120) -> Run:
    proc = subprocess.run(
        [sys.executable, "-m", "itb_tui", *args],
        input=stdin, capture_output=True, env=env or env_for(data_dir), cwd=cwd, timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))


def dump_db(path: Path) -> list[str]:
    """Every row of every table (audit included): to prove a failed command changed nothing."""
    if not path.exists():
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()
