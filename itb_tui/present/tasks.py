"""The round's tasks: what the rules ask someone to DO, by when, and which form records it.

Why derived, never stored: a task is the shadow of an alert (or of a reimplant state).
It goes away because the record it asks for was saved (the culture drawn, the refill
recorded) and the engine no longer raises its alert, never because someone ticked it;
so the list can never say "done" for something the records do not show. The only thing
stored is a deferral (a reason, audited, and the date the task comes back).

Why one table (`ALERT_TASKS`): every alert code of the engine has an explicit entry, a
task kind or None, each with its reason, and a table test holds it to ALERT_CODES; a
new alert code fails that test until someone decides. Tasks of the same kind for one
patient are one task (one refill answers "refill due" and "drug past its stability");
its rule code is the most serious alert's, so an escalation (the refill due becomes the
alarm passed) gives a new key and a deferral of the milder task does not hide it.

Every date is read from the assessment (refill-by, alarm, stability, reimplant dates,
the eye exam's due date on its alert); nothing clinical is worked out here. Pure Python:
imports only clinical and present.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Iterable, Mapping

from itb_tui.clinical.assessment import Alert, Assessment
from itb_tui.clinical.records import Patient
from itb_tui.clinical.withdrawal import COVERING_METHODS
from itb_tui.present import words as w

# The forms a task opens (the UI maps each id to its form; "detail" opens the patient).
FORMS = ("refill", "culture", "culture_result", "antifungal", "bridging", "explant", "exam", "pump", "detail")

# How far ahead the ward's task view and `itb-tui tasks` look.
WEEK_DAYS = 7
BUCKETS = ("overdue", "today", "week", "later")
BUCKET_WORDS = {"overdue": "Overdue", "today": "Today", "week": f"Next {WEEK_DAYS} days", "later": "Later"}


@dataclass(frozen=True, slots=True)
class TaskKind:
    form: str  # one of FORMS
    what: str  # the task in a few words (the view's heading for the task)


TASK_KINDS: dict[str, TaskKind] = {
    "refill": TaskKind("refill", "Refill the pump"),
    "plan_bridging": TaskKind("bridging", "Plan bridging now"),
    "explant": TaskKind("explant", "Arrange the explant"),
    "review_retained_pump": TaskKind("detail", "Review the retained pump"),
    "start_antifungal": TaskKind("antifungal", "Start antifungal therapy"),
    "change_antifungal": TaskKind("antifungal", "Change the antifungal drug"),
    "blood_culture": TaskKind("culture", "Draw follow-up blood cultures"),
    "eye_exam": TaskKind("exam", "Dilated eye exam"),
    "confirming_culture": TaskKind("culture", "Draw the confirming blood culture"),
    "confirming_result": TaskKind("culture_result", "Enter the confirming culture's result"),
    "reimplant": TaskKind("pump", "Reimplant eligible"),
}


@dataclass(frozen=True, slots=True)
class TaskEntry:
    kind: str | None  # a key of TASK_KINDS, or None: no task, by decision
    why: str  # one line: why this task (or why none)


# Every alert code of clinical/assessment.py ALERT_CODES (tests/present/test_tasks.py).
# Refill alerts become "plan bridging" while the refill is blocked (see _kind_for).
ALERT_TASKS: dict[str, TaskEntry] = {
    "refill_due": TaskEntry("refill", "the refill record answers it; due on the refill-by date"),
    "reservoir_alarm_passed": TaskEntry("refill", "refill today; overdue since the alarm date"),
    "drug_stability_exceeded": TaskEntry("refill", "fresh drug by a refill; overdue since the stability date"),
    "alarm_date_mismatch": TaskEntry(None, "no record clears it before the next refill (its own task); "
                                           "the check of the programming stays on the detail"),
    "withdrawal_risk": TaskEntry("plan_bridging", "refill blocked and the alarm near: bridging now, done "
                                                  "when a covering bridging runs"),
    "no_bridging_plan": TaskEntry("plan_bridging", "pump removed without bridging: the bridging record "
                                                   "answers it"),
    "device_removal_indicated": TaskEntry("explant", "the explant record answers it (or a deferral with "
                                                     "the team's reason)"),
    "device_infection": TaskEntry("explant", "the rules say discuss the explant: the explant record or a "
                                             "no-growth culture of the site answers it"),
    "non_candida_fungus": TaskEntry(None, "advice that stays until the course is complete: no record "
                                          "clears it; no_antifungal and stopped-early carry the actions"),
    "drug_inactive": TaskEntry("change_antifungal", "the changed course answers it"),
    "infection_before_reimplant": TaskEntry(None, "treating the infection is the team's plan, not one "
                                                  "record; reimplantation waits (its task comes when eligible)"),
    "device_retained": TaskEntry("review_retained_pump", "a review, not a record: done by the explant, or "
                                                         "deferred with the review's outcome"),
    "antifungal_stopped_early": TaskEntry("start_antifungal", "a running course answers it"),
    "no_antifungal": TaskEntry("start_antifungal", "a course answers it; due since the episode began"),
    "followup_culture_due": TaskEntry("blood_culture", "a drawn blood culture answers it; due today"),
    "eye_exam_due": TaskEntry("eye_exam", "the exam record answers it; due on the date the rule gives"),
    "azole_intrinsic_resistance": TaskEntry("change_antifungal", "the changed course answers it"),
    "azole_reduced_susceptibility": TaskEntry("change_antifungal", "the changed course (or dose) answers it"),
    "drug_resistant": TaskEntry("change_antifungal", "the changed course answers it"),
    "poor_cns_penetration": TaskEntry("change_antifungal", "the changed course answers it"),
    "c_auris": TaskEntry(None, "isolation and notification are not recorded here, and the alert stays "
                               "for life: a task would never go away"),
    "relapse": TaskEntry(None, "the new episode's own alerts (no antifungal, follow-up culture, eye "
                               "exam) carry the tasks"),
}

# The reimplant states that ask for an action (the others: nothing to do yet, or blocked
# by an alert above).
REIMPLANT_TASKS: dict[str, TaskEntry] = {
    "needs_culture": TaskEntry("confirming_culture", "a no-growth blood culture drawn from culture_due_on"),
    "waiting": TaskEntry("confirming_culture", "only once the course is complete: the date is then fixed"),
    "eligible": TaskEntry("reimplant", "the new pump's record answers it"),
    "not_applicable": TaskEntry(None, "nothing to reimplant"),
    "blocked": TaskEntry(None, "the relapse or infection alert says why; nothing to do for the reimplant"),
}


@dataclass(frozen=True, slots=True)
class Task:
    key: str  # "<mrn>:<kind>:<rule code>": stable while the same rule asks for it
    mrn: str
    name: str
    ward: str
    bed: str
    kind: str  # a key of TASK_KINDS
    code: str  # the alert code, or "reimplant.<state>", it comes from
    due_on: date
    form: str  # one of FORMS
    words: str  # what to do, with its date, as the list shows it
    deferred: str = ""  # "deferred to DATE: reason" once a deferral has run out

    def bucket(self, as_of: date) -> str:
        return bucket(self.due_on, as_of)


@dataclass(frozen=True, slots=True)
class Deferral:
    """A task put off with a reason (audited in the store), until `until`."""

    mrn: str
    task_key: str
    until: date
    reason: str
    actor: str = ""


def bucket(due_on: date, as_of: date) -> str:
    if due_on < as_of:
        return "overdue"
    if due_on == as_of:
        return "today"
    if due_on <= as_of + timedelta(days=WEEK_DAYS):
        return "week"
    return "later"


def patient_tasks(patient: Patient, assessment: Assessment, as_of: date | None = None) -> tuple[Task, ...]:
    """The patient's open tasks on `as_of` (the assessment's date), soonest first."""
    as_of = assessment.as_of if as_of is None else as_of
    found: dict[str, Task] = {}
    for alert in assessment.alerts:  # most serious first: the first of a kind names it
        task = _alert_task(patient, assessment, alert, as_of)
        if task is not None:
            _merge(found, task)
    task = _reimplant_task(patient, assessment, as_of)
    if task is not None:
        _merge(found, task)
    return tuple(sorted(found.values(), key=lambda t: (t.due_on, t.kind)))


def ward_tasks(pairs: Iterable[tuple[Patient, Assessment]], as_of: date,
               deferrals: Iterable[Deferral] = (), horizon_days: int | None = WEEK_DAYS) -> list[Task]:
    """Every patient's tasks due by as_of + horizon_days (None: all), deferrals applied,
    ordered by due date, then ward and bed (the round walks the beds)."""
    by_key = _latest_deferrals(deferrals)
    tasks = []
    for patient, assessment in pairs:
        for task in patient_tasks(patient, assessment, as_of):
            task = apply_deferral(task, by_key.get(task.key), as_of)
            if task is None:
                continue
            if horizon_days is not None and task.due_on > as_of + timedelta(days=horizon_days):
                continue
            tasks.append(task)
    tasks.sort(key=lambda t: (t.due_on, t.ward.casefold(), _bed_key(t.bed), t.name.casefold(), t.kind))
    return tasks


def by_bed(tasks: Iterable[Task]) -> list[Task]:
    """One group's tasks in the order the round walks: ward, bed, patient, then due date."""
    return sorted(tasks, key=lambda t: (t.ward.casefold(), _bed_key(t.bed), t.name.casefold(), t.mrn,
                                        t.due_on, t.kind))


