"""`status --json` is written by a streamed template (report.write_status_json) for speed;
the contract is the old document builder's output, byte for byte:
`json.dumps(status_document(...), indent=2, ensure_ascii=False) + "\\n"`."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import date, timedelta

import pytest
from cli_runner import TODAY, run_cli

from itb_tui import report
from itb_tui.clinical import assessment as A
from itb_tui.clinical.records import Patient
from itb_tui.clinical.rules import load_rules
from itb_tui.demo import build_demo_ward

DAY = date.fromisoformat(TODAY)


def _reference(pairs, as_of, rules) -> bytes:
    doc = report.status_document(pairs, as_of, rules)
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _streamed(pairs, as_of, rules, chunk=2000) -> bytes:
    out = io.BytesIO()
    report.write_status_json(pairs, as_of, rules, out.write, chunk=chunk)
    return out.getvalue()


def _awkward_patients() -> list[Patient]:
    """Text a template could get wrong: quotes, backslashes, control characters, non-ASCII,
    no ward or bed."""
    return [
        Patient(mrn='Q"1\\', name="O'Brien, \"Sé\"\tÅsa\n☃", ward=None, bed=None),
        Patient(mrn="Z9", name="Ünïcødé, 名前 \u2028", ward="Ward \\ 7", bed="B\x01"),
    ]


@pytest.mark.parametrize("ward_name", ["demo", "generated"])
@pytest.mark.parametrize("days", [0, -20, 45, 400])
def test_streamed_json_is_the_document_builders_bytes(ward_name, days):
    rules = load_rules()
    ward = build_demo_ward(DAY) if ward_name == "demo" else build_demo_ward(DAY, 300)
    as_of = DAY + timedelta(days=days)
    pairs = report.assess_all(ward + _awkward_patients(), as_of, rules)
    expected = _reference(pairs, as_of, rules)
    assert _streamed(pairs, as_of, rules) == expected
    assert _streamed(list(reversed(pairs)), as_of, rules, chunk=7) == expected  # MRN order, any chunking


def test_the_demo_ward_has_every_state_the_report_can_show():
    """So the byte comparison above covers every branch of the template."""
    rules = load_rules()
    assessed = [a for _, a in report.assess_all(build_demo_ward(DAY), DAY, rules)]
    assert {a.refill.status for a in assessed} == set(A.REFILL_STATUSES)
    assert {a.antifungal.state for a in assessed} == set(A.ANTIFUNGAL_STATES)
    assert {a.reimplant.state for a in assessed} == set(A.REIMPLANT_STATES)
    assert {al.code for a in assessed for al in a.alerts} == set(A.ALERT_CODES)
    assert any(a.reservoir is None for a in assessed) and any(a.reservoir for a in assessed)


def test_values_of_unexpected_types_and_missing_actions_are_written_as_json_dumps_writes_them():
    rules = load_rules()
    pairs = report.assess_all(build_demo_ward(DAY), DAY, rules)
    odd = []
    for p, a in pairs:
        if a.alerts:
            al = dataclasses.replace(a.alerts[0], basis={"k": [1, 2.5, True]}, action=["x", {"y": None}])
            no_action = tuple(dataclasses.replace(x, action=None) for x in a.alerts[1:])
            a = dataclasses.replace(a, alerts=(al,) + no_action)
        odd.append((p, a))
    assert _streamed(odd, DAY, rules) == _reference(odd, DAY, rules)


def test_an_empty_report():
    rules = load_rules()
    assert _streamed([], DAY, rules) == _reference([], DAY, rules)


def _store_reference(db, as_of, **filters) -> bytes:
    from itb_tui.store import open_store

    rules = load_rules()
    with open_store(f"sqlite:///{db}", today=as_of) as store:
        patients = store.load_patients(ward=filters.get("ward"))
    pairs = report.filter_pairs(report.assess_all(patients, as_of, rules), filters.get("only"), rules)
    return _reference(pairs, as_of, rules)


def test_the_command_prints_the_document_builders_bytes(data_dir):
    assert run_cli(data_dir, "demo", "--patients", "60").code == 0
    db = data_dir / "demo.db"
    r = run_cli(data_dir, "--demo", "status", "--json")
    assert r.code == 0 and r.err == ""
    # bytes as written: read them again without text-mode newline handling
    out = run_cli_bytes(data_dir, "--demo", "status", "--json")
    assert out == _store_reference(db, DAY)
    out = run_cli_bytes(data_dir, "--demo", "status", "--json", "--only", "blocked")
    assert out == _store_reference(db, DAY, only="blocked")


def run_cli_bytes(data_dir, *args) -> bytes:
    import subprocess
    import sys

    from cli_runner import env_for

    proc = subprocess.run([sys.executable, "-m", "itb_tui", *args], capture_output=True,
                          env=env_for(data_dir), timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout
