"""The ward list as a user drives it: read it, filter it, sort it, open a patient."""

from __future__ import annotations

import time

from textual.app import App

from itb_tui.ui.widgets.ward_rows import Cell, WardRow, natural_key
from itb_tui.ui.widgets.ward_table import WardTable

from shell_helpers import (
    SIZE,
    StandInDetailScreen,
    install_detail_stand_in,
    make_app,
    make_store,
    screen_text,
    settle,
    ward_table,
)


async def test_list_shows_every_patient_most_urgent_first(tmp_path):
    store = make_store(tmp_path)
    total = len(store.load_patients())
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = ward_table(app).rows
        assert len(rows) == total
        # Withdrawal risk first, then blocked refills: what the nurse must see first.
        assert "WITHDRAWAL" in rows[0].text() and "✖ BLOCKED" in rows[0].text()
        assert [r.urgency for r in rows] == sorted(r.urgency for r in rows)
        # then overdue refills / missing bridging plans, then blocked (docs/rules.md D2):
        # after the last blocked row, no row needs more than a caution
        from itb_tui.present.status import URGENCY_GROUPS

        blocked_group = URGENCY_GROUPS.index("refill blocked")
        assert all(r.urgency[0] <= blocked_group for r in rows if r.status == "blocked")
        last_blocked = max(i for i, r in enumerate(rows) if r.status == "blocked")
        assert all(r.urgency[0] > blocked_group for r in rows[last_blocked + 1:])
        text = screen_text(app)
        assert f"{total} of {total} shown" in text
        assert "as of 2026-11-25 (today)" in text
        # at 120 columns "Since review" (issue 16) takes the reimplant countdown's place
        for title in ("Bed", "Patient", "Pump", "Refill", "Alarm", "Antifungal", "Alerts", "Since review"):
            assert title in text
        assert "○ not reviewed" in text


