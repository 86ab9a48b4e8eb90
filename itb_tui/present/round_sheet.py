"""What the printed round sheet says about each patient below the status row: a list of
sections, each a title and lines of words, computed here so the sheet (exports/
html_export.py) only lays them out.

Why a list of section functions (`SECTIONS`): the round sheet grows with the round.
It carries, in this order, the changes since the patient's last review (the detail's
"since review" lines: present/changes.py), the tasks due (the same list as `itb-tui
tasks` and the task view, T) and the handover notes; a new section joins by adding one
function to `SECTIONS`, reading what the export
read once for the whole ward (`RoundData`), never the store per patient (issue 17: an
export costs at most 1.5x `status --json`). A section function takes (patient,
assessment, context) and returns a `Section`, or None to print nothing for that patient.

Pure Python: imports only clinical and present.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable, Iterable, Mapping

from itb_tui.clinical.assessment import Assessment
from itb_tui.clinical.records import Patient
from itb_tui.present import words as w
from itb_tui.present.changes import NOT_REVIEWED_TEXT, changes_since, detail_lines
from itb_tui.present.changes import SHEET_TITLE as CHANGES_TITLE
from itb_tui.present.notes import SHEET_TITLE as NOTES_TITLE
from itb_tui.present.tasks import WEEK_DAYS, Task, task_text, ward_tasks

# A line's tone: how the sheet shades it (the words say the same without colour).
TONES = ("danger", "warn", "")


@dataclass(frozen=True, slots=True)
class SectionLine:
    text: str
    key: str = ""  # a machine key (the task key): printed as a data attribute for scripts
    tone: str = ""  # one of TONES


@dataclass(frozen=True, slots=True)
class Section:
    key: str  # "changes", "tasks" or "notes"
    title: str  # the heading printed beside the lines
    lines: tuple[SectionLine, ...]
    empty: str = ""  # printed when there are no lines (say "none", never a blank)


@dataclass(frozen=True, slots=True)
class RoundData:
    """What the sheet needs beside the patients, read ONCE per export (exports/
    round_data.py reads it from the store). Sections added later put their ward-wide
    reads here as new fields, defaulting to empty."""

    deferrals: tuple = ()  # present.tasks.Deferral-like records (mrn, task_key, until, reason)
    notes: Mapping[str, tuple] | None = None  # MRN -> present.notes.SheetNote awaiting handover
    # MRN -> the last review with the audit entries since (store.patient_reviews); a patient
    # not in it was never reviewed on this ward. None: the store keeps no reviews.
    reviews: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] | None = None  # for a section not yet given a field of its own


@dataclass(frozen=True, slots=True)
class RoundContext:
    """Computed once per sheet from the ward and RoundData; every section reads it."""

    as_of: date
    tasks_by_mrn: Mapping[str, tuple[Task, ...]]
    data: RoundData


SectionFunction = Callable[[Patient, Assessment, RoundContext], "Section | None"]

TASKS_TITLE = "Tasks due"


def round_context(pairs: Iterable[tuple[Patient, Assessment]], as_of: date,
                  data: RoundData | None = None) -> RoundContext:
    """The ward's tasks due by as_of + 7 days (deferrals applied), per MRN: exactly the
    list `itb-tui tasks` prints, in its order (due date first)."""
    data = data or RoundData()
    grouped: dict[str, list[Task]] = defaultdict(list)
    for task in ward_tasks(pairs, as_of, data.deferrals, horizon_days=WEEK_DAYS):
        grouped[task.mrn].append(task)
    return RoundContext(as_of, {mrn: tuple(tasks) for mrn, tasks in grouped.items()}, data)


def _task_tone(task: Task, as_of: date) -> str:
    bucket = task.bucket(as_of)
    return "danger" if bucket == "overdue" else "warn" if bucket == "today" else ""


def tasks_section(patient: Patient, _assessment: Assessment, context: RoundContext) -> Section:
    """Overdue, today's and the next 7 days' tasks, soonest first, in the task list's words
    ('Refill the pump  ·  by 2026-12-01 (in 6 d)'). Always printed: "none" is an answer."""
    as_of = context.as_of
    tasks = context.tasks_by_mrn.get(patient.mrn, ())
    lines = tuple(SectionLine(task_text(t, as_of), t.key, _task_tone(t, as_of)) for t in tasks)
    until = w.date_text(as_of + timedelta(days=WEEK_DAYS))
    return Section("tasks", TASKS_TITLE, lines, empty=f"none due by {until}")


_CHANGE_TONES = {w.DANGER: "danger", w.WARN: "warn"}


def changes_section(patient: Patient, assessment: Assessment, context: RoundContext) -> Section | None:
    """What the detail shows at its top (present/changes.py detail_lines): 'Changed since
    reviewed by nora 2026-11-24 09:12 UTC:' and every change since that review, by anyone,
    most serious first; 'No change since reviewed by ...' when there is none; for a patient
    never reviewed on this ward the list's '○ not reviewed' (never "no change": nothing
    says they were seen). Nothing when the store keeps no reviews at all."""
    reviews = context.data.reviews
    if reviews is None:
        return None
    review = reviews.get(patient.mrn)
    if review is None:
        return Section("changes", CHANGES_TITLE, (), empty=NOT_REVIEWED_TEXT)
    changes = changes_since(review, patient, assessment)
    heading, lines = detail_lines(review, changes)
    if not lines:
        return Section("changes", CHANGES_TITLE, (), empty=heading)
    body = tuple(SectionLine(text, change.kind, _CHANGE_TONES.get(role, ""))
                 for (text, role), change in zip(lines, changes))
    return Section("changes", CHANGES_TITLE, (SectionLine(heading, "reviewed"),) + body)


def notes_section(patient: Patient, _assessment: Assessment, context: RoundContext) -> Section | None:
    """The patient's handover notes still awaiting handover, newest first, with when and
    who ('2026-11-10 14:05 · nurse.nina: drain out at 06:00'); nothing for a patient
    without one (handed-over and struck-out notes are not printed: present/notes.py)."""
    found = (context.data.notes or {}).get(patient.mrn)
    if not found:
        return None
    return Section("notes", NOTES_TITLE, tuple(SectionLine(n.line, tone="warn") for n in found))


# The sections in print order (tests/present/test_round_sheet.py shows how one plugs in).
SECTIONS: tuple[tuple[str, SectionFunction], ...] = (
    ("changes", changes_section),
    ("tasks", tasks_section),
    ("notes", notes_section),
)


def patient_sections(patient: Patient, assessment: Assessment, context: RoundContext,
                     sections: Iterable[tuple[str, SectionFunction]] = SECTIONS) -> list[Section]:
    """Every section that has something to print for this patient, in order."""
    found = []
    for _key, make in sections:
        section = make(patient, assessment, context)
        if section is not None:
            found.append(section)
    return found
