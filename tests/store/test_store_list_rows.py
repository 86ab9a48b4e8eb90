"""Saved ward-list rows (store/list_rows.py, hazard H35): a saved row is handed out only
while the patient is unchanged since it was saved and the caller's key (code, rules,
date) is the one it was saved under; saving one is not a clinical change."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from store_fixtures import TODAY, add_users, fungemia_patient, signed_in

from itb_tui.clinical.records import Culture, Exam, Patient, Refill
from itb_tui.store import open_store
from itb_tui.store.reader import open_reader

KEY = "w1.code.rules.2026-11-25"


def _payloads(saved) -> dict[str, str | None]:
    return {mrn: payload for _id, mrn, _version, payload in saved.patients}


def _save_all(store, key=KEY) -> None:
    saved = store.saved_list_rows(key)
    store.save_list_rows(key, [(pid, version, f"row of {mrn} v{version}") for pid, mrn, version, _ in saved.patients])


@pytest.fixture
def ward(store_url):
    store = open_store(store_url, today=TODAY)
    quiet = Patient(mrn="B2002", name="Quiet, Quinn", ward="Neuro 4B", bed="3")
    store.import_patients([fungemia_patient(), quiet], "os:root")
    yield store
    store.close()


def test_nothing_is_saved_at_first_and_every_patient_is_listed_in_mrn_order(ward):
    saved = ward.saved_list_rows(KEY)
    assert [mrn for _id, mrn, _v, _p in saved.patients] == ["A1001", "B2002"]
    assert _payloads(saved) == {"A1001": None, "B2002": None} and not saved.complete
    assert saved.wards == ward.wards()


def test_saved_rows_come_back_only_under_the_same_key(ward):
    _save_all(ward)
    saved = ward.saved_list_rows(KEY)
    assert saved.complete and _payloads(saved) == {"A1001": "row of A1001 v1", "B2002": "row of B2002 v1"}
    tomorrow = KEY.replace("2026-11-25", "2026-11-26")
    assert _payloads(ward.saved_list_rows(tomorrow)) == {"A1001": None, "B2002": None}
    assert _payloads(ward.saved_list_rows("w1.other-code.rules.2026-11-25")) == {"A1001": None, "B2002": None}


CHANGES = {
    # each: a change to patient A1001 through the store, as a screen would make it
    "edit the patient": lambda s: s.save_patient(replace(s.get_patient("A1001"), bed="9"), "os:t"),
    "record a refill": lambda s: s.record_refill(
        "A1001", s.get_patient("A1001").pumps[0].id, Refill(on=TODAY, volume_ml=Decimal("20")), "os:t",
        override_reason="withdrawal imminent, discussed with microbiology"),
    "add a culture": lambda s: s.add_culture("A1001", Culture(specimen="blood", drawn_on=TODAY, result="no_growth"), "os:t"),
    "add an exam": lambda s: s.add_exam("A1001", Exam(kind="dilated_eye_exam", on=TODAY, finding="normal"), "os:t"),
    "strike a culture out": lambda s: s.mark_entered_in_error(
        "culture", s.get_patient("A1001").cultures[0].id, "wrong patient", "os:t"),
    "explant the pump": lambda s: s.explant_pump(
        "A1001", s.get_patient("A1001").pumps[0].id, TODAY, "infected device", "os:t"),
    "import a ward file over it": lambda s: s.import_patients(
        [replace(s.get_patient("A1001"), ward="ICU")], "os:t"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_any_change_to_a_patient_voids_their_saved_row_and_only_theirs(ward, change):
    _save_all(ward)
    try:
        CHANGES[change](ward)
    except TypeError as exc:  # a fixture record shape changed: say so, do not pass silently
        pytest.fail(f"{change}: {exc}")
    after = _payloads(ward.saved_list_rows(KEY))
    assert after["A1001"] is None, f"{change} left the saved row in use"
    assert after["B2002"] == "row of B2002 v1"


def test_saving_rows_is_not_a_clinical_change(ward):
    version = ward.data_version()
    trail = len(ward.audit_trail())
    records = ward.load_patients()
    _save_all(ward)
    _save_all(ward)  # saving again replaces, never duplicates
    assert ward.data_version() == version and len(ward.audit_trail()) == trail
    assert ward.load_patients() == records  # records untouched (row_version included)


def test_the_read_only_fast_path_reads_the_same_saved_rows(ward, store_url):
    _save_all(ward)
    ward.save_patient(replace(ward.get_patient("B2002"), bed="4"), "os:t")
    reader = open_reader(store_url)
    assert reader is not None
    try:
        assert reader.saved_list_rows(KEY) == ward.saved_list_rows(KEY)
    finally:
        reader.close()


def test_a_signed_in_user_reads_and_saves_them_like_the_list(ward):
    add_users(ward)
    nurse = signed_in(ward, "nurse.nina")
    _save_all(nurse)
    assert ward.saved_list_rows(KEY).complete


# --- two dates side by side (issue 17: tomorrow's rows saved today) --------------------

TOMORROW_KEY = KEY.replace("2026-11-25", "2026-11-26")


def test_tomorrows_rows_are_kept_beside_todays(ward):
    _save_all(ward)
    _save_all(ward, TOMORROW_KEY)
    today, tomorrow = _payloads(ward.saved_list_rows(KEY)), _payloads(ward.saved_list_rows(TOMORROW_KEY))
    assert today == {"A1001": "row of A1001 v1", "B2002": "row of B2002 v1"}
    assert tomorrow == today
    _save_all(ward)  # saving today's again keeps tomorrow's
    assert _payloads(ward.saved_list_rows(TOMORROW_KEY)) == tomorrow


def test_a_third_date_replaces_the_oldest(ward):
    day_after = KEY.replace("2026-11-25", "2026-11-27")
    _save_all(ward)
    _save_all(ward, TOMORROW_KEY)
    _save_all(ward, day_after)
    assert _payloads(ward.saved_list_rows(KEY)) == {"A1001": None, "B2002": None}
    assert ward.saved_list_rows(TOMORROW_KEY).complete and ward.saved_list_rows(day_after).complete


def test_a_change_voids_the_patients_rows_of_both_dates(ward):
    _save_all(ward)
    _save_all(ward, TOMORROW_KEY)
    ward.save_patient(replace(ward.get_patient("A1001"), bed="9"), "os:t")
    for key in (KEY, TOMORROW_KEY):
        after = _payloads(ward.saved_list_rows(key))
        assert after["A1001"] is None and after["B2002"] == "row of B2002 v1"


def test_a_slow_save_never_replaces_a_row_of_a_newer_version(ward):
    """Two terminals: one derived its rows before a change, the other after; the slower
    save (of the older version) must not undo the fresher row."""
    old = {mrn: (pid, version) for pid, mrn, version, _ in ward.saved_list_rows(KEY).patients}
    ward.save_patient(replace(ward.get_patient("A1001"), bed="9"), "os:t")
    _save_all(ward)  # the fresh row (version 2)
    pid, version = old["A1001"]
    ward.save_list_rows(KEY, [(pid, version, "stale row of version 1")])
    assert _payloads(ward.saved_list_rows(KEY))["A1001"] == "row of A1001 v2"


def test_a_payload_that_holds_the_separator_is_not_saved(ward):
    pid, _mrn, version, _ = ward.saved_list_rows(KEY).patients[0]
    assert ward.save_list_rows(KEY, [(pid, version, "two\x1dparts")]) == 0
    assert ward.saved_list_rows(KEY).patients[0][3] is None


def test_the_lists_read_is_the_status_read_in_one_snapshot(ward, store_url):
    """`list_reads` gives what `status --json` assesses (each pump with only the refill
    used on the date) and the store's own version, wards and reviews; the read-only fast
    path gives the same."""
    reads = ward.list_reads(TODAY)
    reader = open_reader(store_url)
    try:
        assert reads.patients == reader.load_patients(latest_refill_as_of=TODAY)
        assert reads.version == ward.data_version() and reads.wards == ward.wards()
        assert reads.reviews == ward.patient_reviews()
        one = ward.list_reads(TODAY, ["B2002"])
        assert [p.mrn for p in one.patients] == ["B2002"]
    finally:
        reader.close()


# --- rows saved by the write itself (Store.keep_list_rows, issue 17) ---------------------

def _maker(calls):
    def make(patients, reviews):
        calls.append(sorted(p.mrn for p in patients))
        return [(KEY, [(p.id, p.row_version, f"row of {p.mrn} v{p.row_version}") for p in patients]),
                (TOMORROW_KEY, [(p.id, p.row_version, f"tomorrow of {p.mrn} v{p.row_version}") for p in patients])]
    return make


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_write_saves_the_changed_patients_rows_in_its_transaction(ward, change):
    _save_all(ward)
    _save_all(ward, TOMORROW_KEY)
    calls: list = []
    ward.keep_list_rows(_maker(calls))
    CHANGES[change](ward)
    version = ward.get_patient("A1001").row_version
    assert version > 1 and ["A1001"] in calls
    today, tomorrow = _payloads(ward.saved_list_rows(KEY)), _payloads(ward.saved_list_rows(TOMORROW_KEY))
    assert today == {"A1001": f"row of A1001 v{version}", "B2002": "row of B2002 v1"}
    assert tomorrow == {"A1001": f"tomorrow of A1001 v{version}", "B2002": "row of B2002 v1"}


def test_a_maker_that_fails_never_fails_the_write(ward):
    def broken(patients, reviews):
        raise RuntimeError("a bug in the row code")

    ward.keep_list_rows(broken)
    ward.save_patient(replace(ward.get_patient("A1001"), bed="9"), "os:t")
    assert ward.get_patient("A1001").bed == "9"
    assert _payloads(ward.saved_list_rows(KEY))["A1001"] is None


def test_a_refused_write_saves_no_row(ward):
    from itb_tui.store.errors import ConcurrentEdit

    calls: list = []
    ward.keep_list_rows(_maker(calls))
    patient = ward.get_patient("A1001")
    with pytest.raises(ConcurrentEdit):
        ward.save_patient(replace(patient, bed="9"), "os:t", expected_version=patient.row_version + 5)
    assert calls == [] and _payloads(ward.saved_list_rows(KEY))["A1001"] is None


def test_a_signed_in_users_store_keeps_the_rows_too(ward):
    add_users(ward)
    calls: list = []
    ward.keep_list_rows(_maker(calls))
    doctor = signed_in(ward, "dr.carl")
    doctor.save_patient(replace(doctor.get_patient("A1001"), bed="9"), "dr.carl")
    assert calls == [["A1001"]] and _payloads(ward.saved_list_rows(KEY))["A1001"] == "row of A1001 v2"
