"""Timing and peak memory of child processes, and the statistics the report uses.

Why wait4: `resource.getrusage(RUSAGE_CHILDREN)` reports the largest child seen so far,
not the one just run; `os.wait4` returns the resource usage of exactly the process it
reaps, so each sample carries its own peak RSS. Why a spawner process: see
bench/spawner.py (a child's peak is never below its spawner's).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

ROOT = Path(__file__).resolve().parent.parent


class ChildFailed(RuntimeError):
    """A benchmarked command exited non-zero (its stderr tail is in the message)."""


@dataclass
class Sample:
    wall_s: float  # spawn to exit, measured by the spawner
    spawn_monotonic: float  # time.monotonic() just before the spawn (CLOCK_MONOTONIC is
    # system-wide on Linux, so a child's own time.monotonic() marks compare with it)
    maxrss_mb: float  # the child's peak resident set size (at least the spawner's floor)
    report: dict[str, Any] = field(default_factory=dict)  # the JSON line the child printed, if any


class Spawner:
    """The helper process (bench/spawner.py) that starts every measured command."""

    def __init__(self) -> None:
        script = Path(__file__).resolve().parent / "spawner.py"
        self._proc = subprocess.Popen([sys.executable, "-I", "-S", str(script)], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True, bufsize=1)
        json.loads(self._proc.stdout.readline())  # ready
        # The floor of every reading: the peak Linux reports for a program that uses
        # almost nothing (`true`) is the spawner's own size.
        true = shutil.which("true") or "/bin/true"
        self.floor_mb: float = self.run({"argv": [true], "env": {}, "cwd": "/", "stdout": None,
                                         "stderr": os.devnull, "timeout_s": 30})["maxrss_mb"]

    def run(self, request: dict) -> dict:
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise ChildFailed("the benchmark spawner exited unexpectedly")
        reply = json.loads(line)
        if "error" in reply:
            raise ChildFailed(f"cannot start {' '.join(map(str, request['argv'][:4]))} …: {reply['error']}")
        return reply

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.stdin.close()
            self._proc.wait(timeout=10)


_spawner: Spawner | None = None


def spawner() -> Spawner:
    global _spawner
    if _spawner is None:
        _spawner = Spawner()
        atexit.register(_spawner.close)
    return _spawner


def run_child(argv: Sequence[str], env: dict[str, str], *, capture_json: bool = False,
              timeout_s: float = 900.0) -> Sample:
    """Run `argv` to completion through the spawner; stdout goes to /dev/null unless
    `capture_json` (then the last stdout line is parsed as the child's JSON report)."""
    with tempfile.TemporaryDirectory(prefix="itb-bench-") as tmp:
        out = Path(tmp) / "stdout"
        err = Path(tmp) / "stderr"
        reply = spawner().run({"argv": [str(a) for a in argv], "env": env, "cwd": str(ROOT),
                               "stdout": str(out) if capture_json else None, "stderr": str(err),
                               "timeout_s": timeout_s})
        shown = " ".join(str(a) for a in argv[:6])
        if reply["timed_out"]:
            raise ChildFailed(f"{shown} …: timed out after {timeout_s:.0f} s")
        if reply["returncode"] != 0:
            tail = err.read_text("utf-8", "replace").strip().splitlines()[-3:]
            raise ChildFailed(f"{shown} … exited {reply['returncode']}: " + " | ".join(tail))
        report: dict[str, Any] = {}
        if capture_json:
            lines = out.read_text("utf-8", "replace").strip().splitlines()
            if not lines:
                raise ChildFailed(f"{shown} … printed no report")
            report = json.loads(lines[-1])
    return Sample(reply["wall_s"], reply["spawn_monotonic"], reply["maxrss_mb"], report)


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100.0
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)
