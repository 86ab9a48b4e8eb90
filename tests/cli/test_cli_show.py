"""`itb-tui show MRN [--as-of DATE]`: one patient's full assessment, in the list's words."""

from __future__ import annotations

import json

from cli_runner import EXAMPLE, run_cli


def test_show_prints_every_alert_with_text_source_basis_and_action_and_the_dates(data_dir):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    doc = json.loads(run_cli(data_dir, "status", "--json").out)
    entry = next(p for p in doc["patients"] if p["mrn"] == "A1001")
    r = run_cli(data_dir, "show", "A1001")
    assert r.code == 0, r.err
    assert "Refill: ✖ BLOCKED" in r.out and "as of 2026-11-10" in r.out
    for alert in entry["alerts"]:
        assert alert["text"] in r.out and alert["source"] in r.out
        if alert["action"]:
            assert alert["action"] in r.out
    reservoir = entry["reservoir"]
    for key in ("alarm_on", "refill_by", "stable_until", "last_refill_on"):
        assert reservoir[key] in r.out
    assert entry["antifungal"]["required_until"] in r.out
    assert "Headline alert: ‼ explant: remove the pump" in r.out


def test_show_as_of_moves_the_countdowns(data_dir):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    r = run_cli(data_dir, "show", "A1001", "--as-of", "+3d")
    assert r.code == 0 and "as of 2026-11-13" in r.out


def test_show_an_unknown_mrn_says_so_and_exits_1(data_dir):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    r = run_cli(data_dir, "show", "NOPE")
    assert r.code == 1 and "no patient with MRN 'NOPE'" in r.err and "Traceback" not in r.err
