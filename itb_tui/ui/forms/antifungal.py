"""Start, change or stop an antifungal course.

The drug completes from the antifungals the rules know; under it the rules table's
reference regimen for that drug is shown (shown, never prescribed). While the form is
filled in, the engine is run on the patient WITH the draft course, and any drug-choice
alert it raises (fluconazole against C. krusei, an R isolate, an echinocandin with CSF
infection, C. auris) or a course stopped early is shown live, before anything is saved.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from itb_tui.clinical.engine import assess
from itb_tui.clinical.records import AntifungalCourse, Patient
from itb_tui.ui.forms.base import Field, FormScreen, find_record, index_of
from itb_tui.ui.format import date_text, number_text
from itb_tui.ui.widgets.detail_alerts import alerts_table
from itb_tui.wardfile.limits import ANTIFUNGAL_DRUGS

# Alerts about the drug being given (clinical-rules.md "Antifungal choice"), and the one
# about stopping too soon: the alerts this form can make appear or disappear.
LIVE_ALERT_CODES = frozenset({
    "azole_intrinsic_resistance",
    "azole_reduced_susceptibility",
    "drug_resistant",
    "poor_cns_penetration",
    "c_auris",
    "antifungal_stopped_early",
})


def regimen_for(drug: str | None, regimens) -> str | None:
    """The reference regimen text for a drug name (lipid amphotericin B covers its forms)."""
    if not drug:
        return None
    name = drug.strip().lower()
    for regimen_drug, text in regimens:
        if regimen_drug.lower() == name:
            return text
    if "amphotericin" in name and ("lipo" in name or "lipid" in name):
        for regimen_drug, text in regimens:
            if "amphotericin" in regimen_drug.lower():
                return text
    return None


def drug_suggestions(regimens) -> tuple[str, ...]:
    """Drugs with a reference regimen first, then every other antifungal the rules know."""
    first = [d for d, _ in regimens if d.lower() in ANTIFUNGAL_DRUGS]
    return tuple(dict.fromkeys(first + list(ANTIFUNGAL_DRUGS)))


class AntifungalForm(FormScreen):
    """`course=None` starts a course; a course given is changed (dose, plan) or stopped."""

    def __init__(self, patient: Patient, course: AntifungalCourse | None = None) -> None:
        super().__init__(patient)
        self.course = course
        # Where the draft course goes: in place of the one changed, else after the others.
        self.index = len(patient.antifungals) if course is None else index_of(patient.antifungals, course)

    def form_title(self) -> str:
        return "Start antifungal course" if self.course is None else "Change or stop antifungal course"

    @property
    def regimens(self):
        return getattr(self.rules, "regimens", ()) or ()

    def intro(self) -> str:
        if self.course is None:
            return f"{self.patient.name} ({self.patient.mrn}): a new course. Reference regimens show under the drug."
        c = self.course
        dose = f" {number_text(c.dose_mg)} mg" if c.dose_mg is not None else ""
        return (f"{self.patient.name} ({self.patient.mrn}): {c.drug}{dose} since {date_text(c.started_on)}. "
                "To stop it, enter the stop date. To switch drug, stop this course and start a new one (F).")

    def form_fields(self) -> list[Field]:
        return [
            Field("drug", "Drug", placeholder="e.g. micafungin", suggestions=drug_suggestions(self.regimens)),
            Field("dose_mg", "Daily dose (mg)", "decimal", placeholder="e.g. 100"),
            Field("started_on", "Started on", "date", placeholder="YYYY-MM-DD, today, -2d"),
            Field("planned_stop_on", "Planned stop", "date", placeholder="optional",
                  hint="only for a longer plan (ocular or metastatic infection); the app counts 14 days"),
            Field("stopped_on", "Stopped on", "date", placeholder="empty while it runs"),
        ]

    def initial_values(self) -> dict[str, Any]:
        c = self.course
        if c is None:
            return {"started_on": self.today.isoformat()}
        return {
            "drug": c.drug,
            "dose_mg": number_text(c.dose_mg) if c.dose_mg is not None else "",
            "started_on": c.started_on.isoformat(),
            "planned_stop_on": c.planned_stop_on.isoformat() if c.planned_stop_on else "",
            "stopped_on": c.stopped_on.isoformat() if c.stopped_on else "",
        }

    def draft_course(self, values: dict[str, Any]) -> AntifungalCourse:
        drug = values["drug"].lower() if values.get("drug") else values.get("drug")
        course = AntifungalCourse(drug=drug, dose_mg=values["dose_mg"], started_on=values["started_on"],
                                  stopped_on=values["stopped_on"], planned_stop_on=values["planned_stop_on"])
        return course if self.course is None else replace(course, id=self.course.id)

    def build_draft(self, values: dict[str, Any]) -> Patient:
        courses = list(self.patient.antifungals)
        courses[self.index:self.index + 1] = [self.draft_course(values)]
        return replace(self.patient, antifungals=tuple(courses))

    def record_path(self) -> str:
        return f"antifungals[{self.index}]."

    def rebind(self, patient: Patient) -> str | None:
        self.patient = patient
        if self.course is None:
            self.index = len(patient.antifungals)
            return None
        course = find_record(patient.antifungals, self.course.id)
        if course is None:
            return f"the {self.course.drug} course is no longer on file (marked entered in error?)"
        self.course, self.index = course, index_of(patient.antifungals, course)
        return None

    def notice(self, values: dict[str, Any], draft: Patient | None, errors: dict[str, str]) -> RenderableType | None:
        regimen = regimen_for(values.get("drug"), self.regimens)
        self.set_hint("drug", f"Reference (not a prescription): {regimen}" if regimen else "")
        if draft is None or errors or not values.get("drug"):
            return None
        course = self.draft_course(values)
        when = max(self.app.as_of, course.started_on)
        if course.stopped_on is not None:
            when = max(when, course.stopped_on)
        alerts = tuple(a for a in assess(draft, when, self.rules).alerts if a.code in LIVE_ALERT_CODES)
        if not alerts:
            return Text(f"✔ No drug-choice alert for {course.drug} against this patient's isolates "
                        f"(as of {date_text(when)}).", style="bold")
        return Group(Text(f"With this course, as of {date_text(when)}:", style="bold"),
                     alerts_table(alerts, self.rules))

    def save(self, values: dict[str, Any]) -> Any:
        course = self.draft_course(values)
        if self.course is None:
            return self.store.add_course(self.patient.mrn, course, self.actor,
                                         expected_version=self.expected_version)
        return self.store.update_course(self.course.id, course, self.actor,
                                        expected_version=self.expected_version)

    def saved_message(self, result: Any) -> str:
        return "Antifungal course started" if self.course is None else "Antifungal course updated"
