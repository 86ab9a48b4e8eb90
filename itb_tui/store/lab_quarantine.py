"""The laboratory quarantine, worked through (issue 15): list, assign to a patient, discard.

A quarantined message (store/results.py keeps it whole, with why and when) is resolved
once, by a person, with a reason:
- assign ID MRN: the message is applied to that patient, exactly as the feed would have
  (results.py `_apply`: one transaction, idempotent by accession). The date of birth is
  STILL checked against the patient on file: assigning names the patient the lab's MRN
  failed to (a temporary or mistyped number), it does not override a different date of
  birth, which may be another person; a message whose date of birth is wrong needs a
  corrected message from the laboratory (or the result entered by hand) and is discarded.
  A message that is still unusable (unknown organism, a final that differs, ...) is not
  assigned: the store says why and nothing changes.
- discard ID: nothing is applied; the reason is kept.

Schema version 6 has no resolution columns (and this slice adds no migration): the
resolution IS its audit entry, action "update" on table lab_quarantine, record_id the
quarantine id, after {"state": "assigned"|"discarded", "mrn": ...}, reason the person's
words, in the same transaction as the culture writes of an assignment. The list derives
each message's state from those entries; the raw message is never deleted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Sequence

from sqlalchemy import select

from itb_tui.store import schema as s
from itb_tui.store.errors import NotFound, StoreError, ValidationError

STATES = ("open", "assigned", "discarded")


class _Quarantine(Exception):
    """Raised (by results.LabResults._apply, before any write) with why a message cannot
    be applied."""


def _required_reason(value: str | None, what: str) -> str:
    """The person's reason, as every reason the store keeps: required, one line, bounded."""
    from itb_tui.wardfile.fields import check_text
    from itb_tui.wardfile.limits import FREE_TEXT_MAX

    text = " ".join(str(value or "").split())
    if not text:
        raise StoreError(f"{what} is required")
    problem = check_text(text, limit=FREE_TEXT_MAX, required=True)
    if problem:
        raise StoreError(f"{what} {problem}; nothing was changed")
    return text


@dataclass(frozen=True, slots=True)
class QuarantinedMessage:
    id: int
    received_at: datetime
    source: str | None
    control_id: str | None
    mrn: str | None
    reason: str
    raw: str
    state: str = "open"  # open | assigned | discarded
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None  # the person's reason
    assigned_mrn: str | None = None


class LabQuarantine:
    """Mixed into the Store through results.LabResults."""

    def lab_quarantine(self, *, state: str | None = None) -> list[QuarantinedMessage]:
        """Quarantined laboratory messages, oldest first (all, or those in `state`)."""
        if state is not None and state not in STATES:
            raise StoreError(f"quarantine state {state!r}: one of {', '.join(STATES)}")
        q = s.lab_quarantine
        with self._tx() as conn:
            self._require(conn, "view_audit")
            rows = conn.execute(select(q.c.id, q.c.received_at, q.c.source, q.c.control_id, q.c.mrn,
                                       q.c.reason, q.c.raw).order_by(q.c.id)).all()
            done = _resolutions(conn)
        out = [QuarantinedMessage(*r, **done.get(r[0], {})) for r in rows]
        return [m for m in out if state is None or m.state == state]

    def discard_lab_quarantine(self, quarantine_id: int, *, reason: str, actor: str) -> QuarantinedMessage:
        """Close a quarantined message without applying it; the reason is audited."""
        why = _required_reason(reason, "a reason for discarding the message")
        who = self._who(actor)
        with self._tx(write=True) as conn:
            self._require(conn, "import")
            _open_message(conn, quarantine_id)
            self._audit(conn, actor=who, action="update", table="lab_quarantine", record_id=quarantine_id,
                        mrn=None, before={"state": "open"}, after={"state": "discarded"}, reason=why)
        return next(m for m in self.lab_quarantine() if m.id == quarantine_id)

    def assign_lab_quarantine(self, quarantine_id: int, *, mrn: str, dob: date | None, reports: Sequence[Any],
                              control_id: str, reason: str, actor: str):
        """Apply a quarantined message to the patient `mrn` (module notes: the date of
        birth is still checked) and close it, in one transaction. Refused (ValidationError,
        nothing written) when the message still cannot be applied."""
        why = _required_reason(reason, "a reason for assigning the message")
        who = self._who(actor)
        with self._tx(write=True) as conn:
            roles = self._require(conn, "import")
            _open_message(conn, quarantine_id)
            try:
                out = self._apply(conn, roles, mrn, dob, list(reports), control_id, who)
            except _Quarantine as exc:
                raise ValidationError([f"quarantine #{quarantine_id} not assigned to MRN {mrn}: {exc}"]) from None
            self._audit(conn, actor=who, action="update", table="lab_quarantine", record_id=quarantine_id,
                        mrn=mrn, before={"state": "open"},
                        after={"state": "assigned", "mrn": mrn, "outcome": out.outcome}, reason=why)
        return out


def _open_message(conn, quarantine_id: int) -> None:
    q = s.lab_quarantine
    if conn.execute(select(q.c.id).where(q.c.id == quarantine_id)).scalar() is None:
        raise NotFound(f"no quarantined message #{quarantine_id}")
    done = _resolutions(conn, quarantine_id)
    if quarantine_id in done:
        d = done[quarantine_id]
        raise StoreError(f"quarantined message #{quarantine_id} was already {d['state']} by {d['resolved_by']}; "
                         "nothing was changed")


def _resolutions(conn, only: int | None = None) -> dict[int, dict]:
    a = s.audit
    query = (select(a.c.record_id, a.c.actor, a.c.at, a.c.after, a.c.reason)
             .where(a.c.table_name == "lab_quarantine", a.c.action == "update").order_by(a.c.id))
    if only is not None:
        query = query.where(a.c.record_id == only)
    out: dict[int, dict] = {}
    for record_id, actor, at, after, reason in conn.execute(query):
        image = json.loads(after or "{}")
        out[record_id] = {"state": image.get("state", "open"), "resolved_by": actor, "resolved_at": at,
                          "resolution": reason, "assigned_mrn": image.get("mrn")}
    return out
