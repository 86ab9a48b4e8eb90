"""Replacing a pump is one change: the old pump's explant and the new pump are saved in
one transaction with both audit rows, or not at all (a patient is never left recorded
with no pump because the second half of a replacement failed)."""

from __future__ import annotations

from datetime import date

import pytest
from store_fixtures import TODAY, add_users, pump, quiet_patient, signed_in, table_rows

from itb_tui.clinical.records import Bridging
from itb_tui.store import ConcurrentEdit, PermissionDenied, StoreError, ValidationError

REMOVED = date(2026, 11, 9)


@pytest.fixture
def patient(store):
    store.import_patients([quiet_patient()], "os:setup")
    return store.get_patient("B2002")


def _state(store):
    return store.get_patient("B2002"), len(store.audit_trail()), table_rows(store, "pumps")


def test_a_replacement_explants_the_old_pump_and_adds_the_new_in_one_change(store, patient):
    old = patient.pumps[0]
    audit_before = len(store.audit_trail())
    after = store.replace_pump("B2002", old.id, REMOVED, "pocket infection", pump("NGP000999", implanted_on=TODAY),
                               "os:dr", expected_version=patient.row_version)
    was, new = after.pumps
    assert (was.serial, was.removed_on, was.removal_reason) == (old.serial, REMOVED, "pocket infection")
    assert (new.serial, new.removed_on, new.implanted_on) == ("NGP000999", None, TODAY)
    assert after.row_version == patient.row_version + 1  # one change, one version
    explant, create = store.audit_trail()[audit_before:]
    assert (explant.action, explant.table, explant.record_id, explant.reason) == (
        "update", "pumps", old.id, "pocket infection")
    assert explant.before["removed_on"] is None and explant.after["removed_on"] == REMOVED.isoformat()
    assert (create.action, create.table, create.record_id, create.after["serial"]) == (
        "create", "pumps", new.id, "NGP000999")
    assert create.reason == f"replaces pump {old.serial}: pocket infection"
    assert store.verify_audit().ok


@pytest.mark.parametrize("bad_new_pump, words", [
    (pump("NGP000999", reservoir="20", alarm="25"), "alarm_ml"),  # invalid: alarm above reservoir
    (pump("NGP000456"), "already recorded"),  # the serial of the pump being replaced
])
def test_a_refused_new_pump_leaves_the_old_pump_implanted_and_no_audit_row(store, patient, bad_new_pump, words):
    before = _state(store)
    with pytest.raises(ValidationError, match=words):
        store.replace_pump("B2002", patient.pumps[0].id, REMOVED, "battery end of life", bad_new_pump, "os:dr")
    assert _state(store) == before
    assert store.get_patient("B2002").pumps[0].removed_on is None


def test_a_replacement_needs_the_version_the_user_saw_and_the_right_role(store, patient):
    add_users(store)
    before = _state(store)
    nurse = signed_in(store, "nurse.nina")
    with pytest.raises(PermissionDenied, match="nurse may not record a pump explant"):
        nurse.replace_pump("B2002", patient.pumps[0].id, REMOVED, "infection", pump("NGP000999"), "x")
    store.add_bridging("B2002", Bridging("oral_baclofen", TODAY, "10 mg"), "os:other")  # another terminal
    with pytest.raises(ConcurrentEdit, match="changed by os:other"):
        signed_in(store, "dr.carl").replace_pump("B2002", patient.pumps[0].id, REMOVED, "infection",
                                                 pump("NGP000999"), "x", expected_version=patient.row_version)
    assert store.get_patient("B2002").pumps == before[0].pumps


def test_an_already_removed_pump_cannot_be_replaced_and_nothing_is_added(store, patient):
    store.explant_pump("B2002", patient.pumps[0].id, REMOVED, "infection", "os:dr")
    before = _state(store)
    with pytest.raises(StoreError, match="already removed"):
        store.replace_pump("B2002", patient.pumps[0].id, REMOVED, "again", pump("NGP000999"), "os:dr")
    assert _state(store) == before
