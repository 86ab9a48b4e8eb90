"""The lab feed's use case in the store (store/results.py): each report outcome, the
refill block a preliminary positive sets, corrections audited with the earlier value,
idempotency by accession, quarantine kept whole, and `check` still passing."""

from __future__ import annotations

import dataclasses

from hl7_messages import AEROBIC, corrected_no_growth, final_positive, no_growth, oru, preliminary_yeast
from store_fixtures import quiet_patient

from itb_tui.formats.hl7 import read, split_messages

MRN, DOB = "B2002", "19801115"  # quiet_patient: dob 1980-01-15 (DOB here is deliberately wrong)
GOOD_DOB = "19800115"
DRAWN = "20261108"  # two days before TODAY (2026-11-10)


def _msg(builder, **kw):
    kw.setdefault("mrn", MRN)
    kw.setdefault("dob", GOOD_DOB)
    kw.setdefault("drawn", DRAWN)
    return builder(**kw)


def _apply(store, text):
    reading = read(split_messages(text).messages[0])
    assert reading.outcome == "ok", reading.reason
    return store.apply_lab_message(mrn=reading.mrn, dob=reading.dob, reports=reading.reports,
                                   control_id=reading.control_id, raw=reading.raw, source="feed.hl7",
                                   actor="lab feed (tester)")


def _cultures(store):
    return store.get_patient(MRN).cultures


def test_final_positive_is_imported_and_blocks_the_refill(store):
    store.import_patients([quiet_patient()], "tester")
    out = _apply(store, _msg(final_positive))
    assert (out.outcome, out.refill) == ("imported", "blocked")
    (c,) = _cultures(store)
    assert (c.specimen, c.result, c.organism) == ("blood", "positive", "Candida albicans")
    assert store.lab_report_statuses(MRN) == {c.id: ("ACC1", "final")}
    assert store.check().ok


def test_resending_the_same_message_is_a_duplicate_and_writes_nothing(store):
    store.import_patients([quiet_patient()], "tester")
    _apply(store, _msg(final_positive))
    version = store.data_version()
    out = _apply(store, _msg(final_positive, control="MSG1-again"))
    assert out.outcome == "duplicate"
    assert store.data_version() == version and len(_cultures(store)) == 1


def test_preliminary_yeast_blocks_as_the_final_would_and_the_final_replaces_it(store):
    store.import_patients([quiet_patient()], "tester")
    out = _apply(store, _msg(preliminary_yeast))
    assert (out.outcome, out.refill) == ("imported", "blocked")
    (c,) = _cultures(store)
    assert (c.result, c.organism) == ("positive", "Yeast")
    assert store.lab_report_statuses(MRN)[c.id] == ("ACC1", "preliminary")
    # The final identification replaces the preliminary: not a correction, no reason asked.
    out = _apply(store, _msg(final_positive))
    assert (out.outcome, out.refill) == ("updated", "blocked")
    (c2,) = _cultures(store)
    assert c2.id == c.id and c2.organism == "Candida albicans"
    assert store.lab_report_statuses(MRN)[c.id] == ("ACC1", "final")
    assert store.culture_corrections(MRN) == {}  # the timeline does not call it "corrected"
    # A late preliminary after the final changes nothing.
    assert _apply(store, _msg(preliminary_yeast)).outcome == "duplicate"
    assert _cultures(store)[0].organism == "Candida albicans"
    assert store.check().ok


def test_no_growth_is_imported_and_does_not_block(store):
    store.import_patients([quiet_patient()], "tester")
    out = _apply(store, _msg(no_growth))
    assert (out.outcome, out.refill) == ("imported", "ok")
    assert _cultures(store)[0].result == "no_growth"


