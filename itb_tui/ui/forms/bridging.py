"""Record baclofen bridging (lumbar drain, oral baclofen, IV benzodiazepine): the plan that
keeps a patient out of withdrawal while the pump cannot be refilled or is out.

An existing record can be changed, above all to enter the day bridging stopped (the drain
came out): clinical rules revision 3 counts a record that stopped before a removal as no
cover for it. The stop date is checked by the ward file's rule (wardfile/fields.py), the
same one the import runs."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from itb_tui.clinical.records import BRIDGING_METHODS, Bridging, Patient
from itb_tui.ui.forms.base import Field, FormScreen, find_record, index_of
from itb_tui.ui.widgets.detail_text import BRIDGING_WORDS, words


class BridgingForm(FormScreen):
    """`bridging=None` records a new plan; a record given is changed (e.g. stopped)."""

    def __init__(self, patient: Patient, bridging: Bridging | None = None) -> None:
        super().__init__(patient)
        self.original = bridging
        # Where the draft goes: in place of the record changed, else after the others.
        self.index = len(patient.bridging) if bridging is None else index_of(patient.bridging, bridging)

    def form_title(self) -> str:
        return "Record bridging" if self.original is None else "Change or stop bridging"

    def intro(self) -> str:
        who = f"{self.patient.name} ({self.patient.mrn})"
        if self.original is None:
            return f"{who}: how baclofen is given while the pump is not used."
        return f"{who}: to stop this bridging, enter the day it stopped (e.g. the drain came out)."

    def form_fields(self) -> list[Field]:
        return [
            Field("method", "Method", "select",
                  options=tuple((words(code, BRIDGING_WORDS), code) for code in BRIDGING_METHODS)),
            Field("started_on", "Started on", "date", placeholder="YYYY-MM-DD, today"),
            Field("stopped_on", "Stopped on", "date", placeholder="empty while it runs"),
            Field("detail", "Detail", placeholder="e.g. 20 mg three times daily"),
        ]

    def initial_values(self) -> dict[str, Any]:
        b = self.original
        if b is None:
            return {"method": "lumbar_drain", "started_on": self.today.isoformat()}
        return {
            "method": b.method,
            "started_on": b.started_on.isoformat(),
            "stopped_on": b.stopped_on.isoformat() if b.stopped_on else "",
            "detail": b.detail or "",
        }

    def bridging(self, values: dict[str, Any]) -> Bridging:
        record = Bridging(method=values["method"], started_on=values["started_on"], detail=values["detail"],
                          stopped_on=values["stopped_on"])
        return record if self.original is None else replace(record, id=self.original.id)

    def build_draft(self, values: dict[str, Any]) -> Patient:
        records = list(self.patient.bridging)
        records[self.index:self.index + 1] = [self.bridging(values)]
        return replace(self.patient, bridging=tuple(records))

    def record_path(self) -> str:
        return f"bridging[{self.index}]."

    def rebind(self, patient: Patient) -> str | None:
        self.patient = patient
        if self.original is None:
            self.index = len(patient.bridging)
            return None
        record = find_record(patient.bridging, self.original.id)
        if record is None:
            return "this bridging record is no longer on file (marked entered in error?)"
        self.original, self.index = record, index_of(patient.bridging, record)
        return None

    def save(self, values: dict[str, Any]) -> Any:
        record = self.bridging(values)
        if self.original is None:
            return self.store.add_bridging(self.patient.mrn, record, self.actor,
                                           expected_version=self.expected_version)
        return self.store.update_bridging(self.original.id, record, self.actor,
                                          expected_version=self.expected_version)

    def saved_message(self, result: Any) -> str:
        return "Bridging recorded" if self.original is None else "Bridging updated"
