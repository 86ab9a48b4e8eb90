"""The tamper suite (issue 14, item 2): every change made outside the app, to the audit
trail, its head, its witness or any clinical row, is found by `check`, on SQLite and on
PostgreSQL (the `store` fixture runs both when ITB_TUI_TEST_PG_URL is set).

Each case starts from the same ward written through the app (an import, a new culture, a
patient edit, a record marked entered in error), tampers with it by SQL as someone who
owns the database would (on PostgreSQL granting themselves back UPDATE/DELETE on the
trail first), and asserts what `check` says: not ok, and the line that names the damage
(table, record and MRN for a row). A clean store checks ok (the first test), so each
failure is the tampering's.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from store_fixtures import TODAY, fungemia_patient, grant_back, quiet_patient, tamper_sql

from itb_tui.clinical.records import Culture, Patient
from itb_tui.security.audit_chain import GENESIS, seal
from itb_tui.store import schema
from itb_tui.store.audit import HASHED


def _ward(store):
    store.import_patients([fungemia_patient(), quiet_patient()], "os:root")
    store.add_culture("B2002", Culture("blood", date(2026, 11, 9), "positive", "Candida albicans"), "os:root")
    store.save_patient(Patient(mrn="B2002", name="Roe, Richard", ward="Rehab 2", bed="4",
                               dob=date(1980, 1, 15)), "os:root")
    bridging_id = _one(store, "SELECT id FROM bridging")
    store.mark_entered_in_error("bridging", bridging_id, "wrong patient chart", "os:root")
    store.save_patient(Patient(mrn="C3003", name="Empty, Edna"), "os:root")
    return store


def _one(store, sql: str, **params):
    with store.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def _check(store):
    result = store.check()
    return result.ok, "\n".join(result.lines())


@pytest.fixture
def ward(store):
    return _ward(store)


def _pid(store, mrn):
    return _one(store, "SELECT id FROM patients WHERE mrn = :m", m=mrn)


def _last_id(store):
    return _one(store, "SELECT max(id) FROM audit")


def _set_head(store, conn, entry_id: int) -> None:
    """Move meta.audit_head to entry `entry_id` (0: the empty trail), as a tamperer would."""
    h = GENESIS if entry_id == 0 else conn.execute(
        text("SELECT hash FROM audit WHERE id = :i"), {"i": entry_id}).scalar()
    conn.execute(text("UPDATE meta SET value = :v WHERE key = 'audit_head'"), {"v": f"{entry_id} {h}"})


def test_the_untouched_ward_checks_ok(ward):
    ok, out = _check(ward)
    assert ok, out
    assert "records: ok" in out and "witness: ok" in out


# --- the trail itself -----------------------------------------------------------------------

def test_01_an_edited_entry(ward):
    tamper_sql(ward, "UPDATE audit SET actor = 'someone else' WHERE id = 3")
    ok, out = _check(ward)
    assert not ok and "BROKEN at entry 3" in out


def test_02_an_edited_snapshot(ward):
    tamper_sql(ward, "UPDATE audit SET reason = 'nothing to see' WHERE id = 2")
    ok, out = _check(ward)
    assert not ok and "BROKEN at entry 2" in out


def test_03_a_deleted_middle_entry(ward):
    tamper_sql(ward, "DELETE FROM audit WHERE id = 4")
    ok, out = _check(ward)
    assert not ok and "BROKEN at entry 5" in out and "missing" in out


def test_04_a_deleted_last_entry(ward):
    last = _last_id(ward)
    tamper_sql(ward, f"DELETE FROM audit WHERE id = {last}")
    ok, out = _check(ward)
    assert not ok and "missing at the end" in out


def test_05_last_entry_deleted_and_head_moved_back(ward):
    last = _last_id(ward)
    with ward.engine.begin() as conn:
        grant_back(conn)
        conn.execute(text(f"DELETE FROM audit WHERE id = {last}"))
        _set_head(ward, conn, last - 1)
    ok, out = _check(ward)
    assert "audit trail: ok" in out  # the chain alone cannot see it...
    assert not ok and "witness: MISMATCH" in out and f"entry {last}" in out  # ...the witness does
    assert "(MRN C3003) was added outside the app" in out  # and the patient it created has no entry


def test_06_the_whole_trail_deleted_and_the_head_reset(ward):
    with ward.engine.begin() as conn:
        grant_back(conn)
        conn.execute(text("DELETE FROM audit"))
        _set_head(ward, conn, 0)
    ok, out = _check(ward)
    assert "audit trail: ok (0 entries verified)" in out
    assert not ok and "witness: MISMATCH" in out and "added outside the app" in out


def test_07_two_entries_swapped(ward):
    with ward.engine.begin() as conn:
        grant_back(conn)
        conn.execute(text("UPDATE audit SET id = -1 WHERE id = 2"))
        conn.execute(text("UPDATE audit SET id = 2 WHERE id = 3"))
        conn.execute(text("UPDATE audit SET id = 3 WHERE id = -1"))
    ok, out = _check(ward)
    assert not ok and "BROKEN at entry 2" in out


def _forge_after(conn, last: int, **changes) -> dict:
    """A well-sealed entry after `last`, as someone who knows the chain's rules would make."""
    r = conn.execute(text("SELECT * FROM audit WHERE id = :i"), {"i": last}).one()._mapping
    typed = conn.execute(schema.audit.select().where(schema.audit.c.id == last)).one()._mapping
    entry = {k: typed[k] for k in HASHED if typed[k] is not None or k != "row_digests"}
    entry.update(id=last + 1, **changes)
    return seal(r["hash"], entry)


