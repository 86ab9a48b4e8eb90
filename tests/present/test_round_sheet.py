"""The round sheet's sections (present/round_sheet.py): the tasks due are the task
list's, per patient, soonest first, toned by how late; and a new section plugs in by
adding one function to the list, reading what the export read once for the ward."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from present_factories import AS_OF, alert, assessment, patient, reservoir

from itb_tui.exports.html_export import render_text
from itb_tui.present.round_sheet import (
    SECTIONS,
    RoundData,
    Section,
    SectionLine,
    patient_sections,
    round_context,
)
from itb_tui.present.tasks import Deferral, ward_tasks

# AS_OF = 2026-12-03.
# T1: refill-by in 3 d (2026-12-06, within the week) and an eye exam due 2026-12-01
#     (2 d ago: overdue). T2: refill-by in 20 d (2026-12-23: past the 7-day window).
EYE = replace(alert("eye_exam_due", "warning"), due_on=AS_OF - timedelta(days=2))
PAIRS = [
    (patient("T1", bed="1"), assessment(res=reservoir(3), alerts=(alert("refill_due", "warning"), EYE),
                                        mrn="T1")),
    (patient("T2", bed="2"), assessment(res=reservoir(20), alerts=(alert("refill_due", "warning"),),
                                        mrn="T2")),
]


def _tasks_section(mrn, data=None):
    context = round_context(PAIRS, AS_OF, data)
    pair = next(pa for pa in PAIRS if pa[0].mrn == mrn)
    return next(s for s in patient_sections(*pair, context) if s.key == "tasks")


def test_tasks_section_is_the_task_list_of_the_patient_soonest_first():
    section = _tasks_section("T1")
    expected = [t.key for t in ward_tasks(PAIRS, AS_OF) if t.mrn == "T1"]
    assert [line.key for line in section.lines] == expected == ["T1:eye_exam:eye_exam_due",
                                                                "T1:refill:refill_due"]
    eye, refill = section.lines
    assert eye.text == "Dilated eye exam  ·  overdue since 2026-12-01 (2 d ago)" and eye.tone == "danger"
    assert refill.text == "Refill the pump  ·  by 2026-12-06 (in 3 d)" and refill.tone == ""


def test_a_patient_with_nothing_due_this_week_says_so():
    section = _tasks_section("T2")
    assert section.lines == () and section.empty == "none due by 2026-12-10"


def test_a_deferred_task_is_left_off_until_it_comes_back():
    data = RoundData(deferrals=(Deferral("T1", "T1:eye_exam:eye_exam_due", AS_OF + timedelta(days=2),
                                         "list full"),))
    assert [line.key for line in _tasks_section("T1", data).lines] == ["T1:refill:refill_due"]


def test_a_new_section_plugs_in_and_reads_the_ward_data_once():
    """How "handover notes" will join: a function reading RoundData, added to SECTIONS."""
    data = RoundData(extra={"notes": {"T1": ("night: pump site red",)}})

    def notes(patient_, _assessment, context):
        texts = context.data.extra["notes"].get(patient_.mrn)
        return Section("notes", "Handover notes", tuple(SectionLine(t) for t in texts)) if texts else None

    sections = SECTIONS + (("notes", notes),)
    context = round_context(PAIRS, AS_OF, data)
    assert [s.key for s in patient_sections(*PAIRS[0], context, sections)] == ["tasks", "notes"]
    assert [s.key for s in patient_sections(*PAIRS[1], context, sections)] == ["tasks"]
    html = render_text(PAIRS, as_of=AS_OF, rules=None, generated_at=datetime(2026, 12, 3),
                       round_data=data, sections=sections)
    assert html.count('data-section="notes"') == 1 and "night: pump site red" in html
    assert html.count('data-section="tasks"') == 2
