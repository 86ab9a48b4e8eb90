"""`itb-tui export`: the ward file round trip, files written whole and owner-only."""

from __future__ import annotations

import json
import os
import stat

from cli_runner import EXAMPLE, run_cli


def test_export_import_export_is_identical(data_dir, tmp_path):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    first = tmp_path / "first.json"
    r = run_cli(data_dir, "export", "--format", "ward-json", "-o", str(first))
    assert r.code == 0, r.err
    assert stat.S_IMODE(os.stat(first).st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

    empty = tmp_path / "empty.db"
    r = run_cli(data_dir, "--db", str(empty), "import", str(first))
    assert r.code == 0 and "3 patients created" in r.out
    second = tmp_path / "second.json"
    assert run_cli(data_dir, "--db", str(empty), "export", "-o", str(second)).code == 0
    assert second.read_bytes() == first.read_bytes()

    # the original file's records, as the format document defines them, came through
    original = json.loads(EXAMPLE.read_text())
    exported = json.loads(first.read_text())
    assert exported["format"] == "itb-ward/1"
    assert [p["mrn"] for p in exported["patients"]] == [p["mrn"] for p in original["patients"]]
    pump = exported["patients"][0]["pumps"][0]
    assert pump["refills"][0]["programmer_alarm_on"] == "2026-11-18"
    assert exported["patients"][0]["cultures"][0]["susceptibility"] == {"fluconazole": "R"}


def test_export_to_stdout_is_the_same_ward_file(data_dir, tmp_path):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    out = tmp_path / "f.json"
    run_cli(data_dir, "export", "-o", str(out))
    r = run_cli(data_dir, "export")
    assert r.code == 0 and r.out.encode("utf-8") == out.read_bytes()


def test_export_filters_by_ward_and_status(data_dir):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    doc = json.loads(run_cli(data_dir, "export", "--ward", "Rehab 2").out)
    assert [p["mrn"] for p in doc["patients"]] == ["C3003"]
    doc = json.loads(run_cli(data_dir, "export", "--only", "blocked").out)
    assert [p["mrn"] for p in doc["patients"]] == ["A1001"]


def test_export_overwrites_an_old_file_whole(data_dir, tmp_path):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    target = tmp_path / "ward.json"
    target.write_text("old contents that are much longer than nothing" * 1000)
    assert run_cli(data_dir, "export", "-o", str(target)).code == 0
    assert json.loads(target.read_text())["format"] == "itb-ward/1"


def test_other_formats_go_through_the_exports_module(data_dir, tmp_path):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    target = tmp_path / "ward.csv"
    r = run_cli(data_dir, "export", "--format", "csv", "-o", str(target), "--as-of", "+1d")
    assert r.code == 0, r.err
    text = target.read_text()
    assert "A1001" in text and "C3003" in text


def test_a_fhir_bundle_is_imported_and_ignored_resources_are_counted(data_dir, tmp_path):
    """Import recognises a FHIR Bundle (here: our own FHIR export) and says what it skipped."""
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    bundle = tmp_path / "bundle.json"
    assert run_cli(data_dir, "export", "--format", "fhir", "-o", str(bundle)).code == 0
    other = tmp_path / "from-fhir.db"
    r = run_cli(data_dir, "--db", str(other), "import", str(bundle))
    assert r.code == 0, r.err
    assert "3 patients created" in r.out
    original = json.loads(run_cli(data_dir, "status", "--json").out)
    again = json.loads(run_cli(data_dir, "--db", str(other), "status", "--json").out)
    assert [(p["mrn"], p["refill"]) for p in again["patients"]] == [(p["mrn"], p["refill"]) for p in original["patients"]]


def test_exports_change_nothing_and_check_passes_after_them(data_dir, tmp_path, store_url):
    """Exports read through the read-only reader (no ORM): every format, on SQLite and on
    PostgreSQL, leaves the store exactly as it was (no audit entry, no witness change) and
    `itb-tui check` passes after them."""
    assert run_cli(data_dir, "--db", store_url, "import", str(EXAMPLE)).code == 0
    before = run_cli(data_dir, "--db", store_url, "audit", "verify")
    assert before.code == 0, before.err
    for fmt in ("csv", "xlsx", "html", "fhir", "ward-json"):
        r = run_cli(data_dir, "--db", store_url, "export", "--format", fmt, "-o", str(tmp_path / f"w.{fmt}"))
        assert r.code == 0 and r.err.endswith(f"3 patients ({fmt})\n"), r.err
    r = run_cli(data_dir, "--db", store_url, "export", "--mrn", "A1001", "--format", "csv")
    assert r.code == 0 and "A1001" in r.out
    r = run_cli(data_dir, "--db", store_url, "check")
    assert r.code == 0, r.out + r.err
    assert run_cli(data_dir, "--db", store_url, "audit", "verify").out == before.out


def test_a_file_written_in_pieces_is_whole_or_not_there(tmp_path):
    """ward-json goes to its file patient by patient: a failure while the pieces are made
    leaves the previous file as it was and no temporary file behind."""
    import pytest

    from itb_tui.cli.common import write_file_atomic

    target = tmp_path / "ward.json"
    target.write_bytes(b"previous")

    def pieces():
        yield b"{"
        raise ValueError("cannot write NaN as a JSON number")

    with pytest.raises(ValueError):
        write_file_atomic(str(target), pieces())
    assert target.read_bytes() == b"previous" and sorted(p.name for p in tmp_path.iterdir()) == ["ward.json"]
    write_file_atomic(str(target), iter([b"a", b"b"]))
    assert target.read_bytes() == b"ab" and stat.S_IMODE(os.stat(target).st_mode) == 0o600
