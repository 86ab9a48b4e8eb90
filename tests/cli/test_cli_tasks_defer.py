"""`itb-tui tasks defer MRN TASK_KEY --until DATE --reason TEXT` (issue 16).

The example ward, today 2026-11-10 (cli_runner): A1001 has one open task, the explant
("A1001:explant:device_removal_indicated", due the day the alert asks for it). Deferred
to +3d = 2026-11-13: hidden on the 10th and the 12th, back on the 13th saying why.
"""

from __future__ import annotations

import json

from cli_runner import EXAMPLE, run_cli

KEY = "A1001:explant:device_removal_indicated"


def _keys(data_dir, as_of: str) -> dict[str, object]:
    r = run_cli(data_dir, "tasks", "--json", "--as-of", as_of)
    assert r.code == 0, r.err
    return {t["key"]: t["deferred"] for t in json.loads(r.out)["tasks"]}


def test_a_deferred_task_is_hidden_until_its_date_then_comes_back(data_dir):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    assert KEY in _keys(data_dir, "2026-11-10")
    r = run_cli(data_dir, "tasks", "defer", "A1001", KEY, "--until", "+3d", "--reason", "theatre on Friday")
    assert r.code == 0, r.err
    assert "Deferred A1001:explant:device_removal_indicated to 2026-11-13: theatre on Friday" in r.out
    assert KEY not in _keys(data_dir, "2026-11-10")
    assert KEY not in _keys(data_dir, "2026-11-12")
    assert _keys(data_dir, "2026-11-13")[KEY] == "deferred to 2026-11-13: theatre on Friday"
    # audited, and the store still checks clean
    assert run_cli(data_dir, "check").code == 0


def test_a_bad_deferral_says_why_and_changes_nothing(data_dir):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    cases = [
        (["A1001", "A1001:refill:refill_due", "--until", "+3d", "--reason", "x y z"], "has no open task"),
        (["Z9", KEY, "--until", "+3d", "--reason", "x y z"], "no patient with MRN 'Z9'"),
        (["A1001", KEY, "--until", "+40d", "--reason", "x y z"], "at most 30 days ahead"),
        (["A1001", KEY, "--until", "today", "--reason", "x y z"], "must be after today"),
        (["A1001", KEY, "--until", "soonish", "--reason", "x y z"], "--until"),
        (["A1001", KEY, "--until", "+3d", "--reason", "  "], "the reason for the deferral is required"),
    ]
    for argv, message in cases:
        r = run_cli(data_dir, "tasks", "defer", *argv)
        assert r.code == 1 and message in r.err and "Traceback" not in r.err, (argv, r.err)
    assert KEY in _keys(data_dir, "2026-11-10")
