"""Which task kinds go on the clinic calendar: every kind decided, with its reason."""

from __future__ import annotations

from itb_tui.present.calendar import CALENDAR_KINDS
from itb_tui.present.tasks import TASK_KINDS


def test_every_task_kind_is_decided_for_the_calendar():
    assert set(CALENDAR_KINDS) == set(TASK_KINDS)
    assert all(kind.why for kind in CALENDAR_KINDS.values())


def test_the_dated_kinds_of_the_issue_are_on_it():
    """refill-by, culture draws, eye exams, the confirming culture, reimplant dates."""
    shown = {k for k, v in CALENDAR_KINDS.items() if v.shown}
    assert shown == {"refill", "blood_culture", "eye_exam", "confirming_culture", "reimplant"}
