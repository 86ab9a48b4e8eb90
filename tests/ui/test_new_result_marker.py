"""The ward list's "new result" marker (issue 15): a laboratory result imported with
`itb-tui results import` (a real subprocess, as a lab drop-folder job runs it) marks the
patient for every user until THAT user opens the patient's detail; another user still
sees it. Opening is recorded per user, never audited.

Synthetic: OK01 (detail_helpers; born 1980-02-03) gets a final positive blood culture
(Candida albicans, tests/hl7 builder) drawn 2026-11-24; as of 2026-11-25.
"""

from __future__ import annotations

import sys
from pathlib import Path

from admin_helpers import add_users, app_as
from detail_helpers import SIZE, TODAY, settle, ward_store
from shell_helpers import row_text, ward_table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hl7"))
from cli_runner import env_for, run_cli  # noqa: E402
from hl7_messages import final_positive  # noqa: E402

from itb_tui.ui.screens.detail import PatientDetailScreen  # noqa: E402

MARK = "✉ new result"


def _import_result(tmp_path: Path) -> None:
    feed = tmp_path / "feed.hl7"
    feed.write_text(final_positive(mrn="OK01", dob="19800203", drawn="20261124", accession="A1", control="M1"))
    run = run_cli(tmp_path, "results", "import", str(feed),
                  env=env_for(tmp_path, ITB_TUI_TODAY=TODAY.isoformat()))
    assert run.code == 0, run.err


async def _open_and_close(pilot, mrn: str) -> None:
    table = ward_table(pilot.app)
    table.move_cursor(next(i for i, row in enumerate(table.rows) if row.mrn == mrn))
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PatientDetailScreen) and pilot.app.screen.mrn == mrn
    await pilot.press("escape")
    await settle(pilot)


async def test_the_marker_stays_until_that_user_opens_the_patient_and_stays_for_another(tmp_path):
    store = add_users(ward_store(tmp_path, demo=False))
    app = app_as(store, "nora")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert MARK not in row_text(app, "OK01")  # no lab report yet
    _import_result(tmp_path)
    trail = len(store.audit_trail())

    app = app_as(store, "nora")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert MARK in row_text(app, "OK01")
        assert MARK not in row_text(app, "PEND01")  # no result for them
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert MARK in row_text(app, "OK01")  # a reload alone does not clear it
        await _open_and_close(pilot, "OK01")
        assert MARK not in row_text(app, "OK01")  # gone at once for nora
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert MARK not in row_text(app, "OK01")  # and after reading the store again

    app = app_as(store, "nora")  # a new start: still gone (the open is stored)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert MARK not in row_text(app, "OK01")

    app = app_as(store, "carl")  # another user has not opened OK01: the marker stays
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert MARK in row_text(app, "OK01")
    # opening wrote no audit row (the three sign-ins did)
    assert [e.action for e in store.audit_trail()[trail:]] == ["login"] * 3
