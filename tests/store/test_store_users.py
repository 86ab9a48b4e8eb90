"""Users in the store: accounts, sign-in (rate-limited, audited), and roles checked IN THE
STORE, so a UI that shows the wrong button still cannot grant a right."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from store_fixtures import NOW, PASSWORD, TODAY, add_users, fungemia_patient, pump, quiet_patient, signed_in, table_rows

from itb_tui.clinical.records import Bridging, Culture, Patient, Refill
from itb_tui.security import PermissionDenied as SecurityPermissionDenied
from itb_tui.security.session import demo_session
from itb_tui.store import (
    AccountDisabled,
    LoginFailed,
    LoginLocked,
    PermissionDenied,
    StoreError,
    ValidationError,
)

# --- accounts -------------------------------------------------------------------------------


def test_a_new_store_has_no_users_and_its_first_user_must_be_an_admin(store):
    assert store.has_users() is False
    with pytest.raises(StoreError, match="first user of a store must be an admin"):
        store.create_user("dr.carl", PASSWORD, ["clinician"], "os:root")
    assert store.has_users() is False
    user = store.create_user("Ada", PASSWORD, ["clinician", "admin"], "os:root")
    assert (user.username, user.roles, user.active) == ("ada", ("clinician", "admin"), True)
    assert store.has_users() is True


def test_user_names_are_unique_whatever_their_case(store):
    store.create_user("ada", PASSWORD, ["admin"], "os:root")
    with pytest.raises(StoreError, match="already exists"):
        store.create_user(" ADA ", PASSWORD, ["nurse"], "os:root")
    assert [u.username for u in store.list_users()] == ["ada"]


@pytest.mark.parametrize("name, password, roles, words", [
    ("bad name", PASSWORD, ["admin"], "user name may use only"),
    ("ada", "short", ["admin"], "at least 10 characters"),
    ("ada", "ada", ["admin"], "password"),
    ("ada", PASSWORD, ["doctor"], "unknown role 'doctor'"),
    ("ada", PASSWORD, [], "at least one role"),
])
def test_bad_accounts_are_refused_in_one_line_and_nothing_is_stored(store, name, password, roles, words):
    with pytest.raises(ValidationError) as err:
        store.create_user(name, password, roles, "os:root")
    assert words in str(err.value) and "\n" not in str(err.value)
    assert store.has_users() is False and store.audit_trail() == []


def test_the_password_is_stored_hashed_and_never_in_the_audit_trail(store):
    add_users(store)
    rows = table_rows(store, "users")
    assert all(r["password_hash"].startswith("scrypt$") and PASSWORD not in r["password_hash"] for r in rows)
    for entry in table_rows(store, "audit"):
        text = repr(entry)
        assert PASSWORD not in text and "scrypt$" not in text
    created = [e for e in store.audit_trail() if e.table == "users"]
    assert [(e.action, e.after["username"], e.actor) for e in created] == [
        ("create", "ada", "os:root"), ("create", "dr.carl", "os:root"), ("create", "nurse.nina", "os:root")]


# --- sign-in --------------------------------------------------------------------------------


def test_sign_in_returns_a_session_with_the_users_roles_and_is_audited(store):
    add_users(store)
    session = store.authenticate("Dr.Carl", PASSWORD, NOW)
    assert (session.user, session.roles, session.demo) == ("dr.carl", frozenset({"clinician"}), False)
    entry = store.audit_trail()[-1]
    assert (entry.action, entry.username, entry.at) == ("login", "dr.carl", NOW)
    assert store.get_user("dr.carl").last_login_at == NOW


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer_and_are_audited(store):
    add_users(store)
    with pytest.raises(LoginFailed) as wrong:
        store.authenticate("dr.carl", "not the password", NOW)
    with pytest.raises(LoginFailed) as unknown:
        store.authenticate("nobody", PASSWORD, NOW)
    assert str(wrong.value) == str(unknown.value) == "wrong user name or password"
    failed = [e for e in store.audit_trail() if e.action == "login_failed"]
    assert [(e.username, e.reason) for e in failed] == [("dr.carl", "wrong password"), ("nobody", "unknown user")]
    assert all("not the password" not in repr(e) for e in store.audit_trail())


def test_failed_sign_ins_are_rate_limited_then_forgotten_after_a_success(store):
    add_users(store)
    for i in range(4):  # three are free; the fourth starts a 2 s wait
        with pytest.raises(LoginFailed):
            store.authenticate("nurse.nina", "wrong password!", NOW + timedelta(seconds=i))
    with pytest.raises(LoginLocked) as locked:  # even the right password is not checked now
        store.authenticate("nurse.nina", PASSWORD, NOW + timedelta(seconds=4))
    assert locked.value.seconds_left == 1 and "try again in 1 seconds" in str(locked.value)
    # the refused attempt did not lengthen the lock; after the wait the right password works
    assert store.authenticate("nurse.nina", PASSWORD, NOW + timedelta(seconds=6)).user == "nurse.nina"
    # a success forgets the earlier failures: one more typo is free again
    with pytest.raises(LoginFailed) as again:
        store.authenticate("nurse.nina", "wrong password!", NOW + timedelta(seconds=7))
    assert not isinstance(again.value, LoginLocked)
    actions = [e.action for e in store.audit_trail() if e.username == "nurse.nina"]
    assert actions == ["login_failed"] * 5 + ["login", "login_failed"]


def test_unknown_names_are_throttled_like_real_ones(store):
    add_users(store)
    for i in range(4):
        with pytest.raises(LoginFailed):
            store.authenticate("ghost", "whatever it is", NOW + timedelta(seconds=i))
    with pytest.raises(LoginLocked):
        store.authenticate("ghost", "whatever it is", NOW + timedelta(seconds=4))


def test_a_disabled_user_cannot_sign_in_nor_keep_writing(store):
    add_users(store)
    store.import_patients([quiet_patient()], "os:root")
    nurse = signed_in(store, "nurse.nina")
    admin = signed_in(store, "ada")
    admin.disable_user("nurse.nina", reason="left the ward")
    with pytest.raises(LoginFailed, match="disabled"):
        store.authenticate("nurse.nina", PASSWORD, NOW)
    with pytest.raises(AccountDisabled):
        nurse.add_bridging("B2002", Bridging("oral_baclofen", TODAY, "10 mg"), "ignored")
    assert store.get_patient("B2002").bridging == ()
    entry = [e for e in store.audit_trail() if e.table == "users" and e.action == "update"][-1]
    assert (entry.username, entry.reason, entry.after["username"]) == ("ada", "left the ward", "nurse.nina")


def test_the_last_active_admin_cannot_be_disabled_or_demoted(store):
    add_users(store)
    admin = signed_in(store, "ada")
    with pytest.raises(StoreError, match="only active admin"):
        admin.disable_user("ada")
    with pytest.raises(StoreError, match="only active admin"):
        admin.set_roles("ada", ["clinician"])
    admin.set_roles("dr.carl", ["clinician", "admin"])
    assert admin.disable_user("ada").active is False


def test_set_password_by_an_admin_or_for_oneself_only(store):
    add_users(store)
    nurse = signed_in(store, "nurse.nina")
    nurse.set_password("nurse.nina", "a brand new passphrase")
    assert store.authenticate("nurse.nina", "a brand new passphrase", NOW).user == "nurse.nina"
    with pytest.raises(PermissionDenied, match="nurse may not manage users"):
        nurse.set_password("dr.carl", "taking over this account")
    signed_in(store, "ada").set_password("dr.carl", "reset by the admin desk")
    assert store.authenticate("dr.carl", "reset by the admin desk", NOW).user == "dr.carl"
    assert all("reset by" not in repr(r) for r in table_rows(store, "audit"))


# --- roles, checked in the store ------------------------------------------------------------


def test_a_nurse_cannot_record_a_blocked_refill_even_with_an_override_reason(store):
    add_users(store)
    store.import_patients([fungemia_patient()], "os:root")
    nurse = signed_in(store, "nurse.nina")
    p = nurse.get_patient("A1001")
    n = len(store.audit_trail())
    with pytest.raises(PermissionDenied) as err:
        nurse.record_refill("A1001", p.pumps[0].id, Refill(on=TODAY, volume_ml=Decimal("20")), "x",
                            override_reason="Reservoir would run dry; ID consultant agreed")
    assert str(err.value) == "nurse may not override a refill block: a clinician must"
    assert isinstance(err.value, StoreError) and isinstance(err.value, SecurityPermissionDenied)
    assert store.get_patient("A1001").pumps[0].refills == p.pumps[0].refills
    assert len(store.audit_trail()) == n


def test_a_clinician_overrides_a_block_and_the_audit_row_names_them(store):
    add_users(store)
    store.import_patients([fungemia_patient()], "os:root")
    clinician = signed_in(store, "dr.carl")
    p = clinician.get_patient("A1001")
    got = clinician.record_refill("A1001", p.pumps[0].id, Refill(on=TODAY, volume_ml=Decimal("20")),
                                  "what the caller claims", override_reason="Would run dry before explant")
    assert got.pumps[0].refills[-1].override_reason == "Would run dry before explant"
    entry = store.audit_trail()[-1]
    assert (entry.actor, entry.username, entry.table) == ("dr.carl", "dr.carl", "refills")


def test_a_nurse_records_an_unblocked_refill_bridging_and_a_culture_result(store):
    add_users(store)
    store.import_patients([quiet_patient(), fungemia_patient()], "os:root")
    clinician = signed_in(store, "dr.carl")
    pending = clinician.add_culture("A1001", Culture("blood", date(2026, 11, 9), "pending"), "x").cultures[-1]
    nurse = signed_in(store, "nurse.nina")
    p = nurse.get_patient("B2002")
    nurse.record_refill("B2002", p.pumps[0].id, Refill(on=TODAY, volume_ml=Decimal("40")), "x")
    bridge = nurse.add_bridging("A1001", Bridging("oral_baclofen", TODAY, "10 mg tds"), "x").bridging[-1]
    nurse.update_bridging(bridge.id, replace(bridge, stopped_on=TODAY), "x")  # recording bridging: a nurse may
    got = nurse.update_culture(pending.id, replace(pending, result="no_growth"), "x")
    assert got.cultures[-1].result == "no_growth"
    with pytest.raises(PermissionDenied, match="nurse may not add a culture"):  # changing what was drawn
        nurse.update_culture(pending.id, replace(pending, drawn_on=date(2026, 11, 8)), "x")
    assert {e.username for e in store.audit_trail()[-4:]} == {"nurse.nina"}


@pytest.mark.parametrize("call, words", [
    (lambda st, p: st.add_pump("A1001", pump("NEW9"), "x"), "nurse may not add a pump"),
    (lambda st, p: st.explant_pump("A1001", p.pumps[0].id, TODAY, "infected", "x"), "record a pump explant"),
    (lambda st, p: st.save_patient(replace(p, bed="7"), "x"), "nurse may not edit a patient"),
    (lambda st, p: st.add_culture("A1001", Culture("blood", TODAY, "no_growth"), "x"),
     "add a culture with its result"),  # drawn and pending is a nurse's entry (issue 13)
    (lambda st, p: st.update_course(p.antifungals[0].id, replace(p.antifungals[0], stopped_on=TODAY), "x"),
     "antifungal course"),
    (lambda st, p: st.mark_entered_in_error("exam", p.exams[0].id, "wrong patient", "x"), "entered in error"),
    (lambda st, p: st.import_patients([quiet_patient()], "x"), "import a ward file"),
    (lambda st, p: st.create_user("eve", PASSWORD, ["admin"], "x"), "nurse may not manage users"),
    (lambda st, p: st.list_users(), "manage users"),
    (lambda st, p: st.audit_trail(), "view the audit trail"),
    (lambda st, p: st.backup("/tmp/never-written.db"), "make a backup"),
])
def test_a_nurse_is_refused_what_the_role_table_does_not_allow(store, call, words):
    add_users(store)
    store.import_patients([fungemia_patient()], "os:root")
    nurse = signed_in(store, "nurse.nina")
    p = nurse.get_patient("A1001")
    before = (store.load_patients(), len(store.audit_trail()), len(store.list_users()))
    with pytest.raises(PermissionDenied) as err:
        call(nurse, p)
    assert words in str(err.value) and "\n" not in str(err.value)
    assert (store.load_patients(), len(store.audit_trail()), len(store.list_users())) == before


def test_a_patients_own_history_is_open_to_every_role_the_whole_trail_to_admins(store):
    add_users(store)
    store.import_patients([fungemia_patient()], "os:root")
    nurse = signed_in(store, "nurse.nina")
    assert {e.mrn for e in nurse.audit_trail("A1001")} == {"A1001"}
    assert len(signed_in(store, "ada").audit_trail()) == len(store.audit_trail())


def test_a_clinician_cannot_manage_users_and_an_admin_cannot_edit_clinical_records(store):
    add_users(store)
    store.import_patients([quiet_patient()], "os:root")
    with pytest.raises(PermissionDenied, match="clinician may not manage users"):
        signed_in(store, "dr.carl").create_user("eve", PASSWORD, ["nurse"])
    admin = signed_in(store, "ada")
    with pytest.raises(PermissionDenied, match="admin may not edit a patient"):
        admin.save_patient(Patient(mrn="B2002", name="Roe, Richard", bed="9"), "x")
    assert admin.create_user("eve", PASSWORD, ["nurse"]).roles == ("nurse",)
    assert store.audit_trail()[-1].username == "ada"


def test_the_demo_sign_in_works_only_on_the_demo_store(store):
    with pytest.raises(StoreError, match="only for the demo store"):
        store.for_user(demo_session(NOW))
    store.set_meta("kind", "demo")
    demo = store.for_user(demo_session(NOW))
    got = demo.save_patient(Patient(mrn="D1", name="Demo, Patient"), "x")
    assert got.mrn == "D1" and store.audit_trail()[-1].username == "demo"


def test_the_system_store_writes_under_the_actor_it_is_given(store):
    store.save_patient(Patient(mrn="N1", name="New, Patient"), "os:ward-clerk")
    entry = store.audit_trail()[-1]
    assert (entry.actor, entry.username) == ("os:ward-clerk", None)


# --- bad input ------------------------------------------------------------------------------

def test_any_text_as_a_new_account_is_refused_in_one_line_or_stored(tmp_path):
    """Fuzzed names, passwords and roles: a one-line StoreError or a stored account, never
    an uncaught exception nor a half-made user."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from itb_tui.store import open_store

    store = open_store(f"sqlite:///{tmp_path}/users.db", today=TODAY)
    store.create_user("ada", PASSWORD, ["admin"], "os:root")
    names = st.one_of(st.text(max_size=80), st.from_regex(r"[a-z][a-z0-9._-]{0,70}", fullmatch=True))
    roles = st.lists(st.one_of(st.sampled_from(["nurse", "clinician", "admin"]), st.text(max_size=12)), max_size=4)

    marked = st.text(max_size=30).map(lambda s: "Zq9#" + s)  # would show if a message repeated it

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(name=names, password=st.one_of(st.text(max_size=40), marked), roles=roles)
    def attempt(name, password, roles):
        before = len(store.audit_trail())
        try:
            user = store.create_user(name, password, roles, "os:root")
        except StoreError as exc:
            assert "\n" not in str(exc) and str(exc)
            assert len(store.audit_trail()) == before
            assert "Zq9#" not in str(exc)
        else:
            assert user.username and len(store.audit_trail()) == before + 1

    attempt()
    store.close()


def test_any_text_at_sign_in_is_a_refusal_never_a_crash(store):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    add_users(store)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(name=st.one_of(st.text(max_size=100), st.sampled_from(["ada", "nurse.nina", "ADA"])),
           password=st.text(max_size=60))
    def attempt(name, password):
        with pytest.raises(LoginFailed):  # LoginLocked is a LoginFailed
            store.authenticate(name, password + "!", NOW)

    attempt()


def test_a_nurse_records_a_culture_drawn_and_pending(store):
    """Issue 13: a nurse records a culture as drawn (pending); its result comes later."""
    add_users(store)
    store.import_patients([fungemia_patient()], "os:root")
    nurse = signed_in(store, "nurse.nina")
    got = nurse.add_culture("A1001", Culture("blood", TODAY, "pending"), "x")
    assert got.cultures[-1].result == "pending"
    assert store.audit_trail()[-1].username == "nurse.nina"
