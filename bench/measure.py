"""Timing and peak memory of child processes, and the statistics the report uses.

Why wait4: `resource.getrusage(RUSAGE_CHILDREN)` reports the largest child seen so far,
not the one just run; `os.wait4` returns the resource usage of exactly the process it
reaps, so each sample carries its own peak RSS.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

ROOT = Path(__file__).resolve().parent.parent


class ChildFailed(RuntimeError):
    """A benchmarked command exited non-zero (its stderr tail is in the message)."""


@dataclass
class Sample:
    wall_s: float  # spawn to exit, as the parent saw it
    spawn_monotonic: float  # time.monotonic() just before the spawn (CLOCK_MONOTONIC is
    # system-wide on Linux, so a child's own time.monotonic() marks compare with it)
    maxrss_mb: float  # the child's peak resident set size
    report: dict[str, Any] = field(default_factory=dict)  # the JSON line the child printed, if any


def run_child(argv: Sequence[str], env: dict[str, str], *, capture_json: bool = False,
              timeout_s: float = 900.0) -> Sample:
    """Run `argv` to completion; stdout goes to /dev/null unless `capture_json` (then the
    last stdout line is parsed as the child's JSON report)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        spawned = time.monotonic()
        started = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=out if capture_json else subprocess.DEVNULL,
                                stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
        deadline = started + timeout_s
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG if timeout_s else 0)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                raise ChildFailed(f"{' '.join(argv[:4])} …: timed out after {timeout_s:.0f} s")
            time.sleep(0.0005)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace").strip().splitlines()[-3:]
            raise ChildFailed(f"{' '.join(str(a) for a in argv[:6])} … exited {proc.returncode}: "
                              + " | ".join(tail))
        report: dict[str, Any] = {}
        if capture_json:
            out.seek(0)
            lines = out.read().decode("utf-8", "replace").strip().splitlines()
            if not lines:
                raise ChildFailed(f"{' '.join(str(a) for a in argv[:6])} … printed no report")
            report = json.loads(lines[-1])
    return Sample(wall, spawned, usage.ru_maxrss / 1024.0, report)  # ru_maxrss is in KiB on Linux


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
