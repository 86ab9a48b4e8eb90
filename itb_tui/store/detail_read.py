"""Everything the patient detail shows about one patient, read in one transaction
(`Store.detail_bundle`): the patient with their records, the ward's corrections of their
culture results, the lab feed's report statuses, their live handover notes, their last
review with the changes since, and the data version the read covers.

Why one read: opening a patient used to make six store calls (the version, the patient,
corrections, lab reports, notes, reviews), each its own transaction. Six transactions
could mix two moments (a note saved between two reads shown beside the older record),
and the version read first only said "at least this far". One snapshot shows one
moment, and its version is exactly the data shown (the "new result" marker, issue 15).

Read on the transaction's DB-API cursor with the same SQL the read-only reader uses
(loader, note_read, review_read), so the detail shows exactly what the separate reads
showed (tests/store/test_detail_bundle.py compares them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from itb_tui.clinical.corrections import PastCorrection, past_corrections
from itb_tui.clinical.records import Patient
from itb_tui.store import audit_read, loader, note_read, review_read
from itb_tui.store.note_read import Note
from itb_tui.store.review_read import PatientReview


@dataclass(frozen=True, slots=True)
class PatientDetail:
    """One patient as the detail screen shows them, from one snapshot of the store."""

    patient: Patient
    version: int  # the newest audit position the snapshot holds (Store.data_version)
    corrections: dict[int, tuple[PastCorrection, ...]] = field(default_factory=dict)  # culture id ->
    lab_reports: dict[int, tuple[str, str]] = field(default_factory=dict)  # culture id -> (accession, status)
    notes: list[Note] = field(default_factory=list)  # live handover notes, newest first
    review: PatientReview | None = None  # the last review and the changes since; None: never reviewed


def read_dbapi(cur: Any, placeholder: str, mrn: str) -> PatientDetail | None:
    """The detail of `mrn` (None: no such patient); the caller holds the transaction."""
    cur.execute("SELECT coalesce(max(id), 0) FROM audit")
    version = int(cur.fetchone()[0])
    found = loader.load_dbapi(cur, placeholder, mrns=[mrn])
    if not found:
        return None
    patient = found[0]
    corrections: dict[int, tuple[PastCorrection, ...]] = {}
    lab: dict[int, tuple[str, str]] = {}
    if patient.cultures:  # both are about cultures: none, nothing to read
        # only updates of cultures can be corrections, not the patient's whole trail
        updates = audit_read.entries_dbapi(cur, placeholder, ("cultures",), mrn=mrn, actions=("update",))
        corrections = past_corrections(updates)
        cur.execute("SELECT l.culture_id, l.accession, l.status FROM lab_reports l"
                    f" JOIN patients p ON p.id = l.patient_id WHERE p.mrn = {placeholder} ORDER BY l.id",
                    (mrn,))
        lab = {cid: (accession, status) for cid, accession, status in cur.fetchall()}
    notes = note_read.read_dbapi(cur, placeholder, mrn)
    review = review_read.read_dbapi(cur, placeholder, mrn).get(mrn)
    return PatientDetail(patient, version, corrections, lab, notes, review)
