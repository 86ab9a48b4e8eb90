"""What the round sheet and the calendar read beside the patients, once per export.

Why one function: the sheet's sections (present/round_sheet.py) must not read the store
per patient (issue 17: an export costs at most 1.5x `status --json`), so everything a
section needs for the whole ward is read here, in the same opened store as the patients,
by the command line (cli/entry.py cmd_export) and the export screen alike: the task
deferrals, the handover notes and the reviews with the changes since (one
`patient_reviews()` for the ward). A new section adds its one read here and a field to
RoundData.

The store is duck-typed (its `task_deferrals()`, `notes()`, `patient_reviews()` ports,
which the Store and the read-only WardReader both have): a store without one gives
nothing for it, and exports still never import the store.
"""

from __future__ import annotations

from itb_tui.present.notes import sheet_handover_notes
from itb_tui.present.round_sheet import RoundData


def read_round_data(store) -> RoundData:
    read_deferrals = getattr(store, "task_deferrals", None)
    deferrals = tuple(read_deferrals()) if read_deferrals is not None else ()
    read_notes = getattr(store, "notes", None)  # one read of the ward's live notes
    notes = sheet_handover_notes(read_notes()) if read_notes is not None else {}
    read_reviews = getattr(store, "patient_reviews", None)  # one read: every patient's last review
    reviews = dict(read_reviews()) if read_reviews is not None else None
    return RoundData(deferrals=deferrals, notes=notes, reviews=reviews)
