"""What changed since a patient's last review, in words (present/changes.py, issue 16).

Each kind of change an audit entry can stand for -> its kind and words (or None: the
round need not hear of it), then the changes only the assessment shows (a block started
or lifted, a new critical alert, the dose or concentration), then the list's cell and
the detail's lines. Dates: TODAY is 2026-11-10; the review is on 2026-11-10 08:30 UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import pytest

from itb_tui.clinical.engine import assess
from itb_tui.clinical.records import Culture, Patient, Pump, Refill
from itb_tui.present import changes as ch

TODAY = date(2026, 11, 10)
AT = datetime(2026, 11, 10, 8, 30, tzinfo=timezone.utc)


def _pump(serial="NGP000456", conc="2000", dose="400") -> Pump:
    return Pump(serial=serial, manufacturer="Medtronic", model="SynchroMed II", reservoir_ml=Decimal("40"),
                alarm_ml=Decimal("2.0"), implanted_on=date(2023, 5, 1), removed_on=None, removal_reason=None,
                concentration_ug_ml=Decimal(conc), daily_dose_ug=Decimal(dose),
                refills=(Refill(on=date(2026, 10, 1), volume_ml=Decimal("39.95")),))


QUIET = Patient(mrn="B2002", name="Roe, Richard", dob=date(1980, 1, 15), ward="Rehab 2", bed="3", pumps=(_pump(),))
# + a positive S. aureus blood culture drawn 2026-11-09: refill blocked (bacteremia)
BACTEREMIA = replace(QUIET, cultures=(Culture("blood", date(2026, 11, 9), "positive", "Staphylococcus aureus"),))


@dataclass(frozen=True)
class Event:
    table: str
    action: str
    before: dict | None = None
    after: dict | None = None


@dataclass(frozen=True)
class Review:
    summary: dict
    events: tuple = ()
    reviewed_by: str = "nurse.nina"
    reviewed_at: datetime = AT
    audit_position: int = 10


POSITIVE = {"specimen": "blood", "drawn_on": "2026-11-09", "result": "positive", "organism": "Staphylococcus aureus"}
PENDING = {"specimen": "blood", "drawn_on": "2026-11-09", "result": "pending", "organism": None}
CANDIDA = {"specimen": "blood", "drawn_on": "2026-11-01", "result": "positive", "organism": "Candida albicans"}


@pytest.mark.parametrize("table, action, before, after, kind, words", [
    ("cultures", "create", None, POSITIVE, ch.POSITIVE_RESULT, "new: positive blood culture (Staphylococcus aureus)"),
    ("cultures", "create", None, dict(PENDING, specimen="csf"), ch.NEW_RESULT, "new: CSF culture drawn (pending)"),
    ("cultures", "create", None, dict(PENDING, result="no_growth"), ch.NEW_RESULT, "new: blood culture no growth"),
    ("cultures", "update", PENDING, dict(CANDIDA, drawn_on="2026-11-09"), ch.POSITIVE_RESULT,
     "result: blood culture positive (Candida albicans)"),
    ("cultures", "update", PENDING, dict(PENDING, result="no_growth"), ch.NEW_RESULT, "result: blood culture no growth"),
    ("cultures", "update", CANDIDA, dict(CANDIDA, result="no_growth", organism=None), ch.CORRECTED_RESULT,
     "corrected: blood culture now no growth (was positive (Candida albicans))"),
    ("cultures", "update", CANDIDA, dict(CANDIDA, drawn_on="2026-11-02"), None, None),  # same result
    ("refills", "create", None, {"on": "2026-11-09", "volume_ml": "20", "override_reason": None}, ch.REFILL,
     "refill 20 mL on 2026-11-09"),
    ("refills", "create", None, {"on": "2026-11-09", "volume_ml": "20", "override_reason": "no other access"},
     ch.REFILL, "refill 20 mL on 2026-11-09 (block overridden)"),
    ("pumps", "create", None, {"serial": "NGP000777"}, ch.IMPLANT, "implant: pump NGP000777"),
    ("pumps", "update", {"serial": "NGP000123", "removed_on": None},
     {"serial": "NGP000123", "removed_on": "2026-11-09"}, ch.EXPLANT, "explant: pump NGP000123 removed 2026-11-09"),
    ("pumps", "update", {"serial": "NGP000123", "daily_dose_ug": "300"},
     {"serial": "NGP000123", "daily_dose_ug": "350"}, None, None),  # the dose: from the summary
    ("notes", "create", None, {"text": "Family asks to be called   before any change of plan today"}, ch.NOTE,
     "new note: Family asks to be called before any cha…"),  # 40 characters
    ("notes", "create", None, {}, ch.NOTE, "new note"),
    ("cultures", "entered_in_error", POSITIVE, POSITIVE, ch.ENTERED_IN_ERROR, "culture marked entered in error"),
    ("antifungal_courses", "create", None, {"drug": "micafungin"}, ch.TREATMENT, "antifungal started: micafungin"),
    ("antifungal_courses", "update", {"drug": "micafungin", "stopped_on": None},
     {"drug": "micafungin", "stopped_on": "2026-11-09"}, ch.TREATMENT, "antifungal stopped: micafungin"),
    ("bridging", "create", None, {"method": "oral_baclofen"}, ch.TREATMENT, "bridging started: oral baclofen"),
    ("exams", "create", None, {"kind": "dilated_eye_exam"}, ch.TREATMENT, "exam recorded: dilated eye exam"),
    ("patients", "update", {"bed": "3"}, {"bed": "4"}, None, None),  # demographics
    ("lab_reports", "create", None, {"status": "final"}, None, None),  # its culture's entry says it
    ("task_deferrals", "defer", None, {"task_key": "B2002:refill:refill_due"}, None, None),
])
def test_each_kind_of_entry_in_words(table, action, before, after, kind, words):
    change = ch.change_of_event(table, action, before, after)
    if kind is None:
        assert change is None
    else:
        assert (change.kind, change.words) == (kind, words)


def _summary(patient: Patient, **changed: Any) -> dict:
    return dict(ch.summary_of(patient, assess(patient, TODAY)), **changed)


@pytest.mark.parametrize("reviewed, now, expected", [
    # reviewed while refill ok; the positive culture of 11-09 blocks it (bacteremia)
    (QUIET, BACTEREMIA, [(ch.BLOCK_STARTED, "refill block started: bacteremia")]),
    # reviewed while blocked; the culture marked in error: refill ok again
    (BACTEREMIA, QUIET, [(ch.BLOCK_LIFTED, "refill block lifted (now REFILL OK)")]),
    # the same pump, dose 400 -> 450 µg/d and concentration 2000 -> 1500 µg/mL
    (QUIET, replace(QUIET, pumps=(_pump(conc="1500", dose="450"),)),
     [(ch.DOSE, "dose changed: 400 → 450 µg/d"), (ch.CONCENTRATION, "concentration changed: 2000 → 1500 µg/mL")]),
    # another pump: implant and explant entries say it, not a dose change
    (QUIET, replace(QUIET, pumps=(_pump(serial="NGP000999", dose="450"),)), []),
    (QUIET, QUIET, []),
])
def test_what_only_the_assessment_shows(reviewed, now, expected):
    review = Review(_summary(reviewed))
    got = ch.changes_since(review, now, assess(now, TODAY))
    assert [(c.kind, c.words) for c in got] == expected


def test_a_critical_alert_is_new_only_when_the_review_did_not_see_it():
    with_alert = _summary(QUIET, critical=["withdrawal_risk"])
    assert ch.summary_changes(with_alert, QUIET, assess(QUIET, TODAY)) == []  # gone: not "new"
    # Candida krusei in blood on 11-01, no course: the engine raises critical alerts
    fungal = Patient(mrn="A1", name="x", pumps=(_pump(),), cultures=(
        Culture("blood", date(2026, 11, 1), "positive", "Candida krusei", {"fluconazole": "R"}),))
    now = assess(fungal, TODAY)
    critical = [a.code for a in now.alerts if a.severity == "critical"]
    got = ch.changes_since(Review(_summary(fungal, critical=[])), fungal, now)
    assert [c.words for c in got if c.kind == ch.CRITICAL_ALERT] == \
        [f"new critical alert: {ch.w.alert_words(code).title}" for code in critical]
    assert critical  # the case tests something
    assert ch.changes_since(Review(_summary(fungal)), fungal, now) == ()  # all seen at the review


def test_changes_come_most_telling_first_and_each_once():
    review = Review(_summary(QUIET), events=(
        Event("refills", "create", None, {"on": "2026-11-09", "volume_ml": "20"}),
        Event("cultures", "create", None, POSITIVE),
        Event("cultures", "create", None, POSITIVE),  # the same words twice: said once
    ))
    got = ch.changes_since(review, BACTEREMIA, assess(BACTEREMIA, TODAY))
    assert [c.kind for c in got] == [ch.POSITIVE_RESULT, ch.BLOCK_STARTED, ch.REFILL]
    top, bottom, role = ch.list_lines(review, got)
    assert (top, bottom, role) == ("● new: positive blood culture (Staphylococcus aureus)",
                                   "+2 more since review", "danger")
    heading, lines = ch.detail_lines(review, got)
    assert heading == "● Changed since reviewed by nurse.nina 2026-11-10 08:30 UTC:"
    assert lines[1] == ("● refill block started: bacteremia", "danger")
    assert ch.review_state(review, got) == ch.STATE_CHANGED


def test_never_reviewed_and_reviewed_without_change():
    assert ch.changes_since(None, QUIET, assess(QUIET, TODAY)) == ()
    assert ch.review_state(None, ()) == ch.STATE_NOT_REVIEWED
    assert ch.list_lines(None, ()) == ("○ not reviewed", "", "muted")
    assert ch.detail_lines(None, ())[0].startswith("○ Not reviewed on this ward yet: press v")
    review = Review(_summary(QUIET))
    assert ch.review_state(review, ()) == ch.STATE_UNCHANGED
    assert ch.list_lines(review, ()) == ("✓ no change", "by nurse.nina 2026-11-10", "muted")
    assert ch.detail_lines(review, ()) == ("✓ No change since reviewed by nurse.nina 2026-11-10 08:30 UTC.", [])


def test_the_new_result_marker_goes_first_on_the_second_line():
    assert ch.with_new_result("") == "✉ new result"
    assert ch.with_new_result("+2 more since review") == "✉ new result · +2 more since review"
