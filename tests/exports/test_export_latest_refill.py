"""CSV, XLSX and HTML exports read each pump with only the refill the engine uses on the
export's date (as `status` does, store/reader.AssessingReads): they write the assessment
and the patient's name, MRN, ward and bed, never the history, so the files must be
exactly those of the whole history, for past, present and future dates. The ward file
and FHIR still read every refill."""

from __future__ import annotations

import io
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from itb_tui import cli, report
from itb_tui.clinical.records import Patient, Pump
from itb_tui.clinical.rules import load_rules
from itb_tui.demo import build_demo_ward
from itb_tui.exports import ASSESSMENT_ONLY_FORMATS, render_export
from itb_tui.store import loader, open_store
from itb_tui.store.reader import open_reader

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ holds the realistic patient generator
    sys.path.insert(0, str(ROOT))

from bench.synthetic import synthetic_hospital  # noqa: E402

TODAY = date(2026, 11, 25)
RULES = load_rules()
STAMP = datetime(2026, 11, 25, 7, 0, tzinfo=timezone.utc)
DATES = [TODAY - timedelta(days=400), TODAY - timedelta(days=30), TODAY, TODAY + timedelta(days=20),
         TODAY + timedelta(days=200)]


def latest_only(patient: Patient, as_of: date) -> Patient:
    def cut(pump: Pump) -> Pump:
        known = [(r.on, r.id or 0, r) for r in pump.refills if r.on <= as_of]
        return replace(pump, refills=(max(known, key=lambda k: k[:2])[2],) if known else ())

    return replace(patient, pumps=tuple(cut(p) for p in patient.pumps))


def _content(fmt: str, data: bytes):
    """The file's content: XLSX as its cells (the zip carries its own write time)."""
    if fmt != "xlsx":
        return data
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return [[c.value for c in row] for sheet in book for row in sheet.iter_rows()]


@pytest.fixture(scope="module")
def ward() -> list[Patient]:
    return build_demo_ward(TODAY) + list(synthetic_hospital(60, TODAY))


@pytest.mark.parametrize("fmt", ASSESSMENT_ONLY_FORMATS)
def test_one_refill_per_pump_writes_the_same_file_as_the_whole_history(ward, fmt):
    assert sum(len(pu.refills) for p in ward for pu in p.pumps) > 3 * sum(len(p.pumps) for p in ward)
    for as_of in DATES:
        full = render_export(fmt, report.assess_all(ward, as_of, RULES), as_of=as_of, rules=RULES,
                             generated_at=STAMP)
        cut = render_export(fmt, report.assess_all([latest_only(p, as_of) for p in ward], as_of, RULES),
                            as_of=as_of, rules=RULES, generated_at=STAMP)
        assert _content(fmt, cut) == _content(fmt, full), (fmt, as_of)


def test_the_command_takes_the_one_refill_read_only_for_those_formats(ward, tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path}/store/ward.db"
    store = open_store(url, today=TODAY)
    store.import_patients(ward, "tester")
    full = store.load_for_export()
    store.close()
    with open_reader(url) as reader:
        for as_of in DATES:
            got = reader.for_assessing_on(as_of).load_for_export(ward="Neuro 4B")
            assert repr(got) == repr([latest_only(p, as_of) for p in full if p.ward == "Neuro 4B"])
    calls = []
    real = loader.load_dbapi

    def spy(*a, **kw):
        calls.append(kw.get("latest_refill_as_of"))
        return real(*a, **kw)

    monkeypatch.setattr(loader, "load_dbapi", spy)
    monkeypatch.setenv("ITB_TUI_TODAY", TODAY.isoformat())
    as_of = DATES[1]
    for fmt, expected in (("csv", as_of), ("xlsx", as_of), ("html", as_of), ("fhir", None), ("ward-json", None)):
        calls.clear()
        out = tmp_path / f"w.{fmt}"
        assert cli.main(["--db", url, "export", "--format", fmt, "--as-of", as_of.isoformat(), "-o", str(out)]) == 0
        assert calls == [expected], fmt
    capsys.readouterr()
