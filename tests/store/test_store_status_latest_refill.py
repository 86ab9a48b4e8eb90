"""`itb-tui status` loads one refill per pump (the latest on or before the list date) instead
of the whole history; what it prints must be exactly what the full history gives, on
SQLite and PostgreSQL, for past, present and future list dates."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from store_fixtures import TODAY

from itb_tui import cli, report
from itb_tui.clinical.records import Patient, Pump
from itb_tui.clinical.rules import load_rules
from itb_tui.demo import build_demo_ward
from itb_tui.store import loader
from itb_tui.store import schema as s
from itb_tui.store.reader import open_reader

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ holds the realistic patient generator
    sys.path.insert(0, str(ROOT))

from bench.synthetic import synthetic_hospital  # noqa: E402

RULES = load_rules()
DATES = [TODAY - timedelta(days=400), TODAY - timedelta(days=30), TODAY, TODAY + timedelta(days=20),
         TODAY + timedelta(days=200)]


def latest_only(patient: Patient, as_of: date) -> Patient:
    """What the status load should give: each pump with only its latest refill on or before
    as_of, of several on that day the last entered (a full load lists them by id)."""
    def cut(pump: Pump) -> Pump:
        known = [(r.on, r.id, r) for r in pump.refills if r.on <= as_of]
        return replace(pump, refills=(max(known, key=lambda k: k[:2])[2],) if known else ())

    return replace(patient, pumps=tuple(cut(p) for p in patient.pumps))


def _implanted_with_refills(patients: list[Patient], count: int) -> list[Patient]:
    return [p for p in patients if any(pu.removed_on is None and len(pu.refills) >= 3 for pu in p.pumps)][:count]


@pytest.fixture
def clinic(store):
    """The demo ward and 40 patients with years of refills, plus the refill histories that
    could trip a one-refill query: a duplicate entry on the latest refill's day, a
    back-dated refill entered after later ones, a struck-out latest refill, a struck-out pump."""
    store.import_patients(build_demo_ward(TODAY) + list(synthetic_hospital(40, TODAY)), "tester")
    tie, backdated, struck, pump_struck = _implanted_with_refills(store.load_patients(), 4)

    def live_pump(p: Patient) -> Pump:
        return next(pu for pu in p.pumps if pu.removed_on is None and len(pu.refills) >= 3)

    with store.engine.begin() as conn:
        last = max(live_pump(tie).refills, key=lambda r: r.on)
        conn.execute(s.refills.insert().values(pump_id=live_pump(tie).id, refilled_on=last.on,
                                               volume_ml=Decimal("3.5"), programmer_alarm_on=None))
        days = sorted(r.on for r in live_pump(backdated).refills)
        conn.execute(s.refills.insert().values(pump_id=live_pump(backdated).id,
                                               refilled_on=days[-2] + timedelta(days=1),
                                               volume_ml=Decimal("4"), programmer_alarm_on=None))
    latest = max(live_pump(struck).refills, key=lambda r: r.on)
    store.mark_entered_in_error("refill", latest.id, "entered on the wrong pump", "tester")
    store.mark_entered_in_error("pump", live_pump(pump_struck).id, "another patient's pump", "tester")
    clinic = {"tie": (tie.mrn, last.on), "backdated": (backdated.mrn, days[-2] + timedelta(days=1)),
              "struck": (struck.mrn, latest.on)}
    return store, clinic


def _status(capsysbinary, monkeypatch, url: str, *args: str) -> tuple[bytes, list]:
    """`itb-tui --db URL status ARGS` in this process: its stdout and the refill option of
    every load it made (to prove the one-refill path was taken)."""
    calls = []
    real = loader.load_dbapi

    def spy(*a, **kw):
        calls.append(kw.get("latest_refill_as_of"))
        return real(*a, **kw)

    monkeypatch.setattr(loader, "load_dbapi", spy)
    monkeypatch.setenv("ITB_TUI_TODAY", TODAY.isoformat())
    capsysbinary.readouterr()
    assert cli.main(["--db", url, "status", *args]) == 0
    out = capsysbinary.readouterr().out
    monkeypatch.setattr(loader, "load_dbapi", real)
    return out, calls


def _reference_json(patients: list[Patient], as_of: date) -> bytes:
    doc = report.status_document(report.assess_all(patients, as_of, RULES), as_of, RULES)
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def test_the_status_load_gives_each_pump_the_refill_the_engine_uses(clinic, store_url):
    store, edge = clinic
    full = store.load_patients()
    with open_reader(store_url) as reader:
        for as_of in DATES + [on for _, on in edge.values()]:
            got = reader.for_assessing_on(as_of).load_patients()
            assert repr(got) == repr([latest_only(p, as_of) for p in full]), as_of
            assert repr(reader.for_assessing_on(as_of).load_patients("Neuro 4B")) == repr(
                [latest_only(p, as_of) for p in full if p.ward == "Neuro 4B"])
        # the edge cases really are in the store, and picked as the engine picks them
        tie_mrn, tie_day = edge["tie"]
        [tied] = [p for p in reader.for_assessing_on(tie_day).load_patients() if p.mrn == tie_mrn]
        assert [r.volume_ml for pu in tied.pumps for r in pu.refills if r.on == tie_day] == [Decimal("3.5")]
        struck_mrn, struck_day = edge["struck"]
        kept = reader.for_assessing_on(struck_day).get_patient(struck_mrn)
        assert kept is not None and all(r.on < struck_day for pu in kept.pumps for r in pu.refills)
    assert sum(len(pu.refills) for p in full for pu in p.pumps) > 3 * sum(len(p.pumps) for p in full)


@pytest.mark.parametrize("as_of", DATES, ids=lambda d: d.isoformat())
def test_status_json_is_byte_for_byte_the_full_history_report(clinic, store_url, capsysbinary, monkeypatch, as_of):
    store, _ = clinic
    out, calls = _status(capsysbinary, monkeypatch, store_url, "--json", "--as-of", as_of.isoformat())
    assert calls == [as_of]  # one load, one refill per pump
    assert out == _reference_json(store.load_patients(), as_of)


def test_status_json_for_a_ward_or_a_patient_and_the_table_match_the_full_history(
        clinic, store_url, capsysbinary, monkeypatch):
    store, edge = clinic
    full = store.load_patients()
    for mrn, day in edge.values():
        out, calls = _status(capsysbinary, monkeypatch, store_url, "--json", "--mrn", mrn, "--as-of", day.isoformat())
        assert calls == [day] and out == _reference_json([p for p in full if p.mrn == mrn], day)
    out, calls = _status(capsysbinary, monkeypatch, store_url, "--json", "--ward", "Neuro 4B")
    assert calls == [TODAY] and out == _reference_json([p for p in full if p.ward == "Neuro 4B"], TODAY)

    as_of = TODAY + timedelta(days=20)
    out, calls = _status(capsysbinary, monkeypatch, store_url, "--as-of", as_of.isoformat())
    pairs = report.assess_all(full, as_of, RULES)
    expected = report.summary_line(pairs, as_of, RULES) + "\n\n" + report.format_table(pairs, as_of)
    assert calls == [as_of] and out.decode("utf-8") == expected
