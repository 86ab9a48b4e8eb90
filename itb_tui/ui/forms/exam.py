"""Record an examination (dilated eye exam, echocardiogram): the eye exam closes the
`eye_exam_due` alert; its finding may change the drug and the duration."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from itb_tui.clinical.records import EXAM_KINDS, Exam, Patient
from itb_tui.ui.forms.base import Field, FormScreen
from itb_tui.ui.widgets.detail_text import EXAM_WORDS, words


class ExamForm(FormScreen):
    FORM_TITLE = "Record exam"

    def __init__(self, patient: Patient) -> None:
        super().__init__(patient)

    def intro(self) -> str:
        return (f"{self.patient.name} ({self.patient.mrn}): ocular candidiasis or endocarditis need a "
                "longer course: record the planned stop on the antifungal course (f).")

    def form_fields(self) -> list[Field]:
        return [
            Field("kind", "Exam", "select",
                  options=tuple((words(code, EXAM_WORDS), code) for code in EXAM_KINDS)),
            Field("on", "Done on", "date", placeholder="YYYY-MM-DD, today"),
            Field("finding", "Finding", placeholder="e.g. no ocular candidiasis"),
        ]

    def initial_values(self) -> dict[str, Any]:
        return {"kind": "dilated_eye_exam", "on": self.today.isoformat()}

    def exam(self, values: dict[str, Any]) -> Exam:
        return Exam(kind=values["kind"], on=values["on"], finding=values["finding"])

    def build_draft(self, values: dict[str, Any]) -> Patient:
        return replace(self.patient, exams=self.patient.exams + (self.exam(values),))

    def record_path(self) -> str:
        return f"exams[{len(self.patient.exams)}]."

    def save(self, values: dict[str, Any]) -> Any:
        return self.store.add_exam(self.patient.mrn, self.exam(values), self.actor,
                                   expected_version=self.expected_version)

    def saved_message(self, result: Any) -> str:
        return "Exam recorded"
