"""Set-up for the patient detail and form tests: the demo ward (plus a few synthetic
patients with hand-worked dates) in a temp store, the app at 2026-11-25, and ways to
fill in a form and read it the way a user does.

All patients are synthetic. Dates of the extra patients, as of 2026-11-25:
- OK01: pump refilled 2026-11-10 with 20 mL, 300 µg/day at 500 µg/mL = 0.6 mL/day,
  alarm 2 mL -> (20 - 2) / 0.6 = 30 days -> alarm 2026-12-10; no culture: refill OK.
- KRU01: Candida krusei (fluconazole R) in blood 2026-11-20, no clearance: refill BLOCKED
  (fungemia); refilled 2026-10-28 -> alarm 2026-11-27, 2 days: withdrawal risk.
- DAY01: C. albicans 2026-11-05, cleared 2026-11-08, symptoms resolved 2026-11-18 ->
  anchor 2026-11-18, "Day 7 of 14", required until 2026-12-02; pump explanted 2026-11-06.
- PEND01: blood culture drawn 2026-11-24, still pending: refill CAUTION.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, AsyncIterator, Callable

from textual.geometry import Region
from textual.widgets import Input, Select, Static

from itb_tui.wardfile import parse_ward

from shell_helpers import SIZE, TODAY, make_app, make_store, screen_text, settle

__all__ = ["SIZE", "TODAY", "make_app", "screen_text", "settle"]

_PUMP = {"manufacturer": "Medtronic", "model": "SynchroMed II", "reservoir_ml": 20, "alarm_ml": 2,
         "concentration_ug_ml": 500, "daily_dose_ug": 300}

EXTRA_PATIENTS = {
    "format": "itb-ward/1",
    "patients": [
        {"mrn": "OK01", "name": "Okafor, Test", "dob": "1980-02-03", "ward": "Test ward", "bed": "1",
         "pumps": [dict(_PUMP, serial="TST-OK01", implanted_on="2024-01-10",
                        refills=[{"on": "2026-11-10", "volume_ml": 20}])]},
        {"mrn": "KRU01", "name": "Krusei, Test", "dob": "1966-06-06", "ward": "Test ward", "bed": "2",
         "weight_kg": 70,
         "pumps": [dict(_PUMP, serial="TST-KRU01", implanted_on="2022-03-01",
                        refills=[{"on": "2026-10-28", "volume_ml": 20}])],
         "cultures": [{"specimen": "blood", "drawn_on": "2026-11-20", "result": "positive",
                       "organism": "Candida krusei", "susceptibility": {"fluconazole": "R"}}],
         "antifungals": [{"drug": "micafungin", "dose_mg": 100, "started_on": "2026-11-21"}]},
        {"mrn": "DAY01", "name": "Dayton, Test", "dob": "1975-01-01", "ward": "Test ward", "bed": "3",
         "symptoms_resolved_on": "2026-11-18",
         "pumps": [dict(_PUMP, serial="TST-DAY01", implanted_on="2021-01-01", removed_on="2026-11-06",
                        removal_reason="infected device",
                        refills=[{"on": "2026-10-20", "volume_ml": 20}])],
         "cultures": [{"specimen": "blood", "drawn_on": "2026-11-05", "result": "positive",
                       "organism": "Candida albicans"},
                      {"specimen": "blood", "drawn_on": "2026-11-08", "result": "no_growth"}],
         "antifungals": [{"drug": "micafungin", "dose_mg": 100, "started_on": "2026-11-05"}],
         "bridging": [{"method": "lumbar_drain", "started_on": "2026-11-06"}],
         "exams": [{"kind": "dilated_eye_exam", "on": "2026-11-09", "finding": "normal"}]},
        {"mrn": "PEND01", "name": "Pending, Test", "dob": "1990-09-09", "ward": "Test ward", "bed": "4",
         "pumps": [dict(_PUMP, serial="TST-PEND01", implanted_on="2025-05-05",
                        refills=[{"on": "2026-11-15", "volume_ml": 20}])],
         "cultures": [{"specimen": "blood", "drawn_on": "2026-11-24", "result": "pending"}]},
    ],
}


def ward_store(tmp_path, today: date = TODAY, *, demo: bool = True):
    """The demo ward plus the extra synthetic patients, in a temp SQLite store (only the
    extra patients with `demo=False`: quicker, for tests that need no demo patient)."""
    store = make_store(tmp_path, today, patients=None if demo else [])
    store.import_patients(parse_ward(EXTRA_PATIENTS, today), actor="test")
    return store


async def open_detail(pilot, mrn: str):
    """Push the patient's detail screen and wait until it shows the patient."""
    from itb_tui.ui.screens.detail import PatientDetailScreen

    await settle(pilot)
    screen = PatientDetailScreen(mrn)
    pilot.app.push_screen(screen)
    await settle(pilot)
    assert screen.patient is not None, f"{mrn} did not load"
    return screen


