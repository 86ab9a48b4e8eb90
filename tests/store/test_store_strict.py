"""The store as strict as the forms and as careful about who writes (issue 14, items 7, 8)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from store_fixtures import NOW, add_users, quiet_patient, signed_in

from itb_tui.clinical.records import Patient
from itb_tui.store import PermissionDenied, StoreError, ValidationError


def test_an_mrn_differing_only_in_case_or_spaces_from_one_on_file_is_refused(store):
    store.import_patients([quiet_patient("F1")], "os:root")
    for mrn in ("f1", " F1 ".strip().lower()):
        with pytest.raises(ValidationError) as err:
            store.import_patients([quiet_patient(mrn)], "os:root")
        assert err.value.errors == [f"{mrn}: mrn: clashes with patient F1 already on file: MRNs that differ "
                                    "only in case or spaces are refused (use the MRN as on file)"]
    with pytest.raises(ValidationError, match="clashes with patient F1"):
        store.save_patient(Patient(mrn="f1", name="Other, Patient"), "os:root")
    assert [p.mrn for p in store.load_patients()] == ["F1"]
    assert store.import_patients([quiet_patient("F1")], "os:root").unchanged == 1  # the exact MRN updates


# --- item 8: every write checks the role and is audited; sessions only from sign-in --------

def test_set_meta_checks_the_role_and_is_audited(store):
    add_users(store)
    with pytest.raises(PermissionDenied, match="nurse may not change the store's settings: an admin must"):
        signed_in(store, "nurse.nina").set_meta("site", "Ward 4B")
    assert store.get_meta("site") is None
    signed_in(store, "ada").set_meta("site", "Ward 4B")
    entry = store.audit_trail()[-1]
    assert (entry.table, entry.action, entry.username, entry.after) == (
        "meta", "create", "ada", {"key": "site", "value": "Ward 4B"})
    store.set_meta("site", "Ward 5", actor="os:root")
    entry = store.audit_trail()[-1]
    assert (entry.actor, entry.before, entry.after["value"]) == ("os:root", {"key": "site", "value": "Ward 4B"}, "Ward 5")


def test_set_meta_refuses_the_keys_the_store_keeps_and_a_demo_mark_on_a_store_with_accounts(store):
    n = len(store.audit_trail())
    for key in ("audit_head", "schema_version"):
        with pytest.raises(StoreError, match="kept by the store itself"):
            store.set_meta(key, "0")
    add_users(store)
    with pytest.raises(StoreError, match="cannot be made a demo store"):
        store.set_meta("kind", "demo")
    assert store.get_meta("kind") != "demo" and store.verify_audit().ok
    assert len(store.audit_trail()) == n + 3  # the three accounts only


def test_a_hand_made_session_is_refused_by_for_user(store):
    from dataclasses import replace

    from itb_tui.security.session import Session, start_session

    add_users(store)
    forged = [
        start_session("ada", ["admin"], NOW),                                    # never signed in
        Session(user="ada", roles=frozenset({"admin"}), started_at=NOW, seal="0" * 64),  # a made-up seal
        replace(store.authenticate("nurse.nina", "correct horse battery", NOW),  # a real one, roles edited
                roles=frozenset({"clinician"})),
    ]
    for session in forged:
        with pytest.raises(StoreError, match="sign-in"):
            store.for_user(session)
    real = store.authenticate("ada", "correct horse battery", NOW)
    assert store.for_user(real.with_context({"screen": "ward"}).lock(NOW)).session.user == "ada"
