"""`itb-tui tasks [--due today|week] [--json] [--as-of DATE]`: the ward's task list on the
command line, the same list as the task view (present/tasks.py).

The example ward (today 2026-11-10): A1001 (Neuro 4B bed 12) has fungemia with the pump
still in: "arrange the explant", due today. C3003 (Rehab 2 bed 7) alarms 2026-12-16: as
of 2026-12-10 its refill is due in 6 days (in the week, not today); as of 2026-12-20 it
is overdue since 2026-12-16 (4 days).
"""

from __future__ import annotations

import json

from cli_runner import EXAMPLE, run_cli


def test_tasks_lists_overdue_today_and_the_week_with_bed(data_dir):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    r = run_cli(data_dir, "tasks", "--as-of", "2026-12-10")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == "Tasks as of 2026-12-10 (overdue, today and the next 7 days): 2"
    today = lines.index("Today (1)")
    week = lines.index("Next 7 days (1)")
    assert "Neuro 4B · bed 12 | Doe, Jane (A1001) | Arrange the explant" in lines[today + 1]
    assert lines[week + 1].strip() == "Rehab 2 · bed 7 | Poe, Alex (C3003) | Refill the pump | by 2026-12-16 (in 6 d)"


def test_tasks_due_today_leaves_out_the_week_and_overdue_comes_first(data_dir):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    r = run_cli(data_dir, "tasks", "--due", "today", "--as-of", "2026-12-10")
    assert r.code == 0 and "C3003" not in r.out and "A1001" in r.out
    r = run_cli(data_dir, "tasks", "--due", "today", "--as-of", "2026-12-20")
    lines = r.out.splitlines()
    assert lines.index("Overdue (1)") < lines.index("Today (1)")
    assert "overdue since 2026-12-16 (4 d ago)" in r.out


def test_tasks_json_names_the_rule_the_date_and_the_form(data_dir):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    r = run_cli(data_dir, "tasks", "--json", "--as-of", "2026-12-10")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["as_of"] == "2026-12-10" and doc["due"] == "week"
    refill = next(t for t in doc["tasks"] if t["mrn"] == "C3003")
    assert refill == {
        "key": "C3003:refill:refill_due", "mrn": "C3003", "name": "Poe, Alex", "ward": "Rehab 2", "bed": "7",
        "kind": "refill", "rule": "refill_due", "due_on": "2026-12-16", "bucket": "week", "form": "refill",
        "task": "Refill the pump", "deferred": None,
    }


def test_tasks_with_a_bad_date_or_due_says_so_without_a_traceback(data_dir):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    r = run_cli(data_dir, "tasks", "--as-of", "soonish")
    assert r.code == 1 and "Traceback" not in r.err and r.err.strip()
    r = run_cli(data_dir, "tasks", "--due", "month")
    assert r.code == 2 and "invalid choice: 'month'" in r.err
