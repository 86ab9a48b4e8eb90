"""The whole suite runs end to end in one command at a tiny size and writes both the
results file and the markdown table. A smoke test, not a timing test: it asserts that
every benchmark measured something sensible, never how fast it was."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BENCHMARKS = {"status_json", "tui_start", "tui_start_first", "tui_start_cold", "filter_keystroke", "open_patient",
              "save_refill", "export_csv", "export_xlsx", "peak_memory", "status_json_floor",
              "status_json_scenarios",
              *(f"export_{f}_vs_status" for f in ("csv", "xlsx", "html", "fhir", "ward_json"))}


def test_one_command_runs_every_benchmark_and_writes_the_table(tmp_path):
    env = dict(os.environ, ITB_BENCH_CACHE=str(tmp_path / "cache"))
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", "--sizes", "8", "--repeat", "1", "--keystrokes", "3",
         "--opens", "2", "--refills", "2", "--no-profile", "--out-dir", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    run = json.loads((out / "latest.json").read_text())
    results = {r["benchmark"]: r for r in run["results"]}
    assert set(results) == BENCHMARKS
    for name, r in results.items():
        assert r["size"] == 8
        if name != "peak_memory":
            assert r["samples"] and all(s > 0 for s in r["samples"]), name
            assert r["baseline_samples"] or "sqlite3" in " ".join(r["notes"]), name
        assert r["peak_mb"] and r["peak_mb"] > 10, name
    for start in ("tui_start", "tui_start_first"):  # all 8 listed, from saved rows or not as named
        assert not any("expected" in n for n in results[start]["notes"]), results[start]["notes"]
    assert len(results["filter_keystroke"]["samples"]) == 3
    assert len(results["open_patient"]["samples"]) == 2
    assert run["stores"]["8"]["rows"]["patients"] == 8
    assert run["stores"]["scenarios-8"]["rows"]["patients"] == 8
    assert run["machine"]["cores"] and run["load_average_start"]
    doc = (out / "benchmarks.md").read_text()
    assert "| Benchmark | Patients | Median | Baseline median | Ratio | Target | Met? | Peak MB |" in doc
    for r in results.values():
        assert r["title"] in doc
    # The store was cached where ITB_BENCH_CACHE said, not in the checkout.
    assert list((tmp_path / "cache").glob("hospital-*-n8.db"))
    assert not list((ROOT / "bench" / ".cache").glob("hospital-*-n8.db"))


def test_bad_arguments_are_one_clear_line():
    proc = subprocess.run([sys.executable, "-m", "bench.run", "--sizes", "ten"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "sizes must be whole numbers" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "bench.run", "--only", "speed"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "unknown benchmark 'speed'" in proc.stderr
