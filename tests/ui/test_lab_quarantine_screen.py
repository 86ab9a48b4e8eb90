"""The laboratory quarantine in the TUI (admin): the lab messages the feed could not apply
are listed, open ones first, with the MRN as the lab sent it and why; a nurse is told
it is for an admin. Never the patient's name from the raw message."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from itb_tui.ui.screens.lab_quarantine import LabQuarantineScreen

from admin_helpers import SIZE, app_as, screen_text, settle, store_with_users

RAW = "MSH|^~\\&|LABSYS|GENLAB|ITB|WARD|20261110093000||ORU^R01|QT1|P|2.5.1\rPID|1||TEMP5^^^HOSP^MR||Secret^Name"


def _quarantine(store, control: str, mrn: str) -> int:
    out = store.quarantine_lab_message(raw=RAW.replace("QT1", control), reason=f"unknown MRN {mrn!r}",
                                       control_id=control, mrn=mrn, source="mllp", actor="lab feed (test)")
    return out.quarantine_id


async def test_the_admin_sees_the_open_quarantined_messages_first(tmp_path):
    store = store_with_users(tmp_path)
    first = _quarantine(store, "QT1", "TEMP5")
    second = _quarantine(store, "QT2", "TEMP6")
    store.discard_lab_quarantine(first, reason="test message", actor="test")
    app = app_as(store, "adam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_lab_quarantine()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LabQuarantineScreen)
        table = screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[0] for r in rows] == [str(second), str(first)]
        assert rows[0][3:] == ["TEMP6", "open", "unknown MRN 'TEMP6'"]
        assert rows[1][4].startswith("discarded by")
        assert str(screen.query_one("#quarantine-summary", Static).content).startswith("1 open · 1 assigned or discarded")
        assert "Secret" not in screen_text(app)


async def test_a_nurse_is_told_the_quarantine_is_for_an_admin(tmp_path):
    store = store_with_users(tmp_path)
    app = app_as(store, "nora")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_lab_quarantine()
        await settle(pilot)
        assert not isinstance(app.screen, LabQuarantineScreen)
