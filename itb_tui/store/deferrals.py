"""Deferring a round task (issue 16): "a task can be deferred with a reason (audited)
and comes back on its date". The Store's methods (mixed into store.Store).

What is checked, before anything is written: the acting user may `defer_task` (nurse
or clinician: docs/roles.md); the patient exists and the task key is one of theirs
("<mrn>:<kind>:<rule code>", present/tasks.py); the date is after today and at most
MAX_DEFER_DAYS ahead; the reason is given (the same text rules as every other reason).
Whether the key names an OPEN task is the caller's to check (the store does not derive
tasks: that is present/tasks.py, above the store); a deferral of a key with no open task
hides nothing.

The row is only ever inserted; a later deferral of the same key supersedes it. The audit
row is written in the same transaction (action "defer", the deferral as `after`).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert, select

from itb_tui.store import audit
from itb_tui.store import schema as s
from itb_tui.store.deferral_read import MAX_DEFER_DAYS, TaskDeferral, record
from itb_tui.store.errors import StoreError
from itb_tui.store.reasons import required_text


class TaskDeferrals:
    """The Store's task-deferral methods (mixed into store.Store)."""

    def defer_task(self, mrn: str, task_key: str, until: date, reason: str, actor: str, *,
                   expected_version: int | None = None) -> TaskDeferral:
        """Hide the task `task_key` of patient `mrn` until `until` (module notes)."""
        who = self._who(actor)
        why = required_text(reason, "the reason for the deferral")
        key = " ".join(str(task_key or "").split())
        if not key.startswith(f"{mrn}:") or len(key) > 200:
            raise StoreError(f"task {task_key!r} is not a task of patient {mrn}; nothing was changed")
        today = self._today()
        if not isinstance(until, date) or until <= today:
            raise StoreError(f"the date to defer to must be after today ({today.isoformat()}); "
                             "nothing was changed")
        latest = today + timedelta(days=MAX_DEFER_DAYS)
        if until > latest:
            raise StoreError(f"a task can be deferred at most {MAX_DEFER_DAYS} days ahead (to "
                             f"{latest.isoformat()}); nothing was changed")
        with self._tx(write=True) as conn:
            self._require(conn, "defer_task")
            patient = self._live(conn, mrn)
            self._check_version(conn, patient, expected_version)
            at = audit.now_utc()
            values = {"patient_id": patient.id, "task_key": key, "until": until, "reason": why,
                      "deferred_by": who, "deferred_at": at}
            new_id = conn.execute(insert(s.task_deferrals).values(**values)).inserted_primary_key[0]
            self._audit(conn, actor=who, action="defer", table="task_deferrals", record_id=new_id,
                        mrn=patient.mrn, before=None,
                        after={"task_key": key, "until": until.isoformat(), "reason": why},
                        reason=why, at=at)
        return TaskDeferral(patient.mrn, key, until, why, who)

    def task_deferrals(self, mrn: str | None = None) -> list[TaskDeferral]:
        """Every deferral (of one patient if `mrn`), oldest first: a later one supersedes."""
        d, p = s.task_deferrals, s.patients
        q = (select(p.c.mrn, d.c.task_key, d.c.until, d.c.reason, d.c.deferred_by)
             .select_from(d.join(p, d.c.patient_id == p.c.id)).order_by(d.c.id))
        if mrn is not None:
            q = q.where(p.c.mrn == mrn)
        with self._tx() as conn:
            self._require(conn, "view")
            rows = conn.execute(q).all()
        return [record(*r) for r in rows]
