"""Corrections of final culture results (issue 14, item 1), enforced IN THE STORE.

The hazard: a nurse changed a recorded POSITIVE blood culture to no_growth (the result
form allowed it) and then recorded the refill without an override: the fungemia block
was lifted by a data-entry right. Entering a pending culture's result stays a nurse's
entry; changing a final result is a clinician's correction, with a reason, the earlier
value kept (audit before-image) and readable (`culture_corrections`).

Dates (TODAY 2026-11-10): the positive Candida blood culture is drawn 2026-11-08 and no
later culture has cleared it, so refill is blocked on TODAY for fungemia; corrected to
no growth, no episode remains and refill is ok.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from store_fixtures import TODAY, add_users, pump, signed_in

from itb_tui.clinical.engine import assess
from itb_tui.clinical.records import Culture, Patient, Refill
from itb_tui.store import PermissionDenied, ValidationError

POSITIVE = Culture("blood", date(2026, 11, 8), "positive", "Candida albicans", {"fluconazole": "S"})
REASON = "laboratory corrected report: bottle mislabelled"


def fungemic(mrn="C1") -> Patient:
    return Patient(mrn=mrn, name="Case, Corrected", pumps=(pump(),), cultures=(POSITIVE,))


@pytest.fixture
def ward(store):
    add_users(store)
    store.import_patients([fungemic()], "os:root")
    assert assess(store.get_patient("C1"), TODAY).refill.reasons == ("fungemia",)
    return store


def _positive(store):
    return store.get_patient("C1").cultures[0]


def test_a_nurse_cannot_turn_a_positive_blood_culture_into_no_growth_nor_then_refill(ward):
    nurse = signed_in(ward, "nurse.nina")
    culture = _positive(nurse)
    n = len(ward.audit_trail())
    with pytest.raises(PermissionDenied) as err:
        nurse.update_culture(culture.id, replace(culture, result="no_growth", organism=None, susceptibility={}),
                             "x", reason=REASON)
    assert str(err.value) == "nurse may not correct a final culture result: a clinician must"
    assert _positive(ward) == culture and len(ward.audit_trail()) == n
    p = nurse.get_patient("C1")
    with pytest.raises(PermissionDenied, match="may not override a refill block"):  # the block stands
        nurse.record_refill("C1", p.pumps[0].id, Refill(on=TODAY, volume_ml=Decimal("18")), "x")


@pytest.mark.parametrize("change", [
    {"organism": "Candida glabrata"},                      # the organism re-identified
    {"susceptibility": {"fluconazole": "R"}},              # a susceptibility revised
    {"result": "pending", "organism": None, "susceptibility": {}},  # a final result withdrawn
])
def test_every_change_of_a_final_result_is_a_correction_a_nurse_may_not_make(ward, change):
    nurse = signed_in(ward, "nurse.nina")
    culture = _positive(nurse)
    with pytest.raises(PermissionDenied, match="may not correct a final culture result"):
        nurse.update_culture(culture.id, replace(culture, **change), "x", reason=REASON)
    assert _positive(ward) == culture


def test_a_nurse_still_enters_the_result_of_a_pending_culture(ward):
    nurse = signed_in(ward, "nurse.nina")
    pending = ward.add_culture("C1", Culture("blood", TODAY, "pending"), "dr").cultures[-1]
    got = nurse.update_culture(pending.id, replace(pending, result="no_growth"), "x")
    assert got.cultures[-1].result == "no_growth"
    assert ward.culture_corrections("C1") == {}  # an entry, not a correction


@pytest.mark.parametrize("reason", [None, "", "   ", "typo"])
def test_a_correction_needs_a_reason_even_from_a_clinician(ward, reason):
    doctor = signed_in(ward, "dr.carl")
    culture = _positive(doctor)
    with pytest.raises(ValidationError) as err:
        doctor.update_culture(culture.id, replace(culture, result="no_growth", organism=None, susceptibility={}),
                              "x", reason=reason)
    assert err.value.errors[0].startswith("C1: cultures[0].correction_reason: ")
    assert _positive(ward) == culture


def test_the_command_line_store_also_needs_the_reason(ward):
    culture = _positive(ward)
    with pytest.raises(ValidationError, match="correction_reason: is required"):
        ward.update_culture(culture.id, replace(culture, organism="Candida glabrata"), "os:lab")


def test_a_clinicians_correction_keeps_the_earlier_value_and_says_it_lifted_the_block(ward):
    doctor = signed_in(ward, "dr.carl")
    culture = _positive(doctor)
    got = doctor.update_culture(culture.id, replace(culture, result="no_growth", organism=None,
                                                    susceptibility={}), "x", reason=REASON)
    assert got.cultures[0].result == "no_growth"
    assert assess(got, TODAY).refill.status == "ok"
    entry = ward.audit_trail()[-1]
    assert (entry.username, entry.reason) == ("dr.carl", REASON)
    assert (entry.before["result"], entry.before["organism"]) == ("positive", "Candida albicans")
    assert entry.after["corrected_from"] == "positive: Candida albicans, fluconazole S"
    assert entry.after["lifts_refill_block"] == ["fungemia"]
    [past] = ward.culture_corrections("C1")[culture.id]
    assert (past.was, past.by, past.reason) == ("positive: Candida albicans, fluconazole S", "dr.carl", REASON)
    # a nurse reads the patient's own history, so she sees the correction too
    assert signed_in(ward, "nurse.nina").culture_corrections("C1")[culture.id] == (past,)


# --- the import path ------------------------------------------------------------------------

def test_an_import_changing_a_final_result_is_refused_without_a_reason_and_changes_nothing(ward):
    n = len(ward.audit_trail())
    corrected = replace(fungemic(), cultures=(Culture("blood", date(2026, 11, 8), "no_growth"),))
    with pytest.raises(ValidationError) as err:
        ward.import_patients([corrected], "os:root")
    assert err.value.errors == [
        "C1: cultures (blood drawn 2026-11-08): the file corrects a final result: positive: Candida albicans, "
        "fluconazole S -> no growth (this lifts the refill block: fungemia); a final result is changed only as "
        "a correction: import again with --correction-reason giving why"]
    assert _positive(ward).result == "positive" and len(ward.audit_trail()) == n


def test_a_signed_in_admin_may_import_but_not_correct_a_result(ward):
    admin = signed_in(ward, "ada")
    corrected = replace(fungemic(), cultures=(replace(POSITIVE, organism="Candida glabrata"),))
    with pytest.raises(ValidationError, match="admin may not correct a final culture result: a clinician must"):
        admin.import_patients([corrected], "x", correction_reason=REASON)
    assert _positive(ward).organism == "Candida albicans"
    # an import that only adds a culture is not a correction
    more = replace(fungemic(), cultures=(POSITIVE, Culture("blood", TODAY, "pending")))
    assert admin.import_patients([more], "x").records_created == 1
