"""Starting, changing and stopping an antifungal course, with the regimen hint and the
drug-choice alerts shown live, before anything is saved."""

from __future__ import annotations

from decimal import Decimal

from itb_tui.ui.forms.antifungal import AntifungalForm, regimen_for

from detail_helpers import (
    TODAY,
    field_error,
    fill,
    notice_text,
    open_form,
    press,
    running,
    screen_text,
)


async def test_fluconazole_against_c_krusei_is_flagged_live_and_micafungin_is_not(tmp_path):
    async with running(tmp_path, "KRU01") as (store, app, pilot, detail):
        before = store.get_patient("KRU01").antifungals
        form = await open_form(pilot, "F", AntifungalForm)  # a new course even though one runs
        assert form.course is None
        await fill(pilot, "drug", "fluconazole")
        await fill(pilot, "dose_mg", "400")
        notice = notice_text(form)
        assert "‼ CRITICAL" in notice
        assert app.rules.entry("azole_intrinsic_resistance").title in notice
        assert "Reference (not a prescription): Fluconazole 400 mg" in screen_text(app)
        await fill(pilot, "drug", "micafungin")
        assert notice_text(form).startswith("✔ No drug-choice alert for micafungin")
        assert "Micafungin 100 mg daily." in screen_text(app)
        await press(pilot, "escape")
        assert store.get_patient("KRU01").antifungals == before  # nothing was saved


async def test_start_a_course_saves_it(tmp_path):
    async with running(tmp_path, "OK01") as (store, app, pilot, detail):
        form = await open_form(pilot, "f")  # no course runs: start one
        assert form.course is None
        assert form.raw("started_on") == TODAY.isoformat()
        await fill(pilot, "drug", "caspofungin")
        await fill(pilot, "dose_mg", "50")
        await press(pilot, "enter")
        assert app.screen is detail
        course = store.get_patient("OK01").antifungals[-1]
        assert (course.drug, course.dose_mg, course.started_on, course.stopped_on) == (
            "caspofungin", Decimal("50"), TODAY, None)


async def test_stopping_before_the_required_date_is_flagged_and_saved(tmp_path):
    async with running(tmp_path, "DAY01") as (store, app, pilot, detail):
        form = await open_form(pilot, "f")  # micafungin runs: change or stop it
        assert form.course is not None and form.course.drug == "micafungin"
        assert form.raw("dose_mg") == "100"
        await fill(pilot, "stopped_on", "today")
        assert app.rules.entry("antifungal_stopped_early").title in notice_text(form)
        await press(pilot, "enter")
        assert app.screen is detail
        assert store.get_patient("DAY01").antifungals[0].stopped_on == TODAY
        assert "STOPPED EARLY" in screen_text(app)


async def test_antifungal_form_names_each_bad_field_and_saves_nothing(tmp_path):
    async with running(tmp_path, "DAY01") as (store, app, pilot, detail):
        before = store.get_patient("DAY01").antifungals
        form = await open_form(pilot, "f")
        await fill(pilot, "drug", "flucanazole")
        assert 'did you mean "fluconazole"?' in field_error(form, "drug")
        await fill(pilot, "drug", "micafungin")
        await fill(pilot, "stopped_on", "2026-11-01")  # before it started on 2026-11-05
        assert field_error(form, "stopped_on") == "✖ must be on or after started_on (2026-11-05)"
        await fill(pilot, "dose_mg", "-5")
        assert field_error(form, "dose_mg") == "✖ must be between 1 and 20000 mg"
        await press(pilot, "enter")
        assert app.screen is form
        assert store.get_patient("DAY01").antifungals == before


def test_regimen_hint_covers_the_lipid_amphotericin_forms():
    regimens = (("micafungin", "Micafungin 100 mg daily."),
                ("lipid amphotericin B", "Lipid formulation amphotericin B 3-5 mg/kg daily."))
    assert regimen_for("Micafungin", regimens) == "Micafungin 100 mg daily."
    assert regimen_for("liposomal amphotericin b", regimens).startswith("Lipid formulation")
    assert regimen_for("amphotericin b deoxycholate", regimens) is None
    assert regimen_for("", regimens) is None
