"""The calendar export (`--format ics`), parsed back with `icalendar`: one all-day event
per dated task on its due date, UIDs that stay the same from one export to the next
(so a calendar updates instead of duplicating), no patient name unless asked."""

from __future__ import annotations

import stat
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import icalendar
import pytest

from itb_tui import demo, report
from itb_tui.clinical.rules import load_rules
from itb_tui.exports import ExportError, render_export, write_export
from itb_tui.present.calendar import CALENDAR_KINDS
from itb_tui.present.round_sheet import RoundData
from itb_tui.present.tasks import Deferral, patient_tasks

AS_OF = date(2026, 11, 25)
FIRST = datetime(2026, 11, 25, 7, 0, tzinfo=timezone.utc)
LATER = datetime(2026, 11, 25, 16, 45, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def ward():
    rules = load_rules()
    return rules, report.assess_all(demo.build_demo_ward(AS_OF, 40), AS_OF, rules)


def _events(pairs, rules, generated_at=FIRST, **options):
    data = render_export("ics", pairs, as_of=AS_OF, rules=rules, generated_at=generated_at, **options)
    return data, icalendar.Calendar.from_ical(data).walk("VEVENT")


def _dated_tasks(pairs):
    """Worked out independently of the exporter: every open task of a calendar kind."""
    return [t for p, a in pairs for t in patient_tasks(p, a, AS_OF) if CALENDAR_KINDS[t.kind].shown]


def test_one_all_day_event_per_dated_task_on_its_due_date(ward):
    rules, pairs = ward
    _data, events = _events(pairs, rules)
    tasks = _dated_tasks(pairs)
    assert len(tasks) >= 10 and {t.kind for t in tasks} >= {"refill", "eye_exam"}
    assert len(events) == len(tasks)
    by_summary = {str(e["SUMMARY"]): e for e in events}
    for task in tasks:
        event = by_summary[f"{task.words} · MRN {task.mrn} · {task.ward} · bed {task.bed}"]
        start = event.decoded("DTSTART")
        assert start == task.due_on and not isinstance(start, datetime)  # a DATE: all day
        assert event.decoded("DTEND") == task.due_on + timedelta(days=1)
        assert event["DTSTART"].params.get("VALUE") == "DATE"


def test_now_tasks_are_left_to_the_round_sheet(ward):
    rules, pairs = ward
    _data, events = _events(pairs, rules)
    summaries = " ".join(str(e["SUMMARY"]) for e in events)
    assert "Plan bridging now" not in summaries and "Arrange the explant" not in summaries


def test_uids_are_unique_and_stable_across_exports(ward):
    rules, pairs = ward
    _data, first = _events(pairs, rules, FIRST)
    _data, again = _events(list(reversed(pairs)), rules, LATER)  # another order, another time
    uids = {str(e["UID"]): str(e["SUMMARY"]) for e in first}
    assert len(uids) == len(first)
    assert {str(e["UID"]): str(e["SUMMARY"]) for e in again} == uids
    assert all(uid.endswith("@itb-tui") for uid in uids)
    assert not any(p.mrn in uid for p, _a in pairs for uid in uids)  # no MRN readable in it


def test_uids_do_not_move_when_an_unrelated_patient_is_added(ward):
    rules, pairs = ward
    _data, before = _events(pairs, rules)
    with_task = next(p for p, a in pairs if _dated_tasks([(p, a)]))
    newcomer = replace(with_task, mrn="A0000", name="Aardvark, Anna", bed="1")
    rules_pairs = report.assess_all([newcomer], AS_OF, rules) + pairs  # sorts first everywhere
    _data, after = _events(rules_pairs, rules)
    old = {str(e["UID"]): (str(e["SUMMARY"]), e.decoded("DTSTART")) for e in before}
    new = {str(e["UID"]): (str(e["SUMMARY"]), e.decoded("DTSTART")) for e in after}
    assert len(new) > len(old) and all(new[uid] == value for uid, value in old.items())


def test_a_later_refill_date_moves_the_same_event(ward):
    """The task is the same refill after the date moves: same UID, new DTSTART."""
    rules, pairs = ward
    _data, today = _events(pairs, rules)
    later = AS_OF + timedelta(days=3)
    moved = report.assess_all([p for p, _a in pairs], later, rules)
    data = render_export("ics", moved, as_of=later, rules=rules, generated_at=LATER)
    after = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    refills = [e for e in today if str(e["SUMMARY"]).startswith("Refill the pump")]
    assert refills and all(str(e["UID"]) in after for e in refills
                           if e.decoded("DTSTART") > later)


def test_no_patient_name_without_with_names(ward):
    rules, pairs = ward
    data, events = _events(pairs, rules)
    text = data.decode("utf-8").replace("\r\n ", "")  # unfolded
    assert not any(p.name in text for p, _a in pairs)
    assert not any(p.name.split(",")[0] in text for p, _a in pairs)  # not even the surname
    assert all(" · MRN " in str(e["SUMMARY"]) for e in events)


def test_names_with_with_names(ward):
    rules, pairs = ward
    _data, events = _events(pairs, rules, with_names=True)
    names = {p.mrn: p.name for p, _a in pairs}
    for event in events:
        summary = str(event["SUMMARY"])
        mrn = summary.split("(")[-1].split(")")[0]
        assert f"{names[mrn]} ({mrn})" in summary


def test_with_names_is_refused_for_formats_that_always_carry_them(ward):
    rules, pairs = ward
    with pytest.raises(ExportError, match="--with-names is for ics"):
        render_export("csv", pairs, as_of=AS_OF, rules=rules, generated_at=FIRST, with_names=True)


def test_a_deferred_task_moves_to_the_day_it_comes_back_without_its_reason(ward):
    rules, pairs = ward
    task = next(t for t in _dated_tasks(pairs) if t.kind == "eye_exam")
    until = AS_OF + timedelta(days=4)
    data = RoundData(deferrals=(Deferral(task.mrn, task.key, until, "Dr Zebedee away, patient prefers Monday"),))
    raw, events = _events(pairs, rules, round_data=data)
    event = next(e for e in events if str(e["SUMMARY"]).startswith(task.words)
                 and f"MRN {task.mrn}" in str(e["SUMMARY"]))
    assert event.decoded("DTSTART") == until  # off the task list until then
    assert "deferred to 2026-11-29 (the reason is in itb-tui)" in str(event["DESCRIPTION"]).lower()
    assert b"Zebedee" not in raw  # free text may name someone: it stays in the app
    _raw, named = _events(pairs, rules, round_data=data, with_names=True)
    assert any("Zebedee away, patient prefers Monday" in str(e["DESCRIPTION"]) for e in named)


def test_written_atomically_owner_only(tmp_path, ward):
    rules, pairs = ward
    target = tmp_path / "tasks.ics"
    target.write_text("previous")
    path = write_export("ics", pairs, target, as_of=AS_OF, rules=rules, generated_at=FIRST)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert icalendar.Calendar.from_ical(path.read_bytes())["VERSION"] == "2.0"
    assert not list(tmp_path.glob(".tasks.ics.*"))  # no temp file left behind
