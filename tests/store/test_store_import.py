"""Re-importing a ward file: updates by MRN and natural key, never duplicates, never
loses a record the file does not carry, never brings back a record struck out in error,
and writes nothing at all when any record is invalid."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from store_fixtures import TODAY, fungemia_patient, quiet_patient, strip_ids, table_rows

from itb_tui.clinical.engine import assess
from itb_tui.clinical.records import Culture, Exam, Refill
from itb_tui.store import ValidationError


def test_first_import_counts_creations(store):
    result = store.import_patients([fungemia_patient(), quiet_patient()], "tester")
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert result.records_created == 9 and result.records_updated == 0


def test_importing_the_same_file_twice_changes_nothing(store):
    store.import_patients([fungemia_patient()], "tester")
    version = store.data_version()
    before = store.load_patients()
    result = store.import_patients([fungemia_patient()], "tester")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert (result.records_created, result.records_updated, result.records_unchanged) == (0, 0, 7)
    assert store.load_patients() == before
    assert len(table_rows(store, "cultures")) == 2
    # only the import's own summary row was added to the trail
    trail = store.audit_trail()
    assert store.data_version() > version and trail[-1].action == "import"
    assert [a.action for a in trail if a.id > version] == ["import"]


def test_reimport_updates_demographics_and_records_in_place(store):
    store.import_patients([fungemia_patient()], "tester")
    original = store.get_patient("A1001")
    p = fungemia_patient()
    changed = replace(
        p, name="Doe, Jane Q", bed="14",
        pumps=(replace(p.pumps[0], daily_dose_ug=Decimal("280"),
                       refills=(replace(p.pumps[0].refills[0], volume_ml=Decimal("19.5")),)),),
        cultures=(p.cultures[0], replace(p.cultures[1], result="positive", organism="Candida krusei")),
    )
    # no_growth -> positive changes a final result: an import applies it only as a correction
    result = store.import_patients([changed], "tester", correction_reason="laboratory corrected report")
    assert (result.created, result.updated) == (0, 1)
    assert (result.records_created, result.records_updated, result.records_unchanged) == (0, 3, 4)
    got = store.get_patient("A1001")
    assert strip_ids(got) == changed
    # same rows, updated: ids are kept, nothing duplicated
    assert got.id == original.id and got.pumps[0].id == original.pumps[0].id
    assert got.pumps[0].refills[0].id == original.pumps[0].refills[0].id
    assert [c.id for c in got.cultures] == [c.id for c in original.cultures]
    assert len(table_rows(store, "patients")) == 1 and len(table_rows(store, "refills")) == 1


def test_reimport_audits_each_update_with_before_and_after(store):
    store.import_patients([fungemia_patient()], "tester")
    p = fungemia_patient()
    store.import_patients([replace(p, bed="14", pumps=(replace(p.pumps[0], daily_dose_ug=Decimal("280")),))],
                          "importer", reason="import ward.json")
    updates = [a for a in store.audit_trail() if a.action == "update"]
    assert {(a.table, a.mrn) for a in updates} == {("patients", "A1001"), ("pumps", "A1001")}
    pump_update = next(a for a in updates if a.table == "pumps")
    assert pump_update.before["daily_dose_ug"] == "300" and pump_update.after["daily_dose_ug"] == "280"
    assert pump_update.actor == "importer" and pump_update.reason == "import ward.json"
    patient_update = next(a for a in updates if a.table == "patients")
    assert (patient_update.before["bed"], patient_update.after["bed"]) == ("12", "14")


def test_records_the_file_lacks_are_kept(store):
    store.import_patients([fungemia_patient()], "tester")
    bare = replace(fungemia_patient(), cultures=(), antifungals=(), bridging=(), exams=(),
                   pumps=(replace(fungemia_patient().pumps[0], refills=()),))
    result = store.import_patients([bare], "tester")
    assert result.records_created == 0 and result.records_updated == 0
    got = store.get_patient("A1001")
    assert len(got.cultures) == 2 and len(got.antifungals) == 1 and len(got.pumps[0].refills) == 1
    assert len(got.bridging) == 1 and len(got.exams) == 1


def test_new_records_in_a_reimport_are_added(store):
    store.import_patients([fungemia_patient()], "tester")
    p = fungemia_patient()
    more = replace(p, cultures=p.cultures + (Culture("blood", date(2026, 11, 8), "no_growth"),),
                   pumps=(replace(p.pumps[0], refills=p.pumps[0].refills + (
                       Refill(on=date(2026, 11, 9), volume_ml=Decimal("20"), override_reason="explant booked, would run dry before"),)),))
    result = store.import_patients([more], "tester")
    assert result.records_created == 2
    got = store.get_patient("A1001")
    assert [c.drawn_on for c in got.cultures] == [date(2026, 11, 1), date(2026, 11, 4), date(2026, 11, 8)]
    assert [r.on for r in got.pumps[0].refills] == [date(2026, 10, 20), date(2026, 11, 9)]


def test_cultures_on_the_same_day_are_matched_by_their_order(store):
    p = replace(quiet_patient(), cultures=(
        Culture("blood", date(2026, 11, 1), "pending"),
        Culture("blood", date(2026, 11, 1), "pending"),
    ))
    store.import_patients([p], "tester")
    ids = [c.id for c in store.get_patient(p.mrn).cultures]
    second_grew = replace(p, cultures=(p.cultures[0], Culture("blood", date(2026, 11, 1), "positive", "Staphylococcus aureus")))
    result = store.import_patients([second_grew], "tester")
    assert (result.records_updated, result.records_created) == (1, 0)
    got = store.get_patient(p.mrn).cultures
    assert [c.id for c in got] == ids
    assert sorted(c.result for c in got) == ["pending", "positive"]


def test_a_refill_override_reason_is_not_erased_by_a_file_without_one(store):
    p = fungemia_patient()
    with_override = replace(p, pumps=(replace(p.pumps[0], refills=(
        replace(p.pumps[0].refills[0], override_reason="pump would run dry before explant"),)),))
    store.import_patients([with_override], "tester")
    result = store.import_patients([p], "tester")
    assert result.records_updated == 0
    assert store.get_patient("A1001").pumps[0].refills[0].override_reason == "pump would run dry before explant"


def test_a_record_struck_out_in_error_is_not_brought_back_by_a_reimport(store):
    store.import_patients([fungemia_patient()], "tester")
    positive = store.get_patient("A1001").cultures[0]
    store.mark_entered_in_error("culture", positive.id, "result belonged to another patient", "dr.a")
    result = store.import_patients([fungemia_patient()], "tester")
    assert result.kept_in_error == 1 and result.records_created == 0
    assert [c.result for c in store.get_patient("A1001").cultures] == ["no_growth"]


def test_an_invalid_record_anywhere_means_nothing_is_imported(store):
    bad = replace(quiet_patient("Z9", "Bad, Record"), exams=(Exam("dilated_eye_exam", date(2026, 12, 1)),))
    with pytest.raises(ValidationError) as err:
        store.import_patients([fungemia_patient(), bad], "tester")
    assert any(e.startswith("Z9: exams[0].on") for e in err.value.errors)
    assert store.load_patients() == []
    assert store.audit_trail() == []
    assert store.data_version() == 0


def test_every_problem_is_reported_not_just_the_first(store):
    bad1 = replace(quiet_patient("Z1", "Bad, One"), exams=(Exam("dilated_eye_exam", date(2026, 12, 1)),))
    bad2 = replace(quiet_patient("Z2", "Bad, Two"), weight_kg=Decimal("-3"))
    with pytest.raises(ValidationError) as err:
        store.import_patients([bad1, bad2], "tester")
    assert {e.split(":")[0] for e in err.value.errors} == {"Z1", "Z2"}


def test_a_merge_that_would_be_invalid_is_refused(store):
    """The file shrinks the reservoir below a refill the store keeps: refused, unchanged."""
    store.import_patients([quiet_patient()], "tester")  # refill of 39.95 mL in a 40 mL pump
    q = quiet_patient()
    shrunk = replace(q, pumps=(replace(q.pumps[0], reservoir_ml=Decimal("20"), refills=()),))
    with pytest.raises(ValidationError) as err:
        store.import_patients([shrunk], "tester")
    assert any("B2002: pumps[0].refills[0].volume_ml" in e for e in err.value.errors)
    assert store.get_patient("B2002").pumps[0].reservoir_ml == Decimal("40")


def test_duplicate_mrns_in_one_import_are_refused(store):
    with pytest.raises(ValidationError, match="more than once"):
        store.import_patients([quiet_patient(), quiet_patient()], "tester")
    assert store.load_patients() == []


def test_row_version_counts_changes_to_the_patient(store):
    store.import_patients([fungemia_patient()], "tester")
    v1 = table_rows(store, "patients")[0]["row_version"]
    store.import_patients([fungemia_patient()], "tester")  # unchanged
    assert table_rows(store, "patients")[0]["row_version"] == v1
    store.import_patients([replace(fungemia_patient(), bed="15")], "tester")
    assert table_rows(store, "patients")[0]["row_version"] == v1 + 1


def test_a_large_import_is_one_transaction_with_ids_in_the_right_places(store):
    patients = [quiet_patient(f"P{i:04d}", f"Test, Person {i}") for i in range(600)]
    patients = [replace(p, pumps=(replace(p.pumps[0], serial=f"S{i:04d}"),)) for i, p in enumerate(patients)]
    result = store.import_patients(patients, "tester")
    assert result.created == 600
    loaded = store.load_patients()
    assert [strip_ids(p) for p in loaded] == patients
    # the engine sees each patient's own pump and refill
    a = assess(loaded[123], TODAY)
    assert a.reservoir is not None and a.reservoir.last_refill_on == date(2026, 10, 1)
    assert loaded[123].pumps[0].serial == "S0123"


def test_a_reimport_records_a_bridging_stop_date_and_a_file_without_one_keeps_it(store):
    """The stop date decides whether bridging covers a removal (revision 3): a file that
    carries it updates the record (audited); a file that does not (an older export, a
    feed that does not know the field) must not erase it, like an override reason."""
    p = fungemia_patient()
    store.import_patients([p], "tester")
    stopped = replace(p, bridging=(replace(p.bridging[0], stopped_on=date(2026, 11, 8)),))
    result = store.import_patients([stopped], "tester")
    assert result.records_updated == 1
    (entry,) = [a for a in store.audit_trail() if a.action == "update"]
    assert (entry.table, entry.before["stopped_on"], entry.after["stopped_on"]) == ("bridging", None, "2026-11-08")
    result = store.import_patients([p], "tester")
    assert result.records_updated == 0
    assert store.get_patient("A1001").bridging[0].stopped_on == date(2026, 11, 8)
