"""`itb-tui export --format csv|xlsx|html|fhir` and `itb-tui import` of a FHIR Bundle, run
as a user runs them: a separate process on the synthetic demo store, pinned to 2026-11-25."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from datetime import date

import pytest
from openpyxl import load_workbook

TODAY = "2026-11-25"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """A private data directory holding the demo store (built once for this module)."""
    data = tmp_path_factory.mktemp("itb-data")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ITB_TUI_")}
    environment.update(ITB_TUI_DATA_DIR=str(data), ITB_TUI_TODAY=TODAY, NO_COLOR="1")
    _run(environment, "--demo", "status")  # builds demo.db on first use
    return environment


def _run(env, *args, check=True):
    result = subprocess.run([sys.executable, "-m", "itb_tui", *args], env=env,
                            capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}: {result.stderr}")
    return result


@pytest.fixture(scope="module")
def status(env):
    document = json.loads(_run(env, "--demo", "status", "--json").stdout)
    return {p["mrn"]: p for p in document["patients"]}


def test_csv_to_stdout_matches_status(env, status):
    out = _run(env, "--demo", "export", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sorted(r["mrn"] for r in rows) == sorted(status)
    for row in rows:
        entry = status[row["mrn"]]
        assert row["refill_status"] == entry["refill"]["status"]
        assert row["refill_reasons"] == "; ".join(entry["refill"]["reasons"])
        assert row["as_of"] == TODAY


def test_csv_only_blocked(env, status):
    out = _run(env, "--demo", "export", "--format", "csv", "--only", "blocked").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    blocked = sorted(m for m, e in status.items() if e["refill"]["status"] == "blocked")
    assert blocked and sorted(r["mrn"] for r in rows) == blocked


def test_xlsx_to_a_private_file(env, status, tmp_path):
    target = tmp_path / "ward.xlsx"
    result = _run(env, "--demo", "export", "--format", "xlsx", "-o", str(target))
    assert f"wrote {target}" in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    wb = load_workbook(target)
    mrns = [row[0] for row in wb["Ward list"].iter_rows(min_row=2, values_only=True)]
    assert sorted(mrns) == sorted(status)
    assert wb["Rules"]["B2"].value.date() == date.fromisoformat(TODAY)


def test_xlsx_without_output_file_is_a_clear_error(env):
    result = _run(env, "--demo", "export", "--format", "xlsx", check=False)
    assert result.returncode != 0 and result.stdout == ""
    assert "xlsx export needs an output file" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_html_round_sheet_for_a_planned_date(env, tmp_path):
    target = tmp_path / "round.html"
    _run(env, "--demo", "export", "--format", "html", "--as-of", "2026-11-30", "-o", str(target))
    text = target.read_text(encoding="utf-8")
    assert "as of <span class=\"as-of\">2026-11-30</span>" in text
    assert "@page { size: A4 landscape;" in text


def test_fhir_export_validates_and_imports_into_a_new_store(env, status, tmp_path):
    from fhir.resources.R4B.bundle import Bundle

    target = tmp_path / "ward.fhir.json"
    _run(env, "--demo", "export", "--format", "fhir", "-o", str(target))
    Bundle.model_validate(json.loads(target.read_text(encoding="utf-8")))
    other = str(tmp_path / "other.db")
    result = _run(env, "--db", other, "import", str(target))
    blocked = sum(1 for e in status.values() if e["refill"]["status"] == "blocked")
    flags = sum(1 for e in json.loads(target.read_text(encoding="utf-8"))["entry"]
                if e["resource"]["resourceType"] == "Flag")
    assert flags >= blocked  # an active Flag per blocked patient, an inactive one per lifted block
    assert f"ignored FHIR resources: Flag {flags}" in result.stdout
    again = json.loads(_run(env, "--db", other, "status", "--json").stdout)
    assert {p["mrn"]: (p["refill"], p["antifungal"], p["reimplant"], p["reservoir"])
            for p in again["patients"]} == \
           {m: (e["refill"], e["antifungal"], e["reimplant"], e["reservoir"])
            for m, e in status.items()}


def test_a_bad_fhir_bundle_imports_nothing(env, tmp_path):
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "p", "name": [{"text": "Test, Tess"}]}}]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bundle))
    other = str(tmp_path / "empty.db")
    result = _run(env, "--db", other, "import", str(path), check=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "Patient/p: identifier: no MRN" in result.stderr
    after = _run(env, "--db", other, "status", "--json", check=False)
    # Nothing imported: either no store was created at all, or it is empty.
    assert ("no store at" in after.stderr if after.returncode
            else json.loads(after.stdout)["patients"] == [])


def test_exports_never_change_the_store(env, tmp_path):
    from itb_tui.store import open_store

    url = "sqlite:///" + os.path.join(env["ITB_TUI_DATA_DIR"], "demo.db")
    with open_store(url, today=date.fromisoformat(TODAY)) as store:
        before = store.data_version()
    for fmt in ("csv", "xlsx", "html", "fhir", "ward-json", "ics"):
        _run(env, "--demo", "export", "--format", fmt, "-o", str(tmp_path / f"x.{fmt}"))
    with open_store(url, today=date.fromisoformat(TODAY)) as store:
        assert store.data_version() == before
