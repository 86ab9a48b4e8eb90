"""Reading task deferrals (issue 16), shared by the Store and the read-only reader.

No SQLAlchemy here: `reader.WardReader` (the fast path `itb-tui tasks` takes) reads the
same rows through a plain DB-API cursor. The records carry what `present.tasks.Deferral`
has (mrn, task_key, until, reason, actor), so `ward_tasks` applies them as they are; the
store may not import `present`, hence a record of its own with the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

# How far ahead a task may be put off: defined in ports.py (the forms say it too).
from itb_tui.store.ports import MAX_DEFER_DAYS  # noqa: F401


@dataclass(frozen=True, slots=True)
class TaskDeferral:
    """One stored deferral: the task `task_key` of patient `mrn` is hidden until `until`."""

    mrn: str
    task_key: str
    until: date
    reason: str
    actor: str = ""


SELECT = ("SELECT p.mrn, d.task_key, d.until, d.reason, d.deferred_by"
          " FROM task_deferrals d JOIN patients p ON p.id = d.patient_id")


def read_dbapi(cur: Any, placeholder: str, mrn: str | None = None) -> list[TaskDeferral]:
    """Every deferral (of one patient if `mrn`), oldest first: a later one supersedes."""
    if mrn is None:
        cur.execute(SELECT + " ORDER BY d.id")
    else:
        cur.execute(SELECT + f" WHERE p.mrn = {placeholder} ORDER BY d.id", (mrn,))
    return [record(*row) for row in cur.fetchall()]


def record(mrn: str, task_key: str, until: Any, reason: str, actor: str) -> TaskDeferral:
    # SQLite keeps a Date as 'YYYY-MM-DD' text; PostgreSQL drivers return a date already.
    day = until if isinstance(until, date) else date.fromisoformat(until)
    return TaskDeferral(mrn, task_key, day, reason, actor)
