"""Task deferrals in the store (issue 16): "a task can be deferred with a reason
(audited) and comes back on its date". SQLite and PostgreSQL (`store` fixture).

The ward: fungemia_patient (A1001) has one open task on TODAY (2026-11-10): the explant
(device_removal_indicated, due the day the alert asks for it), key
"A1001:explant:device_removal_indicated".
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from store_fixtures import TODAY, add_users, fungemia_patient, quiet_patient, signed_in, tamper_sql

from itb_tui.clinical.engine import assess
from itb_tui.present.tasks import ward_tasks
from itb_tui.store import StoreError
from itb_tui.store.errors import PermissionDenied
from itb_tui.store.reader import open_reader

KEY = "A1001:explant:device_removal_indicated"
REASON = "explant booked in theatre on Friday"


@pytest.fixture
def ward(store):
    store.import_patients([fungemia_patient(), quiet_patient()], "os:root")
    return store


def _tasks(store, on: date):
    pairs = [(p, assess(p, on)) for p in store.load_patients()]
    return ward_tasks(pairs, on, store.task_deferrals(), horizon_days=None)


def test_a_deferred_task_is_hidden_until_its_date_then_comes_back_saying_why(ward):
    assert [t.key for t in _tasks(ward, TODAY)] == [KEY]
    # deferred on 2026-11-10 to 2026-11-13 (3 days): hidden on the 10th and the 12th,
    # back on the 13th, marked with the date and the reason.
    ward.defer_task("A1001", KEY, date(2026, 11, 13), REASON, "os:nurse")
    assert _tasks(ward, TODAY) == []
    assert _tasks(ward, date(2026, 11, 12)) == []
    (back,) = _tasks(ward, date(2026, 11, 13))
    assert back.key == KEY and back.deferred == f"deferred to 2026-11-13: {REASON}"


def test_the_deferral_is_audited_in_the_same_write_and_check_still_passes(ward):
    before = len(ward.audit_trail())
    ward.defer_task("A1001", KEY, TODAY + timedelta(days=3), f"  {REASON}  ", "os:nurse")
    trail = ward.audit_trail()
    assert len(trail) == before + 1
    entry = trail[-1]
    assert (entry.action, entry.table, entry.mrn, entry.actor, entry.reason) == \
        ("defer", "task_deferrals", "A1001", "os:nurse", REASON)
    assert entry.after == {"task_key": KEY, "until": "2026-11-13", "reason": REASON}
    result = ward.check()
    assert result.ok, "\n".join(result.lines())


def test_a_deferral_changed_outside_the_app_is_found_by_check(ward):
    ward.defer_task("A1001", KEY, TODAY + timedelta(days=3), REASON, "os:nurse")
    tamper_sql(ward, "UPDATE task_deferrals SET until = '2026-12-10'")
    result = ward.check()
    assert not result.ok
    assert "task_deferrals record 1 (MRN A1001) was changed outside the app" in "\n".join(result.lines())


def test_a_later_deferral_supersedes_and_both_are_kept(ward):
    ward.defer_task("A1001", KEY, TODAY + timedelta(days=2), "first reason given", "os:nurse")
    ward.defer_task("A1001", KEY, TODAY + timedelta(days=5), "theatre moved to Monday", "os:nurse")
    kept = ward.task_deferrals()
    assert [(d.until, d.reason) for d in kept] == [(date(2026, 11, 12), "first reason given"),
                                                    (date(2026, 11, 15), "theatre moved to Monday")]
    assert _tasks(ward, date(2026, 11, 12)) == []  # the later one (15th) holds
    assert ward.task_deferrals("B2002") == []


def test_the_read_only_reader_reads_the_same_deferrals(ward, store_url):
    ward.defer_task("A1001", KEY, TODAY + timedelta(days=3), REASON, "os:nurse")
    reader = open_reader(store_url)
    assert reader is not None
    try:
        assert reader.task_deferrals() == ward.task_deferrals()
        assert reader.task_deferrals("A1001") == ward.task_deferrals("A1001")
    finally:
        reader.close()


@pytest.mark.parametrize("until, reason, key, message", [
    (TODAY, REASON, KEY, "must be after today (2026-11-10)"),  # today: nothing deferred
    (TODAY - timedelta(days=1), REASON, KEY, "must be after today"),
    (TODAY + timedelta(days=31), REASON, KEY, "at most 30 days ahead (to 2026-12-10)"),  # 11-10 + 30 d
    (TODAY + timedelta(days=3), "   ", KEY, "the reason for the deferral is required"),
    (TODAY + timedelta(days=3), "bad\x07bell", KEY, "the reason for the deferral"),
    (TODAY + timedelta(days=3), REASON, "B2002:refill:refill_due", "is not a task of patient A1001"),
])
def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(ward, until, reason, key, message):
    trail = len(ward.audit_trail())
    with pytest.raises(StoreError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ward.defer_task("A1001", key, until, reason, "os:nurse")
    assert ward.task_deferrals() == [] and len(ward.audit_trail()) == trail


def test_the_last_allowed_day_is_thirty_days_ahead(ward):
    # 2026-11-10 + 30 days = 2026-12-10
    assert ward.defer_task("A1001", KEY, date(2026, 12, 10), REASON, "os:x").until == date(2026, 12, 10)


def test_an_unknown_patient_is_refused(ward):
    with pytest.raises(StoreError, match="no patient with MRN 'Z9'"):
        ward.defer_task("Z9", "Z9:explant:device_removal_indicated", TODAY + timedelta(days=1), REASON, "os:x")


@pytest.mark.parametrize("user, allowed", [("nurse.nina", True), ("dr.carl", True), ("ada", False)])
def test_nurse_and_clinician_may_defer_admin_may_not(ward, user, allowed):
    add_users(ward)
    as_user = signed_in(ward, user)
    until = TODAY + timedelta(days=3)
    if allowed:
        as_user.defer_task("A1001", KEY, until, REASON, "ignored")
        assert ward.audit_trail()[-1].username == user
        assert ward.task_deferrals()[-1].actor == user
    else:
        with pytest.raises(PermissionDenied, match="admin may not defer a task"):
            as_user.defer_task("A1001", KEY, until, REASON, "ignored")
        assert ward.task_deferrals() == []


def test_a_stale_screen_is_refused(ward):
    """The screen showed an older version of the patient (someone saved since): refused."""
    version = ward.get_patient("A1001").row_version
    with pytest.raises(StoreError, match="changed"):
        ward.defer_task("A1001", KEY, TODAY + timedelta(days=3), REASON, "os:x", expected_version=version - 1)
    assert ward.task_deferrals() == []