def apply_deferral(task: Task, deferral: Deferral | None, as_of: date) -> Task | None:
    """None while deferred (as_of before `until`); on `until` it comes back, due that day
    at the latest, saying it was deferred and why."""
    if deferral is None:
        return task
    if as_of < deferral.until:
        return None
    note = f"deferred to {w.date_text(deferral.until)}: {deferral.reason}"
    return replace(task, due_on=min(task.due_on, deferral.until), deferred=note)


def due_words(due_on: date, as_of: date) -> str:
    """'overdue since 2026-12-01 (2 d ago)', 'today', 'by 2026-12-08 (in 5 d)'."""
    days = (due_on - as_of).days
    if days < 0:
        return f"overdue since {w.date_days_text(due_on, days)}"
    if days == 0:
        return "today"
    return f"by {w.date_days_text(due_on, days)}"


def bed_text(task: Task) -> str:
    """'Ward 4 · bed 12' (what the round reads to find the patient)."""
    ward = task.ward or "no ward"
    return f"{ward} · bed {task.bed}" if task.bed else ward


def patient_text(task: Task) -> str:
    """'Neuro 4B · bed 12  Doe, Jane (A1001)': the patient a group of tasks belongs to."""
    return f"{bed_text(task)}  {task.name} ({task.mrn})"


