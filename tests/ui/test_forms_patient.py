"""Adding and editing a patient's demographics."""

from __future__ import annotations

from decimal import Decimal

from itb_tui.ui.forms.patient import PatientForm

from detail_helpers import (
    field_error,
    fill,
    open_form,
    press,
    push_form,
    running,
    screen_text,
)


async def test_new_patient_is_saved_and_an_existing_mrn_is_refused(tmp_path):
    async with running(tmp_path) as (store, app, pilot, _):
        before = store.get_patient("OK01")
        form = await push_form(pilot, PatientForm())
        await fill(pilot, "mrn", "OK01")
        await fill(pilot, "name", "Other, Person")
        await press(pilot, "enter")
        assert app.screen is form
        assert "MRN OK01 already belongs to Okafor, Test" in form.form_error
        assert store.get_patient("OK01") == before  # not overwritten
        await fill(pilot, "mrn", "NEW01")
        await fill(pilot, "dob", "1985-07-14")
        await fill(pilot, "weight_kg", "72.5")
        await press(pilot, "enter")
        assert app.screen is not form
        new = store.get_patient("NEW01")
        assert (new.name, new.dob.isoformat(), new.weight_kg) == ("Other, Person", "1985-07-14", Decimal("72.5"))


async def test_patient_form_names_each_bad_field_and_saves_nothing(tmp_path):
    async with running(tmp_path) as (store, app, pilot, _):
        count = len(store.load_patients())
        form = await push_form(pilot, PatientForm())
        await press(pilot, "enter")
        assert field_error(form, "mrn") == "✖ is required"
        assert field_error(form, "name") == "✖ is required"
        await fill(pilot, "dob", "next monday")
        assert field_error(form, "dob") == "✖ must not be after today (2026-11-25)"
        await fill(pilot, "weight_kg", "6000")
        assert field_error(form, "weight_kg") == "✖ must be between 1 and 500 kg"
        await press(pilot, "escape")
        assert len(store.load_patients()) == count


async def test_edit_patient_changes_the_bed_and_keeps_the_mrn(tmp_path):
    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        form = await open_form(pilot, "E", PatientForm)
        assert form.query_one("#f-mrn").disabled
        await fill(pilot, "bed", "7B")
        await press(pilot, "enter")
        assert app.screen is detail
        assert store.get_patient("OK01").bed == "7B"
        assert "Test ward, bed 7B" in screen_text(app)
