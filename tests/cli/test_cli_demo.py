"""`itb-tui demo` and `--demo`: a synthetic ward to explore, never the real store."""

from __future__ import annotations

import json

from cli_runner import EXAMPLE, dump_db, run_cli


def test_demo_then_status_shows_blocked_patients_first_with_reasons(data_dir):
    r = run_cli(data_dir, "demo")
    assert r.code == 0, r.err
    assert (data_dir / "demo.db").exists() and not (data_dir / "ward.db").exists()
    status = run_cli(data_dir, "--demo", "status")
    assert status.code == 0, status.err
    rows = [line for line in status.out.splitlines()[4:] if line.strip() and not line.startswith(" ")]
    blocked = ["✖ BLOCKED" in row for row in rows]
    # the urgency order (docs/rules.md D2): withdrawal risk first, then overdue refills and
    # missing bridging plans, then every other blocked patient before the rest
    assert blocked[0] and "‼ WITHDRAWAL RISK" in status.out
    overdue = [i for i, row in enumerate(rows) if "‼ REFILL NOW" in row]
    others = [i for i, row in enumerate(rows) if "✖ BLOCKED" in row][1:]
    assert overdue and others and max(overdue) < min(others)
    assert sum(blocked) >= 3
    # each blocked row shows its reasons in words right after the word
    for row in (r for r in rows if "✖ BLOCKED" in r):
        after = row.split("✖ BLOCKED", 1)[1].split("  ")[0].strip()
        assert after == "" or after.rstrip(",;").split(",")[0].strip() in (
            "fungemia", "bacteremia", "CSF infection", "pocket infection", "course incomplete")
    assert "fungemia" in status.out and "course incomplete" in status.out
    doc = json.loads(run_cli(data_dir, "--demo", "status", "--json").out)
    blocked = [p for p in doc["patients"] if p["refill"]["status"] == "blocked"]
    assert blocked and all(p["refill"]["reasons"] for p in blocked)


def test_demo_never_touches_the_real_store(data_dir):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    before = dump_db(data_dir / "ward.db")
    assert run_cli(data_dir, "demo").code == 0
    assert run_cli(data_dir, "--demo", "status").code == 0
    assert dump_db(data_dir / "ward.db") == before


def test_demo_patient_count(data_dir):
    r = run_cli(data_dir, "demo", "--patients", "40")
    assert r.code == 0 and "40 synthetic patients" in r.out
    doc = json.loads(run_cli(data_dir, "--demo", "status", "--json").out)
    assert len(doc["patients"]) == 40


def test_the_demo_store_is_built_on_first_use(data_dir):
    r = run_cli(data_dir, "--demo", "status", "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["patients"]


def test_demo_refuses_to_overwrite_a_real_store_named_with_db(data_dir):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    real = data_dir / "ward.db"
    before = dump_db(real)
    r = run_cli(data_dir, "--db", str(real), "demo")
    assert r.code == 1 and "not a demo store" in r.err and "Traceback" not in r.err
    assert dump_db(real) == before