def task_text(task: Task, as_of: date) -> str:
    """'Refill the pump · by 2026-12-16 (in 6 d)', with the deferral when it ran out."""
    text = f"{task.words}  ·  {due_words(task.due_on, as_of)}"
    return f"{text}  ·  {task.deferred}" if task.deferred else text


def task_line(task: Task, as_of: date) -> str:
    """One line for the CLI table and the tests: bed, patient, task, due."""
    line = f"{bed_text(task)} | {task.name} ({task.mrn}) | {task.words} | {due_words(task.due_on, as_of)}"
    return f"{line} | {task.deferred}" if task.deferred else line


def task_json(task: Task, as_of: date) -> dict:
    """The fields of `itb-tui tasks --json` (one object per task)."""
    return {
        "key": task.key, "mrn": task.mrn, "name": task.name, "ward": task.ward or None,
        "bed": task.bed or None, "kind": task.kind, "rule": task.code,
        "due_on": task.due_on.isoformat(), "bucket": task.bucket(as_of), "form": task.form,
        "task": task.words, "deferred": task.deferred or None,
    }


# --- building one task -----------------------------------------------------------------------

def _alert_task(patient: Patient, a: Assessment, alert: Alert, as_of: date) -> Task | None:
    entry = ALERT_TASKS.get(alert.code)
    if entry is None or entry.kind is None:
        return None  # an unknown code (a newer engine): its alert still shows on the detail
    kind = entry.kind
    blocked = a.refill.status == "blocked"
    if kind == "refill" and blocked:
        kind = "plan_bridging"  # never "refill by" while refill is blocked (rules revision 3)
    due = _due(alert, a, as_of)
    if kind == "plan_bridging" and alert.code != "no_bridging_plan" and _bridging_runs(patient, as_of):
        return None  # a covering bridging runs: the plan is in place
    return _task(patient, kind, alert.code, due, _words(kind, alert, a, due, as_of))


