"""Two terminals, one patient: a form's save over someone else's later change is refused.

Every form that changes an existing patient passes the row_version it was opened with to
the store. Here a second store handle (another workstation) changes the patient after the
form opened; the save must be refused with the other user's name, the form must stay
open with everything typed, and the store must hold only the other user's change. Then
ctrl+r reloads the patient inside the form, the entries stay, and saving again works.

The forms that ADD a record (refill, culture, new course, bridging, exam, a pump) pass it
too: a refill or a culture decided on a stale screen is refused the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import pytest
from itb_tui.store import open_store
from itb_tui.ui.forms.antifungal import AntifungalForm
from itb_tui.ui.forms.bridging import BridgingForm
from itb_tui.ui.forms.culture import CultureForm, CultureResultForm
from itb_tui.ui.forms.entered_in_error import EnteredInErrorForm
from itb_tui.ui.forms.exam import ExamForm
from itb_tui.ui.forms.explant import ExplantForm
from itb_tui.ui.forms.patient import PatientForm
from itb_tui.ui.forms.pump import PumpForm
from itb_tui.ui.forms.refill import RefillForm
from itb_tui.ui.forms.symptoms import SymptomsForm

from detail_helpers import TODAY, press, put, running, screen_text, settle

OTHER_USER = "Nurse Other"


@dataclass(frozen=True)
class Case:
    mrn: str
    key: str
    form_class: type
    entries: dict[str, str]  # field -> what the user types (or the code chosen in a select)
    row: Callable | None = None  # the timeline row to select before pressing `key`


CASES = {
    "patient edit": Case("OK01", "E", PatientForm, {"bed": "7B", "weight_kg": "72.5"}),
    "symptoms": Case("DAY01", "y", SymptomsForm, {"symptoms_resolved_on": "2026-11-20"}),
    "culture result": Case("PEND01", "e", CultureResultForm,
                           {"result": "positive", "organism": "Candida albicans"}),
    "antifungal change": Case("DAY01", "f", AntifungalForm, {"dose_mg": "150", "stopped_on": "2026-11-24"}),
    "explant": Case("OK01", "x", ExplantForm, {"removal_reason": "battery end of life"}),
    "pump replace": Case("OK01", "p", PumpForm, {"removal_reason": "battery end of life", "serial": "TST-OK01B",
                                                 "concentration_ug_ml": "500", "daily_dose_ug": "250"}),
    "entered in error": Case("KRU01", "delete", EnteredInErrorForm, {"reason": "wrong patient's sample"},
                             row=lambda e: e.kind == "culture"),
    "refill": Case("OK01", "r", RefillForm, {"volume_ml": "19.5"}),
    "refill with override": Case("KRU01", "r", RefillForm,
                                 {"volume_ml": "20", "override_reason": "explant tomorrow; withdrawal risk higher"}),
    "culture add": Case("OK01", "c", CultureForm, {"drawn_on": "2026-11-24", "result": "no_growth"}),
    "antifungal start": Case("OK01", "f", AntifungalForm, {"drug": "caspofungin", "dose_mg": "50"}),
    "pump add (reimplant)": Case("DAY01", "i", PumpForm, {"serial": "TST-DAY01B", "concentration_ug_ml": "500",
                                                          "daily_dose_ug": "300"}),
    "bridging": Case("KRU01", "g", BridgingForm, {"detail": "20 mg three times daily"}),
    "bridging stop": Case("DAY01", "G", BridgingForm, {"stopped_on": "2026-11-24"},
                          row=lambda e: e.kind == "bridging"),
    "exam": Case("KRU01", "m", ExamForm, {"finding": "no ocular candidiasis"}),
}


@pytest.mark.parametrize("case", [pytest.param(c, id=name) for name, c in CASES.items()])
async def test_save_over_another_terminals_change_is_refused_and_keeps_the_entries(tmp_path, case):
    async with running(tmp_path, case.mrn, demo=False) as run:
        if case.row is not None:
            run.select_row(case.row)
        form = await run.open_form(case.key, case.form_class)
        for name, value in case.entries.items():
            put(form, name, value)
        await settle(run.pilot)

        # Another terminal changes the same patient while the form is open.
        other = open_store(f"sqlite:///{tmp_path}/ward.db", today=TODAY)
        try:
            theirs = other.save_patient(replace(other.get_patient(case.mrn), bed="99"), OTHER_USER)
        finally:
            other.close()

        await press(run.pilot, "ctrl+s")
        assert run.app.screen is form, "the form closed: the stale save was accepted"
        assert f"{OTHER_USER} changed patient {case.mrn} just now" in form.form_error
        assert OTHER_USER in screen_text(run.app)
        assert {name: form.raw(name) for name in case.entries} == case.entries
        now = run.store.get_patient(case.mrn)
        assert (now, now.row_version) == (theirs, theirs.row_version)  # only their change

        # ctrl+r loads their change inside the form; the entries stay; saving now works.
        await press(run.pilot, "ctrl+r")
        assert {name: form.raw(name) for name in case.entries} == case.entries
        assert form.form_error == ""
        await press(run.pilot, "ctrl+s")
        assert run.app.screen is run.detail, form.form_error
        saved = run.store.get_patient(case.mrn)
        assert saved.row_version == theirs.row_version + 1 and saved.bed in ("99", "7B")


async def test_after_a_refused_save_enter_saves_again_instead_of_cancelling(tmp_path):
    """Save is disabled while saving, which moves the focus on to Cancel: a refused save
    gives the focus back, so the user's next Enter does not throw their entries away."""
    async with running(tmp_path, "OK01", demo=False) as run:
        form = await run.open_form("E", PatientForm)
        put(form, "bed", "7B")
        form.query_one("#form-save").focus()
        other = open_store(f"sqlite:///{tmp_path}/ward.db", today=TODAY)
        try:
            other.save_patient(replace(other.get_patient("OK01"), ward="Other ward"), OTHER_USER)
        finally:
            other.close()
        await press(run.pilot, "enter")
        assert run.app.screen is form and OTHER_USER in form.form_error
        assert run.app.focused is form.query_one("#form-save")


def test_when_is_said_in_words():
    from datetime import datetime, timedelta, timezone

    from itb_tui.store.errors import ConcurrentEdit
    from itb_tui.ui.forms.conflict import ago_text, conflict_text

    now = datetime(2026, 11, 25, 14, 0, tzinfo=timezone.utc)
    assert [ago_text(now - timedelta(seconds=s), now) for s in (-30, 59, 60, 3 * 3600 + 5, 2 * 86400)] == [
        "just now", "just now", "1 minute ago", "3 hours ago", "2 days ago"]
    text = conflict_text(ConcurrentEdit("OK01", 3, 4, "Nurse Other", now - timedelta(minutes=5)), now)
    assert text.startswith("Not saved: Nurse Other changed patient OK01 5 minutes ago (2026-11-25 13:55 UTC), "
                           "after you opened this form. Your entries are kept: press ctrl+r")
