"""The round's tasks as a clinic calendar sees them: which tasks have a date worth a
calendar day, and the words of each event (exports/ics_export.py writes the file).

Why only some kinds (`CALENDAR_KINDS`): a calendar is for dates the rules fix ahead:
refill-by, a culture draw, an eye exam, the confirming culture, the reimplant date.
Tasks that the rules ask for *now* (plan bridging, start or change the antifungal,
arrange the explant, review a retained pump, enter a result) carry the day of the
export as their date; on a calendar they would sit on a day that is gone by tomorrow
while the round sheet and the task view (T) already show them at the top. A new task
kind fails tests/present/test_calendar.py until someone decides.

Why no name by default: a clinic calendar is shared and synchronised to phones; an event
says the MRN and the bed, which the ward can resolve and a passer-by cannot. The names
come only when asked (`with_names`, `itb-tui export --format ics --with-names`).

Deferred tasks stay on the calendar, on the day they come back (the task list's own
rule, `apply_deferral`), so a deferral moves the event instead of deleting it.

Pure Python: imports only clinical and present.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Iterable

from itb_tui.clinical.assessment import Assessment
from itb_tui.clinical.records import Patient
from itb_tui.present import words as w
from itb_tui.present.tasks import (
    TASK_KINDS,
    Task,
    apply_deferral,
    bed_text,
    by_bed,
    due_words,
    patient_tasks,
)


@dataclass(frozen=True, slots=True)
class CalendarKind:
    shown: bool
    why: str


# Every kind of present/tasks.py TASK_KINDS, decided (a table test holds it to them).
CALENDAR_KINDS: dict[str, CalendarKind] = {
    "refill": CalendarKind(True, "the refill-by date (or the alarm / stability date it is overdue since)"),
    "blood_culture": CalendarKind(True, "the follow-up culture's draw date from the rules"),
    "eye_exam": CalendarKind(True, "the exam's due date from the rules"),
    "confirming_culture": CalendarKind(True, "the first day the confirming culture may be drawn"),
    "reimplant": CalendarKind(True, "the day reimplantation becomes eligible"),
    "plan_bridging": CalendarKind(False, "asked for now: on the round sheet and task view, not a future day"),
    "explant": CalendarKind(False, "asked for now: the team's decision, not a date"),
    "review_retained_pump": CalendarKind(False, "a review asked for now"),
    "start_antifungal": CalendarKind(False, "asked for now (since the episode began)"),
    "change_antifungal": CalendarKind(False, "asked for now, by the culture's susceptibility"),
    "confirming_result": CalendarKind(False, "waits for the laboratory, not for a day"),
}


def calendar_tasks(pairs: Iterable[tuple[Patient, Assessment]], as_of: date,
                   deferrals: Iterable = (), with_names: bool = False) -> list[Task]:
    """Every open dated task of the ward, however far ahead, in due-date then bed order.
    A task deferred past as_of is placed on the day it comes back, saying so; without
    names its reason (free text, which may name someone) is left in the app."""
    by_key = {d.task_key: d for d in deferrals}  # the last one given wins, as in the task list
    found = []
    for patient, assessment in pairs:
        for task in patient_tasks(patient, assessment, as_of):
            kind = CALENDAR_KINDS.get(task.kind)
            if kind is None or not kind.shown:
                continue
            deferral = by_key.get(task.key)
            if deferral is not None and as_of < deferral.until:  # hidden from the list until then
                reason = f": {deferral.reason}" if with_names else " (the reason is in itb-tui)"
                task = replace(task, due_on=deferral.until,
                               deferred=f"deferred to {w.date_text(deferral.until)}{reason}")
            elif deferral is not None:  # back on the list: the list's own rule
                task = apply_deferral(task, deferral, as_of) or task
            found.append(task)
    return sorted(by_bed(found), key=lambda t: t.due_on)


def who_text(task: Task, with_names: bool) -> str:
    """'MRN A1001' or 'Doe, Jane (A1001)'."""
    return f"{task.name} ({task.mrn})" if with_names and task.name else f"MRN {task.mrn}"


def event_summary(task: Task, with_names: bool = False) -> str:
    """'Refill the pump · MRN A1001 · Neuro 4B · bed 12': what the calendar's day shows."""
    return f"{task.words} · {who_text(task, with_names)} · {bed_text(task)}"


def event_description(task: Task, as_of: date, with_names: bool = False) -> str:
    """The event's detail: the task as the task list says it on the export day, the rule
    it comes from, and where the truth is (the app, not the calendar)."""
    lines = [f"{task.words} · {due_words(task.due_on, as_of)} (as of {w.date_text(as_of)})",
             f"{who_text(task, with_names)} · {bed_text(task)}",
             f"Rule: {task.code} · opens the {task.form} form in itb-tui"]
    if task.deferred:
        lines.append(task.deferred[:1].upper() + task.deferred[1:])
    lines.append("A copy made by itb-tui: the ward's task list is the record; done tasks leave "
                 "the next export.")
    return "\n".join(lines)


def kind_words(task: Task) -> str:
    """The category a calendar can filter on ('Refill the pump')."""
    return TASK_KINDS[task.kind].what
