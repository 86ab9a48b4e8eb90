"""The Export screen (admins): choose the format and filters, see the progress, and find
the file where the screen says it went, with the content the status report has."""

from __future__ import annotations

import csv
import os
from datetime import date
from pathlib import Path

from textual.widgets import Input, ProgressBar, Select

from itb_tui.clinical.engine import assess
from itb_tui.ui.screens.export import ExportScreen

from admin_helpers import SIZE, TODAY, app_as, screen_text, settle, store_with_users


async def open_export(pilot) -> ExportScreen:
    await settle(pilot)
    await pilot.press("X")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ExportScreen)
    return screen


async def run_export(pilot) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:  # Excel reads the BOM
        return list(csv.DictReader(handle))


async def test_csv_export_writes_the_file_with_progress_and_says_where(tmp_path, monkeypatch):
    store = store_with_users(tmp_path)
    app = app_as(store, "adam")
    version = store.data_version()
    steps = []
    original = ExportScreen._progress

    def record(self, done, total, text):
        steps.append((done, total))
        original(self, done, total, text)

    monkeypatch.setattr(ExportScreen, "_progress", record)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        expected = Path(os.environ["ITB_TUI_DATA_DIR"]) / "exports" / "itb-2026-11-25.csv"
        assert screen.query_one("#export-path", Input).value == str(expected)
        await run_export(pilot)
        done = screen.result
        assert done is not None and done.path == expected
        assert expected.exists()
        assert os.stat(expected).st_mode & 0o777 == 0o600
        assert oct(os.stat(expected.parent).st_mode & 0o777) == oct(0o700)
        patients = store.load_patients()
        rows = read_csv(expected)
        assert [r["mrn"] for r in rows] == [p.mrn for p in patients]
        for row, patient in zip(rows, patients):
            assert row["refill_status"] == assess(patient, TODAY).refill.status
            assert row["as_of"] == "2026-11-25"
        # The screen says where the file went, and the bar is full.
        assert screen.status == f"✔ Wrote {len(patients)} of {len(patients)} patients as csv to {expected}, mode 0600"
        assert str(expected.name) in screen_text(app)
        bar = screen.query_one(ProgressBar)
        assert bar.percentage == 1.0
        # Progress counted the patients as they were assessed, up to all of them.
        assert steps[0] == (0, len(patients)) and steps[-1] == (len(patients), len(patients))
        assert [done for done, _ in steps] == sorted(done for done, _ in steps)
    assert store.data_version() == version + 0  # an export never changes the store


