"""Which record a screen opens for an action, by the rules' own definitions.

Why here: "a course is running on D when it started on or before D and has no stop date
or one after D" is a clinical definition (clinical-rules.md, days of therapy; facts.py
reads courses the same way). The detail screen and the task view both open the running
course and the latest pending culture, so they take them from one place.
"""

from __future__ import annotations

from datetime import date

from itb_tui.clinical.records import AntifungalCourse, Culture, Patient


def running_course(patient: Patient, day: date) -> AntifungalCourse | None:
    """The latest-started course running on `day`, or None."""
    running = [c for c in patient.antifungals
               if c.started_on <= day and (c.stopped_on is None or c.stopped_on > day)]
    return max(running, key=lambda c: c.started_on, default=None)


def latest_pending_culture(patient: Patient) -> Culture | None:
    """The most recently drawn culture still waiting for its result, or None."""
    pending = [c for c in patient.cultures if c.result == "pending"]
    return max(pending, key=lambda c: c.drawn_on, default=None)
