"""`itb-tui import` then `itb-tui status`: the report a script or acceptance check reads."""

from __future__ import annotations

import json

import pytest
from cli_runner import EXAMPLE, run_cli


@pytest.fixture
def imported(data_dir):
    r = run_cli(data_dir, "import", str(EXAMPLE))
    assert r.code == 0, r.err
    return data_dir


def test_import_prints_counts(data_dir):
    r = run_cli(data_dir, "import", str(EXAMPLE))
    assert r.code == 0 and r.err == ""
    assert "3 patients created" in r.out and "12 records created" in r.out
    again = run_cli(data_dir, "import", str(EXAMPLE))
    assert "0 patients created, 0 updated, 3 unchanged" in again.out


def test_status_json_follows_the_format_document(imported):
    r = run_cli(imported, "status", "--json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["as_of"] == "2026-11-10"
    assert isinstance(doc["rules_version"], str) and doc["rules_version"]
    assert [p["mrn"] for p in doc["patients"]] == ["A1001", "B2002", "C3003"]
    a = doc["patients"][0]
    # the example of ward-file-format.md, field for field
    assert a["refill"]["status"] == "blocked" and a["refill"]["reasons"] == ["antifungal_course_open"]
    r0 = a["reservoir"]
    assert {k: r0[k] for k in ("alarm_on", "days_to_alarm", "stable_until", "refill_by", "days_to_refill")} == {
        "alarm_on": "2026-11-18", "days_to_alarm": 8, "stable_until": "2027-04-18",
        "refill_by": "2026-11-18", "days_to_refill": 8}
    af = a["antifungal"]
    assert {k: af[k] for k in ("state", "clearance_on", "required_until", "day", "days_left")} == {
        "state": "in_progress", "clearance_on": "2026-11-04", "required_until": "2026-11-20",
        "day": 4, "days_left": 10}
    assert {k: a["reimplant"][k] for k in ("state", "eligible_on", "days_left")} == {
        "state": "not_applicable", "eligible_on": None, "days_left": None}
    codes = {(al["code"], al["severity"]) for al in a["alerts"]}
    assert ("device_removal_indicated", "critical") in codes
    assert all(set(al) >= {"code", "severity", "text", "source"} and al["text"] and al["source"]
               for al in a["alerts"])
    b, c = doc["patients"][1], doc["patients"][2]
    assert b["refill"] == {**b["refill"], "status": "ok", "reasons": []}
    assert c["refill"]["status"] == "caution" and c["refill"]["reasons"] == ["culture_pending"]


def test_status_json_reservoir_is_null_without_a_pump(data_dir, tmp_path):
    f = tmp_path / "w.json"
    f.write_text(json.dumps({"format": "itb-ward/1", "patients": [{"mrn": "N1", "name": "No, Pump"}]}))
    assert run_cli(data_dir, "import", str(f)).code == 0
    p = json.loads(run_cli(data_dir, "status", "--json").out)["patients"][0]
    assert p["reservoir"] is None and p["refill"] == {**p["refill"], "status": "not_applicable", "reasons": []}


def test_status_text_is_most_urgent_first_with_reasons(imported):
    r = run_cli(imported, "status")
    assert r.code == 0
    assert "as of 2026-11-10" in r.out
    rows = [line for line in r.out.splitlines() if any(m in line for m in ("A1001", "B2002", "C3003"))]
    assert [next(m for m in ("A1001", "B2002", "C3003") if m in line) for line in rows] == ["A1001", "C3003", "B2002"]
    # reasons in the list's words (present/words.py), the codes stay in --json
    assert "✖ BLOCKED course incomplete" in rows[0]
    assert "▲ CAUTION culture pending" in rows[1]
    assert rows[0].rstrip().endswith("‼ 1 explant")  # the headline alert beside the count
    assert "✔ REFILL OK" in rows[2]
    assert "Day 4 of 14" in rows[0] and "2026-11-18 (8d)" in rows[0]
    assert all(len(line) <= 120 for line in r.out.splitlines())
    assert "\x1b[" not in r.out  # no colour codes when not a terminal


@pytest.mark.parametrize("as_of, iso", [("+3d", "2026-11-13"), ("next monday", "2026-11-16"),
                                         ("yesterday", "2026-11-09"), ("2026-12-01", "2026-12-01")])
def test_as_of_relative_forms_are_echoed_as_iso(imported, as_of, iso):
    r = run_cli(imported, "status", "--json", "--as-of", as_of)
    assert json.loads(r.out)["as_of"] == iso
    text = run_cli(imported, "status", "--as-of", as_of)
    assert f"as of {iso}" in text.out.splitlines()[0]


def test_as_of_moves_the_countdowns(imported):
    a = json.loads(run_cli(imported, "status", "--json", "--as-of", "+3d").out)["patients"][0]
    assert a["reservoir"]["days_to_alarm"] == 5 and a["antifungal"]["day"] == 7


def test_only_blocked(imported):
    doc = json.loads(run_cli(imported, "status", "--json", "--only", "blocked").out)
    assert [p["mrn"] for p in doc["patients"]] == ["A1001"]
    text = run_cli(imported, "status", "--only", "blocked").out
    assert "A1001" in text and "B2002" not in text and "C3003" not in text


def test_only_caution_and_due(imported):
    doc = json.loads(run_cli(imported, "status", "--json", "--only", "caution").out)
    assert [p["mrn"] for p in doc["patients"]] == ["C3003"]
    # A1001 must be refilled by 2026-11-18: due once that is 7 days or less away
    assert json.loads(run_cli(imported, "status", "--json", "--only", "due").out)["patients"] == []
    due = json.loads(run_cli(imported, "status", "--json", "--only", "due", "--as-of", "+1d").out)
    assert [p["mrn"] for p in due["patients"]] == ["A1001"]


def test_ward_filter(imported):
    doc = json.loads(run_cli(imported, "status", "--json", "--ward", "Rehab 2").out)
    assert [p["mrn"] for p in doc["patients"]] == ["C3003"]
    doc = json.loads(run_cli(imported, "status", "--json", "--ward", "Neuro 4B").out)
    assert [p["mrn"] for p in doc["patients"]] == ["A1001", "B2002"]


def test_one_patient_by_mrn(imported):
    doc = json.loads(run_cli(imported, "status", "--json", "--mrn", "B2002").out)
    assert [p["mrn"] for p in doc["patients"]] == ["B2002"]


def test_db_option_and_env_select_the_store(imported, tmp_path):
    other = tmp_path / "other.db"
    assert run_cli(imported, "--db", str(other), "import", str(EXAMPLE)).code == 0
    r = run_cli(imported, "--db", str(other), "status", "--json", "--ward", "Rehab 2")
    assert [p["mrn"] for p in json.loads(r.out)["patients"]] == ["C3003"]
    from cli_runner import env_for

    r = run_cli(imported, "status", "--json", env=env_for(imported, ITB_TUI_DB=str(other)))
    assert len(json.loads(r.out)["patients"]) == 3


def test_reading_a_store_that_does_not_exist_is_an_error_not_an_empty_ward(data_dir, tmp_path):
    """A mistyped --db must not report "0 blocked" as if the ward were clear."""
    typo = tmp_path / "wrad.db"
    for command in (["status"], ["status", "--json"], ["export"]):
        r = run_cli(data_dir, "--db", str(typo), *command)
        assert r.code == 1 and r.err.startswith(f"itb-tui: error: no store at {typo}")
        assert len(r.err.splitlines()) == 1
    assert not typo.exists()


def _loaded_after(env, *argv: str) -> list[str]:
    """Run the CLI in-process with `argv`; the heavy top-level packages it imported."""
    import subprocess
    import sys

    code = (
        "import runpy, sys\n"
        f"sys.argv = ['itb-tui', *{list(argv)!r}]\n"
        "try:\n    runpy.run_module('itb_tui', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = {'textual', 'sqlmodel', 'pydantic', 'sqlalchemy', 'openpyxl', 'alembic'}\n"
        "print('LOADED', sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    line = out.stdout.strip().splitlines()[-1]
    assert line.startswith("LOADED "), out.stderr
    return eval(line[len("LOADED "):])


def test_status_does_not_import_textual(imported):
    """status on a current SQLite store reads it with sqlite3 alone (store/reader.py): no
    UI toolkit, spreadsheet library or Alembic, and no SQLAlchemy, SQLModel or pydantic
    either (about a second of start-up they used to cost)."""
    from cli_runner import env_for

    assert _loaded_after(env_for(imported), "status") == []
    assert _loaded_after(env_for(imported), "status", "--json") == []


def test_exports_import_no_orm(imported, tmp_path):
    """`export` on a current SQLite store reads it as status does (reader.load_for_export):
    no SQLAlchemy, SQLModel, pydantic, Alembic or UI toolkit, whatever the format (and,
    since issue 17, no openpyxl for XLSX: exports/xlsx_cells.py writes the workbook)."""
    from cli_runner import env_for

    for fmt in ("csv", "html", "fhir", "ward-json", "xlsx"):
        assert _loaded_after(env_for(imported), "export", "--format", fmt, "-o", str(tmp_path / f"w.{fmt}")) == []


def test_help_and_usage_errors_import_no_database_code(data_dir):
    from cli_runner import env_for

    assert _loaded_after(env_for(data_dir), "--help") == []
    assert _loaded_after(env_for(data_dir), "status", "--only", "nonsense") == []


def test_version(data_dir):
    r = run_cli(data_dir, "--version")
    assert r.code == 0 and r.out.startswith("itb-tui ")


def test_status_does_not_import_password_hashing_or_fuzzy_matching(imported):
    """`status` needs the roles only: the security package imports each name on first use,
    and organism suggestions import difflib when asked (about 10 ms of the 30-patient report)."""
    import subprocess
    import sys

    from cli_runner import env_for

    code = ("import runpy, sys\nsys.argv = ['itb-tui', 'status', '--json']\n"
            "try:\n    runpy.run_module('itb_tui', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print('LOADED', sorted(m for m in ('hashlib', 'difflib', 'itb_tui.security.passwords',"
            " 'itb_tui.security.audit_chain') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env_for(imported))
    assert out.stdout.strip().splitlines()[-1] == "LOADED []", out.stderr
