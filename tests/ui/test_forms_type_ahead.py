"""No form loses a character of a burst (issue 13): keys typed while the form is still
opening reach its first field, keys after a Tab reach the next field, a date typed fast
is the date typed; Enter saves from any field (a dropdown opens with its own key) and
ctrl+s saves always. Bursts as in test_ward_type_ahead: `pilot.press(*keys)` and
`burst()`, which queues every key before any is handled."""

from __future__ import annotations

from datetime import date

from textual.widgets import Select

from itb_tui.ui.forms.culture import CultureForm
from itb_tui.ui.forms.pump import PumpForm

from detail_helpers import running, settle
from test_ward_type_ahead import burst


async def test_keys_typed_as_the_form_opens_reach_its_first_field(tmp_path):
    async with running(tmp_path, "DAY01") as (store, app, pilot, detail):
        await burst(pilot, "i", *"TST-NEW1")  # i opens Add pump; its first field is the serial
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PumpForm)
        assert form.raw("serial") == "TST-NEW1"


async def test_keys_after_a_tab_in_a_burst_reach_the_next_field(tmp_path):
    async with running(tmp_path, "DAY01") as (store, app, pilot, detail):
        await burst(pilot, "i")
        await settle(pilot)
        form = app.screen
        # serial -> manufacturer -> model -> reservoir -> alarm -> implanted on
        await burst(pilot, *"TST-NEW2", "tab", "tab", "tab", "tab", "tab", *"2025-06-01")
        await settle(pilot)
        assert form.raw("serial") == "TST-NEW2"
        assert form.raw("implanted_on") == "2025-06-01"
        assert (form.raw("manufacturer"), form.raw("alarm_ml")) == ("Medtronic", "2")


async def test_a_date_typed_fast_into_a_form_is_the_date_typed(tmp_path):
    async with running(tmp_path, "DAY01") as (store, app, pilot, detail):
        await pilot.press("i")
        await settle(pilot)
        form = app.screen
        await pilot.press(*"TST-NEW3", "tab", "tab", "tab", "tab", "tab", *"2025-06-01", "tab")
        await settle(pilot)
        assert form.raw("implanted_on") == "2025-06-01"
        assert form.check()[0]["implanted_on"] == date(2025, 6, 1)


async def test_enter_on_a_dropdown_saves_the_form(tmp_path):
    """The culture form opens on its Specimen dropdown: Enter saves (a nurse's "drawn,
    pending" culture in two keys), it does not open the dropdown."""
    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        before = len(store.get_patient("OK01").cultures)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CultureForm)
        assert isinstance(app.focused, Select)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is detail
        assert len(store.get_patient("OK01").cultures) == before + 1


async def test_space_opens_a_dropdown_and_ctrl_s_saves_from_it(tmp_path):
    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        before = len(store.get_patient("OK01").cultures)
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        select = form.query_one("#f-specimen", Select)
        await pilot.press("space")
        await settle(pilot)
        assert select.expanded
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is detail
        assert len(store.get_patient("OK01").cultures) == before + 1


async def test_n_then_an_mrn_in_one_burst_fills_the_new_patient_form(tmp_path):
    from itb_tui.ui.forms.patient import PatientForm

    async with running(tmp_path) as (store, app, pilot, _):
        await burst(pilot, "n", *"X9001")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PatientForm)
        assert form.raw("mrn") == "X9001"


async def test_l_moves_the_keyboard_into_the_alerts_and_back_to_the_timeline(tmp_path):
    from itb_tui.ui.widgets.detail_alerts import AlertList
    from itb_tui.ui.widgets.detail_timeline import Timeline

    async with running(tmp_path, "KRU01") as (store, app, pilot, detail):
        assert isinstance(app.focused, Timeline)
        assert "l Alerts" in app.screen._compositor.render_strips()[-1].text
        await pilot.press("l")
        assert isinstance(app.focused, AlertList)
        await pilot.press("l")
        assert isinstance(app.focused, Timeline)
