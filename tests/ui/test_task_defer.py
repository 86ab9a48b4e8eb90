"""Deferring a task from the task view (issue 16): D opens a small form (the day it comes
back, the reason); after saving, the task disappears until its date and comes back that
day saying "deferred to DATE: reason"; a role that may not defer (admin) is told so
before typing and no form opens.

Synthetic patients of detail_helpers, as of 2026-11-25: KRU01 has "Arrange the explant"
today (key KRU01:explant:device_removal_indicated). Deferred to +2d = 2026-11-27.
"""

from __future__ import annotations

from datetime import date

from itb_tui.ui.forms.defer_task import DeferTaskForm

from admin_helpers import add_users, app_as
from task_helpers import open_tasks, select_task
from detail_helpers import TODAY, fill, press, running, screen_text, settle, ward_store

KEY = "KRU01:explant:device_removal_indicated"


async def test_d_defers_the_task_it_disappears_and_comes_back_on_its_date(tmp_path):
    async with running(tmp_path, demo=False) as (store, app, pilot, _):
        screen = await open_tasks(pilot)
        select_task(screen, KEY)
        await press(pilot, "D")
        form = app.screen
        assert isinstance(form, DeferTaskForm) and form.round_task.key == KEY
        assert "Krusei, Test (KRU01): Arrange the explant" in screen_text(app)
        await fill(pilot, "until", "+40d")
        assert "at most 30 days ahead (2026-12-25)" in screen_text(app)  # 2026-11-25 + 30 d
        await fill(pilot, "until", "+2d")
        await fill(pilot, "reason", "explant booked in theatre on Friday")
        await press(pilot, "enter")
        assert app.screen is screen, screen_text(app)
        await settle(pilot)
        assert "Arrange the explant" not in screen_text(app)
        (saved,) = store.task_deferrals()
        assert (saved.task_key, saved.until) == (KEY, date(2026, 11, 27))
        assert store.audit_trail()[-1].action == "defer"
        app.as_of = date(2026, 11, 27)  # the day it comes back
        await settle(pilot)
        assert "Arrange the explant (remove the pump)  ·  today  ·  deferred to 2026-11-27: explant booked " \
               "in theatre on Friday" in screen_text(app)


async def test_a_reason_is_required_and_nothing_is_saved_without_one(tmp_path):
    async with running(tmp_path, demo=False) as (store, app, pilot, _):
        screen = await open_tasks(pilot)
        select_task(screen, KEY)
        await press(pilot, "D")
        await press(pilot, "enter")
        assert isinstance(app.screen, DeferTaskForm) and "Not saved" in screen_text(app)
        assert store.task_deferrals() == []


async def test_admin_is_told_before_typing_and_no_form_opens(tmp_path):
    store = add_users(ward_store(tmp_path, demo=False))
    app = app_as(store, "adam")
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        screen = await open_tasks(pilot)
        assert "Defer ✗" in screen_text(app).splitlines()[-1]
        select_task(screen, KEY)
        await press(pilot, "D")
        assert app.screen is screen
        said = [n.message for n in app._notifications]
        assert "Admin may not defer a task: a nurse or a clinician must." in said, said


async def test_a_nurse_may_defer(tmp_path):
    store = add_users(ward_store(tmp_path, demo=False))
    app = app_as(store, "nora")
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        screen = await open_tasks(pilot)
        assert "✗" not in screen_text(app).splitlines()[-1]
        select_task(screen, KEY)
        await press(pilot, "D")
        assert isinstance(app.screen, DeferTaskForm)
        await fill(pilot, "reason", "theatre list full today")
        await press(pilot, "enter")
        assert app.screen is screen, screen_text(app)
        assert store.task_deferrals()[-1].actor == "nora"
        assert TODAY == date(2026, 11, 25)
