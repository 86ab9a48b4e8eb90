"""Adding and editing a patient's demographics."""

from __future__ import annotations

from decimal import Decimal

from itb_tui.ui.forms.patient import PatientForm

from detail_helpers import (
    SIZE,
    field_error,
    fill,
    make_app,
    open_detail,
    press,
    screen_text,
    settle,
    ward_store,
)


async def test_new_patient_is_saved_and_an_existing_mrn_is_refused(tmp_path):
    store = ward_store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = store.get_patient("OK01")
        app.push_screen(PatientForm())
        await settle(pilot)
        form = app.screen
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
    store = ward_store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        count = len(store.load_patients())
        app.push_screen(PatientForm())
        await settle(pilot)
        form = app.screen
        await press(pilot, "enter")
        assert field_error(form, "mrn") == "✖ is required"
        assert field_error(form, "name") == "✖ is required"
        await fill(pilot, "dob", "next monday")
        assert field_error(form, "dob") == "✖ must not be after today (2026-11-25)"
        await fill(pilot, "weight_kg", "6000")
        assert field_error(form, "weight_kg") == "✖ must be at most 500 kg"
        await press(pilot, "escape")
        assert len(store.load_patients()) == count


async def test_edit_patient_changes_the_bed_and_keeps_the_mrn(tmp_path):
    store = ward_store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, "OK01")
        await press(pilot, "E")
        form = app.screen
        assert isinstance(form, PatientForm)
        assert form.query_one("#f-mrn").disabled
        await fill(pilot, "bed", "7B")
        await press(pilot, "enter")
        assert app.screen is detail
        assert store.get_patient("OK01").bed == "7B"
        assert "Test ward, bed 7B" in screen_text(app)
