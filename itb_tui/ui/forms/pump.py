"""Add a pump (first implant or reimplantation), or replace the implanted one.

Replacing is one flow: the old pump's removal (date and reason) is asked first, then the
new pump; both are checked together and saved in one store transaction
(`store.replace_pump`), so a replacement is never left half-done. Device fields
(manufacturer, model, reservoir, alarm volume) start from the previous pump; the
concentration and dose do not (they are often re-titrated after a reimplantation, and a
silently carried-over dose is a safety risk): the previous values are shown as hints
instead.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from itb_tui.clinical.records import Patient, Pump
from itb_tui.ui.forms.base import Field, FormScreen, find_record, index_of, leaf
from itb_tui.ui.format import date_text, number_text

NEW_PUMP_FIELDS = ("serial", "manufacturer", "model", "reservoir_ml", "alarm_ml", "implanted_on",
                   "concentration_ug_ml", "daily_dose_ug")
OLD_PUMP_FIELDS = ("removed_on", "removal_reason")


class PumpForm(FormScreen):
    """`replacing=None` adds a pump; a pump given is explanted first, in the same form."""

    def __init__(self, patient: Patient, replacing: Pump | None = None, previous: Pump | None = None) -> None:
        super().__init__(patient)
        self.replacing = replacing
        # The pump whose device details start the form (the replaced or the last removed one).
        self.previous = replacing or previous
        self.old_index = None if replacing is None else index_of(patient.pumps, replacing)

    def form_title(self) -> str:
        return "Replace pump" if self.replacing is not None else "Add pump"

    def intro(self) -> str:
        who = f"{self.patient.name} ({self.patient.mrn})"
        if self.replacing is not None:
            p = self.replacing
            return (f"{who}: the implanted pump {p.model or ''} {p.serial} (since "
                    f"{date_text(p.implanted_on)}) is explanted first, then the new pump is added.")
        return f"{who}: a new pump (first implant or reimplantation). Record its first fill with r."

    def form_fields(self) -> list[Field]:
        fields: list[Field] = []
        if self.replacing is not None:
            fields += [
                Field("removed_on", "Old pump removed on", "date", placeholder="YYYY-MM-DD, today"),
                Field("removal_reason", "Reason for removal", placeholder="e.g. infected device",
                      required=True),
            ]
        prev = self.previous
        was = (lambda text: f"previous pump: {text}") if prev is not None else (lambda text: "")
        fields += [
            Field("serial", "Serial number", placeholder="from the pump's label"),
            Field("manufacturer", "Manufacturer", placeholder="e.g. Medtronic"),
            Field("model", "Model", placeholder="e.g. SynchroMed II"),
            Field("reservoir_ml", "Reservoir (mL)", "decimal", placeholder="e.g. 20 or 40"),
            Field("alarm_ml", "Low-reservoir alarm (mL)", "decimal", placeholder="e.g. 2"),
            Field("implanted_on", "Implanted on", "date", placeholder="YYYY-MM-DD, today"),
            Field("concentration_ug_ml", "Concentration (µg/mL)", "decimal", placeholder="e.g. 500",
                  hint=was(f"{number_text(prev.concentration_ug_ml)} µg/mL") if prev else ""),
            Field("daily_dose_ug", "Daily dose (µg/day)", "decimal", placeholder="e.g. 300",
                  hint=was(f"{number_text(prev.daily_dose_ug)} µg/day") if prev else ""),
        ]
        return fields

    def initial_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {"implanted_on": self.today.isoformat(), "alarm_ml": "2"}
        if self.replacing is not None:
            values["removed_on"] = self.today.isoformat()
        prev = self.previous
        if prev is not None:
            values.update(manufacturer=prev.manufacturer or "", model=prev.model or "",
                          reservoir_ml=number_text(prev.reservoir_ml), alarm_ml=number_text(prev.alarm_ml))
        return values

    def new_pump(self, values: dict[str, Any]) -> Pump:
        return Pump(
            serial=values["serial"], manufacturer=values["manufacturer"], model=values["model"],
            reservoir_ml=values["reservoir_ml"], alarm_ml=values["alarm_ml"],
            implanted_on=values["implanted_on"], removed_on=None, removal_reason=None,
            concentration_ug_ml=values["concentration_ug_ml"], daily_dose_ug=values["daily_dose_ug"],
        )

    def build_draft(self, values: dict[str, Any]) -> Patient:
        pumps = list(self.patient.pumps)
        old = self.old_index
        if old is not None:
            pumps[old] = replace(pumps[old], removed_on=values["removed_on"],
                                 removal_reason=values["removal_reason"])
        pumps.append(self.new_pump(values))
        return replace(self.patient, pumps=tuple(pumps))

    def route_problem(self, path: str) -> str | None:
        name = leaf(path)
        old = self.old_index
        if old is not None and path == f"pumps[{old}].{name}" and name in OLD_PUMP_FIELDS:
            return name
        if path == f"pumps[{len(self.patient.pumps)}].{name}" and name in NEW_PUMP_FIELDS:
            return name
        return None

    def rebind(self, patient: Patient) -> str | None:
        self.patient = patient
        if self.replacing is None:
            return None
        pump = find_record(patient.pumps, self.replacing.id)
        if pump is None or pump.removed_on is not None:
            return f"pump {self.replacing.serial} is no longer implanted"
        self.replacing = self.previous = pump
        self.old_index = index_of(patient.pumps, pump)
        return None

    def save(self, values: dict[str, Any]) -> Any:
        """A replacement is one store call, one transaction: the old pump's removal and the
        new pump are saved together or not at all (never a patient left with no pump)."""
        if self.replacing is None:
            return self.store.add_pump(self.patient.mrn, self.new_pump(values), self.actor,
                                       expected_version=self.expected_version)
        return self.store.replace_pump(self.patient.mrn, self.replacing.id, values["removed_on"],
                                       values["removal_reason"], self.new_pump(values), self.actor,
                                       expected_version=self.expected_version)

    def saved_message(self, result: Any) -> str:
        return "Pump replaced" if self.replacing is not None else "Pump added"
