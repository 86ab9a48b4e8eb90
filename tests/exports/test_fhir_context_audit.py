"""The FHIR export's facts from the trail (exports/fhir_context.py) are read narrowly: only
the audit entries of the patients and cultures tables (`audit_entries`), never the whole
trail (`audit_trail`), from the writable Store as from the read-only reader (issue 17:
at 10,000 patients the trail holds every change ever made, notes, reviews and logins).

Synthetic patient L2 (as of 2026-11-10): weight 70 kg set by the import; a blood culture
of 2026-11-01 recorded no growth on the ward, then corrected by a clinician to positive
(Candida albicans) with a reason: the export says "corrected" for it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from itb_tui.clinical.records import Culture, Patient, Pump
from itb_tui.exports.fhir_context import fhir_options
from itb_tui.store import open_store
from itb_tui.store.reader import open_reader

TODAY = date(2026, 11, 10)


def _patient() -> Patient:
    pump = Pump(serial="NGP8", manufacturer=None, model=None, reservoir_ml=Decimal("20"),
                alarm_ml=Decimal("2.0"), implanted_on=date(2024, 1, 5), removed_on=None,
                removal_reason=None, concentration_ug_ml=Decimal("500"), daily_dose_ug=Decimal("300"))
    return Patient(mrn="L2", name="Trail, Test", dob=date(1980, 1, 15), weight_kg=Decimal("70"),
                   pumps=(pump,), cultures=(Culture("blood", date(2026, 11, 1), "no_growth"),))


def _filled(url: str):
    store = open_store(url, today=TODAY)
    store.import_patients([_patient()], "tester")
    culture = store.get_patient("L2").cultures[0]
    store.update_culture(culture.id, replace(culture, result="positive", organism="Candida albicans"),
                         "os:dr", reason="laboratory corrected report: bottle mislabelled")
    store.add_note("L2", "Weigh again on Friday", "os:nurse")  # an entry the export needs not read
    return store, culture.id


def test_the_store_gives_the_export_only_the_two_tables_never_the_whole_trail(store_url, monkeypatch):
    store, culture_id = _filled(store_url)
    with store:
        want = [e for e in store.audit_trail() if e.table in ("patients", "cultures")]
        assert store.audit_entries(("patients", "cultures")) == want
        assert store.audit_entries(()) == []

        def whole_trail(*_a, **_kw):
            raise AssertionError("the FHIR export read the whole audit trail")

        monkeypatch.setattr(store, "audit_trail", whole_trail)
        options = fhir_options(store, store.load_for_export(), "collection")
    assert options["report_statuses"] == {culture_id: "corrected"}
    assert options["weight_recorded_on"] == {"L2": date.today()}  # the import set it today


def test_the_reader_and_the_store_give_the_export_the_same_facts(store_url):
    url = store_url
    store, _culture_id = _filled(url)
    with store:
        patients = store.load_for_export()
        from_store = fhir_options(store, patients, "collection")
        tables = ("patients", "cultures")
        with open_reader(url) as reader:
            assert reader.audit_entries(tables) == store.audit_entries(tables)
            assert fhir_options(reader, patients, "collection") == from_store
