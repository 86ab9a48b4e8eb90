"""Reviewed marks and "changed since review" on the round (issue 16), and the "new
result" marker (issue 15), driven through the app as a user would.

Synthetic patients of detail_helpers, as of 2026-11-25: OK01 (refill OK, no culture),
PEND01 (a blood culture pending since 2026-11-24: CAUTION), KRU01 and DAY01 (never
reviewed here). Another terminal (a second Store on the same file) adds a positive
S. aureus blood culture for OK01 drawn 2026-11-24: OK01 becomes BLOCKED (bacteremia).
"""

from __future__ import annotations

from datetime import date

from admin_helpers import add_users, app_as
from detail_helpers import SIZE, TODAY, screen_text, settle, ward_store
from shell_helpers import row_text, ward_table

from itb_tui.clinical.records import Culture
from itb_tui.store import open_store
from itb_tui.ui.screens.detail import PatientDetailScreen


def _select(app, mrn: str) -> None:
    table = ward_table(app)
    table.move_cursor(next(i for i, row in enumerate(table.rows) if row.mrn == mrn))


async def _review(pilot, mrn: str) -> None:
    _select(pilot.app, mrn)
    await pilot.press("v")
    await settle(pilot)


def _other_terminal_adds_a_positive_culture(tmp_path) -> None:
    other = open_store(f"sqlite:///{tmp_path}/ward.db", today=TODAY)
    try:
        other.add_culture("OK01", Culture("blood", date(2026, 11, 24), "positive", "Staphylococcus aureus"),
                          "os:lab")
    finally:
        other.close()


async def test_review_then_a_positive_culture_elsewhere_shows_changed_filters_and_opens(tmp_path):
    store = add_users(ward_store(tmp_path, demo=False))
    app = app_as(store, "nora")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "○ not reviewed" in row_text(app, "OK01")
        await _review(pilot, "OK01")
        await _review(pilot, "PEND01")
        assert "✓ no change" in row_text(app, "OK01") and "by nora 2026-" in row_text(app, "OK01")

        _other_terminal_adds_a_positive_culture(tmp_path)
        await pilot.press("ctrl+r")
        await settle(pilot)
        text = row_text(app, "OK01")
        assert "✖ BLOCKED" in text
        assert "● new: positive blood culture (Staphylococcus aureus)" in text
        assert "+1 more since review" in text  # the block it started
        # on screen too, cut to the column at 120 columns (the whole words are in the row)
        assert "● new: positive" in screen_text(app)

        await pilot.press("c")
        await settle(pilot)
        shown = [row.mrn for row in ward_table(app).rows]
        assert "OK01" in shown and "KRU01" in shown  # changed; never reviewed (kept: nobody saw it)
        assert "PEND01" not in shown  # reviewed, nothing since
        assert "filter: changed or not reviewed" in app.ward_screen.summary_text()

        _select(app, "OK01")
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, PatientDetailScreen) and detail.mrn == "OK01"
        text = screen_text(app)
        assert "● Changed since reviewed by nora" in text
        assert "● new: positive blood culture (Staphylococcus aureus)" in text
        assert "● refill block started: bacteremia" in text
        # the changes come before the cards: the first thing under the refill banner
        assert text.index("Changed since reviewed") < text.index("Pump")

        # v on the detail covers them: back on the list, OK01 shows no change
        await pilot.press("v")
        await settle(pilot)
        assert "✓ No change since reviewed by nora" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert "OK01" not in [row.mrn for row in ward_table(app).rows]  # the filter is still on
        await pilot.press("c")
        await settle(pilot)
        assert "✓ no change" in row_text(app, "OK01")


async def test_v_is_audited_with_the_user_and_what_was_seen(tmp_path):
    store = add_users(ward_store(tmp_path, demo=False))
    app = app_as(store, "nora")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(store.audit_trail())
        await _review(pilot, "OK01")
    entries = store.audit_trail()
    assert len(entries) == before + 1
    entry = entries[-1]
    assert (entry.action, entry.table, entry.mrn, entry.username) == ("review", "reviews", "OK01", "nora")
    assert entry.after["summary"] == {"refill": "ok", "critical": [], "pump": "TST-OK01", "dose": "300",
                                      "concentration": "500"}
    assert store.patient_reviews()["OK01"].reviewed_by == "nora"


async def test_admin_may_not_mark_reviewed_and_nothing_is_written(tmp_path):
    store = add_users(ward_store(tmp_path, demo=False))
    app = app_as(store, "adam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(store.audit_trail())
        await _review(pilot, "OK01")
        said = [n.message for n in app._notifications]
        assert any("Admin may not mark a patient reviewed" in m for m in said), said
    assert len(store.audit_trail()) == before and store.patient_reviews() == {}


async def test_a_change_after_the_screen_was_drawn_is_not_covered_by_the_review(tmp_path):
    store = add_users(ward_store(tmp_path, demo=False))
    app = app_as(store, "nora")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _other_terminal_adds_a_positive_culture(tmp_path)  # the list has not reloaded yet
        await _review(pilot, "OK01")
        assert store.patient_reviews() == {}  # refused: the list showed an older OK01
        said = [n.message for n in app._notifications]
        assert any("changed since this screen was drawn: not marked reviewed" in m for m in said), said
        assert "○ not reviewed" in row_text(app, "OK01")  # reloaded, still not reviewed
        assert "✖ BLOCKED" in row_text(app, "OK01")
