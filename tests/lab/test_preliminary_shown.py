"""A culture whose latest laboratory report is PRELIMINARY says so wherever it is shown
(issue 15 item 3): the detail screen's timeline line, `itb-tui show MRN`, and `status
--json` (`refill.preliminary_results`, only written when there are any). Imported
through `results import` (FHIR), as a laboratory would send it."""

from __future__ import annotations

import json
from datetime import date

import pytest
from cli_runner import run_cli
from fhir_results import positive_report

from itb_tui.clinical.engine import assess
from itb_tui.clinical.records import Culture, Patient
from itb_tui.present.lab_reports import culture_note, preliminary_json, show_lines
from itb_tui.present.show import show_text

WARD = {"format": "itb-ward/1", "patients": [
    {"mrn": "H100", "name": "Lab, Alpha", "dob": "1960-01-01", "ward": "Rehab 2", "bed": "1",
     "pumps": [{"serial": "NGP-P1", "reservoir_ml": 20, "alarm_ml": 2, "implanted_on": "2023-05-01",
                "concentration_ug_ml": 500, "daily_dose_ug": 300}]},
]}


@pytest.fixture
def lab_ward(data_dir, tmp_path):
    """H100 with a preliminary 'Yeast seen' blood culture (accession PY1) from the lab feed."""
    f = tmp_path / "ward.json"
    f.write_text(json.dumps(WARD))
    assert run_cli(data_dir, "import", str(f)).code == 0
    lab = tmp_path / "prelim.json"
    lab.write_text(json.dumps(positive_report(accession="PY1", status="preliminary", text="Yeast seen")))
    assert run_cli(data_dir, "results", "import", str(lab)).code == 0
    return data_dir


def _culture(**kw):
    kw.setdefault("id", 7)
    return Culture(specimen="blood", drawn_on=date(2026, 11, 8), **kw)


def test_only_a_preliminary_result_is_marked_and_a_pending_or_final_one_is_not():
    prelim = _culture(result="positive", organism="Yeast")
    reports = {7: ("PY1", "preliminary")}
    assert culture_note(prelim, reports) == " · preliminary (laboratory report, final to follow)"
    assert culture_note(prelim, {7: ("PY1", "final")}) == ""
    assert culture_note(_culture(result="pending"), reports) == ""  # already says pending
    assert culture_note(prelim, None) == ""
    patient = Patient(mrn="M1", name="N", cultures=(prelim,))
    assert preliminary_json(patient, reports) == [{
        "specimen": "blood", "drawn_on": "2026-11-08", "result": "positive", "organism": "Yeast",
        "accession": "PY1", "report_status": "preliminary"}]
    assert show_lines(patient, reports) == [
        "  ▲ rests on a preliminary laboratory report: blood culture drawn 2026-11-08, positive: Yeast "
        "(accession PY1); the final report may change it"]


def test_status_json_lists_the_preliminary_results_the_refill_rests_on_and_both_writers_agree():
    from itb_tui import report
    from itb_tui.clinical.rules import load_rules

    rules = load_rules()
    patient = Patient(mrn="M1", name="N", cultures=(_culture(result="positive", organism="Yeast"),))
    other = Patient(mrn="M2", name="O")
    as_of = date(2026, 11, 10)
    pairs = [(p, assess(p, as_of, rules)) for p in (patient, other)]
    lab = {"M1": {7: ("PY1", "preliminary")}}
    chunks: list[bytes] = []
    report.write_status_json(pairs, as_of, rules, chunks.append, lab_reports=lab)
    doc = report.status_document(pairs, as_of, rules, lab_reports=lab)
    assert b"".join(chunks).decode() == json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    first, second = doc["patients"]
    assert first["refill"]["preliminary_results"][0]["report_status"] == "preliminary"
    assert "preliminary_results" not in second["refill"]  # added only where there is one
    # Without lab reports the report is byte for byte what it was (the contract's fields only).
    plain: list[bytes] = []
    report.write_status_json(pairs, as_of, rules, plain.append)
    assert b"preliminary" not in b"".join(plain)


def test_show_and_status_json_say_preliminary_after_a_fhir_import(lab_ward):
    shown = run_cli(lab_ward, "show", "H100")
    assert shown.code == 0, shown.err
    assert "rests on a preliminary laboratory report: blood culture drawn 2026-11-08, positive: Yeast " \
           "(accession PY1)" in shown.out
    doc = json.loads(run_cli(lab_ward, "status", "--json").out)
    (p,) = doc["patients"]
    assert p["refill"]["status"] == "blocked"
    assert [(r["accession"], r["report_status"], r["organism"]) for r in p["refill"]["preliminary_results"]] == [
        ("PY1", "preliminary", "Yeast")]
    final = lab_ward.parent / "final.json"
    final.write_text(json.dumps(positive_report(accession="PY1", status="final", text="Candida albicans")))
    assert run_cli(lab_ward, "results", "import", str(final)).code == 0
    assert "preliminary" not in run_cli(lab_ward, "show", "H100").out
    assert "preliminary_results" not in run_cli(lab_ward, "status", "--json").out


async def test_the_detail_timeline_says_preliminary(lab_ward):
    from detail_helpers import open_detail
    from shell_helpers import SIZE, make_app, screen_text, settle

    from itb_tui.store import open_store
    from itb_tui.ui.widgets.detail_timeline import Timeline

    store = open_store(f"sqlite:///{lab_ward}/ward.db", today=date(2026, 11, 10))
    try:
        app = make_app(store, today=date(2026, 11, 10))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            detail = await open_detail(pilot, "H100")
            await settle(pilot)
            row = next(e for e in detail.query_one(Timeline).entries if e.kind == "culture")
            assert row.details == "POSITIVE: Yeast · preliminary (laboratory report, final to follow)"
            assert "preliminary" in screen_text(app)  # on screen, not only in the model
    finally:
        store.close()


def test_show_without_lab_reports_is_unchanged():
    from itb_tui.clinical.rules import load_rules

    rules = load_rules()
    patient = Patient(mrn="M1", name="N", cultures=(_culture(result="positive", organism="Yeast"),))
    a = assess(patient, date(2026, 11, 10), rules)
    assert show_text(patient, a, "r") == show_text(patient, a, "r", lab_reports={})
    assert "preliminary" not in show_text(patient, a, "r")