def _insert_entry(conn, sealed: dict) -> None:
    conn.execute(schema.audit.insert(), [dict(sealed)])
    conn.execute(text("UPDATE meta SET value = :v WHERE key = 'audit_head'"),
                 {"v": f"{sealed['id']} {sealed['hash']}"})


def test_08_a_forged_entry_appended_with_its_head(ward):
    last = _last_id(ward)
    with ward.engine.begin() as conn:
        _insert_entry(conn, _forge_after(conn, last, reason="forged"))
    ok, out = _check(ward)
    assert "audit trail: ok" in out
    assert not ok and "witness: MISMATCH" in out and "added outside the app" in out


def test_09_a_row_and_its_digest_both_edited(ward):
    """Flip a culture AND rewrite the digest the trail sealed for it: the chain breaks."""
    cid = _one(ward, "SELECT id FROM cultures WHERE organism = 'Candida krusei'")
    rid = _one(ward, "SELECT max(id) FROM audit WHERE row_digests LIKE :k", k=f'%"cultures:{cid}"%')
    tamper_sql(ward, f"UPDATE cultures SET result = 'no_growth', organism = NULL WHERE id = {cid}",
               f"UPDATE audit SET row_digests = '{{}}' WHERE id = {rid}")
    ok, out = _check(ward)
    assert not ok and f"BROKEN at entry {rid}" in out


def test_10_trail_cut_back_to_an_earlier_entry_with_its_head(ward):
    with ward.engine.begin() as conn:
        grant_back(conn)
        conn.execute(text("DELETE FROM audit WHERE id > 5"))
        _set_head(ward, conn, 5)
    ok, out = _check(ward)
    assert not ok and "witness: MISMATCH" in out and "the trail ends at entry 5" in out


def test_11_head_reset_alone(ward):
    tamper_sql(ward, f"UPDATE meta SET value = '{_last_id(ward)} {'f' * 64}' WHERE key = 'audit_head'")
    ok, out = _check(ward)
    assert not ok and "chain head" in out


