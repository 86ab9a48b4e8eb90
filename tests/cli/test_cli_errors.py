"""Every error a user can cause: exit status 1 (2 for usage), one clear line on stderr
(invalid records: a line each), never a traceback, and the database unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import EXAMPLE, dump_db, env_for, run_cli


@pytest.fixture
def ward(data_dir):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    return data_dir


def _assert_clean_failure(r, *, lines: int | None = 1, code: int = 1) -> str:
    assert r.code == code, (r.code, r.out, r.err)
    assert "Traceback" not in r.err and "internal error" not in r.err
    if lines is not None:
        assert len(r.err_lines) == lines, r.err
    assert r.err_lines[0].startswith("itb-tui: error: ")
    return r.err_lines[0]


def _ward_file(tmp_path: Path, patients: list[dict], name="w.json") -> Path:
    f = tmp_path / name
    f.write_text(json.dumps({"format": "itb-ward/1", "patients": patients}))
    return f


def test_missing_file(ward):
    db = ward / "ward.db"
    before = dump_db(db)
    line = _assert_clean_failure(run_cli(ward, "import", "/no/such/ward.json"))
    assert "cannot read /no/such/ward.json: no such file" in line
    assert dump_db(db) == before


def test_a_directory_instead_of_a_file(ward, tmp_path):
    line = _assert_clean_failure(run_cli(ward, "import", str(tmp_path)))
    assert "is a directory" in line


def test_bad_json_names_line_and_column(ward, tmp_path):
    db = ward / "ward.db"
    before = dump_db(db)
    f = tmp_path / "bad.json"
    f.write_text('{\n  "format": "itb-ward/1",\n  "patients": [,]\n}\n')
    line = _assert_clean_failure(run_cli(ward, "import", str(f)))
    assert "invalid JSON at line 3, column" in line
    assert dump_db(db) == before


def test_not_utf8(ward, tmp_path):
    f = tmp_path / "latin1.json"
    f.write_bytes('{"format": "itb-ward/1", "patients": [{"mrn": "X", "name": "M\xfcller"}]}'.encode("latin-1"))
    assert "not UTF-8" in _assert_clean_failure(run_cli(ward, "import", str(f)))


def test_invalid_records_are_all_listed_by_mrn_and_path_and_nothing_is_imported(ward, tmp_path):
    db = ward / "ward.db"
    before = dump_db(db)
    original = json.loads(EXAMPLE.read_text())["patients"]
    good_change = dict(original[1], name="Renamed, Should Not Stick")
    bad1 = {"mrn": "Z1", "name": "Bad, One", "pumps": [{
        "serial": "S1", "reservoir_ml": 20, "alarm_ml": 2, "implanted_on": "2024-01-01",
        "concentration_ug_ml": 500, "daily_dose_ug": 300,
        "refills": [{"on": "2026-11-01", "volume_ml": 25}]}]}
    bad2 = {"mrn": "Z2", "name": "Bad, Two", "cultures": [{"specimen": "blood", "drawn_on": "2026-12-01",
                                                           "result": "pending"}]}
    f = _ward_file(tmp_path, [good_change, bad1, bad2])
    r = run_cli(ward, "import", str(f))
    _assert_clean_failure(r, lines=None)
    assert "nothing was imported" in r.err_lines[0]
    details = r.err_lines[1:]
    assert any(d.strip().startswith("Z1: pumps[0].refills[0].volume_ml") for d in details), r.err
    assert any(d.strip().startswith("Z2: cultures[0].drawn_on") for d in details), r.err
    assert dump_db(db) == before


def test_a_file_that_would_break_stored_records_is_refused_whole(ward, tmp_path):
    """B2002's stored refill is 40 mL; a file shrinking the reservoir to 20 mL (and not
    carrying the refill) would leave an impossible record: nothing is imported."""
    db = ward / "ward.db"
    before = dump_db(db)
    b = json.loads(EXAMPLE.read_text())["patients"][1]
    b["pumps"][0]["reservoir_ml"] = 20
    b["pumps"][0]["refills"] = []
    r = run_cli(ward, "import", str(_ward_file(tmp_path, [b])))
    _assert_clean_failure(r, lines=None)
    assert any("B2002: pumps[0].refills[0].volume_ml" in d for d in r.err_lines[1:]), r.err
    assert dump_db(db) == before


@pytest.mark.parametrize("command", [["status"], ["status", "--json"], ["export"]])
def test_bad_as_of_date(ward, command):
    db = ward / "ward.db"
    before = dump_db(db)
    line = _assert_clean_failure(run_cli(ward, *command, "--as-of", "someday"))
    assert line == ("itb-tui: error: invalid date 'someday': use YYYY-MM-DD, today, +3d "
                    "or a weekday like 'next monday'")
    assert dump_db(db) == before


def test_bad_pinned_today(ward):
    r = run_cli(ward, "status", env=env_for(ward, ITB_TUI_TODAY="11/10/2026"))
    assert "ITB_TUI_TODAY" in _assert_clean_failure(r)


def test_unknown_mrn(ward):
    assert "no patient with MRN 'NOPE'" in _assert_clean_failure(run_cli(ward, "status", "--mrn", "NOPE"))


def test_unknown_ward_lists_the_known_ones(ward):
    line = _assert_clean_failure(run_cli(ward, "status", "--ward", "Ward 99"))
    assert "'Ward 99'" in line and "Neuro 4B" in line and "Rehab 2" in line


@pytest.mark.parametrize("db_arg, words", [
    ("postgresql+psycopg://ward:hunter22@127.0.0.1:1/itb", "cannot open database"),
    ("nosuchdb://x/y", "unsupported database URL"),
])
def test_unreachable_or_unknown_database(data_dir, db_arg, words):
    for command in (["status"], ["status", "--json"], ["import", str(EXAMPLE)], ["export"]):
        line = _assert_clean_failure(run_cli(data_dir, "--db", db_arg, *command))
        assert words in line and "hunter22" not in line


def test_a_database_path_that_cannot_be_created(data_dir, tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    line = _assert_clean_failure(run_cli(data_dir, "--db", str(blocker / "ward.db"), "import", str(EXAMPLE)))
    assert "cannot create database" in line


def test_a_file_that_is_not_a_database(data_dir, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n" * 50)
    before = notes.read_bytes()
    line = _assert_clean_failure(run_cli(data_dir, "--db", str(notes), "import", str(EXAMPLE)))
    assert "not a database" in line
    assert notes.read_bytes() == before


def test_the_tui_is_not_started_on_a_store_that_cannot_be_opened(data_dir, tmp_path):
    line = _assert_clean_failure(run_cli(data_dir, "--db", str(tmp_path), timeout=60))
    assert "directory" in line


def test_export_to_a_missing_directory(ward, tmp_path):
    line = _assert_clean_failure(run_cli(ward, "export", "-o", str(tmp_path / "nodir" / "x.json")))
    assert "does not exist" in line


def test_export_xlsx_to_the_terminal_is_refused(ward):
    line = _assert_clean_failure(run_cli(ward, "export", "--format", "xlsx"))
    assert "xlsx" in line


def test_unknown_format_is_a_usage_error(ward):
    r = run_cli(ward, "export", "--format", "docx")
    assert r.code == 2 and "Traceback" not in r.err and "invalid choice" in r.err


def test_an_invalid_fhir_bundle(ward, tmp_path):
    db = ward / "ward.db"
    before = dump_db(db)
    f = tmp_path / "bundle.json"
    f.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": "not a list"}))
    r = run_cli(ward, "import", str(f))
    _assert_clean_failure(r, lines=None)
    assert "nothing was imported" in r.err_lines[0]
    assert dump_db(db) == before


def test_an_unexpected_failure_is_one_line_saying_nothing_changed(monkeypatch, capsys):
    """The last line of defence: a bug still never shows a traceback."""
    from itb_tui import cli

    def boom(args):
        raise RuntimeError("simulated bug\nsecond line")

    monkeypatch.setitem(cli.COMMANDS, "status", boom)
    assert cli.main(["status"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("itb-tui: error: internal error: RuntimeError: simulated bug second line")
    assert err.rstrip().endswith("nothing was changed")


@pytest.mark.parametrize("args", [
    ("status", "--mrn", "A\udcff"),
    ("status", "--json", "--ward", "Neuro\udcff"),
    ("export", "--format", "csv", "--mrn", "A\udcff"),
])
def test_an_argument_that_is_not_utf8_is_refused_by_name(ward, args):
    """A terminal set to another encoding sends bytes Python cannot read as text (they
    arrive as lone surrogates): one clear line naming the option, not an internal error."""
    db = ward / "ward.db"
    before = dump_db(db)
    line = _assert_clean_failure(run_cli(ward, *args))
    assert f"--{args[-2].lstrip('-')} " in line and "is not valid UTF-8 text" in line
    assert dump_db(db) == before
