"""Defer a round task (issue 16): the day it comes back and why.

Why a form and not a tick: a task goes away only when the record it asks for is saved;
a deferral does not answer it, it puts it off, with a reason the audit trail keeps. The
task is hidden from the task view until the date, then comes back marked "deferred to
DATE: reason". The date must be after today and at most MAX_DEFER_DAYS ahead; the store
checks both again (and the role: nurse or clinician) on save.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from itb_tui.clinical.records import Patient
from itb_tui.present.tasks import Task
from itb_tui.store.ports import MAX_DEFER_DAYS
from itb_tui.ui.forms.base import Field, FormScreen


class DeferTaskForm(FormScreen):
    FORM_TITLE = "Defer task"
    SAVE_LABEL = "Save deferral"

    def __init__(self, patient: Patient, task: Task) -> None:
        super().__init__(patient)
        self.round_task = task

    def intro(self) -> str:
        return (f"{self.patient.name} ({self.patient.mrn}): {self.round_task.words}. Hidden until the date "
                "below, then back on the task list with the reason.")

    def form_fields(self) -> list[Field]:
        return [
            Field("until", "Back on", "date", placeholder=f"YYYY-MM-DD, +3d (at most {MAX_DEFER_DAYS} days)"),
            Field("reason", "Reason", placeholder="e.g. explant booked in theatre on Friday", required=True),
        ]

    def initial_values(self) -> dict[str, Any]:
        return {"until": (self.today + timedelta(days=1)).isoformat()}

    def extra_problems(self, values: dict[str, Any], draft: Patient | None) -> dict[str, str]:
        until = values.get("until")
        if until is None:
            return {"until": "is required"}
        if until <= self.today:
            return {"until": f"must be after today ({self.today.isoformat()})"}
        latest = self.today + timedelta(days=MAX_DEFER_DAYS)
        if until > latest:
            return {"until": f"at most {MAX_DEFER_DAYS} days ahead ({latest.isoformat()})"}
        return {}

    def save(self, values: dict[str, Any]) -> Any:
        return self.store.defer_task(self.patient.mrn, self.round_task.key, values["until"], values["reason"],
                                     self.actor, expected_version=self.expected_version)

    def saved_message(self, result: Any) -> str:
        return f"Task deferred to {result.until.isoformat()}: it comes back on the task list that day"
