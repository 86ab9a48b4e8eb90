"""`itb-tui export --format html|ics` run as a user runs them, on a private demo store
pinned to 2026-11-25: the round sheet's tasks are the `itb-tui tasks` list (deferrals
applied), the calendar is a valid feed without names unless `--with-names`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import icalendar
import pytest

TODAY = "2026-11-25"


def _run(env, *args, check=True):
    result = subprocess.run([sys.executable, "-m", "itb_tui", *args], env=env,
                            capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}: {result.stderr}")
    return result


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    data = tmp_path_factory.mktemp("itb-round-data")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ITB_TUI_")}
    environment.update(ITB_TUI_DATA_DIR=str(data), ITB_TUI_TODAY=TODAY, NO_COLOR="1")
    _run(environment, "--demo", "status")  # builds demo.db
    return environment


def _tasks(env):
    return json.loads(_run(env, "--demo", "tasks", "--json").stdout)["tasks"]


def _sheet_task_keys(env, tmp_path):
    target = tmp_path / "round.html"
    _run(env, "--demo", "export", "--format", "html", "-o", str(target))
    html = target.read_text(encoding="utf-8")
    # Only the "Tasks due" rows: the changes section keys its lines too (by kind of change).
    rows = [chunk.split("</tr>", 1)[0] for chunk in html.split('data-section="tasks"')[1:]]
    return {chunk.split('"', 1)[0] for row in rows for chunk in row.split('data-key="')[1:]}


def _calendar(env, tmp_path, *extra):
    target = tmp_path / "tasks.ics"
    result = _run(env, "--demo", "export", "--format", "ics", "-o", str(target), *extra)
    assert "(ics)" in result.stderr
    return target.read_bytes(), icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")


def test_round_sheet_lists_the_same_tasks_as_itb_tui_tasks(env, tmp_path):
    keys = {t["key"] for t in _tasks(env)}
    assert keys and _sheet_task_keys(env, tmp_path) == keys


def test_calendar_without_names_by_default_and_with_them_when_asked(env, tmp_path):
    names = [p["name"] for p in json.loads(_run(env, "--demo", "status", "--json").stdout)["patients"]]
    raw, events = _calendar(env, tmp_path)
    assert events and not any(n in raw.decode("utf-8").replace("\r\n ", "") for n in names)
    _raw, named = _calendar(env, tmp_path, "--with-names")
    assert {str(e["UID"]) for e in named} == {str(e["UID"]) for e in events}
    assert any(n in str(e["SUMMARY"]) for e in named for n in names)


def test_with_names_for_another_format_is_a_clear_error(env, tmp_path):
    target = tmp_path / "x.csv"
    result = _run(env, "--demo", "export", "--format", "csv", "--with-names", "-o", str(target),
                  check=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "--with-names is for --format ics" in result.stderr and not target.exists()


def test_a_deferral_leaves_the_sheet_and_moves_the_calendar_event(env, tmp_path):
    task = next(t for t in _tasks(env) if t["kind"] == "eye_exam")
    _raw, before = _calendar(env, tmp_path)
    _run(env, "--demo", "tasks", "defer", task["mrn"], task["key"], "--until", "2026-11-29",
         "--reason", "ophthalmology list full")
    assert task["key"] not in _sheet_task_keys(env, tmp_path)
    _raw, after = _calendar(env, tmp_path)
    uid = next(str(e["UID"]) for e in before if str(e["SUMMARY"]).startswith(task["task"])
               and f"MRN {task['mrn']}" in str(e["SUMMARY"]))
    moved = next(e for e in after if str(e["UID"]) == uid)
    assert moved.decoded("DTSTART") == date(2026, 11, 29)


def _patient_block(html: str, mrn: str) -> str:
    """The round sheet's block of one patient (from its strip to the next patient's)."""
    start = html.index(f'data-block="{mrn}"')
    following = html.find('<section class="patient-block"', start + 1)
    return html[start:following if following != -1 else len(html)]


def test_round_sheet_prints_a_handover_note_under_its_patient_only(env, tmp_path):
    """Issue 16 item 4: the sheet carries the handover notes; a plain note (not for the
    handover) is not printed, and the note stands in its own patient's block."""
    _run(env, "--demo", "notes", "add", "D1003", "--text", "night: check pump site at 02:00", "--handover")
    _run(env, "--demo", "notes", "add", "D1003", "--text", "relatives visit at 4")
    target = tmp_path / "round.html"
    _run(env, "--demo", "export", "--format", "html", "-o", str(target))
    html = target.read_text(encoding="utf-8")
    assert html.count("night: check pump site at 02:00") == 1
    assert "relatives visit at 4" not in html
    assert 'data-section="notes"' in _patient_block(html, "D1003")
    assert "night: check pump site at 02:00" in _patient_block(html, "D1003")


def test_round_sheet_prints_the_changes_since_a_review_in_that_patients_block(env, tmp_path):
    """Issue 16 item 4: D1002 reviewed on the round (through the Store, as `v` does), then
    a positive blood culture recorded: `export --format html` (the read-only reader) says
    so in D1002's block, first of its sections; a patient never reviewed says so."""
    from itb_tui.clinical.engine import assess
    from itb_tui.clinical.records import Culture
    from itb_tui.paths import DEMO_DB_NAME, to_url
    from itb_tui.present.changes import summary_of
    from itb_tui.store import open_store

    today = date.fromisoformat(TODAY)
    store = open_store(to_url(os.path.join(env["ITB_TUI_DATA_DIR"], DEMO_DB_NAME)), today=today)
    try:
        patient = store.get_patient("D1002")
        store.mark_reviewed("D1002", summary_of(patient, assess(patient, today)), "os:nurse",
                            expected_version=patient.row_version)
        store.add_culture("D1002", Culture(specimen="blood", drawn_on=today, result="positive",
                                           organism="Staphylococcus aureus"), "os:dr")
    finally:
        store.close()
    target = tmp_path / "round.html"
    _run(env, "--demo", "export", "--format", "html", "-o", str(target))
    html = target.read_text(encoding="utf-8")
    block = _patient_block(html, "D1002")
    assert block.index('data-section="changes"') < block.index('data-section="tasks"')
    assert "Changed since reviewed by os:nurse" in block
    assert "new: positive blood culture (Staphylococcus aureus)" in block
    assert html.count("new: positive blood culture (Staphylococcus aureus)") == 1
    never = _patient_block(html, "D1001")
    assert 'data-section="changes"' in never and "○ not reviewed" in never
