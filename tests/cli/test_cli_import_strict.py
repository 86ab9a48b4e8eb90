"""`itb-tui import` as strict as the forms (issue 14, items 1 and 7): a file that changes
a final culture result is refused unless run as a correction with a reason; duplicate
JSON keys, MRNs that differ only in case or spaces, two refills on one date and
implausible numbers are refused, and nothing is imported.

Dates (TODAY 2026-11-10): F1's Candida blood culture is drawn 2026-11-08 with no later
clearance, so refill is blocked for fungemia; the file's no_growth would lift it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import dump_db, run_cli

PUMP = {"serial": "NGP-F1", "reservoir_ml": 20, "alarm_ml": 2, "implanted_on": "2023-05-01",
        "concentration_ug_ml": 500, "daily_dose_ug": 300}
POSITIVE = {"specimen": "blood", "drawn_on": "2026-11-08", "result": "positive",
            "organism": "Candida albicans"}


def _patient(**changes) -> dict:
    return {"mrn": "F1", "name": "Fung, Emia", "pumps": [PUMP], "cultures": [POSITIVE], **changes}


def _file(tmp_path: Path, patients, name="w.json", raw: str | None = None) -> Path:
    f = tmp_path / name
    f.write_text(raw if raw is not None else json.dumps({"format": "itb-ward/1", "patients": patients}))
    return f


@pytest.fixture
def ward(data_dir, tmp_path):
    assert run_cli(data_dir, "import", str(_file(tmp_path, [_patient()], "first.json"))).code == 0
    return data_dir


def _status(data_dir) -> dict:
    report = json.loads(run_cli(data_dir, "status", "--json").out)
    return {p["mrn"]: p["refill"]["status"] for p in report["patients"]}


NO_GROWTH = {"specimen": "blood", "drawn_on": "2026-11-08", "result": "no_growth"}


def test_an_import_that_turns_a_positive_culture_into_no_growth_is_refused(ward, tmp_path):
    db = ward / "ward.db"
    before = dump_db(db)
    r = run_cli(ward, "import", str(_file(tmp_path, [_patient(cultures=[NO_GROWTH])])))
    assert r.code == 1 and "nothing was imported" in r.err
    assert ("F1: cultures (blood drawn 2026-11-08): the file corrects a final result: positive: Candida "
            "albicans -> no growth (this lifts the refill block: fungemia)") in r.err
    assert "--correction-reason" in r.err
    assert dump_db(db) == before and _status(ward) == {"F1": "blocked"}


def test_with_a_reason_it_is_a_correction_and_the_earlier_value_is_kept(ward, tmp_path):
    f = _file(tmp_path, [_patient(cultures=[NO_GROWTH])])
    r = run_cli(ward, "import", str(f), "--correction-reason", "laboratory corrected report 2026-11-09")
    assert r.code == 0, r.err
    assert _status(ward) == {"F1": "ok"}
    from itb_tui.store import open_store

    with open_store(f"sqlite:///{ward / 'ward.db'}") as store:
        [past] = next(iter(store.culture_corrections("F1").values()))
        entry = [e for e in store.audit_trail("F1") if e.table == "cultures"][-1]
    assert (past.was, past.reason) == ("positive: Candida albicans", "laboratory corrected report 2026-11-09")
    assert entry.before["result"] == "positive" and entry.after["lifts_refill_block"] == ["fungemia"]


def test_a_too_short_correction_reason_is_refused(ward, tmp_path):
    r = run_cli(ward, "import", str(_file(tmp_path, [_patient(cultures=[NO_GROWTH])])), "--correction-reason", "ok")
    assert r.code == 1 and _status(ward) == {"F1": "blocked"}


# --- item 7: import as strict as the forms --------------------------------------------------

def test_duplicate_json_keys_are_refused_by_path(ward, tmp_path):
    raw = ('{"format": "itb-ward/1", "patients": [{"mrn": "F1", "mrn": "F2", "name": "Two, Keys", '
           '"pumps": [{"serial": "S", "serial": "T"}]}]}')
    before = dump_db(ward / "ward.db")
    r = run_cli(ward, "import", str(_file(tmp_path, None, raw=raw)))
    assert r.code == 1 and "2 keys given twice, nothing was imported" in r.err
    assert "patients[0].mrn: appears more than once" in r.err
    assert "patients[0].pumps[0].serial: appears more than once" in r.err
    assert dump_db(ward / "ward.db") == before


def test_an_mrn_differing_only_in_case_or_spaces_from_one_on_file_is_refused_naming_both(ward, tmp_path):
    before = dump_db(ward / "ward.db")
    r = run_cli(ward, "import", str(_file(tmp_path, [_patient(mrn="f1")])))
    assert r.code == 1
    assert "f1: mrn: clashes with patient F1 already on file" in r.err
    assert dump_db(ward / "ward.db") == before


def test_mrns_differing_only_in_case_within_a_file_are_refused(data_dir, tmp_path):
    r = run_cli(data_dir, "import", str(_file(tmp_path, [_patient(), _patient(mrn="f1")])))
    assert r.code == 1 and "f1: mrn: clashes with F1 (patients[0], patients[1])" in r.err


def test_two_refills_on_one_date_are_refused(data_dir, tmp_path):
    pump = dict(PUMP, refills=[{"on": "2026-10-20", "volume_ml": 18}, {"on": "2026-10-20", "volume_ml": 2}])
    r = run_cli(data_dir, "import", str(_file(tmp_path, [_patient(pumps=[pump], cultures=[])])))
    assert r.code == 1
    assert ("F1: pumps[0].refills[1].on: a refill on 2026-10-20 is already recorded for this pump "
            "(refills[0]); one refill a day") in r.err


@pytest.mark.parametrize("field, value, words", [
    ("weight_kg", 5e-324, "F1: weight_kg: must be between 1 and 500 kg"),
    ("weight_kg", 0.2, "F1: weight_kg: must be between 1 and 500 kg"),
])
def test_an_implausible_weight_is_refused_with_the_range(data_dir, tmp_path, field, value, words):
    r = run_cli(data_dir, "import", str(_file(tmp_path, [_patient(**{field: value}, cultures=[])])))
    assert r.code == 1 and words in r.err