async def test_only_blocked_in_one_ward_as_of_a_later_date(tmp_path):
    store = store_with_users(tmp_path)
    app = app_as(store, "adam")
    later = date(2026, 12, 1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.as_of = later  # the app's "as of" date is the export's
        screen = await open_export(pilot)
        assert "2026-12-01 (+6 d, NOT TODAY)" in screen_text(app)
        screen.query_one("#export-only", Select).value = "blocked"
        screen.query_one("#export-ward", Select).value = "Neuro 4B"
        await settle(pilot)
        path = Path(screen.query_one("#export-path", Input).value)
        assert path.name == "itb-2026-12-01-blocked-neuro-4b.csv"
        await run_export(pilot)
        rows = read_csv(path)
        expected = [p.mrn for p in store.load_patients(ward="Neuro 4B")
                    if assess(p, later).refill.status == "blocked"]
        assert rows and [r["mrn"] for r in rows] == expected
        assert {r["refill_status"] for r in rows} == {"blocked"}
        assert {r["ward"] for r in rows} == {"Neuro 4B"}
        assert {r["as_of"] for r in rows} == {"2026-12-01"}
        assert "(blocked only)" in screen.status


async def test_a_path_in_a_missing_directory_is_refused_in_one_line(tmp_path):
    store = store_with_users(tmp_path)
    app = app_as(store, "adam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        target = tmp_path / "no-such-dir" / "ward.csv"
        path_input = screen.query_one("#export-path", Input)
        path_input.value = str(target)
        path_input.focus()
        await pilot.press("enter")  # Enter in the path runs the export too
        await settle(pilot)
        assert screen.error == (f"✖ Not exported: cannot write {target}: directory {target.parent} "
                                "does not exist")
        assert not target.parent.exists()
        assert screen.result is None
        # A typed path is kept when the format changes; the default is not forced back.
        screen.query_one("#export-format", Select).value = "html"
        await settle(pilot)
        assert path_input.value == str(target)


async def test_the_ward_file_export_reads_back_as_the_same_records(tmp_path):
    from itb_tui.wardfile import parse_ward

    store = store_with_users(tmp_path)
    app = app_as(store, "adam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        screen.query_one("#export-format", Select).value = "ward-json"
        await settle(pilot)
        path = Path(screen.query_one("#export-path", Input).value)
        assert path.name == "itb-2026-11-25-ward.json"
        await run_export(pilot)
        assert screen.result is not None
    back = parse_ward(path.read_text(encoding="utf-8"), TODAY)
    assert [p.mrn for p in back] == [p.mrn for p in store.load_patients()]


async def test_xlsx_export_opens_in_a_spreadsheet_reader(tmp_path):
    import openpyxl

    store = store_with_users(tmp_path)
    app = app_as(store, "adam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        screen.query_one("#export-format", Select).value = "xlsx"
        await settle(pilot)
        await run_export(pilot)
        path = screen.result.path
    assert path.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet.max_row == 1 + len(store.load_patients())


async def test_calendar_export_has_the_dated_tasks_without_names_and_the_deferral(tmp_path):
    """The ics choice (issue 16): the deferrals are read once and move the event."""
    from datetime import timedelta

    import icalendar

    from itb_tui.present.calendar import calendar_tasks
    from admin_helpers import add_users, make_store

    store = make_store(tmp_path)
    patients = store.load_patients()
    pairs = [(p, assess(p, TODAY, store_rules())) for p in patients]
    task = calendar_tasks(pairs, TODAY)[0]
    until = TODAY + timedelta(days=5)
    store.defer_task(task.mrn, task.key, until, "theatre list full", "os:nurse")
    add_users(store)
    app = app_as(store, "adam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        screen.query_one("#export-format", Select).value = "ics"
        await settle(pilot)
        await run_export(pilot)
        path = screen.result.path
    assert path.suffix == ".ics"
    events = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert len(events) == len(calendar_tasks(pairs, TODAY))
    assert not any(p.name in str(e["SUMMARY"]) for p in patients for e in events)
    moved = [e for e in events if str(e["SUMMARY"]).startswith(task.words)
             and f"MRN {task.mrn}" in str(e["SUMMARY"])]
    assert [e.decoded("DTSTART") for e in moved] == [until]


def store_rules():
    from itb_tui.clinical.rules import load_rules

    return load_rules()


async def test_fhir_export_from_the_screen_carries_what_the_command_line_gives(tmp_path):
    """The export screen passes the store's facts to the FHIR writer as `itb-tui export`
    does (exports/fhir_context.py): each weight with the day it was recorded. Without
    them the screen's file said less than the command line's about the same ward."""
    import json

    store = store_with_users(tmp_path)
    weighed = {p.mrn for p in store.load_patients() if p.weight_kg is not None}
    assert weighed
    app = app_as(store, "adam")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        screen.query_one("#export-format", Select).value = "fhir"
        await settle(pilot)
        await run_export(pilot)
        path = screen.result.path
    bundle = json.loads(path.read_text(encoding="utf-8"))
    weights = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
               and e["resource"]["code"].get("text") and "weight" in e["resource"]["code"]["text"].lower()]
    assert len(weights) == len(weighed)
    assert all(w.get("effectiveDateTime") for w in weights)