def _due(alert: Alert, a: Assessment, as_of: date) -> date:
    r = a.reservoir
    if alert.code == "refill_due" and r is not None:
        return r.refill_by
    if alert.code == "reservoir_alarm_passed" and r is not None:
        return r.alarm_on
    if alert.code == "drug_stability_exceeded" and r is not None:
        return r.stable_until
    if alert.code == "no_antifungal" and a.antifungal.episode_start_on is not None:
        return a.antifungal.episode_start_on
    if alert.code == "device_retained" and a.antifungal.completed_on is not None:
        return a.antifungal.completed_on
    if alert.due_on is not None:
        return alert.due_on
    return as_of  # the alert asks for it now


def _words(kind: str, alert: Alert, a: Assessment, due: date, as_of: date) -> str:
    what = TASK_KINDS[kind].what
    title = w.alert_words(alert.code, alert.severity).title
    if kind == "refill":
        return what if alert.code == "refill_due" else f"{what} ({title})"
    if kind == "plan_bridging":
        if alert.code == "no_bridging_plan":
            return f"{what}: the pump was removed without bridging"
        alarm = a.reservoir.alarm_on if a.reservoir is not None else None
        return f"{what}: refill is blocked (alarm {w.date_text(alarm)})"
    if kind in ("explant", "change_antifungal"):
        return f"{what} ({title})"
    if kind == "start_antifungal" and alert.code == "antifungal_stopped_early":
        return "Restart antifungal therapy (stopped too early)"
    return what


def _reimplant_task(patient: Patient, a: Assessment, as_of: date) -> Task | None:
    r = a.reimplant
    entry = REIMPLANT_TASKS.get(r.state)
    if entry is None or entry.kind is None:
        return None
    code = f"reimplant.{r.state}"
    if entry.kind == "reimplant":
        if r.eligible_on is None:
            return None
        return _task(patient, "reimplant", code, r.eligible_on,
                     f"{TASK_KINDS['reimplant'].what} from {w.date_text(r.eligible_on)}")
    # a confirming culture: only once the course is complete (before that the date moves)
    if r.culture_due_on is None or a.antifungal.state != "complete":
        return None
    drawn = _pending_blood_from(patient, r.culture_due_on)
    if drawn is not None:
        return _task(patient, "confirming_result", code, drawn,
                     f"{TASK_KINDS['confirming_result'].what} (drawn {w.date_text(drawn)})")
    return _task(patient, "confirming_culture", code, r.culture_due_on,
                 f"{TASK_KINDS['confirming_culture'].what} from {w.date_text(r.culture_due_on)}")


def _task(patient: Patient, kind: str, code: str, due: date, words: str) -> Task:
    return Task(key=f"{patient.mrn}:{kind}:{code}", mrn=patient.mrn, name=patient.name,
                ward=patient.ward or "", bed=patient.bed or "", kind=kind, code=code, due_on=due,
                form=TASK_KINDS[kind].form, words=words)


def _merge(found: dict[str, Task], task: Task) -> None:
    """One task per kind: the first (most serious) names it, the earliest date is its due."""
    first = found.get(task.kind)
    if first is None:
        found[task.kind] = task
    elif task.due_on < first.due_on:
        found[task.kind] = replace(first, due_on=task.due_on)


def _bridging_runs(patient: Patient, as_of: date) -> bool:
    """A bridging known to prevent withdrawal started by as_of and not stopped before it."""
    return any(b.method in COVERING_METHODS and b.started_on <= as_of
               and (b.stopped_on is None or b.stopped_on >= as_of) for b in patient.bridging)


def _pending_blood_from(patient: Patient, day: date) -> date | None:
    """The draw date of the first pending blood culture drawn on or after `day`."""
    drawn = [c.drawn_on for c in patient.cultures
             if c.specimen == "blood" and c.result == "pending" and c.drawn_on >= day]
    return min(drawn, default=None)


def _latest_deferrals(deferrals: Iterable[Deferral]) -> Mapping[str, Deferral]:
    """The last deferral given for each task key (a later one replaces an earlier one)."""
    return {d.task_key: d for d in deferrals}


def _bed_key(bed: str) -> tuple:
    """Beds in walking order: 2 before 10."""
    return (int(bed) if bed.isdigit() else 10**9, bed.casefold())
