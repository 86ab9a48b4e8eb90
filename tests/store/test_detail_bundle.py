"""`Store.detail_bundle`: what the patient detail shows, in one store call and one
transaction (store/detail_read.py), the same as the six separate reads it replaces.

The patient (synthetic, quiet_patient B2002): a blood culture drawn 2026-11-08 reported
final positive by the lab feed, then corrected to no growth (a correction the timeline
shows as "was"; the lab status "corrected"); a handover note; a review, and a change
after it (the note), so every part of the bundle has something in it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import event

_HL7 = Path(__file__).resolve().parents[1] / "hl7"  # the lab feed's message builders
if str(_HL7) not in sys.path:
    sys.path.append(str(_HL7))

from hl7_messages import corrected_no_growth, final_positive  # noqa: E402
from store_fixtures import add_users, quiet_patient, signed_in  # noqa: E402

from itb_tui.formats.hl7 import read, split_messages  # noqa: E402

MRN = "B2002"
SUMMARY = {"refill": "ok", "critical": [], "pump": None, "dose": None, "concentration": None}


def _feed(store, text: str) -> None:
    reading = read(split_messages(text).messages[0])
    assert reading.outcome == "ok", reading.reason
    store.apply_lab_message(mrn=reading.mrn, dob=reading.dob, reports=reading.reports,
                            control_id=reading.control_id, raw=reading.raw, source="feed.hl7",
                            actor="lab feed (tester)")


@pytest.fixture
def ward(store):
    store.import_patients([quiet_patient(), quiet_patient("Q1", "Quiet, Other")], "tester")
    _feed(store, final_positive(mrn=MRN, dob="19800115", drawn="20261108"))
    _feed(store, corrected_no_growth(mrn=MRN, dob="19800115", drawn="20261108", control="MSG2"))
    store.mark_reviewed(MRN, SUMMARY, "os:nurse")
    store.add_note(MRN, "Drain out at 06:00", "os:nurse", for_handover=True)
    return store


def test_the_bundle_is_what_the_separate_reads_give(ward):
    bundle = ward.detail_bundle(MRN)
    assert bundle is not None
    assert repr(bundle.patient) == repr(ward.get_patient(MRN))  # repr: Decimal scales too
    assert bundle.patient.row_version == ward.get_patient(MRN).row_version
    assert bundle.version == ward.data_version()
    assert bundle.corrections == ward.culture_corrections(MRN) != {}
    assert bundle.lab_reports == ward.lab_reports(MRN)[MRN] != {}
    assert bundle.notes == ward.notes(MRN) != []
    assert bundle.review == ward.patient_reviews(MRN)[MRN]
    assert [e.table for e in bundle.review.events] == ["notes"]


def test_a_patient_without_cultures_notes_or_review_has_empty_parts(ward):
    bundle = ward.detail_bundle("Q1")
    assert bundle.patient == ward.get_patient("Q1")
    assert (bundle.corrections, bundle.lab_reports, bundle.notes, bundle.review) == ({}, {}, [], None)


@pytest.mark.parametrize("mrn", ["NOPE", "bad\udcffmrn"])
def test_no_such_patient_is_none(ward, mrn):
    assert ward.detail_bundle(mrn) is None


def test_the_bundle_is_read_in_one_transaction(ward):
    """One snapshot: a save between two of the old six reads could show a note beside an
    older record, and a version that did not match what was shown."""
    begins = []
    listener = lambda conn: begins.append(conn)  # noqa: E731
    event.listen(ward.engine, "begin", listener)
    try:
        ward.detail_bundle(MRN)
    finally:
        event.remove(ward.engine, "begin", listener)
    assert len(begins) == 1


def test_a_signed_in_nurse_reads_the_bundle_as_the_detail_did(ward):
    add_users(ward)
    nurse = signed_in(ward, "nurse.nina")
    assert nurse.detail_bundle(MRN).notes == ward.notes(MRN)
