"""Reviewed marks and "opened" marks in the store (issues 16 and 15). SQLite and
PostgreSQL (`store` fixture).

`v` on the round marks a patient reviewed: who, when, the audit position the screen
covered and a summary of what it showed; audited in the same transaction; nurse and
clinician may, admin may not; a stale screen is refused so a change that arrived after
the screen was drawn is never swallowed. The changes since are the audit entries after
the position. Opening a patient is a per-user mark, not audited.
"""

from __future__ import annotations

from datetime import date

import pytest
from store_fixtures import add_users, fungemia_patient, quiet_patient, signed_in, tamper_sql

from itb_tui.clinical.records import Culture
from itb_tui.store import StoreError
from itb_tui.store.errors import ConcurrentEdit, PermissionDenied

SUMMARY = {"refill": "ok", "critical": [], "pump": "NGP000456", "dose": "400", "concentration": "2000"}


@pytest.fixture
def ward(store):
    store.import_patients([fungemia_patient(), quiet_patient()], "os:root")
    return store


def test_a_review_is_audited_in_the_same_write_and_bumps_the_row_version(ward):
    before = ward.get_patient("B2002").row_version
    trail = len(ward.audit_trail())
    review = ward.mark_reviewed("B2002", SUMMARY, "os:nurse", expected_version=before)
    entries = ward.audit_trail()
    assert len(entries) == trail + 1
    entry = entries[-1]
    assert (entry.action, entry.table, entry.mrn, entry.actor) == ("review", "reviews", "B2002", "os:nurse")
    assert entry.after == {"audit_position": trail, "summary": SUMMARY}
    assert review.audit_position == trail and review.reviewed_by == "os:nurse"
    assert ward.get_patient("B2002").row_version == before + 1  # the saved list row is void
    result = ward.check()
    assert result.ok, "\n".join(result.lines())


def test_the_changes_since_the_last_review_are_the_entries_after_its_position(ward):
    ward.mark_reviewed("B2002", SUMMARY, "os:nurse")
    assert ward.patient_reviews()["B2002"].events == ()
    assert "A1001" not in ward.patient_reviews()  # never reviewed
    ward.add_culture("B2002", Culture("blood", date(2026, 11, 9), "positive", "Staphylococcus aureus"), "os:dr")
    (event,) = ward.patient_reviews()["B2002"].events
    assert (event.table, event.action, event.actor) == ("cultures", "create", "os:dr")
    assert event.after["result"] == "positive" and event.after["organism"] == "Staphylococcus aureus"
    # a second review covers it: nothing since
    ward.mark_reviewed("B2002", SUMMARY, "os:dr")
    assert ward.patient_reviews("B2002")["B2002"].events == ()
    assert ward.patient_reviews("B2002")["B2002"].reviewed_by == "os:dr"


def test_a_stale_screen_is_refused_and_nothing_is_written(ward):
    version = ward.get_patient("B2002").row_version
    ward.add_culture("B2002", Culture("blood", date(2026, 11, 9), "positive", "Staphylococcus aureus"), "os:dr")
    trail = len(ward.audit_trail())
    with pytest.raises(ConcurrentEdit):
        ward.mark_reviewed("B2002", SUMMARY, "os:nurse", expected_version=version)
    assert ward.patient_reviews() == {} and len(ward.audit_trail()) == trail


@pytest.mark.parametrize("summary, message", [
    ("not a mapping", "needs the summary"),
    ({"x": object()}, "not plain data"),
    ({"x": "y" * 5000}, "longer than 4000 characters"),
])
def test_a_bad_summary_is_refused(ward, summary, message):
    with pytest.raises(StoreError, match=message):
        ward.mark_reviewed("B2002", summary, "os:nurse")
    assert ward.patient_reviews() == {}


def test_a_review_changed_outside_the_app_is_found_by_check(ward):
    ward.mark_reviewed("B2002", SUMMARY, "os:nurse")
    tamper_sql(ward, "UPDATE reviews SET audit_position = audit_position + 5")
    result = ward.check()
    assert not result.ok
    assert "reviews record 1 (MRN B2002) was changed outside the app" in "\n".join(result.lines())


@pytest.mark.parametrize("user, allowed", [("nurse.nina", True), ("dr.carl", True), ("ada", False)])
def test_nurse_and_clinician_may_mark_reviewed_admin_may_not(ward, user, allowed):
    add_users(ward)
    as_user = signed_in(ward, user)
    if allowed:
        as_user.mark_reviewed("B2002", SUMMARY, "ignored")
        assert ward.audit_trail()[-1].username == user
        assert ward.patient_reviews()["B2002"].reviewed_by == user
    else:
        with pytest.raises(PermissionDenied, match="admin may not mark a patient reviewed"):
            as_user.mark_reviewed("B2002", SUMMARY, "ignored")
        assert ward.patient_reviews() == {}


def test_opening_is_per_user_never_moves_back_and_writes_no_audit_row(ward):
    add_users(ward)
    nina, carl = signed_in(ward, "nurse.nina"), signed_in(ward, "dr.carl")
    # no lab report yet: no marker for anyone
    assert nina.new_results() == {}
    trail = len(ward.audit_trail())
    nina.mark_opened("B2002", ward.data_version())
    nina.mark_opened("B2002", 0)  # an older screen never moves the mark back
    assert len(ward.audit_trail()) == trail
    assert carl.new_results() == {}
    with pytest.raises(StoreError, match="no patient with MRN Z9"):
        nina.mark_opened("Z9", 1)
