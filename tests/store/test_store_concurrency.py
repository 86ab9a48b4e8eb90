"""Two workstations on one store: a save based on what the screen showed is refused when
someone else changed the patient meanwhile (who and when), never applied over it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from store_fixtures import TODAY, add_users, fungemia_patient, pump, signed_in

from itb_tui.clinical.records import Bridging, Culture, Exam, Refill
from itb_tui.store import ConcurrentEdit, StoreError, open_store


@pytest.fixture
def two(store_url):
    """Two Store objects on the same database, as two terminals would have."""
    a = open_store(store_url, today=TODAY)
    b = open_store(store_url, today=TODAY)
    a.import_patients([fungemia_patient()], "os:root")
    yield a, b
    a.close()
    b.close()


def test_loaded_patients_carry_their_version_and_each_change_moves_it(two):
    a, b = two
    first = a.get_patient("A1001")
    assert first.row_version == 1
    b.save_patient(replace(first, bed="7"), "os:b")
    assert a.get_patient("A1001").row_version == 2
    assert a.get_patient("A1001") == replace(first, bed="7")  # the version is not content


def test_the_second_save_is_refused_with_who_and_when_and_nothing_is_overwritten(two):
    a, b = two
    add_users(a)
    on_screen_a = a.get_patient("A1001")
    on_screen_b = b.get_patient("A1001")
    signed_in(b, "dr.carl").save_patient(replace(on_screen_b, bed="7"), "x",
                                         expected_version=on_screen_b.row_version)
    n = len(a.audit_trail())
    with pytest.raises(ConcurrentEdit) as err:
        signed_in(a, "dr.carl").save_patient(replace(on_screen_a, ward="Neuro 5"), "x",
                                             expected_version=on_screen_a.row_version)
    message = str(err.value)
    assert message.startswith("A1001 was changed by dr.carl at ") and "UTC" in message
    assert "nothing was saved" in message and "\n" not in message and "Doe" not in message
    assert isinstance(err.value, StoreError)
    now = a.get_patient("A1001")
    assert (now.bed, now.ward) == ("7", "Neuro 4B")
    assert len(a.audit_trail()) == n + 1  # only a's sign-in was added


@pytest.mark.parametrize("change", [
    lambda st, p: st.update_culture(p.cultures[1].id, replace(p.cultures[1], result="pending"), "os:a",
                                    reason="laboratory withdrew the report",  # a correction (issue 14)
                                    expected_version=p.row_version),
    lambda st, p: st.update_course(p.antifungals[0].id, replace(p.antifungals[0], stopped_on=TODAY), "os:a",
                                   expected_version=p.row_version),
    lambda st, p: st.explant_pump("A1001", p.pumps[0].id, TODAY, "infected pocket", "os:a",
                                  expected_version=p.row_version),
    lambda st, p: st.mark_entered_in_error("exam", p.exams[0].id, "wrong patient", "os:a",
                                           expected_version=p.row_version),
    lambda st, p: st.save_patient(replace(p, bed="1"), "os:a", expected_version=p.row_version),
    # Adds too: a record decided on a stale screen (a refill before a positive culture
    # arrived elsewhere) is refused the same way.
    lambda st, p: st.add_culture("A1001", Culture("blood", date(2026, 11, 10), "pending"), "os:a",
                                 expected_version=p.row_version),
    lambda st, p: st.add_bridging("A1001", Bridging("oral_baclofen", date(2026, 11, 10), "10 mg tds"), "os:a",
                                  expected_version=p.row_version),
    lambda st, p: st.add_exam("A1001", Exam("dilated_eye_exam", date(2026, 11, 10), "normal"), "os:a",
                              expected_version=p.row_version),
    lambda st, p: st.add_course("A1001", replace(p.antifungals[0], id=None, started_on=date(2026, 11, 10),
                                                 stopped_on=None), "os:a", expected_version=p.row_version),
    lambda st, p: st.add_pump("A1001", pump("TST-OLD-1", implanted_on=date(2019, 1, 1), removed_on=date(2022, 1, 1)),
                              "os:a", expected_version=p.row_version),
    lambda st, p: st.record_refill("A1001", p.pumps[0].id, Refill(date(2026, 11, 10), Decimal("20")), "os:a",
                                   "withdrawal risk outweighs; explant booked", expected_version=p.row_version),
])
def test_every_change_to_an_existing_record_checks_the_version(two, change):
    a, b = two
    on_screen = a.get_patient("A1001")
    b.add_culture("A1001", Culture("blood", date(2026, 11, 9), "pending"), "os:b")  # someone else's change
    before = (a.load_patients(), len(a.audit_trail()))
    with pytest.raises(ConcurrentEdit, match="A1001 was changed by os:b"):
        change(a, on_screen)
    assert (a.load_patients(), len(a.audit_trail())) == before
    change(a, a.get_patient("A1001"))  # with the fresh version it goes through
    assert a.verify_audit().ok


def test_without_an_expected_version_a_save_still_works(two):
    a, b = two
    p = a.get_patient("A1001")
    b.save_patient(replace(p, bed="7"), "os:b")
    assert a.save_patient(replace(p, ward="Neuro 5"), "os:a").ward == "Neuro 5"
