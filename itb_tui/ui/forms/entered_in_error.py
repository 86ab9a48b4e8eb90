"""Mark a record "entered in error": it disappears from the lists and the rules, stays in
the store with who, when and why (never hard-deleted), so the reason is required.

Marking changes the patient, so it passes the patient's row_version (see `base`): the
screen that opens the form passes the patient it shows; when it does not, the version is
taken from the patient shown by the screen under this one (the patient detail)."""

from __future__ import annotations

from typing import Any

from itb_tui.clinical.records import Patient
from itb_tui.ui.forms.base import Field, FormScreen, find_record
from itb_tui.wardfile.fields import check_text
from itb_tui.wardfile.limits import FREE_TEXT_MAX


class EnteredInErrorForm(FormScreen):
    FORM_TITLE = "Mark entered in error"
    SAVE_LABEL = "Mark in error"

    def __init__(self, kind: str, record_id: int, description: str, patient: Patient | None = None) -> None:
        super().__init__(patient)
        self.kind = kind
        self.record_id = record_id
        self.description = description

    def intro(self) -> str:
        return (f"{self.description}\nThe record is hidden from the list and the rules, and kept in the "
                "store with your name and reason. It is never deleted.")

    def on_mount(self) -> None:
        """(Textual then runs FormScreen.on_mount too: handlers run for every class.)"""
        if self.patient is None:
            opener = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
            patient = getattr(opener, "patient", None)
            if isinstance(patient, Patient) and record_of(patient, self.kind, self.record_id) is not None:
                self.patient, self.opened_version = patient, patient.row_version

    def rebind(self, patient: Patient) -> str | None:
        self.patient = patient
        if record_of(patient, self.kind, self.record_id) is None:
            return f"this {self.kind} is no longer on file (already marked entered in error?)"
        return None

    def form_fields(self) -> list[Field]:
        return [Field("reason", "Reason", placeholder="e.g. entered for the wrong patient", required=True)]

    def extra_problems(self, values: dict[str, Any], draft) -> dict[str, str]:
        problem = check_text(values.get("reason"), limit=FREE_TEXT_MAX, required=True, multiline=True)
        return {"reason": problem} if problem else {}

    def save(self, values: dict[str, Any]) -> Any:
        return self.store.mark_entered_in_error(self.kind, self.record_id, values["reason"], self.actor,
                                                expected_version=self.expected_version)

    def saved_message(self, result: Any) -> str:
        return f"{self.kind.capitalize()} marked entered in error"


# record kind (as the store names it) -> the Patient field holding such records
_KIND_FIELDS = {"pump": "pumps", "culture": "cultures", "course": "antifungals", "bridging": "bridging",
                "exam": "exams"}


def record_of(patient: Patient, kind: str, record_id: int):
    """The patient's live record of that kind and id, or None."""
    if kind == "refill":
        return find_record([r for pump in patient.pumps for r in pump.refills], record_id)
    field = _KIND_FIELDS.get(kind)
    return find_record(getattr(patient, field), record_id) if field else None
