"""Record a refill. When the engine says refill is BLOCKED on that date the form says why,
with each rule's source, and saves only with a clinician's written override reason
(kept on the refill and in the audit trail). Caution reasons are shown; they need no
override.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from itb_tui.clinical.engine import assess
from itb_tui.clinical.records import Patient, Pump, Refill
from itb_tui.store.errors import RefillBlocked
from itb_tui.clinical.policy import MIN_OVERRIDE_REASON, REASON_MISSING, REASON_TOO_SHORT, override_problem
from itb_tui.present.words import REFILL_OVERRIDE_NEEDED, REFILL_OVERRIDE_NOT_YOURS, refill_on_words
from itb_tui.ui.forms.base import Field, FormScreen, find_record, index_of
from itb_tui.ui.format import number_text
from itb_tui.ui.widgets.detail_banner import reason_rows
from itb_tui.ui.widgets.detail_text import ROLE_STYLES, day_text


class RefillForm(FormScreen):
    FORM_TITLE = "Record refill"
    SAVE_LABEL = "Save refill"

    def __init__(self, patient: Patient, pump: Pump) -> None:
        super().__init__(patient)
        self.pump = pump
        self.index = index_of(patient.pumps, pump)
        self.blocked_on: date | None = None  # the refill date the engine blocks, if any
        self.refill_state = None  # the engine's RefillState on the refill date
        self.store_blocked_on: date | None = None  # a date the store refused as blocked

    def intro(self) -> str:
        return (f"{self.patient.name} ({self.patient.mrn}) · pump {self.pump.model or ''} "
                f"{self.pump.serial} · reservoir {number_text(self.pump.reservoir_ml)} mL")

    def form_fields(self) -> list[Field]:
        return [
            Field("on", "Refill date", "date", placeholder="YYYY-MM-DD, today, -1d"),
            Field("volume_ml", "Volume (mL)", "decimal", placeholder="e.g. 20",
                  hint=f"at most the reservoir, {number_text(self.pump.reservoir_ml)} mL"),
            Field("programmer_alarm_on", "Programmer alarm date", "date", placeholder="optional",
                  hint="the low-reservoir date the programmer printed (optional)"),
            Field("override_reason", "Override reason", placeholder="why refill despite the block",
                  hidden=True),
        ]

    def initial_values(self) -> dict[str, Any]:
        return {"on": self.today.isoformat()}

    def _refill(self, values: dict[str, Any]) -> Refill:
        override = values.get("override_reason") if self.blocked_on is not None else None
        return Refill(on=values["on"], volume_ml=values["volume_ml"],
                      programmer_alarm_on=values["programmer_alarm_on"], override_reason=override)

    def build_draft(self, values: dict[str, Any]) -> Patient:
        pump = self.patient.pumps[self.index]
        pumps = list(self.patient.pumps)
        pumps[self.index] = replace(pump, refills=pump.refills + (self._refill(values),))
        return replace(self.patient, pumps=tuple(pumps))

    def record_path(self) -> str:
        return f"pumps[{self.index}].refills[{len(self.patient.pumps[self.index].refills)}]."

    def rebind(self, patient: Patient) -> str | None:
        pump = find_record(patient.pumps, self.pump.id)
        if pump is None:
            return f"pump {self.pump.serial} is no longer on file"
        self.patient, self.pump, self.index = patient, pump, index_of(patient.pumps, pump)
        self.store_blocked_on = None  # the engine now sees what the store saw
        return None

    def route_problem(self, path: str) -> str | None:
        if path == "override_reason":  # the store's word for the override argument
            return "override_reason"
        return super().route_problem(path)

    def extra_problems(self, values: dict[str, Any], draft: Patient | None) -> dict[str, str]:
        if self.blocked_on is None:
            return {}
        problem = override_problem(values.get("override_reason"))
        if problem == REASON_MISSING:
            return {"override_reason": (f"is required: refill is blocked on {self.blocked_on.isoformat()}; "
                                        "a clinician's reason is needed to record it")}
        if problem == REASON_TOO_SHORT:
            return {"override_reason": f"must be at least {MIN_OVERRIDE_REASON} characters: "
                                       "say why refilling is safer than not"}
        return {}

    def before_check(self, values: dict[str, Any]) -> None:
        """Ask the engine about the refill date; reveal the override field exactly when blocked."""
        on = values.get("on")
        self.refill_state = assess(self.patient, on, self.rules).refill if on is not None else None
        blocked = (self.refill_state is not None and self.refill_state.status == "blocked") or (
            on is not None and on == self.store_blocked_on)
        self.blocked_on = on if blocked else None
        self.show_field("override_reason", blocked)

    def notice(self, values: dict[str, Any], draft: Patient | None, errors: dict[str, str]) -> RenderableType | None:
        """The engine's refill status on the refill date, in the banner's words."""
        on, refill = values.get("on"), self.refill_state
        if on is None or refill is None:
            return None
        line, role = refill_on_words(refill.status, day_text(on))
        style = ROLE_STYLES[role] if role else "bold"
        if refill.status == "blocked":
            parts = [Text(line, style=style), reason_rows(refill, self.rules),
                     Text(REFILL_OVERRIDE_NEEDED, style="bold")]
            can = getattr(self.app, "can", None)
            if can is not None and not can("override_refill_block"):
                # Said before the nurse types anything: the store would refuse it anyway.
                parts.append(Text(REFILL_OVERRIDE_NOT_YOURS, style="bold"))
            return Group(*parts)
        if refill.status == "caution":
            return Group(Text(line, style=style), reason_rows(refill, self.rules))
        return Text(line, style=style)

    def refill_blocked(self, error: RefillBlocked) -> None:
        """The store found the refill blocked (the data changed since the form opened)."""
        self.store_blocked_on = self.collect()[0].get("on")
        self.refresh_checks()
        reasons = "; ".join(error.explanations or error.reasons)
        self.show_form_error(f"Not saved: refill is blocked ({reasons}). Give an override reason.")

    def save(self, values: dict[str, Any]) -> Any:
        refill = self._refill(values)
        return self.store.record_refill(self.patient.mrn, self.pump.id, replace(refill, override_reason=None),
                                        self.actor, override_reason=refill.override_reason,
                                        expected_version=self.expected_version)

    def saved_message(self, result: Any) -> str:
        return "Refill recorded" + (" with override" if self.blocked_on is not None else "")