@dataclass
class Run:
    """One running app for a form test: the store, the app, its pilot and the patient
    detail it opened (None when the test starts on the ward list)."""

    store: Any
    app: Any
    pilot: Any
    detail: Any = None

    def __iter__(self):
        """`async with running(...) as (store, app, pilot, detail):`"""
        return iter((self.store, self.app, self.pilot, self.detail))

    async def open_form(self, key: str, form_class: type | None = None):
        return await open_form(self.pilot, key, form_class)

    def select_row(self, predicate: Callable[[Any], bool]):
        """Put the detail timeline's cursor on the first entry `predicate` accepts; that entry."""
        from itb_tui.ui.widgets.detail_timeline import Timeline

        timeline = self.detail.query_one(Timeline)
        row = next(i for i, e in enumerate(timeline.entries) if predicate(e))
        timeline.move_cursor(row=row)
        return timeline.entries[row]


@asynccontextmanager
async def running(tmp_path, mrn: str | None = None, *, store=None, demo: bool = True) -> AsyncIterator[Run]:
    """The set-up every form test shares: the ward store (or `store`), the app at TODAY,
    and the patient's detail screen when `mrn` is given."""
    store = store if store is not None else ward_store(tmp_path, demo=demo)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = await open_detail(pilot, mrn) if mrn is not None else None
        yield Run(store, app, pilot, detail)


async def open_form(pilot, key: str, form_class: type | None = None):
    """Press `key` on the detail screen; the form it opened (checked to be a `form_class`)."""
    await press(pilot, key)
    form = pilot.app.screen
    if form_class is not None:
        assert isinstance(form, form_class), f"{key!r} opened {type(form).__name__}, not {form_class.__name__}"
    return form


async def push_form(pilot, form):
    """Open a form directly (as the ward list does for a new patient); the form on screen."""
    pilot.app.push_screen(form)
    await settle(pilot)
    return pilot.app.screen


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def fill(pilot, name: str, text: str) -> None:
    """Put text in a form field as a paste would (one change), then leave the field."""
    form = pilot.app.screen
    field = form.query_one(f"#f-{name}", Input)
    field.focus()
    await pilot.pause()
    field.value = text
    await pilot.press("tab")
    await settle(pilot)


def put(form, name: str, text: str | None) -> None:
    """Put text in a form field at once, as a paste would (a select takes its code); the
    checks run when the app next processes its messages (`settle`)."""
    widget = form.query_one(f"#f-{name}")
    if isinstance(widget, Select):
        widget.value = Select.NULL if text is None else text
    else:
        widget.value = "" if text is None else text


async def type_into(pilot, name: str, text: str) -> None:
    """Type into a form field key by key, the way a user does, then leave it."""
    form = pilot.app.screen
    field = form.query_one(f"#f-{name}", Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)
    await pilot.press("tab")
    await settle(pilot)


async def choose(pilot, name: str, code: str) -> None:
    """Pick an option of a select field (by its code) and leave the field."""
    form = pilot.app.screen
    select = form.query_one(f"#f-{name}", Select)
    select.focus()
    select.value = code
    await pilot.press("tab")
    await settle(pilot)


def field_error(form, name: str) -> str:
    """The message under a field, as shown ('' when there is none)."""
    widget = form.query_one(f"#err-{name}", Static)
    return str(widget.content) if widget.display and widget.has_class("-shown") else ""


def widget_text(widget) -> str:
    """What one widget shows, as plain text lines (borders included)."""
    lines = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join(line.text for line in lines)


def notice_text(form) -> str:
    """The form's live notice (blocked reasons, drug alerts), words joined by single spaces."""
    return " ".join(widget_text(form.query_one("#form-notice")).split())


def refill_count(store, mrn: str) -> int:
    return sum(len(p.refills) for p in store.get_patient(mrn).pumps)


def demo_patient_where(store, today: date, predicate) -> str:
    """The MRN of the first demo patient whose assessment satisfies `predicate`."""
    from itb_tui.clinical.engine import assess

    for patient in store.load_patients():
        if patient.mrn in {p["mrn"] for p in EXTRA_PATIENTS["patients"]}:
            continue
        if predicate(patient, assess(patient, today)):
            return patient.mrn
    raise AssertionError("no demo patient matches")
