"""The measuring itself: per-process peak memory, failures reported in one line, targets
judged on the right number, the report table readable."""

from __future__ import annotations

import sys

import pytest

from bench import cases
from bench.measure import ChildFailed, percentile, run_child
from bench.report_md import render


def test_peak_memory_is_that_of_the_process_just_run():
    big = run_child([sys.executable, "-c", "x = bytearray(150 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096])"],
                    cases.child_env())
    small = run_child([sys.executable, "-c", "pass"], cases.child_env())
    assert big.maxrss_mb >= 150
    assert small.maxrss_mb < 60  # not the earlier child's peak (RUSAGE_CHILDREN would say 150+)
    assert big.wall_s > 0


def test_a_failing_command_is_reported_with_its_error():
    with pytest.raises(ChildFailed, match="exited 3.*boom"):
        run_child([sys.executable, "-c", "import sys; print('boom', file=sys.stderr); sys.exit(3)"],
                  cases.child_env())


def test_a_child_report_is_read_from_its_last_line():
    sample = run_child([sys.executable, "-c", "print('noise'); print('{\"rows\": 3}')"], cases.child_env(),
                       capture_json=True)
    assert sample.report == {"rows": 3}


def test_targets_are_judged_on_ratio_time_or_memory_at_the_sizes_they_name():
    slow = cases.Result("status_json", "status", 10_000, [4.0, 4.2, 3.9], baseline="sqlite3",
                        baseline_samples=[1.0, 1.1, 1.0])
    assert slow.ratio == pytest.approx(4.0) and slow.met is False
    fine = cases.Result("status_json", "status", 10_000, [2.0], baseline="sqlite3", baseline_samples=[1.0])
    assert fine.met is True
    assert cases.Result("status_json", "status", 1_000, [9.0], baseline_samples=[1.0]).met is None
    key = cases.Result("filter_keystroke", "key", 30, [0.02, 0.03, 0.2])
    assert key.met is True  # the median, not the worst keystroke
    memory = cases.Result("peak_memory", "peak", 10_000, [], peak_mb=310.0)
    assert memory.met is False
    no_baseline = cases.Result("status_json", "status", 10_000, [2.0])
    assert no_baseline.ratio is None and no_baseline.met is None


def test_percentile_interpolates():
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([10, 20], 90) == pytest.approx(19)
    assert percentile([], 90) is None


def _run(results):
    return {
        "generated_at": "2026-11-25T10:00:00+00:00", "command": "python -m bench.run",
        "machine": {"cpu": "Test CPU", "cores": 2, "memory_gb": 8, "os": "Linux", "python": "3.11",
                    "sqlite_library": "3.40", "sqlite3_shell": None, "textual": "8.2.8",
                    "sqlalchemy": "2.0", "openpyxl": "3.1"},
        "load_average_start": [1.5, 1.2, 1.0], "load_average_end": [1.6, 1.3, 1.0], "duration_s": 12,
        "bench_today": "2026-11-25", "stores": {}, "status_phases": {}, "profiles": {},
        "results": [r.to_json() for r in results],
    }


def test_the_markdown_table_shows_median_baseline_ratio_target_and_verdict():
    results = [
        cases.Result("status_json", "`status --json` (whole store)", 1_000, [0.5], baseline="sqlite3 -json",
                     baseline_samples=[0.25], peak_mb=80),
        cases.Result("status_json", "`status --json` (whole store)", 10_000, [3.0], baseline="sqlite3 -json",
                     baseline_samples=[1.5], peak_mb=250),
        cases.Result("filter_keystroke", "filter keystroke", 10_000, [0.031], baseline="bare",
                     baseline_samples=[0.005], peak_mb=200),
    ]
    text = render(_run(results))
    assert "| `status --json` (whole store) | 10,000 | 3.00 s | 1.50 s | 2.0× | ≤ 2× sqlite3 | ✔ yes | 250 |" in text
    assert "| filter keystroke | 10,000 | 31.0 ms | 5.0 ms | 6.2× | ≤ 50 ms | ✔ yes | 200 |" in text
    assert "load average at start 1.50 1.20 1.00" in text
    # 1k -> 10k: 0.5 s -> 3.0 s is an exponent of log(6)/log(10) = 0.78 (below linear)
    assert "| 10,000 | 3.00 s | 0.300 ms | 1.50 s | 0.78 |" in text
    assert "Targets met: 2 of 2." in text


def test_a_missing_sqlite3_shell_is_said_not_hidden(tmp_path, monkeypatch):
    from bench.generate import build_store

    db = build_store(tmp_path / "h.db", 3)
    monkeypatch.setattr(cases, "sqlite3_shell", lambda: None)
    result = cases.bench_status(db, 10_000, 1, lambda m: None)
    assert result.baseline is None and result.ratio is None and result.met is None
    assert any("apt-get install -y sqlite3" in note for note in result.notes)
    assert "apt-get install -y sqlite3" in render(_run([result]))
