"""Role-aware keys (issue 13): for each role, the detail and ward keys it may not use are
shown unavailable, with who may, before anything is typed (footer and palette), and
pressing one says why in full and opens no form; a nurse prints the round sheet, which
the store audits as a disclosure; the first account can be admin and clinician."""

from __future__ import annotations

import pytest

from itb_tui.store.errors import PermissionDenied
from itb_tui.ui.forms.base import FormScreen
from itb_tui.ui.screens.detail import PatientDetailScreen
from itb_tui.ui.screens.ward import WardScreen

from admin_helpers import SIZE, add_users, app_as, session_of, settle
from detail_helpers import open_detail, press, screen_text, ward_store

# The detail keys each role may not use (security.roles), with the footer's words.
UNAVAILABLE = {
    "nora": {"p": "Pump ✗ clinician", "x": "Explant ✗ clinician",
             "f": "Antifungal ✗ clinician", "delete": "In error ✗ clinician"},
    "adam": {"r": "Refill ✗", "c": "Culture ✗", "p": "Pump ✗ clinician", "g": "Bridging ✗"},
    "carl": {},
}


def footer_text(app) -> str:
    return screen_text(app).splitlines()[-1]


@pytest.mark.parametrize("name", sorted(UNAVAILABLE))
async def test_detail_keys_a_role_may_not_use_are_shown_unavailable_and_open_nothing(tmp_path, name):
    store = add_users(ward_store(tmp_path))
    app = app_as(store, name)
    async with app.run_test(size=(200, 50)) as pilot:
        detail = await open_detail(pilot, "OK01")
        footer = footer_text(app)
        for key, words in UNAVAILABLE[name].items():
            assert words in footer, (key, footer)
            await press(pilot, key)
            assert app.screen is detail, f"{key} opened {type(app.screen).__name__}"
        if name == "carl":
            assert "✗" not in footer
            await press(pilot, "p")
            assert isinstance(app.screen, FormScreen)
        else:
            said = [n.message for n in app._notifications]
            assert any(" may not " in m and m.endswith(" must.") for m in said), said
        titles = {hit[0] for hit in _detail_palette(detail)}
        if name == "nora":
            assert "Patient: Explant pump (unavailable)" in titles
            assert ("Patient: Explant pump (unavailable)",
                    "Unavailable: nurse may not record a pump explant: a clinician must") in _detail_palette(detail)


def _detail_palette(detail: PatientDetailScreen):
    """(title, help) of the detail's palette commands, as the palette lists them."""
    from itb_tui.ui.screens.detail import DetailCommands

    stand_in = type("Provider", (), {"screen": detail})()
    return [(title, help_text) for title, _callback, help_text in DetailCommands._commands(stand_in)]


async def test_a_nurse_is_told_before_the_new_patient_form_opens(tmp_path):
    store = add_users(ward_store(tmp_path))
    app = app_as(store, "nora")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "New ✗ clinician" in footer_text(app)
        await press(pilot, "n")
        assert isinstance(app.screen, WardScreen)
        assert "Nurse may not edit a patient: a clinician must." in [n.message for n in app._notifications]


def test_a_nurse_prints_the_round_sheet_and_the_store_audits_the_disclosure(tmp_path):
    store = add_users(ward_store(tmp_path))
    nurse = store.for_user(session_of(store, "nora"))
    patients = nurse.load_for_export(ward="Test ward", purpose="round_sheet")
    assert [p.mrn for p in patients] == ["DAY01", "KRU01", "OK01", "PEND01"]
    row = store.audit_trail()[-1]
    assert (row.action, row.username, row.table) == ("disclose", "nora", "patients")
    assert row.after["purpose"] == "round sheet" and "OK01" in row.after["mrns"]
    with pytest.raises(PermissionDenied, match="nurse may not export patient data: an admin must"):
        nurse.load_for_export()
    assert store.audit_trail()[-1].id == row.id  # a refused export writes nothing


def test_the_first_account_may_be_admin_and_clinician_and_then_adds_a_patient(tmp_path):
    from itb_tui.clinical.records import Patient
    from datetime import date

    store = ward_store(tmp_path, demo=False)
    store.create_first_admin("lead", "a long synthetic passphrase", clinician=True)
    session = store.authenticate("lead", "a long synthetic passphrase")
    assert set(session.roles) == {"admin", "clinician"}
    bound = store.for_user(session)
    bound.save_patient(Patient(mrn="NEW1", name="First, Patient", dob=date(1970, 1, 1)), "lead")
    assert store.get_patient("NEW1") is not None


async def test_the_first_account_screen_offers_admin_and_clinician_in_one(tmp_path):
    """A new site: one account, ticked "also clinician", then n opens the patient form."""
    from textual.widgets import Checkbox

    from admin_helpers import login_app, type_login
    from shell_helpers import make_store
    from itb_tui.ui.forms.patient import PatientForm

    store = make_store(tmp_path, patients=[])
    app = login_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "also clinician" in screen_text(app)
        app.screen.query_one("#login-clinician", Checkbox).value = True
        await type_login(pilot, "lead", "a long ward passphrase", "a long ward passphrase")
        assert isinstance(app.screen, WardScreen)
        assert app.session.roles == {"admin", "clinician"}
        await press(pilot, "n")
        assert isinstance(app.screen, PatientForm)
