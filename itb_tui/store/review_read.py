"""The records the reviewed marks are read as (issue 16): the last review of a patient
and the audit entries about them since, for present/changes.py to put into words.

The store may not import `present`, so these are records of its own; present/changes.py
reads them by attribute (its `ReviewFacts` / `ChangeFacts` protocols name the fields).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# The largest summary a review stores (canonical JSON): a few codes and numbers.
MAX_SUMMARY_CHARS = 4000


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """One audit entry about the patient after the review's position."""

    position: int  # the audit entry's id
    at: datetime
    actor: str
    action: str
    table: str
    record_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class PatientReview:
    """The last review of patient `mrn` and what the trail says happened since."""

    mrn: str
    reviewed_by: str
    reviewed_at: datetime
    audit_position: int  # the last audit entry the reviewed screen covered
    summary: dict[str, Any] = field(default_factory=dict)
    events: tuple[ChangeEvent, ...] = ()


# --- the same read on a plain DB-API cursor (store/reader.py: exports without the ORM) ----

# Trail entries that are not changes to the patient's care (the review itself); the
# Store's query (store/reviews.py) leaves out the same.
NOT_CHANGES = ("reviews",)


def parsed_json(text: str | None) -> Any:
    """An audit image or review summary as stored (JSON text); None for none, and for a
    damaged one: `itb-tui check` reports it; the change still counts. Both reads of the
    reviews (this module's DB-API one and store/reviews.py's) parse with it."""
    import json

    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def read_dbapi(cur: Any, placeholder: str, mrn: str | None = None) -> dict[str, PatientReview]:
    """As `Store.patient_reviews` (store/reviews.py), spelled out in SQL: the last review of
    every reviewed patient (or of `mrn`) with the audit entries about them after its
    position, oldest first (tests/store/test_store_reader.py: equal to the Store's)."""
    from itb_tui.store.note_read import _utc

    last = "SELECT max(id) FROM reviews GROUP BY patient_id"
    where, params = "", ()
    if mrn is not None:
        where, params = f" AND p.mrn = {placeholder}", (mrn,)
    cur.execute("SELECT r.id, p.mrn, r.reviewed_by, r.reviewed_at, r.audit_position, r.summary"
                " FROM reviews r JOIN patients p ON p.id = r.patient_id"
                f" WHERE r.id IN ({last}){where} ORDER BY r.id", params)
    reviews = cur.fetchall()
    if not reviews:
        return {}
    skip = ", ".join([placeholder] * len(NOT_CHANGES))
    cur.execute("SELECT a.id, a.at, a.actor, a.action, a.table_name, a.record_id, a.mrn, a.before, a.after"
                " FROM audit a JOIN patients p ON p.mrn = a.mrn JOIN reviews r ON r.patient_id = p.id"
                f" WHERE r.id IN ({last}) AND a.id > r.audit_position AND a.table_name NOT IN ({skip})"
                f"{where} ORDER BY a.id", NOT_CHANGES + params)
    events: dict[str, list[ChangeEvent]] = {}
    for id_, at, actor, action, table, record_id, who, before, after in cur.fetchall():
        events.setdefault(who, []).append(ChangeEvent(id_, _utc(at), actor, action, table, record_id,
                                                      parsed_json(before), parsed_json(after)))
    return {m: PatientReview(m, by, _utc(at), position, parsed_json(summary) or {}, tuple(events.get(m, ())))
            for _id, m, by, at, position, summary in reviews}
