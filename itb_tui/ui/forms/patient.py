"""Add a patient, or edit one's demographics (name, date of birth, ward, bed, weight).

A new patient's MRN must not exist yet: `Store.save_patient` updates by MRN, so without
this check a typo'd "new" patient would silently overwrite someone else's demographics.
The MRN of an existing patient is shown but not editable (it is the patient's key).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from itb_tui.clinical.records import Patient
from itb_tui.store.errors import StoreError
from itb_tui.ui.forms.base import Field, FormScreen
from itb_tui.ui.format import number_text


class PatientForm(FormScreen):
    """`patient=None` adds a patient; a patient given is edited. Dismisses with the saved Patient."""

    def __init__(self, patient: Patient | None = None) -> None:
        super().__init__(patient)

    def form_title(self) -> str:
        return "New patient" if self.patient is None else "Edit patient"

    def intro(self) -> str:
        if self.patient is None:
            return "Synthetic or real, the MRN is the patient's key: it cannot be changed later."
        return f"{self.patient.name} ({self.patient.mrn}): pumps, cultures and courses are not changed here."

    def form_fields(self) -> list[Field]:
        return [
            Field("mrn", "MRN", placeholder="hospital number", disabled=self.patient is not None),
            Field("name", "Name", placeholder="Family, Given"),
            Field("dob", "Date of birth", "date", placeholder="YYYY-MM-DD"),
            Field("ward", "Ward", placeholder="e.g. Neuro 4B"),
            Field("bed", "Bed", placeholder="e.g. 12"),
            Field("weight_kg", "Weight (kg)", "decimal", placeholder="e.g. 61.5",
                  hint="needed for weight-based doses (lipid amphotericin B)"),
        ]

    def initial_values(self) -> dict[str, Any]:
        p = self.patient
        if p is None:
            return {}
        return {"mrn": p.mrn, "name": p.name, "dob": p.dob.isoformat() if p.dob else "",
                "ward": p.ward or "", "bed": p.bed or "",
                "weight_kg": number_text(p.weight_kg) if p.weight_kg is not None else ""}

    def build_draft(self, values: dict[str, Any]) -> Patient:
        fields = {name: values[name] for name in ("name", "dob", "ward", "bed", "weight_kg")}
        if self.patient is None:
            return Patient(mrn=values["mrn"], **fields)
        return replace(self.patient, **fields)

    def save(self, values: dict[str, Any]) -> Any:
        draft = self.build_draft(values)
        if self.patient is None:
            existing = self.store.get_patient(draft.mrn)
            if existing is not None:
                raise StoreError(f"MRN {draft.mrn} already belongs to {existing.name}: "
                                 "open that patient to change it")
        return self.store.save_patient(draft, self.actor, expected_version=self.expected_version)

    def saved_message(self, result: Any) -> str:
        return f"Patient {result.mrn} saved" if isinstance(result, Patient) else "Patient saved"