def test_12_the_witness_removed(ward):
    if ward.dialect == "sqlite":
        from itb_tui.paths import sqlite_path

        (sqlite_path(ward.url).parent / "ward.db.witness").unlink()
        expected = "witness: MISSING"
    else:
        tamper_sql(ward, "DELETE FROM audit_witness")
        expected = "witness: MISSING"
    ok, out = _check(ward)
    assert not ok and expected in out


# --- the clinical rows ----------------------------------------------------------------------

def _row_case(ward, sql: str, expected: str, **params):
    tamper_sql(ward, sql, params=params)
    ok, out = _check(ward)
    assert "audit trail: ok" in out  # the trail is intact: only the row check can see it
    assert not ok and expected in out, out
    return out


def test_13_a_positive_culture_flipped_to_no_growth(ward):
    cid = _one(ward, "SELECT id FROM cultures WHERE organism = 'Candida krusei'")
    _row_case(ward, f"UPDATE cultures SET result = 'no_growth', organism = NULL WHERE id = {cid}",
              f"cultures record {cid} (MRN A1001) was changed outside the app")


def test_14_a_culture_deleted(ward):
    cid = _one(ward, "SELECT id FROM cultures WHERE organism = 'Candida albicans'")
    _row_case(ward, f"DELETE FROM cultures WHERE id = {cid}",
              f"cultures record {cid} (MRN B2002) was removed outside the app")


def test_15_a_culture_inserted(ward):
    _row_case(ward, "INSERT INTO cultures (patient_id, specimen, drawn_on, result) "
                    f"VALUES ({_pid(ward, 'B2002')}, 'blood', '2026-11-09', 'no_growth')",
              "(MRN B2002) was added outside the app")


def test_16_a_refill_volume_edited(ward):
    rid = _one(ward, "SELECT min(id) FROM refills")
    _row_case(ward, f"UPDATE refills SET volume_ml = '2' WHERE id = {rid}",
              f"refills record {rid} (MRN A1001) was changed outside the app")


def test_17_a_refill_inserted(ward):
    pump = _one(ward, "SELECT min(id) FROM pumps")
    _row_case(ward, f"INSERT INTO refills (pump_id, refilled_on, volume_ml) VALUES ({pump}, '2026-11-08', '20')",
              "(MRN A1001) was added outside the app")


def test_18_a_refill_deleted(ward):
    rid = _one(ward, "SELECT max(id) FROM refills")
    _row_case(ward, f"DELETE FROM refills WHERE id = {rid}", f"refills record {rid} (MRN B2002) was removed")


def test_19_entered_in_error_cleared(ward):
    bid = _one(ward, "SELECT id FROM bridging")
    _row_case(ward, "UPDATE bridging SET entered_in_error_at = NULL, entered_in_error_by = NULL, "
                    f"entered_in_error_reason = NULL WHERE id = {bid}",
              f"bridging record {bid} (MRN A1001) was changed outside the app")


def test_20_a_patient_inserted(ward):
    out = _row_case(ward, "INSERT INTO patients (mrn, name, row_version) VALUES ('Z9999', 'Planted, Paul', 1)",
                    "(MRN Z9999) was added outside the app")
    assert "patients record" in out


def test_21_a_patient_renamed(ward):
    pid = _pid(ward, "A1001")
    _row_case(ward, f"UPDATE patients SET name = 'Other, Olga' WHERE id = {pid}",
              f"patients record {pid} (MRN A1001) was changed outside the app")


def test_22_a_patient_deleted(ward):
    pid = _pid(ward, "C3003")
    _row_case(ward, f"DELETE FROM patients WHERE id = {pid}",
              f"patients record {pid} (MRN C3003) was removed outside the app")


def test_23_a_pump_reservoir_edited(ward):
    pid = _one(ward, "SELECT min(id) FROM pumps")
    _row_case(ward, f"UPDATE pumps SET reservoir_ml = '40' WHERE id = {pid}",
              f"pumps record {pid} (MRN A1001) was changed outside the app")


