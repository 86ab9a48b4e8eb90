"""The ward list's saved rows, from the UI's side: read and decode them, tell which
rows the store still needs, and compare saved with derived (hazard H35).

Why here and not in the screen: the app reads them once before its first frame (so a
clinic of 10,000 opens on a drawn list, not on "Loading…"), the list's load worker reads
them when the app did not, and both must apply the same rule: the list is drawn from
saved rows only if EVERY patient has a valid one. The store decides validity
(store/list_rows.py); the key and the text format are ui/widgets/ward_row_codec.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from itb_tui.store.errors import StoreError
from itb_tui.ui.widgets.ward_row_codec import decode_all, encode, list_key
from itb_tui.ui.widgets.ward_rows import WardRow


@dataclass
class SavedRows:
    key: str
    # (row_version, key) of the row the store holds for each patient id, where valid
    held: dict[int, tuple[int, str]] = field(default_factory=dict)
    rows: list[WardRow] | None = None  # every patient's row, or None: draw nothing from them
    wards: list[str] = field(default_factory=list)


def read_saved_rows(store, rules, as_of: date) -> SavedRows:
    """What the store holds for the list on `as_of`. `rows` is None unless every patient
    has a valid saved row that decodes; a store that cannot answer just means no rows."""
    key = list_key(rules, as_of)
    try:
        saved = store.saved_list_rows(key)
    except StoreError:  # PermissionDenied included: the list's own load will say why
        return SavedRows(key)
    held = {pid: (version, key) for pid, _mrn, version, payload in saved.patients if payload is not None}
    result = SavedRows(key, held, None, saved.wards)
    if saved.complete:
        try:
            result.rows = decode_all(payload for *_rest, payload in saved.patients)
        except ValueError:
            result.held = {}
    return result


def rows_to_save(saved: SavedRows, patients, rows: list[WardRow]) -> list[tuple[int, int, str]]:
    """(patient id, row_version, payload) of the derived rows the store does not hold
    yet under `saved.key`, for rows that read back exactly (codec.encode)."""
    fresh = []
    for patient, row in zip(patients, rows):
        if patient.id is None or patient.row_version is None:
            continue
        if saved.held.get(patient.id) == (patient.row_version, saved.key):
            continue
        payload = encode(row)
        if payload is not None:
            fresh.append((patient.id, patient.row_version, payload))
    return fresh


def differing_mrns(saved: list[WardRow], derived: list[WardRow]) -> list[str]:
    """MRNs whose saved row is not the row derived from the records (or all, if the
    lists do not even hold the same patients)."""
    by_mrn = {row.mrn: row for row in derived}
    differed = [row.mrn for row in saved if by_mrn.get(row.mrn) != row]
    if len(saved) != len(derived) and not differed:
        differed = sorted(set(by_mrn) ^ {row.mrn for row in saved})
    return differed
