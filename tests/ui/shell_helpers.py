"""Shared set-up for the UI shell tests: the synthetic demo ward in a temp SQLite store,
the app at a fixed "today", and ways to read the screen the way a user does."""

from __future__ import annotations

import sys
import types
from datetime import date

from textual.screen import Screen

TODAY = date(2026, 11, 25)
SIZE = (120, 36)


def make_store(tmp_path, today: date = TODAY, patients=None):
    """A temp-file store holding the demo ward (or `patients`)."""
    from itb_tui.demo import build_demo_ward
    from itb_tui.store import open_store

    store = open_store(f"sqlite:///{tmp_path}/ward.db", today=today)
    ward = build_demo_ward(today) if patients is None else patients
    if ward:
        store.import_patients(ward, actor="test")
    return store


def make_app(store, *, today: date = TODAY, demo: bool = False):
    from itb_tui.ui.app import ItbApp

    return ItbApp(store, today=today, demo=demo)


async def settle(pilot) -> None:
    """Let every worker finish and the screen repaint (loads, re-assessments)."""
    app = pilot.app
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app) -> str:
    """Everything on the terminal right now, as text lines (what a user reads)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def ward_screen(app):
    return app.ward_screen


def ward_table(app):
    from itb_tui.ui.widgets.ward_table import WardTable

    return app.ward_screen.query_one(WardTable)


def row_texts(app) -> list[str]:
    return ward_table(app).row_texts()


def row_text(app, mrn: str) -> str:
    for row in ward_table(app).rows:
        if row.mrn == mrn:
            return row.text()
    raise AssertionError(f"{mrn} is not listed")


async def first_start(store, today: date = TODAY) -> list[str]:
    """Open the list once on `store` as of `today` (the load derives and saves its rows:
    what the next start finds saved) and return the rows it showed once checked."""
    app = make_app(store, today=today)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert ward_screen(app).checked
        return row_texts(app)


class StandInDetailScreen(Screen):
    """Stands in for the detail engineer's screen: records which patient was opened."""

    def __init__(self, mrn: str) -> None:
        super().__init__()
        self.mrn = mrn

    def compose(self):
        from textual.widgets import Static

        yield Static(f"DETAIL {self.mrn}")


def install_detail_stand_in(monkeypatch) -> None:
    """Make `open_patient` push StandInDetailScreen, so these tests do not depend on
    (or test) the detail screen itself."""
    module = types.ModuleType("itb_tui.ui.screens.detail")
    module.PatientDetailScreen = StandInDetailScreen
    monkeypatch.setitem(sys.modules, "itb_tui.ui.screens.detail", module)
