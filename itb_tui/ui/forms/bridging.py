"""Record baclofen bridging (lumbar drain, oral baclofen, IV benzodiazepine): the plan that
keeps a patient out of withdrawal while the pump cannot be refilled or is out."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from itb_tui.clinical.records import BRIDGING_METHODS, Bridging, Patient
from itb_tui.ui.forms.base import Field, FormScreen
from itb_tui.ui.widgets.detail_text import BRIDGING_WORDS, words


class BridgingForm(FormScreen):
    FORM_TITLE = "Record bridging"

    def __init__(self, patient: Patient) -> None:
        super().__init__(patient)

    def intro(self) -> str:
        return f"{self.patient.name} ({self.patient.mrn}): how baclofen is given while the pump is not used."

    def form_fields(self) -> list[Field]:
        return [
            Field("method", "Method", "select",
                  options=tuple((words(code, BRIDGING_WORDS), code) for code in BRIDGING_METHODS)),
            Field("started_on", "Started on", "date", placeholder="YYYY-MM-DD, today"),
            Field("detail", "Detail", placeholder="e.g. 20 mg three times daily"),
        ]

    def initial_values(self) -> dict[str, Any]:
        return {"method": "lumbar_drain", "started_on": self.today.isoformat()}

    def bridging(self, values: dict[str, Any]) -> Bridging:
        return Bridging(method=values["method"], started_on=values["started_on"], detail=values["detail"])

    def build_draft(self, values: dict[str, Any]) -> Patient:
        return replace(self.patient, bridging=self.patient.bridging + (self.bridging(values),))

    def record_path(self) -> str:
        return f"bridging[{len(self.patient.bridging)}]."

    def save(self, values: dict[str, Any]) -> Any:
        return self.store.add_bridging(self.patient.mrn, self.bridging(values), self.actor,
                                       expected_version=self.expected_version)

    def saved_message(self, result: Any) -> str:
        return "Bridging recorded"