def test_a_corrected_report_is_a_correction_with_the_earlier_value_kept(store):
    store.import_patients([quiet_patient()], "tester")
    _apply(store, _msg(final_positive))
    out = _apply(store, _msg(corrected_no_growth))
    assert out.outcome == "updated" and out.refill == "ok"
    (c,) = _cultures(store)
    assert c.result == "no_growth"
    (past,) = store.culture_corrections(MRN)[c.id]
    assert past.was == "positive: Candida albicans"
    assert past.reason == "corrected report from the laboratory, accession ACC1"
    entry = [e for e in store.audit_trail(MRN) if e.table == "cultures" and e.action == "update"][-1]
    assert entry.after["corrected_from"] == "positive: Candida albicans"
    assert entry.after["lifts_refill_block"]
    assert store.lab_report_statuses(MRN)[c.id] == ("ACC1", "corrected")
    assert store.check().ok


def test_a_changed_final_not_marked_corrected_is_quarantined_and_changes_nothing(store):
    store.import_patients([quiet_patient()], "tester")
    _apply(store, _msg(final_positive))
    before = _cultures(store)
    out = _apply(store, _msg(oru, observations=(("ST", AEROBIC, "No growth at 5 days", "F"),)))
    assert out.outcome == "quarantined" and "not marked corrected" in out.detail
    assert _cultures(store) == before


def test_unknown_mrn_and_wrong_date_of_birth_are_quarantined_with_the_raw_message(store):
    store.import_patients([quiet_patient()], "tester")
    version = store.get_patient(MRN).row_version
    unknown = _apply(store, _msg(final_positive, mrn="NOPE1"))
    assert unknown.outcome == "quarantined" and "unknown MRN" in unknown.detail
    wrong = _apply(store, _msg(final_positive, dob=DOB))
    assert wrong.outcome == "quarantined" and "date of birth does not match" in wrong.detail
    held = store.lab_quarantine()
    assert [q.mrn for q in held] == ["NOPE1", MRN]
    assert held[0].raw.startswith("MSH|") and held[0].source == "feed.hl7"
    assert _cultures(store) == () and store.get_patient(MRN).row_version == version
    # Quarantining the same message again keeps one copy.
    again = _apply(store, _msg(final_positive, mrn="NOPE1"))
    assert again.quarantine_id == unknown.quarantine_id and len(store.lab_quarantine()) == 2
    assert store.check().ok


def test_an_accession_of_another_patient_is_quarantined(store):
    other = dataclasses.replace(quiet_patient(mrn="C3003", name="Poe, Pat"), pumps=())
    store.import_patients([quiet_patient(), other], "tester")
    _apply(store, _msg(final_positive))
    out = _apply(store, _msg(final_positive, mrn="C3003"))
    assert out.outcome == "quarantined" and "another patient" in out.detail


def test_a_result_the_record_checks_refuse_is_quarantined_with_a_history_on_file(store):
    # The record checks look only at what the message adds or changes (store/results.py
    # `_changed_cultures_only`); they must still refuse a culture drawn before the
    # patient's birth (dob 1980-01-15, drawn 1979-12-01), whatever is on file already.
    store.import_patients([quiet_patient()], "tester")
    _apply(store, _msg(no_growth, accession="OLD1"))
    out = _apply(store, _msg(final_positive, accession="BAD1", drawn="19791201", control="M-bad"))
    assert out.outcome == "quarantined" and "record checks" in out.detail, out.detail
    assert "before" in out.detail or "birth" in out.detail, out.detail
    assert len(_cultures(store)) == 1  # only the earlier one
    assert store.lab_quarantine()[-1].reason == out.detail


def test_an_organism_sent_only_as_its_snomed_ct_code_blocks_the_refill(store):
    # 3092008: Staphylococcus aureus, verified in data/organisms.toml.
    store.import_patients([quiet_patient()], "tester")
    out = _apply(store, _msg(oru, observations=(("CWE", AEROBIC, "3092008^^SCT", "F"),)))
    assert (out.outcome, out.refill) == ("imported", "blocked")
    (c,) = _cultures(store)
    assert (c.result, c.organism) == ("positive", "Staphylococcus aureus")
