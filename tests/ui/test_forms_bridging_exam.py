"""Recording bridging and an examination."""

from __future__ import annotations

from itb_tui.ui.forms.bridging import BridgingForm
from itb_tui.ui.forms.exam import ExamForm
from itb_tui.ui.widgets.detail_timeline import Timeline

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


async def test_bridging_is_stopped_by_editing_the_record_selected_in_the_timeline(tmp_path):
    """Revision 3: the day bridging stopped decides whether it covers a removal. The drain
    comes out: select the bridging row, press G, enter the stop date; the same checks as
    the import refuse a stop before the start or after today. TODAY is 2026-11-25."""
    async with running(tmp_path, "KRU01") as (store, app, pilot, detail):
        form = await open_form(pilot, "g", BridgingForm)
        await fill(pilot, "started_on", "-3d")  # 2026-11-22
        await fill(pilot, "detail", "externalised pump")
        await press(pilot, "enter")
        assert app.screen is detail
        (recorded,) = store.get_patient("KRU01").bridging
        assert (recorded.method, recorded.started_on.isoformat(), recorded.stopped_on) == (
            "lumbar_drain", "2026-11-22", None)

        timeline = detail.query_one(Timeline)
        timeline.move_cursor(row=next(i for i, e in enumerate(timeline.entries) if e.kind == "bridging"))
        form = await open_form(pilot, "G", BridgingForm)
        assert form.original.id == recorded.id and form.raw("detail") == "externalised pump"
        await fill(pilot, "stopped_on", "-4d")
        assert field_error(form, "stopped_on") == "✖ must be on or after started_on (2026-11-22)"
        await fill(pilot, "stopped_on", "tomorrow")
        assert field_error(form, "stopped_on") == "✖ must not be after today (2026-11-25)"
        await press(pilot, "enter")
        assert app.screen is form and store.get_patient("KRU01").bridging == (recorded,)
        await fill(pilot, "stopped_on", "-1d")
        await press(pilot, "enter")
        assert app.screen is detail
        (stopped,) = store.get_patient("KRU01").bridging
        assert (stopped.id, stopped.stopped_on.isoformat(), stopped.detail) == (
            recorded.id, "2026-11-24", "externalised pump")
        assert store.audit_trail()[-1].after["stopped_on"] == "2026-11-24"
        row = next(e for e in timeline.entries if e.kind == "bridging")
        assert row.details == "lumbar drain: externalised pump · stopped 2026-11-24"


async def test_g_always_records_a_new_plan_and_G_opens_the_running_one(tmp_path):
    """`g` on a bridging row still starts a new record (nothing written over by mistake);
    `G` with no bridging row selected opens the latest one still running."""
    async with running(tmp_path, "DAY01") as (store, app, pilot, detail):
        timeline = detail.query_one(Timeline)
        timeline.move_cursor(row=next(i for i, e in enumerate(timeline.entries) if e.kind == "bridging"))
        form = await open_form(pilot, "g", BridgingForm)
        assert form.original is None and form.form_title() == "Record bridging"
        await press(pilot, "escape")
        timeline.move_cursor(row=next(i for i, e in enumerate(timeline.entries) if e.kind != "bridging"))
        form = await open_form(pilot, "G", BridgingForm)
        assert form.form_title() == "Change or stop bridging"
        assert (form.original.method, form.raw("started_on")) == ("lumbar_drain", "2026-11-06")


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
