"""Record that the implanted pump was explanted: the date and why.

Explant starts the withdrawal clock: the notice shows what the engine says on the removal
date with the draft applied (`no_bridging_plan` with the bridging advice when no bridging
is recorded), so the bridging plan is in front of the clinician before saving.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from itb_tui.clinical.engine import assess
from itb_tui.clinical.records import Patient, Pump
from itb_tui.ui.forms.base import Field, FormScreen, find_record, index_of
from itb_tui.ui.format import date_text
from itb_tui.ui.widgets.detail_alerts import alerts_table

LIVE_ALERT_CODES = frozenset({"no_bridging_plan", "withdrawal_risk"})


class ExplantForm(FormScreen):
    FORM_TITLE = "Explant pump"
    SAVE_LABEL = "Save explant"

    def __init__(self, patient: Patient, pump: Pump) -> None:
        super().__init__(patient)
        self.pump = pump
        self.index = index_of(patient.pumps, pump)

    def intro(self) -> str:
        p = self.pump
        return (f"{self.patient.name} ({self.patient.mrn}): pump {p.model or ''} {p.serial}, implanted "
                f"{date_text(p.implanted_on)}. The pump stays in the record with its removal date.")

    def form_fields(self) -> list[Field]:
        return [
            Field("removed_on", "Removed on", "date", placeholder="YYYY-MM-DD, today"),
            Field("removal_reason", "Reason", placeholder="e.g. infected device (fungemia)", required=True),
        ]

    def initial_values(self) -> dict[str, Any]:
        return {"removed_on": self.today.isoformat()}

    def build_draft(self, values: dict[str, Any]) -> Patient:
        pumps = list(self.patient.pumps)
        pumps[self.index] = replace(self.pump, removed_on=values["removed_on"],
                                       removal_reason=values["removal_reason"])
        return replace(self.patient, pumps=tuple(pumps))

    def record_path(self) -> str:
        return f"pumps[{self.index}]."

    def rebind(self, patient: Patient) -> str | None:
        pump = find_record(patient.pumps, self.pump.id)
        if pump is None:
            return f"pump {self.pump.serial} is no longer on file"
        self.patient, self.pump, self.index = patient, pump, index_of(patient.pumps, pump)
        return f"pump {pump.serial} was already removed" if pump.removed_on is not None else None

    def notice(self, values: dict[str, Any], draft: Patient | None, errors: dict[str, str]) -> RenderableType | None:
        if draft is None or "removed_on" in errors or values.get("removed_on") is None:
            return None  # the reason does not change what the engine says
        when = values["removed_on"]
        alerts = tuple(a for a in assess(draft, when, self.rules).alerts if a.code in LIVE_ALERT_CODES)
        if not alerts:
            return Text(f"✔ A bridging plan is recorded for an explant on {date_text(when)}.", style="bold")
        return Group(Text(f"After this explant, on {date_text(when)}:", style="bold"),
                     alerts_table(alerts, self.rules),
                     Text("Record the bridging with g after saving.", style="bold"))

    def save(self, values: dict[str, Any]) -> Any:
        return self.store.explant_pump(self.patient.mrn, self.pump.id, values["removed_on"],
                                       values["removal_reason"], self.actor,
                                       expected_version=self.expected_version)

    def saved_message(self, result: Any) -> str:
        return f"Pump {self.pump.serial} explanted"
