"""Single writes from the forms: validated, audited (one row, before/after, who, why),
all-or-nothing, and refills checked against the rules engine."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from store_fixtures import TODAY, fungemia_patient, pump, quiet_patient, table_rows

from itb_tui.clinical.engine import assess
from itb_tui.clinical.records import AntifungalCourse, Bridging, Culture, Exam, Patient, Refill
from itb_tui.store import NotFound, RefillBlocked, StoreError, ValidationError


def _snapshot(store):
    return store.load_patients(), len(store.audit_trail()), store.data_version()


def _one_new_audit_row(store, before_count):
    trail = store.audit_trail()
    assert len(trail) == before_count + 1, [a.action for a in trail[before_count:]]
    return trail[-1]


# --- patients -------------------------------------------------------------------------------

def test_save_patient_creates_then_updates_demographics(store):
    created = store.save_patient(Patient(mrn="N1", name="New, Patient", ward="Neuro 4B"), "nurse.a")
    assert created.id is not None and created.name == "New, Patient"
    entry = store.audit_trail()[-1]
    assert (entry.action, entry.table, entry.before, entry.after["name"]) == ("create", "patients", None, "New, Patient")
    assert entry.at.utcoffset() == timedelta(0)
    assert abs(datetime.now(timezone.utc) - entry.at) < timedelta(minutes=5)
    n = len(store.audit_trail())
    updated = store.save_patient(replace(created, bed="9", symptoms_resolved_on=date(2026, 11, 9)), "nurse.b",
                                 reason="moved bed")
    assert updated.bed == "9" and updated.symptoms_resolved_on == date(2026, 11, 9)
    entry = _one_new_audit_row(store, n)
    assert (entry.action, entry.actor, entry.reason) == ("update", "nurse.b", "moved bed")
    assert (entry.before["bed"], entry.after["bed"]) == (None, "9")


def test_save_patient_leaves_child_records_alone(store):
    store.import_patients([fungemia_patient()], "tester")
    store.save_patient(Patient(mrn="A1001", name="Doe, Jane", ward="Neuro 5"), "nurse.a")
    got = store.get_patient("A1001")
    assert got.ward == "Neuro 5" and len(got.cultures) == 2 and len(got.pumps) == 1


def test_an_invalid_patient_is_not_saved(store):
    with pytest.raises(ValidationError) as err:
        store.save_patient(Patient(mrn="N1", name="Future, Born", dob=date(2027, 1, 1)), "nurse.a")
    assert err.value.errors and all(e.startswith("N1:") for e in err.value.errors)
    assert store.load_patients() == [] and store.audit_trail() == []


# --- child records --------------------------------------------------------------------------

@pytest.mark.parametrize("method, record, field", [
    ("add_culture", Culture("blood", date(2026, 11, 9), "pending"), "cultures"),
    ("add_course", AntifungalCourse("fluconazole", Decimal("400"), date(2026, 11, 9)), "antifungals"),
    ("add_bridging", Bridging("lumbar_drain", date(2026, 11, 9), "drain placed"), "bridging"),
    ("add_exam", Exam("echocardiogram", date(2026, 11, 9), "no vegetation"), "exams"),
])
def test_each_add_writes_the_record_and_one_audit_row(store, method, record, field):
    store.import_patients([fungemia_patient()], "tester")
    before, n, version = _snapshot(store)
    got = getattr(store, method)("A1001", record, "dr.b")
    added = getattr(got, field)[-1]
    assert replace(added, id=None) == record and added.id is not None
    entry = _one_new_audit_row(store, n)
    assert (entry.action, entry.actor, entry.mrn, entry.record_id) == ("create", "dr.b", "A1001", added.id)
    assert entry.before is None and entry.after is not None
    assert store.data_version() > version


def test_add_pump_and_explant_it(store):
    store.save_patient(Patient(mrn="N1", name="New, Patient"), "nurse.a")
    got = store.add_pump("N1", pump("NEW1", implanted_on=date(2026, 1, 5)), "dr.b")
    pump_id = got.pumps[0].id
    n = len(store.audit_trail())
    got = store.explant_pump("N1", pump_id, date(2026, 11, 9), "infected pocket", "dr.b")
    assert got.pumps[0].removed_on == date(2026, 11, 9) and got.pumps[0].removal_reason == "infected pocket"
    entry = _one_new_audit_row(store, n)
    assert entry.action == "update" and entry.before["removed_on"] is None
    assert entry.after["removed_on"] == "2026-11-09" and entry.reason == "infected pocket"
    assert assess(got, TODAY).refill.status == "not_applicable"
    with pytest.raises(StoreError, match="already removed"):
        store.explant_pump("N1", pump_id, date(2026, 11, 10), "again", "dr.b")


def test_explant_before_implant_is_refused(store):
    store.save_patient(Patient(mrn="N1", name="New, Patient"), "nurse.a")
    got = store.add_pump("N1", pump("NEW1", implanted_on=date(2026, 1, 5)), "dr.b")
    before = _snapshot(store)
    with pytest.raises(ValidationError):
        store.explant_pump("N1", got.pumps[0].id, date(2025, 12, 1), "wrong date", "dr.b")
    assert _snapshot(store) == before


def test_a_second_pump_with_the_same_serial_is_refused(store):
    store.import_patients([quiet_patient()], "tester")
    with pytest.raises(ValidationError, match="NGP000456"):
        store.add_pump("B2002", pump("NGP000456"), "dr.b")


def test_update_culture_and_course_keep_the_row_and_audit_the_change(store):
    store.import_patients([fungemia_patient()], "tester")
    p = store.get_patient("A1001")
    pending = store.add_culture("A1001", Culture("blood", date(2026, 11, 9), "pending"), "dr.b").cultures[-1]
    n = len(store.audit_trail())
    got = store.update_culture(pending.id, Culture("blood", date(2026, 11, 9), "no_growth"), "lab")
    assert got.cultures[-1].id == pending.id and got.cultures[-1].result == "no_growth"
    entry = _one_new_audit_row(store, n)
    assert (entry.before["result"], entry.after["result"]) == ("pending", "no_growth")
    course = p.antifungals[0]
    got = store.update_course(course.id, replace(course, stopped_on=date(2026, 11, 9)), "dr.b")
    assert got.antifungals[0].stopped_on == date(2026, 11, 9) and got.antifungals[0].id == course.id
    assert _one_new_audit_row(store, n + 1).table == "antifungal_courses"


def test_updates_of_unknown_records_are_not_found(store):
    store.import_patients([fungemia_patient()], "tester")
    with pytest.raises(NotFound):
        store.update_culture(9999, Culture("blood", date(2026, 11, 9), "pending"), "dr.b")
    with pytest.raises(NotFound):
        store.add_culture("NOPE", Culture("blood", date(2026, 11, 9), "pending"), "dr.b")
    with pytest.raises(NotFound):
        store.explant_pump("A1001", 9999, date(2026, 11, 9), "x", "dr.b")


@pytest.mark.parametrize("record", [
    Culture("blood", date(2026, 11, 11), "pending"),  # after today
    Culture("blood", date(1960, 1, 1), "no_growth"),  # before the patient was born
    Culture("blood", date(2026, 11, 9), "positive"),  # positive without organism
    Culture("spinal", date(2026, 11, 9), "pending"),  # unknown specimen
])
def test_an_invalid_record_changes_nothing(store, record):
    store.import_patients([fungemia_patient()], "tester")
    before = _snapshot(store)
    with pytest.raises(ValidationError) as err:
        store.add_culture("A1001", record, "dr.b")
    assert str(err.value).count("\n") == 0 and "A1001: cultures[2]" in str(err.value)
    assert _snapshot(store) == before


def test_blank_actor_is_refused(store):
    with pytest.raises(StoreError, match="actor"):
        store.save_patient(Patient(mrn="N1", name="New, Patient"), "  ")


# --- refills and the rules engine ------------------------------------------------------------

def test_a_refill_blocked_by_the_engine_needs_an_override(store):
    store.import_patients([fungemia_patient()], "tester")
    p = store.get_patient("A1001")
    assert assess(p, TODAY).refill.status == "blocked"
    before = _snapshot(store)
    with pytest.raises(RefillBlocked) as err:
        store.record_refill("A1001", p.pumps[0].id, Refill(on=TODAY, volume_ml=Decimal("20")), "nurse.a")
    assert err.value.reasons == ("antifungal_course_open",)
    assert "antifungal_course_open" in str(err.value) and "\n" not in str(err.value)
    assert _snapshot(store) == before


def test_a_too_short_override_is_refused(store):
    store.import_patients([fungemia_patient()], "tester")
    p = store.get_patient("A1001")
    before = _snapshot(store)
    with pytest.raises(ValidationError, match="10 characters"):
        store.record_refill("A1001", p.pumps[0].id, Refill(on=TODAY, volume_ml=Decimal("20")), "nurse.a",
                            override_reason="   dry  ")
    assert _snapshot(store) == before


def test_a_blocked_refill_with_a_reason_is_saved_and_the_reason_audited(store):
    store.import_patients([fungemia_patient()], "tester")
    p = store.get_patient("A1001")
    n = len(store.audit_trail())
    reason = "Reservoir would run dry before explant on 2026-11-14; ID consultant agreed"
    got = store.record_refill("A1001", p.pumps[0].id, Refill(on=TODAY, volume_ml=Decimal("20")), "dr.c",
                              override_reason=reason)
    refill = got.pumps[0].refills[-1]
    assert refill.on == TODAY and refill.override_reason == reason
    entry = _one_new_audit_row(store, n)
    assert (entry.action, entry.table, entry.actor, entry.reason) == ("create", "refills", "dr.c", reason)
    assert entry.after["override_reason"] == reason and entry.after["refill_reasons"] == ["antifungal_course_open"]


def test_an_ok_refill_needs_no_override(store):
    store.import_patients([quiet_patient()], "tester")
    p = store.get_patient("B2002")
    got = store.record_refill("B2002", p.pumps[0].id, Refill(on=TODAY, volume_ml=Decimal("40")), "nurse.a")
    assert got.pumps[0].refills[-1].override_reason is None
    assert assess(got, TODAY).reservoir.last_refill_on == TODAY


def test_the_engine_decides_on_the_refill_date_not_today(store):
    """A refill recorded late, dated before the fungemia began, was not blocked then."""
    store.import_patients([fungemia_patient()], "tester")
    p = store.get_patient("A1001")
    got = store.record_refill("A1001", p.pumps[0].id, Refill(on=date(2026, 10, 25), volume_ml=Decimal("20")), "nurse.a")
    assert got.pumps[0].refills[-1].on == date(2026, 10, 25)


def test_two_refills_on_the_same_day_for_one_pump_are_refused(store):
    store.import_patients([quiet_patient()], "tester")
    p = store.get_patient("B2002")
    with pytest.raises(ValidationError, match="already recorded"):
        store.record_refill("B2002", p.pumps[0].id, Refill(on=date(2026, 10, 1), volume_ml=Decimal("40")), "nurse.a")


def test_an_oversized_refill_is_refused(store):
    store.import_patients([quiet_patient()], "tester")
    p = store.get_patient("B2002")
    before = _snapshot(store)
    with pytest.raises(ValidationError, match="volume_ml"):
        store.record_refill("B2002", p.pumps[0].id, Refill(on=TODAY, volume_ml=Decimal("41")), "nurse.a")
    assert _snapshot(store) == before


# --- entered in error ------------------------------------------------------------------------

def test_entered_in_error_hides_the_record_but_keeps_it_with_who_when_why(store):
    store.import_patients([fungemia_patient()], "tester")
    p = store.get_patient("A1001")
    positive = p.cultures[0]
    n = len(store.audit_trail())
    got = store.mark_entered_in_error("culture", positive.id, "result belonged to another patient", "dr.d")
    assert [c.id for c in got.cultures] == [p.cultures[1].id]
    assert [c.id for c in store.load_patients()[0].cultures] == [p.cultures[1].id]
    # the engine no longer sees a fungal episode
    a = assess(got, TODAY)
    assert a.refill.status == "ok" and a.antifungal.state == "not_indicated"
    row = next(r for r in table_rows(store, "cultures") if r["id"] == positive.id)
    assert row["entered_in_error_by"] == "dr.d"
    assert row["entered_in_error_reason"] == "result belonged to another patient"
    assert row["entered_in_error_at"] is not None
    entry = _one_new_audit_row(store, n)
    assert entry.action == "entered_in_error" and entry.record_id == positive.id
    assert entry.before["result"] == "positive" and entry.after["entered_in_error_by"] == "dr.d"


@pytest.mark.parametrize("kind", ["pump", "refill", "culture", "course", "bridging", "exam"])
def test_every_kind_can_be_marked_entered_in_error(store, kind):
    store.import_patients([fungemia_patient()], "tester")
    p = store.get_patient("A1001")
    record_id = {"pump": p.pumps[0].id, "refill": p.pumps[0].refills[0].id, "culture": p.cultures[1].id,
                 "course": p.antifungals[0].id, "bridging": p.bridging[0].id, "exam": p.exams[0].id}[kind]
    got = store.mark_entered_in_error(kind, record_id, "entered on the wrong patient", "dr.d")
    count = {"pump": len(got.pumps), "refill": len(got.pumps[0].refills) if got.pumps else 0,
             "culture": len(got.cultures) - 1, "course": len(got.antifungals), "bridging": len(got.bridging),
             "exam": len(got.exams)}[kind]
    assert count == 0
    with pytest.raises(StoreError, match="already marked"):
        store.mark_entered_in_error(kind, record_id, "again", "dr.d")


def test_entered_in_error_needs_a_reason_and_a_known_kind(store):
    store.import_patients([fungemia_patient()], "tester")
    p = store.get_patient("A1001")
    with pytest.raises(StoreError, match="reason"):
        store.mark_entered_in_error("culture", p.cultures[0].id, "  ", "dr.d")
    with pytest.raises(StoreError, match="unknown record kind"):
        store.mark_entered_in_error("patient", p.id, "why", "dr.d")
    with pytest.raises(NotFound):
        store.mark_entered_in_error("culture", 9999, "why", "dr.d")
    assert len(store.get_patient("A1001").cultures) == 2


# --- change counter and concurrency ---------------------------------------------------------

def test_data_version_moves_on_writes_only(store):
    v0 = store.data_version()
    store.load_patients()
    assert store.data_version() == v0
    store.save_patient(Patient(mrn="N1", name="New, Patient"), "nurse.a")
    assert store.data_version() > v0


def test_two_writers_at_once_both_succeed(store_url):
    """Two app windows saving at the same moment: both writes land (BEGIN IMMEDIATE and the
    busy timeout make the second wait instead of failing)."""
    from itb_tui.store import open_store

    a, b = open_store(store_url, today=TODAY), open_store(store_url, today=TODAY)
    a.save_patient(Patient(mrn="N1", name="New, Patient"), "nurse.a")
    errors = []

    def write(s, who):
        try:
            for i in range(8):
                s.add_exam("N1", Exam("other", date(2026, 11, 1 + i), f"{who} {i}"), who)
        except Exception as exc:  # pragma: no cover - the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(a, "a")), threading.Thread(target=write, args=(b, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(a.get_patient("N1").exams) == 16
    assert len([e for e in a.audit_trail() if e.table == "exams"]) == 16
    a.close()
    b.close()


def test_update_bridging_records_the_stop_date_and_audits_the_change(store):
    """Revision 3: a bridging record that stopped before a removal does not cover it, so
    its stop date is clinical data: stored, read back, audited before/after."""
    store.import_patients([fungemia_patient()], "tester")
    bridge = store.get_patient("A1001").bridging[0]
    n = len(store.audit_trail())
    got = store.update_bridging(bridge.id, replace(bridge, stopped_on=date(2026, 11, 9)), "dr.b",
                                reason="drain removed")
    assert got.bridging[0].id == bridge.id and got.bridging[0].stopped_on == date(2026, 11, 9)
    entry = _one_new_audit_row(store, n)
    assert (entry.action, entry.table, entry.record_id, entry.reason) == ("update", "bridging", bridge.id,
                                                                         "drain removed")
    assert (entry.before["stopped_on"], entry.after["stopped_on"]) == (None, "2026-11-09")
    assert store.load_patients()[0].bridging[0].stopped_on == date(2026, 11, 9)


@pytest.mark.parametrize("stopped_on, words", [
    (date(2026, 11, 1), "bridging[0].stopped_on: must be on or after started_on (2026-11-02)"),
    (date(2026, 11, 11), "bridging[0].stopped_on: must not be after today (2026-11-10)"),
])
def test_a_wrong_bridging_stop_date_is_refused_and_changes_nothing(store, stopped_on, words):
    store.import_patients([fungemia_patient()], "tester")
    bridge = store.get_patient("A1001").bridging[0]
    before = _snapshot(store)
    with pytest.raises(ValidationError) as err:
        store.update_bridging(bridge.id, replace(bridge, stopped_on=stopped_on), "dr.b")
    assert err.value.errors == [f"A1001: {words}"]
    with pytest.raises(ValidationError):
        store.add_bridging("A1001", replace(bridge, id=None, stopped_on=stopped_on), "dr.b")
    assert _snapshot(store) == before


def test_a_bridging_record_added_with_its_stop_date_keeps_it(store):
    store.import_patients([fungemia_patient()], "tester")
    got = store.add_bridging("A1001", Bridging("lumbar_drain", date(2026, 11, 3), "drain",
                                               stopped_on=date(2026, 11, 8)), "dr.b")
    assert got.bridging[-1].stopped_on == date(2026, 11, 8)
    assert store.audit_trail()[-1].after["stopped_on"] == "2026-11-08"


def test_an_mrn_that_is_not_valid_text_is_refused_not_a_crash(store):
    """A lone surrogate (as from a non-UTF-8 terminal) in a new patient's MRN: a message and
    nothing written, not a UnicodeEncodeError from the driver (found by the form fuzzer)."""
    before = table_rows(store, "patients")
    with pytest.raises(StoreError, match="not valid text"):
        store.save_patient(Patient(mrn="A\ud800A", name="Test, Surrogate"), actor="test")
    assert table_rows(store, "patients") == before
