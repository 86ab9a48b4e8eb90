"""Exports take the whole ward off the workstation: only an admin may, and the STORE says
so (`load_for_export`), not only the export screen. The command line's system store (the
operating-system user who owns the store) may."""

from __future__ import annotations

import pytest
from store_fixtures import add_users, fungemia_patient, quiet_patient, signed_in

from itb_tui.store import PermissionDenied


@pytest.fixture
def ward(store):
    store.import_patients([fungemia_patient(), quiet_patient()], "os:setup")
    add_users(store)
    return store


@pytest.mark.parametrize("username", ["nurse.nina", "dr.carl"])
def test_a_signed_in_non_admin_cannot_read_the_ward_for_export(ward, username):
    user_store = signed_in(ward, username)
    with pytest.raises(PermissionDenied) as refused:
        user_store.load_for_export()
    assert "may not export patient data: an admin must" in str(refused.value)
    with pytest.raises(PermissionDenied):
        user_store.load_for_export(ward="Rehab 2")
    assert [p.mrn for p in user_store.load_patients()] == ["A1001", "B2002"]  # viewing is still fine


def test_an_admin_and_the_command_line_read_the_ward_for_export(ward):
    admin = signed_in(ward, "ada")
    assert [p.mrn for p in admin.load_for_export()] == ["A1001", "B2002"]
    assert [p.mrn for p in admin.load_for_export(ward="Rehab 2")] == ["B2002"]
    assert [p.mrn for p in admin.load_for_export(mrns=["A1001"])] == ["A1001"]
    assert admin.load_for_export(ward="Rehab 2", mrns=["A1001"]) == []
    exported = ward.load_for_export()  # the system store: the CLI, run as the OS user
    assert exported == ward.load_patients()
    assert exported[0].pumps[0].refills  # the whole record, as an export needs it


def test_a_disabled_admin_can_no_longer_export(ward):
    ward.create_user("ada2", "correct horse battery", ["admin"], "os:root")
    admin = signed_in(ward, "ada2")
    ward.disable_user("ada2", "os:root")
    with pytest.raises(Exception) as refused:
        admin.load_for_export()
    assert "disabled" in str(refused.value)
