"""Snapshots of the round's "changed since review" (issue 16) and "new result" (issue 15)
markers: the ward list with every kind of marker, and the detail's changes section.

Fixed: today 2026-11-25, every store write at 2026-11-25 08:30 UTC, 160x36 (wide enough
for the whole words; at 120 the "Since review" column cuts them, see test_ward_list.svg).
Synthetic patients of detail_helpers. nora (nurse) reviewed OK01, PEND01 and KRU01; then
a positive S. aureus blood culture for OK01 was entered (OK01: BLOCKED, "new: positive
blood culture"), and the lab feed sent a no-growth blood culture for PEND01 (a change,
and a new result nora has not opened). DAY01 was never reviewed. KRU01: no change.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from admin_helpers import add_users, app_as, session_of
from detail_helpers import TODAY, settle, ward_store
from shell_helpers import ward_table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hl7"))
from hl7_messages import no_growth  # noqa: E402

from itb_tui.clinical.engine import assess  # noqa: E402
from itb_tui.clinical.records import Culture  # noqa: E402
from itb_tui.present.changes import summary_of  # noqa: E402

SIZE = (160, 36)
AT = datetime(2026, 11, 25, 8, 30, tzinfo=timezone.utc)


def _lab_feed(store, text: str) -> None:
    """Feed the lab's no-growth report for PEND01's ward-entered pending blood culture of the
    same day: it resolves that culture ("updated", docs/lab-results.md), not a second one."""
    from itb_tui.cli.lab_feed import store_message
    from itb_tui.formats.hl7 import read, split_messages
    from itb_tui.formats.hl7.codes import load

    table = load()
    for raw in split_messages(text).messages:
        assert store_message(store, read(raw, table), "feed.hl7", raw.index, "lab feed")["outcome"] == "updated"


@pytest.fixture
def round_app(tmp_path, monkeypatch):
    monkeypatch.setenv("ITB_TUI_TODAY", TODAY.isoformat())  # the app stops cursor blink
    monkeypatch.setattr("itb_tui.store.audit.now_utc", lambda: AT)
    store = add_users(ward_store(tmp_path, demo=False))
    nora = store.for_user(session_of(store, "nora"))
    for mrn in ("OK01", "PEND01", "KRU01"):
        patient = store.get_patient(mrn)
        nora.mark_reviewed(mrn, summary_of(patient, assess(patient, TODAY)), "nora",
                           expected_version=patient.row_version)
    store.add_culture("OK01", Culture("blood", date(2026, 11, 24), "positive", "Staphylococcus aureus"), "os:dr")
    _lab_feed(store, no_growth(mrn="PEND01", dob="19900909", drawn="20261124", accession="P1", control="M1"))
    return app_as(store, "nora")


def test_ward_list_with_review_and_new_result_markers(snap_compare, round_app):
    async def loaded(pilot) -> None:
        await settle(pilot)

    assert snap_compare(round_app, terminal_size=SIZE, run_before=loaded)


def test_detail_lists_the_changes_since_the_review_at_the_top(snap_compare, round_app):
    async def open_ok01(pilot) -> None:
        await settle(pilot)
        table = ward_table(pilot.app)
        table.move_cursor(next(i for i, row in enumerate(table.rows) if row.mrn == "OK01"))
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(round_app, terminal_size=SIZE, run_before=open_ok01)
