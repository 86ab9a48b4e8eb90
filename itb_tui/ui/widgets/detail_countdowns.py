"""Countdown cards: the antifungal course ("Day 6 of 14") and reimplantation.

Each card shows the count AND the dates it depends on (clearance, symptom resolution,
neutrophil recovery, planned stop; course completion and the confirming culture), so a
clinician can see why the count says what it says and which missing date holds it up.
"""

from __future__ import annotations

from datetime import date

from rich.console import Group
from rich.text import Text
from itb_tui.ui.widgets.detail_layout import SizedStatic

from itb_tui.clinical.assessment import Assessment
from itb_tui.clinical.records import AntifungalCourse, Patient
from itb_tui.present.cells import antifungal_lines, reimplant_blocked_words
from itb_tui.present.episode import episode_card
from itb_tui.ui.format import date_text, days_text, number_text
from itb_tui.ui.widgets.detail_text import (
    critical_style,
    ANTIFUNGAL_STATE_WORDS,
    REIMPLANT_STATE_WORDS,
    day_text,
    grid,
    words,
)

ANTIFUNGAL_LABEL_WIDTH = 17
REIMPLANT_LABEL_WIDTH = 8


def course_text(course: AntifungalCourse | None, as_of: date, *, episode: bool = True, ever: bool = True) -> str:
    """The course the card shows (this episode's; with no episode, only a running one)."""
    if course is None:
        if not ever:
            return "no antifungal course started"
        return "no antifungal course in this episode" if episode else "no antifungal course running"
    dose = f" {number_text(course.dose_mg)} mg" if course.dose_mg is not None else ""
    if course.stopped_on is not None and course.stopped_on <= as_of:
        return f"{course.drug}{dose}, stopped {date_text(course.stopped_on)}"
    return f"{course.drug}{dose} since {date_text(course.started_on)}"


def antifungal_card(patient: Patient, assessment: Assessment) -> Group:
    state = assessment.antifungal
    as_of = assessment.as_of
    headline = Text(words(state.state, ANTIFUNGAL_STATE_WORDS),
                    style=critical_style() if state.state == "stopped_early" else "bold")
    card = episode_card(patient, assessment)  # this episode's course and dates only
    course = Text(course_text(card.course, as_of, episode=state.state != "not_indicated",
                              ever=any(c.started_on <= as_of for c in patient.antifungals)))
    if state.state == "not_indicated":
        return Group(headline, Text("No current fungal episode.", style="dim"), course)
    if state.state in ("in_progress", "specialist_duration"):
        # The list's words (Display rule D3): never "Day 24 of 14" nor "Day 12 of 37".
        lines = antifungal_lines(state)
        headline.append("  ")
        headline.append(lines.top, style="bold reverse")
        if lines.bottom:
            headline.append(f"  {lines.bottom}", style="bold")
    parts: list = [headline]
    if state.state == "awaiting_clearance":
        parts.append(Text("Not counting until clearance: blood cultures every 1-2 days.", style="italic"))
    elif state.state == "awaiting_symptom_resolution":
        parts.append(Text("Not counting: record when symptoms resolved (y).", style="italic"))
    elif state.state == "specialist_duration":
        parts.append(Text("No 14-day countdown: the duration is the specialist's; record the "
                          "planned stop date.", style="italic"))
    parts.append(course)
    rows = grid(ANTIFUNGAL_LABEL_WIDTH)
    if state.required_until is not None:
        rows.add_row("Required until", Text(day_text(state.required_until), style="bold"))
    rows.add_row("Episode start", date_text(state.episode_start_on))
    rows.add_row("Cleared", date_text(state.clearance_on))
    rows.add_row("Symptoms resolved", date_text(card.symptoms_resolved_on))
    rows.add_row("Neutrophils rec.", date_text(card.neutrophil_recovery_on))
    rows.add_row("Planned stop", date_text(card.planned_stop_on))
    if state.completed_on is not None:
        rows.add_row("Completed", Text(date_text(state.completed_on), style="bold"))
    parts.append(rows)
    return Group(*parts)


def reimplant_card(assessment: Assessment, rules=None) -> Group:
    state = assessment.reimplant
    word = (reimplant_blocked_words(assessment)[1] if state.state == "blocked"
            else words(state.state, REIMPLANT_STATE_WORDS))
    headline = Text(word, style=critical_style() if state.state == "blocked" else "bold")
    if state.state == "not_applicable":
        return Group(headline, Text("No episode waiting for a new pump, or a pump is implanted.",
                                    style="dim"))
    rows = grid(REIMPLANT_LABEL_WIDTH)
    if state.eligible_on is not None:
        rows.add_row("Eligible" if state.state == "eligible" else "Earliest",
                     Text(f"{day_text(state.eligible_on)} {days_text(state.days_left)}", style="bold"))
    elif state.state == "waiting":
        # No date yet: the course has no end date until clearance and symptoms are recorded.
        wait = getattr(rules, "reimplant_days_after_therapy", None)
        after = f" + {wait} d" if wait is not None else ""
        rows.add_row("Earliest", f"course done{after} (no date yet)")
    if state.culture_due_on is not None:
        rows.add_row("Culture", f"blood on/after {date_text(state.culture_due_on)}")
    antifungal = assessment.antifungal
    if antifungal.completed_on is not None:
        rows.add_row("Course", f"done {date_text(antifungal.completed_on)}")
    elif antifungal.required_until is not None:
        rows.add_row("Course", f"runs to {date_text(antifungal.required_until)}")
    parts: list = [headline, rows]
    if state.state == "blocked":
        relapse = any(alert.code == "relapse" for alert in assessment.alerts)
        parts.append(Text("Positive culture after the course: relapse." if relapse
                          else "An infection is not cleared: no new device into it.", style=critical_style()))
    return Group(*parts)


class AntifungalCard(SizedStatic):
    DEFAULT_CSS = """
    AntifungalCard { height: auto; padding: 0 1; border: round $accent; }
    """

    def on_mount(self) -> None:
        self.border_title = "Antifungal course"

    def show(self, patient: Patient, assessment: Assessment) -> None:
        self.update(antifungal_card(patient, assessment))


class ReimplantCard(SizedStatic):
    DEFAULT_CSS = """
    ReimplantCard { height: auto; padding: 0 1; border: round $accent; }
    """

    def on_mount(self) -> None:
        self.border_title = "Reimplantation"

    def show(self, assessment: Assessment, rules=None) -> None:
        self.update(reimplant_card(assessment, rules))
