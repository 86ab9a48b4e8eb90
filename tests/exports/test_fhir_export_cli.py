"""`itb-tui export --format fhir` with what only the store knows (issue 15): the lab's
report status of each culture and the day the weight was recorded, gathered by the
command line (exports/fhir_context.py) so the export never opens the store; and
`--bundle transaction` end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timezone
from decimal import Decimal
from types import SimpleNamespace

from fhir.resources.R4B.bundle import Bundle

from itb_tui.exports.fhir_context import fhir_options
from itb_tui.clinical.engine import assess
from itb_tui.clinical.records import Culture, Patient, Pump
from itb_tui.formats.fhir.write import render

TODAY = date(2026, 11, 10)


def _patient():
    pump = Pump(serial="NGP9", manufacturer=None, model=None, reservoir_ml=Decimal("20"),
                alarm_ml=Decimal("2.0"), implanted_on=date(2024, 1, 5), removed_on=None,
                removal_reason=None, concentration_ug_ml=Decimal("500"), daily_dose_ug=Decimal("300"))
    return Patient(mrn="L1", name="Lab, Test", dob=date(1980, 1, 15), weight_kg=Decimal("70"),
                   pumps=(pump,), cultures=(Culture("blood", date(2026, 11, 1), "no_growth"),))


def _observations(store, rules, **extra):
    patients = store.load_for_export()
    options = fhir_options(store, patients, "collection")
    options.update(extra)
    pairs = [(p, assess(p, TODAY, rules)) for p in patients]
    data = json.loads(render(pairs, as_of=TODAY, rules=rules,
                             generated_at=datetime(2026, 11, 10, tzinfo=timezone.utc), **options))
    Bundle.model_validate(data)
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Observation"]


def test_preliminary_lab_report_and_weight_date_reach_the_export(tmp_path, rules):
    from itb_tui.store import open_store

    with open_store(f"sqlite:///{tmp_path}/ward.db", today=TODAY, rules=rules) as store:
        store.import_patients([_patient()], "tester")
        yeast = Culture("blood", date(2026, 11, 8), "positive", "Candida albicans")
        out = store.apply_lab_message(
            mrn="L1", dob=date(1980, 1, 15), control_id="MSG1", raw="synthetic", source="test",
            actor="lab feed (tester)",
            reports=[SimpleNamespace(accession="ACC9", status="preliminary", culture=yeast)])
        assert out.outcome != "quarantined", out
        observations = _observations(store, rules)
    by_day = {o["effectiveDateTime"]: o for o in observations if o["code"]["text"] != "Body weight"}
    assert by_day["2026-11-08"]["status"] == "preliminary"  # "yeast seen": not final yet
    assert by_day["2026-11-01"]["status"] == "final"  # entered on the ward
    (weight,) = [o for o in observations if o["code"]["text"] == "Body weight"]
    assert weight["effectiveDateTime"] == date.today().isoformat()  # recorded by the import now


def test_export_bundle_transaction_from_the_command_line_imports_back(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ITB_TUI_")}
    env.update(ITB_TUI_DATA_DIR=str(data_dir), ITB_TUI_TODAY="2026-11-25", NO_COLOR="1")

    def run(*args):
        result = subprocess.run([sys.executable, "-m", "itb_tui", *args], env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        return result

    target = tmp_path / "tx.json"
    run("--demo", "export", "--format", "fhir", "--bundle", "transaction", "-o", str(target))
    data = json.loads(target.read_text(encoding="utf-8"))
    assert Bundle.model_validate(data).type == "transaction"
    assert all("request" in e for e in data["entry"])
    again = tmp_path / "tx2.json"
    run("--demo", "export", "--format", "fhir", "--bundle", "transaction", "-o", str(again))
    second = json.loads(again.read_text(encoding="utf-8"))
    assert [e["fullUrl"] for e in data["entry"]] == [e["fullUrl"] for e in second["entry"]]
    result = run("--db", str(tmp_path / "other.db"), "import", str(target))
    assert "patients created" in result.stdout


def test_a_fhir_export_process_leaves_its_file_and_its_log_whole(tmp_path):
    """A FHIR export run as its own process (the collector paused to its end, as
    status): what it wrote is all there, the Bundle complete and the log's last line
    (written as the command ends) on disk."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ITB_TUI_")}
    env.update(ITB_TUI_DATA_DIR=str(tmp_path / "data"), ITB_TUI_TODAY="2026-11-25", NO_COLOR="1",
               XDG_STATE_HOME=str(tmp_path / "state"))
    (tmp_path / "data").mkdir()
    target = tmp_path / "ward.json"
    result = subprocess.run([sys.executable, "-m", "itb_tui", "--demo", "export", "--format", "fhir",
                             "-o", str(target)], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    count = int(result.stderr.split(": ")[1].split()[0])  # "wrote PATH: N patients (fhir)"
    data = json.loads(target.read_text(encoding="utf-8"))
    patients = [e for e in data["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert count > 0 and len(patients) == count
    log = (tmp_path / "state" / "itb-tui" / "itb-tui.log").read_text(encoding="utf-8").splitlines()
    assert "stop: command export, exit status 0" in log[-1]