def test_24_a_pump_inserted(ward):
    _row_case(ward, "INSERT INTO pumps (patient_id, serial, reservoir_ml, alarm_ml, concentration_ug_ml, "
                    f"daily_dose_ug) VALUES ({_pid(ward, 'C3003')}, 'X1', '20', '2', '500', '300')",
              "(MRN C3003) was added outside the app")


def test_25_an_antifungal_course_stopped_by_hand(ward):
    cid = _one(ward, "SELECT id FROM antifungal_courses")
    _row_case(ward, f"UPDATE antifungal_courses SET stopped_on = '2026-11-03' WHERE id = {cid}",
              f"antifungal_courses record {cid} (MRN A1001) was changed outside the app")


def test_26_an_antifungal_course_deleted(ward):
    cid = _one(ward, "SELECT id FROM antifungal_courses")
    _row_case(ward, f"DELETE FROM antifungal_courses WHERE id = {cid}",
              f"antifungal_courses record {cid} (MRN A1001) was removed outside the app")


def test_27_bridging_inserted(ward):
    _row_case(ward, "INSERT INTO bridging (patient_id, method, started_on) "
                    f"VALUES ({_pid(ward, 'B2002')}, 'oral_baclofen', '2026-11-09')",
              "(MRN B2002) was added outside the app")


def test_28_an_exam_finding_edited(ward):
    eid = _one(ward, "SELECT id FROM exams")
    _row_case(ward, f"UPDATE exams SET finding = 'ocular candidiasis' WHERE id = {eid}",
              f"exams record {eid} (MRN A1001) was changed outside the app")


def test_29_an_exam_deleted(ward):
    eid = _one(ward, "SELECT id FROM exams")
    _row_case(ward, f"DELETE FROM exams WHERE id = {eid}", f"exams record {eid} (MRN A1001) was removed")


def test_30_row_version_moved_by_hand(ward):
    pid = _pid(ward, "B2002")
    _row_case(ward, f"UPDATE patients SET row_version = 1 WHERE id = {pid}",
              f"patients record {pid} (MRN B2002) was changed outside the app")


def _with_note(ward):
    """The ward plus a handover note on A1001, written through the app (schema 8)."""
    return ward.add_note("A1001", "drain out at 06:00", "os:nina", for_handover=True).id


def test_31_a_handover_note_rewritten(ward):
    nid = _with_note(ward)
    _row_case(ward, f"UPDATE notes SET text = 'nothing to hand over' WHERE id = {nid}",
              f"notes record {nid} (MRN A1001) was changed outside the app")


def test_32_a_handover_note_deleted(ward):
    nid = _with_note(ward)
    _row_case(ward, f"DELETE FROM notes WHERE id = {nid}",
              f"notes record {nid} (MRN A1001) was removed outside the app")


def test_33_a_note_moved_to_another_patient(ward):
    nid = _with_note(ward)
    _row_case(ward, f"UPDATE notes SET patient_id = {_pid(ward, 'B2002')} WHERE id = {nid}",
              f"notes record {nid} (MRN A1001) was changed outside the app")


def test_writes_after_a_check_keep_it_ok(ward):
    """Every kind of app write leaves rows the trail covers (no false alarm)."""
    from decimal import Decimal

    from itb_tui.clinical.records import Refill

    p = ward.get_patient("B2002")
    ward.record_refill("B2002", p.pumps[0].id, Refill(on=TODAY, volume_ml=Decimal("39")), "os:root",
                       override_reason="positive culture, pump empties tomorrow")
    course = ward.get_patient("A1001").antifungals[0]
    from dataclasses import replace

    ward.update_course(course.id, replace(course, stopped_on=TODAY), "os:root")
    ward.explant_pump("A1001", ward.get_patient("A1001").pumps[0].id, TODAY, "infected pocket", "os:root")
    ok, out = _check(ward)
    assert ok, out
