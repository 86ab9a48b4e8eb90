"""Saved ward-list rows: what lets the list of 10,000 patients appear without
re-deriving 10,000 assessments first.

Why: a ward list row depends only on the patient's records, the date, the rules table
and the code that derives it (the engine is pure). The store bumps a patient's
`row_version` in the same transaction as every change to the patient or any of their
records (schema.py), so a row saved with (row_version, key) is exactly the row the
engine would derive again while both still match, where `key` names the code, the
rules table and the date (the UI builds it: present/saved_rows.py).

Safety (docs/hazard-log.md H35): a saved row is handed out only when its row_version
equals the patient's current one AND its key equals the caller's, read in one snapshot
with the patients; anything else counts as missing. The list shows saved rows at start
only, marks itself "checking" and re-derives every row from the records straight after
(and says so if a saved row differed). The payload is opaque text to the store: never
clinical data, never audited, exported or imported, and a failed save changes nothing
that matters (the next start derives the rows again).

Plain DB-API SQL on a cursor (as loader.load_dbapi), shared by the Store and the
read-only WardReader, so the app can read it before SQLAlchemy is even imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable


@dataclass(frozen=True)
class SavedList:
    """Every patient in MRN order (the order `load_patients` gives) with their saved row's
    payload, or None where none matches; and the ward names (as `Store.wards`)."""

    patients: list[tuple[int, str, int, str | None]]  # (patient id, MRN, row_version, payload)
    wards: list[str]

    @property
    def complete(self) -> bool:
        """Every patient has a matching saved row (so the list can be drawn from them)."""
        return all(payload is not None for *_rest, payload in self.patients)


def read(cur: Any, placeholder: str, key: str) -> SavedList:
    """The saved rows valid for `key`, in one statement with the patients' versions."""
    cur.execute(
        "SELECT p.id, p.mrn, p.row_version,"
        f" CASE WHEN l.row_version = p.row_version AND l.key = {placeholder} THEN l.payload END"
        " FROM patients p LEFT JOIN list_rows l ON l.patient_id = p.id ORDER BY p.mrn",
        (key,),
    )
    patients = [tuple(row) for row in cur.fetchall()]
    cur.execute("SELECT DISTINCT ward FROM patients WHERE ward IS NOT NULL ORDER BY ward")
    wards = [row[0] for row in cur.fetchall()]
    return SavedList(patients, wards)


def write(cur: Any, placeholder: str, key: str, rows: Iterable[tuple[int, int, str]]) -> int:
    """Save (patient id, row_version, payload) rows under `key`, replacing what each
    patient had; returns how many. Rows are written in patient-id order, so two
    terminals saving at once take their row locks in the same order (no deadlock)."""
    ordered = sorted(rows)
    if not ordered:
        return 0
    p = placeholder
    cur.executemany(
        f"INSERT INTO list_rows (patient_id, row_version, key, payload) VALUES ({p}, {p}, {p}, {p})"
        " ON CONFLICT (patient_id) DO UPDATE SET row_version = excluded.row_version,"
        " key = excluded.key, payload = excluded.payload",
        [(patient_id, version, key, payload) for patient_id, version, payload in ordered],
    )
    return len(ordered)