async def test_typing_in_the_filter_box_narrows_the_list(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        every = ward_table(app).rows
        target = next(r for r in every if r.status == "blocked")
        given = target.name.split(",")[-1].strip()  # the surname may be shared
        await pilot.press("slash")
        await pilot.press(*given.lower())
        await settle(pilot)
        shown = ward_table(app).rows
        assert target.mrn in [r.mrn for r in shown]
        assert 0 < len(shown) < len(every)
        assert all(given.lower() in r.name.lower() for r in shown)
        text = screen_text(app)
        assert target.name in text and "✖ BLOCKED" in text
        assert f'filter: "{given.lower()}"' in text
        # By MRN too.
        await pilot.press("escape")
        await pilot.press("slash", *target.mrn.lower())
        await settle(pilot)
        assert [r.mrn for r in ward_table(app).rows] == [target.mrn]
        # Esc clears the filter and gives the keys back to the list.
        await pilot.press("escape")
        await settle(pilot)
        assert len(ward_table(app).rows) == len(every)
        assert app.focused is ward_table(app)


async def test_a_filter_that_matches_nobody_says_so(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzzznobody")
        await settle(pilot)
        assert ward_table(app).rows == []
        assert "No patient matches the filters" in screen_text(app)


async def test_quick_filter_blocked_only(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        every = list(ward_table(app).rows)
        blocked = [r.mrn for r in every if r.status == "blocked"]
        assert blocked and len(blocked) < len(every)
        await pilot.press("b")
        await settle(pilot)
        shown = ward_table(app).row_texts()
        assert len(shown) == len(blocked)
        assert all("✖ BLOCKED" in text for text in shown)
        assert "filter: blocked only" in screen_text(app)
        await pilot.press("b")
        await settle(pilot)
        assert len(ward_table(app).rows) == len(every)


async def test_quick_filter_refill_due_within_7_days(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        every = list(ward_table(app).rows)
        due = [r.mrn for r in every if r.days_to_refill is not None and r.days_to_refill <= 7]
        assert due and len(due) < len(every)
        await pilot.press("d")
        await settle(pilot)
        assert sorted(r.mrn for r in ward_table(app).rows) == sorted(due)
        assert "refill due ≤7 d" in screen_text(app)


async def test_ward_filter_cycles_through_the_wards_and_back_to_all(tmp_path):
    store = make_store(tmp_path)
    wards = store.wards()
    assert len(wards) >= 2, "the demo ward should span more than one ward"
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        total = len(ward_table(app).rows)
        for ward in wards:
            await pilot.press("w")
            await settle(pilot)
            rows = ward_table(app).rows
            assert rows and all(r.ward == ward for r in rows)
            assert f"Ward: {ward}" in screen_text(app)
        await pilot.press("w")
        await settle(pilot)
        assert len(ward_table(app).rows) == total
        assert "Ward: all" in screen_text(app)


async def test_s_cycles_the_sort_order(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        rows = ward_table(app).rows
        assert "sort: ward & bed" in screen_text(app)
        assert [(natural_key(r.ward), natural_key(r.bed)) for r in rows] == sorted(
            (natural_key(r.ward), natural_key(r.bed)) for r in rows
        )
        await pilot.press("s")
        await settle(pilot)
        names = [r.name.casefold() for r in ward_table(app).rows]
        assert names == sorted(names) and "sort: name" in screen_text(app)
        await pilot.press("s")
        await settle(pilot)
        alarms = [r.alarm_on for r in ward_table(app).rows if r.alarm_on is not None]
        assert alarms == sorted(alarms) and "sort: alarm date" in screen_text(app)
        assert ward_table(app).rows[-1].alarm_on is None  # no alarm date goes last
        await pilot.press("s")
        await settle(pilot)
        assert "sort: urgency" in screen_text(app)


async def test_enter_opens_the_patient_under_the_cursor(tmp_path, monkeypatch):
    install_detail_stand_in(monkeypatch)
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        second = ward_table(app).rows[1].mrn
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StandInDetailScreen)
        assert app.screen.mrn == second


async def test_click_selects_and_a_second_click_opens(tmp_path, monkeypatch):
    install_detail_stand_in(monkeypatch)
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = ward_table(app)
        third = table.rows[2].mrn
        # Header line, then two lines per patient: the third patient starts at line 5.
        await pilot.click(WardTable, offset=(20, 5))
        await settle(pilot)
        assert table.selected.mrn == third
        assert app.screen is app.ward_screen
        await pilot.click(WardTable, offset=(20, 6))
        await settle(pilot)
        assert isinstance(app.screen, StandInDetailScreen) and app.screen.mrn == third


async def test_keyboard_cursor_moves_and_scrolls(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        table = ward_table(app)
        rows = table.rows
        await pilot.press("end")
        await settle(pilot)
        assert table.selected.mrn == rows[-1].mrn
        assert rows[-1].name in screen_text(app)  # scrolled into view
        await pilot.press("home")
        await settle(pilot)
        assert table.selected.mrn == rows[0].mrn and rows[0].name in screen_text(app)
        await pilot.press("pagedown")
        assert table.cursor > 1
        await pilot.press("up")
        assert table.cursor >= 1


async def test_at_80x24_less_important_columns_are_dropped_not_wrapped(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        header = next(line for line in text.splitlines() if "Patient" in line and "Refill" in line)
        assert "Antifungal" in header and "Alerts" in header
        assert "Reimplant" not in header and "Pump" not in header
        first = ward_table(app).rows[0]
        assert first.name[:10] in text and "✖ BLOCKED" in text


class _TableApp(App):
    def compose(self):
        yield WardTable()


def _synthetic_rows(count: int) -> list[WardRow]:
    cells = lambda i: (  # noqa: E731
        Cell(str(i), "Ward 1"),
        Cell(f"Patient{i:05d}, Test", f"MRN X{i:05d}", "name"),
        Cell("SynchroMed II", "300 µg/d · 500 µg/mL"),
        Cell("✔ REFILL OK", "", "status-ok"),
        Cell("2026-12-01", "in 6 d"),
        Cell("–", "", "dim"),
        Cell("–", "", "dim"),
        Cell("–", "", "dim"),
        Cell("○ not reviewed", "", "dim"),
    )
    return [
        WardRow(f"X{i:05d}", f"Patient{i:05d}, Test", "Ward 1", str(i), "ok", False, 0, 0, None, None, (i,), "", cells(i))
        for i in range(count)
    ]


async def test_ten_thousand_rows_draw_at_once():
    rows = _synthetic_rows(10_000)
    app = _TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(WardTable)
        started = time.perf_counter()
        table.set_rows(rows)
        await pilot.pause()
        assert "Patient00000, Test" in screen_text(app)
        table.focus()
        await pilot.press("end")
        await pilot.pause()
        elapsed = time.perf_counter() - started
        assert "Patient09999, Test" in screen_text(app)
        assert elapsed < 1.5, f"10,000 rows took {elapsed:.2f} s"


async def test_arrow_keys_work_even_when_the_ward_loads_slowly(tmp_path, monkeypatch):
    """On a busy workstation the first load can finish after the screen has chosen its
    focus; the list must still own the keyboard so Down moves the cursor and Enter shows
    in the footer (this raced in CI once)."""
    store = make_store(tmp_path)
    real_load = store.list_reads  # the list's read of the records

    def slow_load(*args, **kwargs):
        time.sleep(0.5)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(store, "list_reads", slow_load)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = ward_table(app)
        assert app.focused is table
        await pilot.press("down")
        await settle(pilot)
        assert table.cursor == 1
        assert "Open" in screen_text(app).splitlines()[-1]
