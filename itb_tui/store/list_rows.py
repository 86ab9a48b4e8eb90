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

Two rows per patient (issue 17): the `key` column holds up to two keys, newest first,
one a line, and `payload` their payloads in the same order, split by a group separator
(GS, never in a payload: `write` refuses one that holds it). So the rows of today and
tomorrow are kept side by side (the list saves tomorrow's once today's are checked: the
next day's first start then draws at once), without a schema change. A reader that knows
one key only (an older itb-tui) never matches two joined keys: it sees no saved rows.

Plain DB-API SQL on a cursor (as loader.load_dbapi), shared by the Store and the
read-only WardReader, so the app can read it before SQLAlchemy is even imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Sequence

# Between the keys, and between the payloads, of one patient's saved rows.
KEY_SEP = "\n"
PAYLOAD_SEP = "\x1d"
SLOTS = 2  # the rows of two dates (today's and tomorrow's) per patient


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
        " CASE WHEN l.row_version = p.row_version THEN l.key END,"
        " CASE WHEN l.row_version = p.row_version THEN l.payload END"
        " FROM patients p LEFT JOIN list_rows l ON l.patient_id = p.id ORDER BY p.mrn")
    patients = [(pid, mrn, version, _slot(keys, payloads, key)) for pid, mrn, version, keys, payloads in cur.fetchall()]
    cur.execute("SELECT DISTINCT ward FROM patients WHERE ward IS NOT NULL ORDER BY ward")
    wards = [row[0] for row in cur.fetchall()]
    return SavedList(patients, wards)


def _slot(keys: str | None, payloads: str | None, key: str) -> str | None:
    """The payload saved under `key` among a patient's saved rows (None: none is)."""
    if keys is None or payloads is None:
        return None
    if keys == key:  # one row saved (the common case at start: no split)
        return payloads if PAYLOAD_SEP not in payloads else None
    names = keys.split(KEY_SEP)
    if key not in names:
        return None
    texts = payloads.split(PAYLOAD_SEP)
    if len(texts) != len(names):
        return None  # damaged: counts as missing, never as another date's row
    return texts[names.index(key)]


def write(cur: Any, placeholder: str, key: str, rows: Iterable[tuple[int, int, str]]) -> int:
    """Save (patient id, row_version, payload) rows under `key`, keeping beside each the
    patient's row saved under one other key if it is of the same row_version (today's
    beside tomorrow's); returns how many. Rows are written in patient-id order, so two
    terminals saving at once take their row locks in the same order (no deadlock), and
    never over a row of a newer row_version (a slow save cannot undo a fresher one)."""
    ordered = [row for row in sorted(rows) if KEY_SEP not in key and PAYLOAD_SEP not in row[2]]
    if not ordered:
        return 0
    p = placeholder
    held = _held(cur, p, [patient_id for patient_id, _v, _t in ordered])
    values = []
    for patient_id, version, payload in ordered:
        keys, payloads = [key], [payload]
        old = held.get(patient_id)
        if old is not None and old[0] == version:
            for other_key, other_payload in _slots(old[1], old[2]):
                if other_key != key and len(keys) < SLOTS:
                    keys.append(other_key)
                    payloads.append(other_payload)
        values.append((patient_id, version, KEY_SEP.join(keys), PAYLOAD_SEP.join(payloads)))
    cur.executemany(
        f"INSERT INTO list_rows (patient_id, row_version, key, payload) VALUES ({p}, {p}, {p}, {p})"
        " ON CONFLICT (patient_id) DO UPDATE SET row_version = excluded.row_version,"
        " key = excluded.key, payload = excluded.payload"
        " WHERE list_rows.row_version <= excluded.row_version",
        values,
    )
    return len(ordered)


def _held(cur: Any, p: str, ids: Sequence[int]) -> dict[int, tuple[int, str, str]]:
    """patient id -> (row_version, keys, payloads) of the rows saved for `ids`."""
    if len(ids) > 500:  # most of the ward: one pass over the table
        cur.execute("SELECT patient_id, row_version, key, payload FROM list_rows")
        wanted = set(ids)
        return {pid: (v, k, t) for pid, v, k, t in cur.fetchall() if pid in wanted}
    out: dict[int, tuple[int, str, str]] = {}
    for start in range(0, len(ids), 100):
        chunk = list(ids[start:start + 100])
        cur.execute("SELECT patient_id, row_version, key, payload FROM list_rows"
                    f" WHERE patient_id IN ({', '.join([p] * len(chunk))})", chunk)
        out.update((pid, (v, k, t)) for pid, v, k, t in cur.fetchall())
    return out


def _slots(keys: str, payloads: str) -> list[tuple[str, str]]:
    names, texts = keys.split(KEY_SEP), payloads.split(PAYLOAD_SEP)
    return list(zip(names, texts)) if len(names) == len(texts) else []


# --- the list's read of the records (issue 17) ------------------------------------------

@dataclass
class ListReads:
    """What the ward list derives its rows from, read in one snapshot: the data version
    (store.data_version), every patient with only the refill the engine uses on `as_of`
    (loader.load_dbapi's `latest_refill_as_of`: NOT the record, for assessing on that
    date only), the ward names and each reviewed patient's last review."""

    as_of: date
    version: int
    patients: list
    wards: list[str]
    reviews: dict = field(default_factory=dict)


def read_for_list(cur: Any, placeholder: str, as_of: date, mrns: Sequence[str] | None = None) -> ListReads:
    """The list's reads on the DB-API path (no ORM): what `status --json` reads, plus the
    reviews (the "since review" column)."""
    from itb_tui.store import loader, review_read

    cur.execute("SELECT coalesce(max(id), 0) FROM audit")
    version = int(cur.fetchall()[0][0])
    patients = loader.load_dbapi(cur, placeholder, mrns=mrns, latest_refill_as_of=as_of)
    cur.execute("SELECT DISTINCT ward FROM patients WHERE ward IS NOT NULL ORDER BY ward")
    wards = [row[0] for row in cur.fetchall()]
    reviews = review_read.read_dbapi(cur, placeholder)
    if mrns is not None:
        wanted = set(mrns)
        reviews = {mrn: review for mrn, review in reviews.items() if mrn in wanted}
    return ListReads(as_of, version, patients, wards, reviews)
