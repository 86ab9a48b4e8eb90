"""The audit trail is a hash chain: every write seals its rows, and a row changed, removed
or reordered by hand (raw SQL, outside the app) is detected and named."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from store_fixtures import NOW, TODAY, add_users, fungemia_patient, quiet_patient, signed_in, table_rows, tamper_sql, grant_back

from itb_tui.clinical.records import Bridging, Patient


def _busy_store(store):
    store.import_patients([fungemia_patient(), quiet_patient()], "os:root")
    store.add_bridging("B2002", Bridging("oral_baclofen", TODAY, "10 mg tds"), "os:root")
    store.save_patient(Patient(mrn="B2002", name="Roe, Richard", ward="Rehab 2", bed="4"), "os:root")


def _sql(store, statement: str) -> None:
    tamper_sql(store, statement)


def test_every_write_is_sealed_with_consecutive_ids_and_the_chain_verifies(store):
    _busy_store(store)
    rows = table_rows(store, "audit")
    assert [r["id"] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["prev_hash"] == "0" * 64
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(rows, rows[1:]))
    result = store.verify_audit()
    assert result.ok and result.checked == len(rows)
    assert store.check().ok


def test_a_changed_entry_is_named(store):
    _busy_store(store)
    _sql(store, "UPDATE audit SET actor = 'someone else' WHERE id = 3")
    result = store.verify_audit()
    assert not result.ok and result.first_broken_id == 3 and "changed" in result.problem
    assert not store.check().ok


def test_a_changed_snapshot_is_named_even_when_the_json_means_the_same(store):
    _busy_store(store)
    _sql(store, "UPDATE audit SET \"after\" = replace(\"after\", '\"bed\": \"4\"', '\"bed\": \"5\"') WHERE id = "
                "(SELECT max(id) FROM audit)")
    last = len(table_rows(store, "audit"))
    assert store.verify_audit().first_broken_id == last


def test_deleting_the_newest_entry_is_detected(store):
    _busy_store(store)
    last = len(table_rows(store, "audit"))
    _sql(store, f"DELETE FROM audit WHERE id = {last}")
    result = store.verify_audit()
    assert not result.ok and result.first_broken_id == last and "missing at the end" in result.problem


def test_deleting_a_middle_entry_is_detected(store):
    _busy_store(store)
    _sql(store, "DELETE FROM audit WHERE id = 2")
    result = store.verify_audit()
    assert not result.ok and result.first_broken_id == 3 and "missing" in result.problem


def test_resealing_the_tail_by_hand_does_not_match_the_chain_head(store):
    """Someone who rewrites the last entry AND recomputes its hash is still caught: the
    chain head (written in the same transaction as the entry) keeps the old hash."""
    from sqlalchemy import select

    from itb_tui.security.audit_chain import seal
    from itb_tui.store import schema
    from itb_tui.store.audit import HASHED

    _busy_store(store)
    with store.engine.connect() as conn:  # the values as the app reads them (typed)
        r = conn.execute(select(schema.audit).order_by(schema.audit.c.id.desc()).limit(1)).one()._mapping
    last = dict(r, reason="edited afterwards")
    forged = seal(last["prev_hash"], {k: last[k] for k in HASHED})
    with store.engine.begin() as conn:
        grant_back(conn)
        conn.execute(text("UPDATE audit SET reason = :r, hash = :h WHERE id = :i"),
                     {"r": "edited afterwards", "h": forged["hash"], "i": last["id"]})
    result = store.verify_audit()
    assert not result.ok and result.first_broken_id == last["id"] and "chain head" in result.problem


def test_a_rolled_back_write_leaves_no_gap(store):
    from itb_tui.store import ValidationError

    store.import_patients([quiet_patient()], "os:root")
    with pytest.raises(ValidationError):
        store.save_patient(Patient(mrn="N1", name="Future, Born", dob=date(2027, 1, 1)), "os:root")
    store.save_patient(Patient(mrn="N2", name="New, Patient"), "os:root")
    assert store.verify_audit().ok


def test_the_trail_filters_by_patient_user_and_time(store):
    add_users(store)
    store.import_patients([fungemia_patient(), quiet_patient()], "os:root")
    signed_in(store, "dr.carl").add_bridging("B2002", Bridging("oral_baclofen", TODAY, "10 mg"), "x")
    trail = store.audit_trail
    assert {e.mrn for e in trail(mrn="B2002")} == {"B2002"}
    mine = trail(username="dr.carl")
    assert [e.action for e in mine] == ["login", "create"] and mine[-1].table == "bridging"
    now = datetime.now(timezone.utc)
    assert trail(since=now + timedelta(hours=1)) == []
    assert len(trail(since=now - timedelta(hours=1))) > 10
    assert [e.action for e in trail(until=NOW.date())] == ["login"]  # the sign-in was "at" NOW
    assert trail(since=date(2000, 1, 1), until=date(2000, 1, 2)) == []
    assert [e.id for e in trail(limit=2)] == [e.id for e in trail()[-2:]]
