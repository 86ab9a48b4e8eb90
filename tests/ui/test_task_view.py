"""The ward's task view (T, issue 16 item 2): tasks grouped overdue / today / next 7 days
with the bed; Enter opens the form that records the task for that patient; saving the
record makes the task go away (never a tick).

Synthetic patients of detail_helpers, as of 2026-11-25. KRU01 (Test ward, bed 2):
C. krusei in blood 2026-11-20, not cleared, pump still in, refilled 2026-10-28 (alarm
2026-11-27, 2 days): today "draw follow-up blood cultures" (last blood culture 5 days
ago), "arrange the explant" and "plan bridging now" (refill blocked); in the next 7 days
the eye exam, due 2026-11-20 + 7 = 2026-11-27. The others have nothing to do.
"""

from __future__ import annotations

from itb_tui.ui.forms.bridging import BridgingForm
from itb_tui.ui.forms.culture import CultureForm
from itb_tui.ui.screens.tasks import TaskScreen

from task_helpers import open_tasks, select_task, task_lines
from detail_helpers import TODAY, choose, press, running, screen_text, settle


async def test_t_lists_the_tasks_grouped_with_the_bed(tmp_path):
    async with running(tmp_path, demo=False) as (store, app, pilot, _):
        await open_tasks(pilot)
        lines = task_lines(app)
        assert "As of 2026-11-25: overdue 0, today 3, next 7 days 1 · Enter opens the form that records it" in lines
        today, week = lines.index("Today (3)"), lines.index("Next 7 days (1)")
        assert today < week
        assert lines[today + 1:today + 5] == [  # the patient by bed, its tasks beneath
            "Test ward · bed 2  Krusei, Test (KRU01)",
            "Draw follow-up blood cultures  ·  today",
            "Arrange the explant (remove the pump)  ·  today",
            "Plan bridging now: refill is blocked (alarm 2026-11-27)  ·  today",
        ]
        assert lines[week + 1:week + 3] == ["Test ward · bed 2  Krusei, Test (KRU01)",
                                            "Dilated eye exam  ·  by 2026-11-27 (in 2 d)"]
        assert "Overdue" not in screen_text(app)  # an empty group is not shown
        await press(pilot, "escape")
        assert app.screen is app.ward_screen


async def test_enter_on_the_culture_task_opens_that_patients_culture_form_and_saving_removes_it(tmp_path):
    async with running(tmp_path, demo=False) as (store, app, pilot, _):
        screen = await open_tasks(pilot)
        select_task(screen, "KRU01:blood_culture:followup_culture_due")
        await press(pilot, "enter")
        form = app.screen
        assert isinstance(form, CultureForm) and form.patient.mrn == "KRU01"
        assert "Krusei, Test (KRU01)" in screen_text(app)
        await choose(pilot, "result", "pending")
        await press(pilot, "enter")
        assert app.screen is screen
        await settle(pilot)
        assert [c.drawn_on for c in store.get_patient("KRU01").cultures][-1] == TODAY
        text = screen_text(app)
        assert "Draw follow-up blood cultures" not in text
        assert "Today (2)" in text and "Arrange the explant" in text  # the others stay


async def test_the_bridging_task_opens_the_bridging_form_and_a_saved_plan_removes_it(tmp_path):
    async with running(tmp_path, demo=False) as (store, app, pilot, _):
        screen = await open_tasks(pilot)
        select_task(screen, "KRU01:plan_bridging:withdrawal_risk")
        await press(pilot, "enter")
        form = app.screen
        assert isinstance(form, BridgingForm) and form.patient.mrn == "KRU01"
        await choose(pilot, "method", "oral_baclofen")
        await press(pilot, "enter")
        assert app.screen is screen, screen_text(app)
        await settle(pilot)
        assert "Plan bridging now" not in screen_text(app)


async def test_the_palette_opens_the_tasks_and_help_lists_t(tmp_path):
    async with running(tmp_path, demo=False) as (store, app, pilot, _):
        await press(pilot, "ctrl+p")
        await pilot.press(*"Tasks")
        await settle(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, TaskScreen)
    from itb_tui.ui.app import ItbApp
    from itb_tui.ui.screens.help import binding_sections

    sections = dict(binding_sections(ItbApp.BINDINGS))
    assert ("T", "The round's tasks: overdue, today and the next 7 days, per bed") in sections["Ward list"]
    assert ("Enter", "Open the form that records what the task asks for") in sections["Tasks (T)"]
