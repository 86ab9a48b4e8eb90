"""Record the date symptoms resolved and, for neutropenic patients, the date neutrophils
recovered: with documented clearance they anchor the 14-day antifungal count, so the
notice shows the count the engine would give with the dates entered."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.console import RenderableType
from rich.text import Text

from itb_tui.clinical.engine import assess
from itb_tui.clinical.records import Patient
from itb_tui.ui.forms.base import Field, FormScreen
from itb_tui.ui.format import date_text, days_text
from itb_tui.ui.widgets.detail_text import ANTIFUNGAL_STATE_WORDS, words


class SymptomsForm(FormScreen):
    FORM_TITLE = "Symptom resolution and neutrophil recovery"

    def __init__(self, patient: Patient) -> None:
        super().__init__(patient)

    def intro(self) -> str:
        return (f"{self.patient.name} ({self.patient.mrn}): the antifungal count starts at the latest of "
                "clearance, symptom resolution and neutrophil recovery. Empty a field to clear it.")

    def form_fields(self) -> list[Field]:
        return [
            Field("symptoms_resolved_on", "Symptoms resolved on", "date", placeholder="YYYY-MM-DD, today"),
            Field("neutrophil_recovery_on", "Neutrophil recovery on", "date",
                  placeholder="only for neutropenic patients"),
        ]

    def initial_values(self) -> dict[str, Any]:
        p = self.patient
        return {
            "symptoms_resolved_on": p.symptoms_resolved_on.isoformat() if p.symptoms_resolved_on else "",
            "neutrophil_recovery_on": p.neutrophil_recovery_on.isoformat() if p.neutrophil_recovery_on else "",
        }

    def build_draft(self, values: dict[str, Any]) -> Patient:
        return replace(self.patient, symptoms_resolved_on=values["symptoms_resolved_on"],
                       neutrophil_recovery_on=values["neutrophil_recovery_on"])

    def notice(self, values: dict[str, Any], draft: Patient | None, errors: dict[str, str]) -> RenderableType | None:
        if draft is None or errors:
            return None
        state = assess(draft, self.app.as_of, self.rules).antifungal
        text = Text(f"Antifungal course with these dates, as of {date_text(self.app.as_of)}: ", style="bold")
        text.append(words(state.state, ANTIFUNGAL_STATE_WORDS))
        if state.day is not None and state.required_days is not None:
            text.append(f", Day {state.day} of {state.required_days}", style="bold")
        if state.required_until is not None:
            text.append(f", required until {date_text(state.required_until)} ({days_text(state.days_left)})")
        return text

    def save(self, values: dict[str, Any]) -> Any:
        return self.store.save_patient(self.build_draft(values), self.actor,
                                       expected_version=self.expected_version)

    def saved_message(self, result: Any) -> str:
        return "Dates saved"
