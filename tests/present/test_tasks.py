"""The round's tasks (issue 16 item 2): each alert code maps to its task or to none (by
decision), with the due date worked by hand; a task goes away when the record it asks
for is saved (the engine stops raising its alert), never by a tick.

Dates: AS_OF is 2026-12-03 (present_factories). Every row says where its due date comes
from and works it out in the comment.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from itb_tui.clinical.assessment import ALERT_CODES, REIMPLANT_STATES, Alert, AntifungalState, ReimplantState
from itb_tui.clinical.engine import assess
from itb_tui.clinical.rules import load_rules
from itb_tui.present.tasks import (
    ALERT_TASKS, FORMS, REIMPLANT_TASKS, TASK_KINDS, Deferral, bucket, patient_tasks, task_line, ward_tasks,
)
from present_factories import AS_OF, alert, assessment, patient, reservoir

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "clinical"))
import clinical_factories as cf  # noqa: E402

D = date.fromisoformat
COMPLETE = AntifungalState("complete", episode_start_on=D("2026-10-01"), completed_on=D("2026-11-20"))
EPISODE = AntifungalState("awaiting_clearance", episode_start_on=D("2026-11-28"))

# code, refill status, reservoir, antifungal, expected (kind, due, form) or None
ALERT_ROWS = [
    # refill_by = AS_OF + 5 = 2026-12-08
    ("refill_due", "ok", reservoir(5), None, ("refill", "2026-12-08", "refill")),
    # blocked: never "refill by"; bridging before the same refill-by date 2026-12-08
    ("refill_due", "blocked", reservoir(5), None, ("plan_bridging", "2026-12-08", "bridging")),
    # alarm_on = AS_OF - 2 = 2026-12-01 (overdue since the alarm)
    ("reservoir_alarm_passed", "ok", reservoir(-2), None, ("refill", "2026-12-01", "refill")),
    # stability ran out: stable_until = refill_by = AS_OF - 3 = 2026-11-30 (alarm later, +10 d)
    ("drug_stability_exceeded", "ok", reservoir(-3, 10), None, ("refill", "2026-11-30", "refill")),
    ("alarm_date_mismatch", "ok", reservoir(20), None, None),  # no record clears it before the refill
    # the alert asks for it now: AS_OF 2026-12-03
    ("withdrawal_risk", "blocked", reservoir(4), None, ("plan_bridging", "2026-12-03", "bridging")),
    ("no_bridging_plan", "not_applicable", None, None, ("plan_bridging", "2026-12-03", "bridging")),
    ("device_removal_indicated", "blocked", reservoir(20), None, ("explant", "2026-12-03", "explant")),
    ("device_infection", "blocked", reservoir(20), None, ("explant", "2026-12-03", "explant")),
    ("non_candida_fungus", "ok", None, None, None),  # advice; no record clears it
    ("drug_inactive", "ok", None, None, ("change_antifungal", "2026-12-03", "antifungal")),
    ("infection_before_reimplant", "not_applicable", None, None, None),  # the team's treatment plan
    # a review since the course was completed: completed_on 2026-11-20
    ("device_retained", "caution", reservoir(20), COMPLETE, ("review_retained_pump", "2026-11-20", "detail")),
    ("antifungal_stopped_early", "ok", None, None, ("start_antifungal", "2026-12-03", "antifungal")),
    # due since the episode began: episode_start_on 2026-11-28
    ("no_antifungal", "ok", None, EPISODE, ("start_antifungal", "2026-11-28", "antifungal")),
    ("followup_culture_due", "ok", None, EPISODE, ("blood_culture", "2026-12-03", "culture")),
    # the rule's own date on the alert (episode start 2026-11-28 + eye_exam_within_days 7 = 2026-12-05)
    ("eye_exam_due", "ok", None, EPISODE, ("eye_exam", "2026-12-05", "exam")),
    ("azole_intrinsic_resistance", "ok", None, None, ("change_antifungal", "2026-12-03", "antifungal")),
    ("azole_reduced_susceptibility", "ok", None, None, ("change_antifungal", "2026-12-03", "antifungal")),
    ("drug_resistant", "ok", None, None, ("change_antifungal", "2026-12-03", "antifungal")),
    ("poor_cns_penetration", "ok", None, None, ("change_antifungal", "2026-12-03", "antifungal")),
    ("c_auris", "ok", None, None, None),  # isolation/notification not recorded; lifelong alert
    ("relapse", "not_applicable", None, None, None),  # the new episode's alerts carry the tasks
]


def _alert(code: str) -> Alert:
    base = alert(code)
    if code == "eye_exam_due":
        return Alert(base.code, "warning", base.text, base.source, base.basis, base.action, due_on=D("2026-12-05"))
    return base


def test_every_alert_code_has_an_explicit_entry_and_every_none_a_reason():
    assert set(ALERT_TASKS) == set(ALERT_CODES)
    assert set(REIMPLANT_TASKS) == set(REIMPLANT_STATES)
    for code, entry in {**ALERT_TASKS, **REIMPLANT_TASKS}.items():
        assert entry.why.strip(), code
        assert entry.kind is None or entry.kind in TASK_KINDS, code
    assert {kind.form for kind in TASK_KINDS.values()} <= set(FORMS)
    assert {row[0] for row in ALERT_ROWS} == set(ALERT_CODES)  # the table below covers every code


@pytest.mark.parametrize("code, status, res, antifungal, expected", ALERT_ROWS,
                         ids=[f"{r[0]}-{r[1]}" for r in ALERT_ROWS])
def test_alert_code_maps_to_its_task(code, status, res, antifungal, expected):
    a = assessment(status, res=res, alerts=(_alert(code),), antifungal=antifungal)
    tasks = patient_tasks(patient(), a)
    if expected is None:
        assert tasks == ()
        return
    kind, due, form = expected
    assert [(t.kind, t.due_on, t.form, t.code) for t in tasks] == [(kind, D(due), form, code)]
    assert tasks[0].key == f"T1:{kind}:{code}"
    assert tasks[0].words.startswith(TASK_KINDS[kind].what.split()[0]) or kind == "start_antifungal"


# state, reimplant, antifungal, expected (kind, due, form) or None
REIMPLANT_ROWS = [
    # the engine's culture_due_on (course completed 2026-11-16 + 14 days = 2026-11-30): overdue since then
    ("needs_culture", ReimplantState("needs_culture", eligible_on=D("2026-11-30"), days_left=-3,
                                     culture_due_on=D("2026-11-30")), COMPLETE,
     ("confirming_culture", "2026-11-30", "culture")),
    # course complete, waiting: the date is fixed (2026-12-10, a week ahead)
    ("waiting-complete", ReimplantState("waiting", eligible_on=D("2026-12-10"), days_left=7,
                                        culture_due_on=D("2026-12-10")), COMPLETE,
     ("confirming_culture", "2026-12-10", "culture")),
    # course still running: the date is only an estimate that moves: no task yet
    ("waiting-course-open", ReimplantState("waiting", eligible_on=D("2026-12-20"), days_left=17,
                                           culture_due_on=D("2026-12-20")),
     AntifungalState("in_progress", episode_start_on=D("2026-11-20")), None),
    ("eligible", ReimplantState("eligible", eligible_on=D("2026-12-01"), days_left=-2,
                                culture_due_on=D("2026-11-30")), COMPLETE, ("reimplant", "2026-12-01", "pump")),
    ("blocked", ReimplantState("blocked"), COMPLETE, None),
    ("not_applicable", ReimplantState("not_applicable"), None, None),
]


@pytest.mark.parametrize("label, reimplant, antifungal, expected", REIMPLANT_ROWS, ids=[r[0] for r in REIMPLANT_ROWS])
def test_reimplant_state_maps_to_its_task(label, reimplant, antifungal, expected):
    tasks = patient_tasks(patient(), assessment("not_applicable", reimplant=reimplant, antifungal=antifungal))
    got = [(t.kind, t.due_on, t.form) for t in tasks]
    assert got == ([] if expected is None else [(expected[0], D(expected[1]), expected[2])])


def test_one_refill_answers_every_refill_alert_and_is_due_on_the_earliest_date():
    # alarm passed 2026-12-01 and refill due: one task, named by the alarm, due 2026-12-01
    a = assessment("ok", res=reservoir(-2), alerts=(alert("reservoir_alarm_passed"), alert("refill_due")))
    (task,) = patient_tasks(patient(), a)
    assert (task.kind, task.code, task.due_on) == ("refill", "reservoir_alarm_passed", D("2026-12-01"))
    assert "reservoir alarm date passed" in task.words


def test_buckets_overdue_today_next_week_later():
    assert [bucket(D(d), AS_OF) for d in ("2026-12-02", "2026-12-03", "2026-12-10", "2026-12-11")] == [
        "overdue", "today", "week", "later"]  # 12-03 + 7 = 12-10 is still in the week


# --- the engine: a task goes away when the record it asks for is saved --------------------------

RULES = load_rules()
ON = D("2026-12-03")


def _kinds(p) -> list[str]:
    return [t.kind for t in patient_tasks(p, assess(p, ON, RULES))]


def _fungemia(**extra):
    """Candidemia from 2026-11-28, micafungin since, pump refilled 2026-11-08: 18 mL usable x
    500 µg/mL / 300 µg/day = 30 days, alarm 2026-12-08 (5 days off: withdrawal risk)."""
    fields = dict(pumps=[cf.pump(cf.refill("2026-11-08"))], cultures=[cf.blood("2026-11-28")],
                  courses=[cf.course("micafungin", "2026-11-28")])
    fields.update(extra)
    return cf.patient(**fields)


def test_fungemia_tasks_with_dates_worked_by_hand():
    p = _fungemia()
    tasks = {t.kind: t for t in patient_tasks(p, assess(p, ON, RULES))}
    assert set(tasks) == {"blood_culture", "explant", "plan_bridging", "eye_exam"}
    assert tasks["blood_culture"].due_on == ON  # last blood culture 11-28, 5 days ago: draw today
    assert tasks["eye_exam"].due_on == D("2026-12-05")  # start 11-28 + 7 days
    assert "alarm 2026-12-08" in tasks["plan_bridging"].words
    assert tasks["plan_bridging"].form == "bridging"


def test_drawing_the_blood_culture_removes_its_task():
    assert "blood_culture" in _kinds(_fungemia())
    drawn = _fungemia(cultures=[cf.blood("2026-11-28"), cf.blood("2026-12-03", "pending")])
    assert "blood_culture" not in _kinds(drawn)


def test_recording_the_eye_exam_removes_its_task():
    assert "eye_exam" not in _kinds(_fungemia(exams=[cf.eye_exam("2026-12-03")]))


def test_a_running_bridging_removes_plan_bridging_and_one_stopped_before_does_not():
    assert "plan_bridging" not in _kinds(_fungemia(bridging=[cf.bridging("2026-12-02")]))
    assert "plan_bridging" in _kinds(_fungemia(bridging=[cf.bridging("2026-11-29", stopped="2026-11-30")]))
    # "other" does not prevent withdrawal (rules revision 3, change 5): the task stays
    assert "plan_bridging" in _kinds(_fungemia(bridging=[cf.bridging("2026-12-02", method="other")]))


def test_recording_the_refill_removes_the_refill_task():
    due = cf.patient(pumps=[cf.pump(cf.refill("2026-11-08"))])  # alarm 12-08, in 5 days
    (task,) = patient_tasks(due, assess(due, ON, RULES))
    assert (task.kind, task.due_on) == ("refill", D("2026-12-08"))
    refilled = cf.patient(pumps=[cf.pump(cf.refill("2026-11-08"), cf.refill("2026-12-03"))])
    assert _kinds(refilled) == []


def test_recording_the_explant_and_bridging_removes_the_tasks():
    explanted = _fungemia(pumps=[cf.pump(cf.refill("2026-11-08"), removed="2026-12-03")])
    assert "explant" not in _kinds(explanted)
    assert "plan_bridging" in _kinds(explanted)  # no_bridging_plan: removed without bridging
    bridged = _fungemia(pumps=[cf.pump(cf.refill("2026-11-08"), removed="2026-12-03")],
                        bridging=[cf.bridging("2026-12-03")])
    assert "plan_bridging" not in _kinds(bridged)


def test_confirming_culture_becomes_enter_result_once_drawn_and_goes_once_no_growth():
    # cleared 11-01, course 11-01..11-15 (14 days of therapy), explanted 10-31: 11-15 + 14 = 11-29
    base = dict(pumps=[cf.pump(cf.refill("2026-10-01"), removed="2026-10-31")],
                courses=[cf.course("micafungin", "2026-10-20", "2026-11-15")],
                symptoms="2026-11-01")
    cultures = [cf.blood("2026-10-20"), cf.blood("2026-11-01", "no_growth")]
    p = cf.patient(cultures=cultures, **base)
    a = assess(p, ON, RULES)
    assert a.reimplant.state == "needs_culture", a.reimplant
    (task,) = [t for t in patient_tasks(p, a) if t.code.startswith("reimplant")]
    assert (task.kind, task.due_on, task.form) == ("confirming_culture", a.reimplant.culture_due_on, "culture")
    drawn = cf.patient(cultures=cultures + [cf.blood("2026-12-02", "pending")], **base)
    kinds = _kinds(drawn)
    assert "confirming_culture" not in kinds and "confirming_result" in kinds
    grown = cf.patient(cultures=cultures + [cf.blood("2026-12-02", "no_growth")], **base)
    assert "confirming_result" not in _kinds(grown) and "reimplant" in _kinds(grown)


# --- the ward list and deferrals ---------------------------------------------------------------

def test_ward_tasks_window_order_and_deferral_comes_back_on_its_date():
    near = cf.patient(pumps=[cf.pump(cf.refill("2026-11-08"))], mrn="A1")  # refill by 12-08
    far = cf.patient(pumps=[cf.pump(cf.refill("2026-11-30"))], mrn="A2")  # alarm 12-30: no alert
    pairs = [(p, assess(p, ON, RULES)) for p in (far, near)]
    (task,) = ward_tasks(pairs, ON)
    assert task.mrn == "A1"
    deferral = Deferral("A1", task.key, D("2026-12-05"), "refill booked for Friday clinic")
    assert ward_tasks(pairs, ON, [deferral]) == []
    later = [(p, assess(p, D("2026-12-05"), RULES)) for p in (far, near)]
    (back,) = ward_tasks(later, D("2026-12-05"), [deferral])
    assert back.deferred == "deferred to 2026-12-05: refill booked for Friday clinic"
    assert "refill booked for Friday clinic" in task_line(back, D("2026-12-05"))
