"""The round sheet's sections (present/round_sheet.py): the tasks due are the task
list's, per patient, soonest first, toned by how late; and a new section plugs in by
adding one function to the list, reading what the export read once for the ward."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

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
from itb_tui.present.changes import summary_of
from itb_tui.present.notes import SheetNote
from itb_tui.present.tasks import Deferral, ward_tasks
from itb_tui.store.review_read import ChangeEvent, PatientReview

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


# --- "Changes since the last review" (issue 16 item 4) -----------------------------------

REVIEWED_AT = datetime(2026, 12, 2, 9, 12, tzinfo=timezone.utc)


def _review(mrn, *events):
    """The store's record of a review (store/review_read.py) with the entries since; the
    summary is what the assessment says now, so only the trail's entries are changes."""
    pair = next(pa for pa in PAIRS if pa[0].mrn == mrn)
    return PatientReview(mrn, "nora", REVIEWED_AT, 41, summary_of(*pair), tuple(events))


POSITIVE_CULTURE = ChangeEvent(42, REVIEWED_AT + timedelta(hours=3), "os:dr", "create", "cultures", 7,
                               None, {"specimen": "blood", "result": "positive",
                                      "organism": "Staphylococcus aureus"})


def _sections(data):
    context = round_context(PAIRS, AS_OF, data)
    return {pa[0].mrn: patient_sections(*pa, context) for pa in PAIRS}


def test_changes_come_first_then_tasks_then_notes():
    assert [key for key, _make in SECTIONS] == ["changes", "tasks", "notes"]
    data = RoundData(reviews={"T1": _review("T1", POSITIVE_CULTURE)},
                     notes={"T1": (SheetNote("2026-12-03 07:00", "nurse.nina", "drain out", "2026-12-03 07:00 · nurse.nina: drain out"),)})
    assert [s.key for s in _sections(data)["T1"]] == ["changes", "tasks", "notes"]


def test_a_new_positive_culture_since_the_review_is_printed_in_the_details_words():
    """Reviewed by nora 2026-12-02 09:12; a positive blood culture recorded 3 h later."""
    section = _sections(RoundData(reviews={"T1": _review("T1", POSITIVE_CULTURE)}))["T1"][0]
    assert section.key == "changes" and section.title == "Changes since the last review"
    heading, change = section.lines
    assert heading.text == "● Changed since reviewed by nora 2026-12-02 09:12 UTC:"
    assert change.text == "● new: positive blood culture (Staphylococcus aureus)"
    assert change.tone == "danger" and change.key == "positive_result"
    html = render_text(PAIRS, as_of=AS_OF, rules=None, generated_at=datetime(2026, 12, 3),
                       round_data=RoundData(reviews={"T1": _review("T1", POSITIVE_CULTURE)}))
    assert html.count("new: positive blood culture (Staphylococcus aureus)") == 1


def test_never_reviewed_says_not_reviewed_and_unchanged_says_no_change():
    by_mrn = _sections(RoundData(reviews={"T1": _review("T1")}))
    unchanged, never = by_mrn["T1"][0], by_mrn["T2"][0]
    assert never.key == "changes" and never.lines == () and never.empty == "○ not reviewed"
    assert unchanged.lines == ()
    assert unchanged.empty == "✓ No change since reviewed by nora 2026-12-02 09:12 UTC."


def test_a_store_without_reviews_prints_no_changes_section():
    assert [s.key for s in _sections(RoundData())["T2"]] == ["tasks"]
