"""The tamper suite (issue 14, item 2): every change made outside the app, to the audit
trail, its head, its witness, any clinical row or a user account, is found by `check`, on SQLite and on
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
from store_fixtures import PASSWORD, TODAY, fungemia_patient, grant_back, quiet_patient, tamper_sql

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
    store.create_first_admin("ada", PASSWORD)
    store.create_user("nina", PASSWORD, ["nurse"])
    store.create_user("olly", PASSWORD, ["clinician"])
    store.disable_user("olly", reason="left the ward")
    store.set_roles("nina", ["nurse"])
    store.authenticate("nina", PASSWORD)
    store.save_patient(Patient(mrn="C3003", name="Empty, Edna"), "os:root")  # the last entry
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


# --- the clinical rows and the user accounts ---------------------------------------------
# One shape: an SQL change to one row; `check` must fail naming table, record and MRN (or
# user name) while the chain itself stays intact (only the row check can see it). Each
# case is (id, SQL, the line `check` must print); "{x}" in both is filled from the ward.

def _culture(ward, organism):
    return _one(ward, "SELECT id FROM cultures WHERE organism = :o", o=organism)


def _user(ward, name):
    return _one(ward, "SELECT id FROM users WHERE username = :n", n=name)


def _with_note(ward):
    """A handover note on A1001, written through the app; its id."""
    return ward.add_note("A1001", "drain out at 06:00", "os:nina", for_handover=True).id


ROW_CASES = [
    ("13_positive_culture_flipped_to_no_growth",
     lambda w: dict(x=_culture(w, "Candida krusei")),
     "UPDATE cultures SET result = 'no_growth', organism = NULL WHERE id = {x}",
     "cultures record {x} (MRN A1001) was changed outside the app"),
    ("14_culture_deleted", lambda w: dict(x=_culture(w, "Candida albicans")),
     "DELETE FROM cultures WHERE id = {x}", "cultures record {x} (MRN B2002) was removed outside the app"),
    ("15_culture_inserted", lambda w: dict(x=_pid(w, "B2002")),
     "INSERT INTO cultures (patient_id, specimen, drawn_on, result) VALUES ({x}, 'blood', '2026-11-09', 'no_growth')",
     "(MRN B2002) was added outside the app"),
    ("16_refill_volume_edited", lambda w: dict(x=_one(w, "SELECT min(id) FROM refills")),
     "UPDATE refills SET volume_ml = '2' WHERE id = {x}", "refills record {x} (MRN A1001) was changed outside the app"),
    ("17_refill_inserted", lambda w: dict(x=_one(w, "SELECT min(id) FROM pumps")),
     "INSERT INTO refills (pump_id, refilled_on, volume_ml) VALUES ({x}, '2026-11-08', '20')",
     "(MRN A1001) was added outside the app"),
    ("18_refill_deleted", lambda w: dict(x=_one(w, "SELECT max(id) FROM refills")),
     "DELETE FROM refills WHERE id = {x}", "refills record {x} (MRN B2002) was removed"),
    ("19_entered_in_error_cleared", lambda w: dict(x=_one(w, "SELECT id FROM bridging")),
     "UPDATE bridging SET entered_in_error_at = NULL, entered_in_error_by = NULL, "
     "entered_in_error_reason = NULL WHERE id = {x}", "bridging record {x} (MRN A1001) was changed outside the app"),
    ("20_patient_inserted", lambda w: {},
     "INSERT INTO patients (mrn, name, row_version) VALUES ('Z9999', 'Planted, Paul', 1)",
     "(MRN Z9999) was added outside the app"),
    ("21_patient_renamed", lambda w: dict(x=_pid(w, "A1001")),
     "UPDATE patients SET name = 'Other, Olga' WHERE id = {x}", "patients record {x} (MRN A1001) was changed outside the app"),
    ("22_patient_deleted", lambda w: dict(x=_pid(w, "C3003")),
     "DELETE FROM patients WHERE id = {x}", "patients record {x} (MRN C3003) was removed outside the app"),
    ("23_pump_reservoir_edited", lambda w: dict(x=_one(w, "SELECT min(id) FROM pumps")),
     "UPDATE pumps SET reservoir_ml = '40' WHERE id = {x}", "pumps record {x} (MRN A1001) was changed outside the app"),
    ("24_pump_inserted", lambda w: dict(x=_pid(w, "C3003")),
     "INSERT INTO pumps (patient_id, serial, reservoir_ml, alarm_ml, concentration_ug_ml, daily_dose_ug) "
     "VALUES ({x}, 'X1', '20', '2', '500', '300')", "(MRN C3003) was added outside the app"),
    ("25_antifungal_course_stopped_by_hand", lambda w: dict(x=_one(w, "SELECT id FROM antifungal_courses")),
     "UPDATE antifungal_courses SET stopped_on = '2026-11-03' WHERE id = {x}",
     "antifungal_courses record {x} (MRN A1001) was changed outside the app"),
    ("26_antifungal_course_deleted", lambda w: dict(x=_one(w, "SELECT id FROM antifungal_courses")),
     "DELETE FROM antifungal_courses WHERE id = {x}",
     "antifungal_courses record {x} (MRN A1001) was removed outside the app"),
    ("27_bridging_inserted", lambda w: dict(x=_pid(w, "B2002")),
     "INSERT INTO bridging (patient_id, method, started_on) VALUES ({x}, 'oral_baclofen', '2026-11-09')",
     "(MRN B2002) was added outside the app"),
    ("28_exam_finding_edited", lambda w: dict(x=_one(w, "SELECT id FROM exams")),
     "UPDATE exams SET finding = 'ocular candidiasis' WHERE id = {x}", "exams record {x} (MRN A1001) was changed outside the app"),
    ("29_exam_deleted", lambda w: dict(x=_one(w, "SELECT id FROM exams")),
     "DELETE FROM exams WHERE id = {x}", "exams record {x} (MRN A1001) was removed"),
    ("30_row_version_moved_by_hand", lambda w: dict(x=_pid(w, "B2002")),
     "UPDATE patients SET row_version = 1 WHERE id = {x}", "patients record {x} (MRN B2002) was changed outside the app"),
    # The user accounts: a role raised by SQL gives that user the whole ward.
    ("31_nurse_raised_to_admin", lambda w: dict(x=_user(w, "nina")),
     "UPDATE users SET roles = 'admin' WHERE id = {x}", "users record {x} (user nina) was changed outside the app"),
    ("32_user_inserted", lambda w: {},
     "INSERT INTO users (username, password_hash, roles, created_at, created_by) "
     "VALUES ('mallory', 'x', 'admin', '2026-11-09 10:00:00+00', 'os:root')",
     "(user mallory) was added outside the app"),
    ("33_user_deleted", lambda w: dict(x=_user(w, "nina")),
     "DELETE FROM users WHERE id = {x}", "users record {x} (user nina) was removed outside the app"),
    ("34_password_hash_swapped", lambda w: dict(x=_user(w, "ada"), h=_one(w, "SELECT password_hash FROM users WHERE username = 'nina'")),
     "UPDATE users SET password_hash = '{h}' WHERE id = {x}", "users record {x} (user ada) was changed outside the app"),
    ("35_disabled_account_re_enabled", lambda w: dict(x=_user(w, "olly")),
     "UPDATE users SET disabled_at = NULL, disabled_by = NULL WHERE id = {x}",
     "users record {x} (user olly) was changed outside the app"),
    # Handover notes (schema 8): a note changed by hand would mislead the next shift.
    ("36_handover_note_rewritten", lambda w: dict(x=_with_note(w)),
     "UPDATE notes SET text = 'nothing to hand over' WHERE id = {x}", "notes record {x} (MRN A1001) was changed outside the app"),
    ("37_handover_note_deleted", lambda w: dict(x=_with_note(w)),
     "DELETE FROM notes WHERE id = {x}", "notes record {x} (MRN A1001) was removed outside the app"),
    ("38_note_moved_to_another_patient", lambda w: dict(x=_with_note(w), p=_pid(w, "B2002")),
     "UPDATE notes SET patient_id = {p} WHERE id = {x}", "notes record {x} (MRN A1001) was changed outside the app"),
]


@pytest.mark.parametrize("case, values, sql, expected", ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_a_row_changed_outside_the_app_is_named(ward, case, values, sql, expected):
    filled = values(ward)
    tamper_sql(ward, sql.format(**filled))
    ok, out = _check(ward)
    assert "audit trail: ok" in out  # the trail is intact: only the row check can see it
    assert not ok and expected.format(**filled) in out, out


def test_an_account_from_before_users_were_covered_is_proved_by_replay(ward, monkeypatch):
    """An account last written by a version that sealed no digest for users has none in
    the trail: it is not a false alarm, but its roles raised by SQL are still found (the
    trail's create and set_roles entries carry the roles), and its next sign-in seals it."""
    from itb_tui.store import rowdigest

    with monkeypatch.context() as m:  # the older version: users not among the covered tables
        m.setattr(rowdigest, "BY_NAME", {t.name: t for t in rowdigest.CLINICAL_TABLES})
        ward.create_user("otto", PASSWORD, ["nurse"])
    ok, out = _check(ward)
    assert ok, out
    uid = _user(ward, "otto")
    tamper_sql(ward, f"UPDATE users SET roles = 'admin' WHERE id = {uid}")
    ok, out = _check(ward)
    assert not ok and f"users record {uid} (user otto) was changed outside the app (roles admin; " \
                      "the audit trail recorded nurse)" in out, out
    tamper_sql(ward, f"UPDATE users SET roles = 'nurse' WHERE id = {uid}")
    ward.authenticate("otto", PASSWORD)  # the sign-in seals the row's digest
    tamper_sql(ward, f"UPDATE users SET password_hash = 'x' WHERE id = {uid}")
    ok, out = _check(ward)
    assert not ok and f"users record {uid} (user otto) was changed outside the app" in out


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
