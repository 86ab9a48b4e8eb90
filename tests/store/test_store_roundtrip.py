"""What goes into the store comes back exactly: Decimals, dates, susceptibility, order."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from store_fixtures import fungemia_patient, quiet_patient, strip_ids

from itb_tui.clinical.records import Culture, Refill
from itb_tui.wardfile import dumps_ward


def test_import_then_load_gives_back_the_same_records(store):
    given = [fungemia_patient(), quiet_patient()]
    store.import_patients(given, "tester")
    loaded = store.load_patients()
    assert [strip_ids(p) for p in loaded] == given
    assert dumps_ward(loaded) == dumps_ward(given)


def test_decimals_round_trip_exactly_with_their_scale(store):
    p = replace(
        quiet_patient(), weight_kg=Decimal("61.0"),
        pumps=(replace(quiet_patient().pumps[0], alarm_ml=Decimal("2.0"), daily_dose_ug=Decimal("123.456789"),
                       refills=(Refill(on=date(2026, 10, 1), volume_ml=Decimal("0.1")),
                                Refill(on=date(2026, 10, 2), volume_ml=Decimal("39.99")))),),
    )
    store.import_patients([p], "tester")
    got = store.get_patient(p.mrn)
    pump = got.pumps[0]
    assert str(got.weight_kg) == "61.0"
    assert str(pump.alarm_ml) == "2.0"
    assert str(pump.reservoir_ml) == "40"
    assert pump.daily_dose_ug == Decimal("123.456789") and str(pump.daily_dose_ug) == "123.456789"
    assert [str(r.volume_ml) for r in pump.refills] == ["0.1", "39.99"]
    assert all(type(v) is Decimal for v in (got.weight_kg, pump.alarm_ml, pump.refills[0].volume_ml))


def test_susceptibility_and_optional_dates_round_trip(store):
    p = replace(fungemia_patient(), cultures=(
        Culture("blood", date(2026, 11, 1), "positive", "Nakaseomyces glabratus",
                {"fluconazole": "SDD", "micafungin": "S", "voriconazole": "I"}),
        Culture("csf", date(2026, 11, 2), "pending"),
    ))
    store.import_patients([p], "tester")
    got = store.get_patient(p.mrn)
    assert dict(got.cultures[0].susceptibility) == {"fluconazole": "SDD", "micafungin": "S", "voriconazole": "I"}
    assert dict(got.cultures[1].susceptibility) == {}
    assert got.pumps[0].refills[0].programmer_alarm_on == date(2026, 11, 18)
    assert got.symptoms_resolved_on == date(2026, 11, 6) and got.neutrophil_recovery_on is None


def test_loaded_records_carry_store_ids_for_the_ui(store):
    store.import_patients([fungemia_patient()], "tester")
    got = store.get_patient("A1001")
    ids = [got.id, got.pumps[0].id, got.pumps[0].refills[0].id, *(c.id for c in got.cultures),
           got.antifungals[0].id, got.bridging[0].id, got.exams[0].id]
    assert all(isinstance(i, int) for i in ids)


def test_patients_come_in_mrn_order_and_filter_by_ward(store):
    store.import_patients([quiet_patient("C3", "Cee, C", ward="Rehab 2"), fungemia_patient("A1"),
                           quiet_patient("B2", "Bee, B", ward="Neuro 4B")], "tester")
    assert [p.mrn for p in store.load_patients()] == ["A1", "B2", "C3"]
    assert [p.mrn for p in store.load_patients(ward="Neuro 4B")] == ["A1", "B2"]
    assert [p.mrn for p in store.load_patients(ward="Rehab 2")] == ["C3"]
    assert store.load_patients(ward="Nowhere") == []
    assert store.wards() == ["Neuro 4B", "Rehab 2"]


def test_unknown_mrn_is_none(store):
    assert store.get_patient("NOPE") is None


def test_loading_is_set_based_one_query_per_table(store, monkeypatch):
    """Seven statements whatever the number of patients: no query per patient or record.
    (The loader runs plain SQL on the DB-API cursor, below SQLAlchemy's events, so the
    statements are counted where it issues them.)"""
    from itb_tui.store import loader

    store.import_patients([quiet_patient(f"P{i:03d}", f"Test, P{i}") for i in range(60)], "tester")
    statements = []
    issue = loader._Reader.rows

    def count(self, sql):
        statements.append(sql)
        return issue(self, sql)

    monkeypatch.setattr(loader._Reader, "rows", count)
    patients = store.load_patients()
    assert len(patients) == 60
    assert len(statements) == 7 and all(s.startswith("SELECT") for s in statements)
