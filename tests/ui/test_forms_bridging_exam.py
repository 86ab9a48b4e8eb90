"""Recording bridging and an examination."""

from __future__ import annotations

from itb_tui.ui.forms.bridging import BridgingForm
from itb_tui.ui.forms.exam import ExamForm

from detail_helpers import (
    TODAY,
    choose,
    field_error,
    fill,
    open_form,
    press,
    running,
)


async def test_bridging_is_saved_and_a_future_start_is_refused(tmp_path):
    async with running(tmp_path, "KRU01") as (store, app, pilot, detail):
        form = await open_form(pilot, "g", BridgingForm)
        await choose(pilot, "method", "oral_baclofen")
        await fill(pilot, "started_on", "tomorrow")
        assert field_error(form, "started_on") == "✖ must not be after today (2026-11-25)"
        await press(pilot, "enter")
        assert app.screen is form and store.get_patient("KRU01").bridging == ()
        await fill(pilot, "started_on", "today")
        await fill(pilot, "detail", "20 mg three times daily")
        await press(pilot, "enter")
        assert app.screen is detail
        bridging = store.get_patient("KRU01").bridging
        assert [(b.method, b.started_on, b.detail) for b in bridging] == [
            ("oral_baclofen", TODAY, "20 mg three times daily")]


async def test_exam_is_saved_and_a_date_before_birth_is_refused(tmp_path):
    async with running(tmp_path, "KRU01") as (store, app, pilot, detail):
        form = await open_form(pilot, "m", ExamForm)
        assert form.raw("kind") == "dilated_eye_exam"
        await fill(pilot, "on", "1960-01-01")
        assert field_error(form, "on") == "✖ must not be before the date of birth (1966-06-06)"
        await press(pilot, "enter")
        assert app.screen is form and store.get_patient("KRU01").exams == ()
        await fill(pilot, "on", "-1d")
        await fill(pilot, "finding", "no ocular candidiasis")
        await press(pilot, "enter")
        assert app.screen is detail
        exam = store.get_patient("KRU01").exams[0]
        assert (exam.kind, exam.on.isoformat(), exam.finding) == (
            "dilated_eye_exam", "2026-11-24", "no ocular candidiasis")
