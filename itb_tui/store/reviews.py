"""Reviewed marks and "opened" marks (issues 16 and 15). The Store's methods (mixed into
store.Store).

`mark_reviewed` (`v` on the round): the acting user may `mark_reviewed` (nurse or
clinician: docs/roles.md); the patient exists and is unchanged since the screen the user
reviewed (`expected_version`, else ConcurrentEdit: a change that arrived after the screen
was drawn is never swallowed by the review). The row stores who, when, the audit position
(the newest entry before the review: everything up to it was on the reviewed screen) and
the summary of the assessment seen (present/changes.py makes it; opaque JSON here, only
its size is bounded). Audited (action "review") in the same transaction; bumps the
patient's row_version, so a saved list row made before the review is never handed out
again (the list's marker is never stale, H35).

`patient_reviews`: the last review of each patient with every audit entry about them
after its position (the words are present/changes.py's).

`mark_opened` / `new_results`: per user, the audit position the last opened detail of a
patient covered, and the MRNs with a laboratory report (table lab_reports, created or
updated) after it: the list's "new result" marker. Opening is not a clinical write: no
audit row, no data_version change, no row_version bump (docs/rules.md, D-new result).
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from sqlalchemy import and_, func, insert, select, update

from itb_tui.security.audit_chain import canonical_json
from itb_tui.store import audit
from itb_tui.store import schema as s
from itb_tui.store.errors import NotFound, StoreError
from itb_tui.store.review_read import MAX_SUMMARY_CHARS, ChangeEvent, PatientReview
from itb_tui.store.review_read import parsed_json as _json
from itb_tui.store.review_read import NOT_CHANGES as _NOT_CHANGES


def _summary_text(summary: Mapping[str, Any]) -> str:
    if not isinstance(summary, Mapping):
        raise StoreError("a review needs the summary of what was reviewed; nothing was changed")
    try:
        text = canonical_json(dict(summary))
    except (TypeError, ValueError):
        raise StoreError("the review's summary is not plain data; nothing was changed") from None
    if len(text) > MAX_SUMMARY_CHARS:
        raise StoreError(f"the review's summary is longer than {MAX_SUMMARY_CHARS} characters; "
                         "nothing was changed")
    return text


class PatientReviews:
    """The Store's review and opened-mark methods (mixed into store.Store)."""

    def mark_reviewed(self, mrn: str, summary: Mapping[str, Any], actor: str, *,
                      expected_version: int | None = None) -> PatientReview:
        """Mark patient `mrn` reviewed as the screen showed them (module notes)."""
        who = self._who(actor)
        text = _summary_text(summary)
        with self._tx(write=True) as conn:
            self._require(conn, "mark_reviewed")
            patient = self._live(conn, mrn)
            self._check_version(conn, patient, expected_version)
            position, _hash = audit.read_head(conn)
            at = audit.now_utc()
            new_id = conn.execute(insert(s.reviews).values(
                patient_id=patient.id, reviewed_by=who, reviewed_at=at, audit_position=position,
                summary=text)).inserted_primary_key[0]
            self._bump(conn, patient.id)
            self._audit(conn, actor=who, action="review", table="reviews", record_id=new_id,
                        mrn=patient.mrn, before=None,
                        after={"audit_position": position, "summary": json.loads(text)}, at=at)
        return PatientReview(patient.mrn, who, at, position, json.loads(text))

    def patient_reviews(self, mrn: str | None = None) -> dict[str, PatientReview]:
        """The last review of every reviewed patient (or of `mrn`), with the audit entries
        about them since, oldest first; a patient never reviewed is not in the answer."""
        r, p, a = s.reviews, s.patients, s.audit
        last = select(func.max(r.c.id).label("id")).group_by(r.c.patient_id).subquery()
        q = (select(r.c.id, p.c.mrn, r.c.reviewed_by, r.c.reviewed_at, r.c.audit_position, r.c.summary)
             .select_from(r.join(last, last.c.id == r.c.id).join(p, p.c.id == r.c.patient_id)))
        if mrn is not None:
            q = q.where(p.c.mrn == mrn)
        with self._tx() as conn:
            self._require(conn, "view")
            reviews = conn.execute(q).all()
            events: dict[str, list[ChangeEvent]] = {}
            if reviews:
                eq = (select(a.c.id, a.c.at, a.c.actor, a.c.action, a.c.table_name, a.c.record_id,
                             a.c.mrn, a.c.before, a.c.after)
                      .select_from(a.join(p, p.c.mrn == a.c.mrn).join(r, r.c.patient_id == p.c.id))
                      .where(r.c.id.in_(select(last.c.id)), a.c.id > r.c.audit_position,
                             a.c.table_name.not_in(_NOT_CHANGES))
                      .order_by(a.c.id))
                if mrn is not None:
                    eq = eq.where(a.c.mrn == mrn)
                for row in conn.execute(eq):
                    events.setdefault(row.mrn, []).append(ChangeEvent(
                        row.id, audit._utc(row.at), row.actor, row.action, row.table_name,
                        row.record_id, _json(row.before), _json(row.after)))
        return {row.mrn: PatientReview(row.mrn, row.reviewed_by, audit._utc(row.reviewed_at),
                                       row.audit_position, _json(row.summary) or {},
                                       tuple(events.get(row.mrn, ())))
                for row in reviews}

    def mark_opened(self, mrn: str, seen_through: int) -> None:
        """The acting user has opened patient `mrn`'s detail showing the data up to audit
        position `seen_through` (a `data_version()` read before the patient was loaded).
        Never moves back; no audit row (module notes)."""
        user = self._who(None)
        with self._tx(write=self.dialect == "sqlite") as conn:
            self._require(conn, "view")
            pid = conn.execute(select(s.patients.c.id).where(s.patients.c.mrn == mrn)).scalar()
            if pid is None:
                raise NotFound(f"no patient with MRN {mrn}")
            head, _hash = audit.read_head(conn)
            seen = max(0, min(int(seen_through), head))
            o = s.patient_opens
            where = and_(o.c.username == user, o.c.patient_id == pid)
            old = conn.execute(select(o.c.seen_through).where(where)).scalar()
            at = audit.now_utc()
            if old is None:
                conn.execute(insert(o).values(username=user, patient_id=pid, seen_through=seen, opened_at=at))
            elif seen > old:
                conn.execute(update(o).where(where).values(seen_through=seen, opened_at=at))

    def new_results(self) -> dict[str, int]:
        """MRN -> the audit position of the newest laboratory report (created or changed)
        of each patient the acting user has not opened since; a patient never opened by
        them counts with any report."""
        user = self._who(None)
        a, o, p = s.audit, s.patient_opens, s.patients
        with self._tx() as conn:
            self._require(conn, "view")
            latest = conn.execute(select(a.c.mrn, func.max(a.c.id))
                                  .where(a.c.table_name == "lab_reports", a.c.mrn.is_not(None))
                                  .group_by(a.c.mrn)).all()
            if not latest:
                return {}
            seen = dict(conn.execute(select(p.c.mrn, o.c.seen_through)
                                     .select_from(o.join(p, p.c.id == o.c.patient_id))
                                     .where(o.c.username == user)).all())
        return {mrn: int(last) for mrn, last in latest if last > seen.get(mrn, 0)}
