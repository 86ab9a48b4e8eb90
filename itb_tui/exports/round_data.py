"""What the round sheet and the calendar read beside the patients, once per export.

Why one function: the sheet's sections (present/round_sheet.py) must not read the store
per patient (issue 17: an export costs at most 1.5x `status --json`), so everything a
section needs for the whole ward is read here, in the same opened store as the patients,
by the command line (cli/entry.py cmd_export) and the export screen alike. The sections
still to come ("changes since the last round", "handover notes") add their one read
here and a field to RoundData.

The store is duck-typed (its `task_deferrals()` port): a store without deferrals gives
none, and exports still never import the store.
"""

from __future__ import annotations

from itb_tui.present.notes import sheet_handover_notes
from itb_tui.present.round_sheet import RoundData


def read_round_data(store) -> RoundData:
    read_deferrals = getattr(store, "task_deferrals", None)
    deferrals = tuple(read_deferrals()) if read_deferrals is not None else ()
    read_notes = getattr(store, "notes", None)  # one read of the ward's live notes
    notes = sheet_handover_notes(read_notes()) if read_notes is not None else {}
    return RoundData(deferrals=deferrals, notes=notes)
