"""One laboratory message into the store: the use case behind `results import` (a file)
and `results listen` (MLLP). Read by formats/hl7, stored by the store's lab-feed methods
(the listener: one transaction each, committed when `store_message` returns; the file
import: a store/lab_batch.py batch, committed a batch at a time)."""

from __future__ import annotations

import os


def store_message(store, reading, path, index: int, actor: str) -> dict:
    """One read message into the store (`store`: the Store, one transaction committed
    when this returns; or a file import's LabBatch, committed with its batch): its row of
    the summary. Shared by `results import` and `results listen`."""
    from itb_tui.store import StoreError
    from itb_tui.store.errors import BatchLost

    if reading.outcome in ("refused", "not_culture"):
        return row(path, index, reading.control_id, reading.outcome, reading.reason, reading.mrn)
    try:
        if reading.outcome == "quarantined":
            out = store.quarantine_lab_message(raw=reading.raw, reason=reading.reason,
                                               control_id=reading.control_id, mrn=reading.mrn,
                                               source=str(path), actor=actor)
        else:
            out = store.apply_lab_message(mrn=reading.mrn, dob=reading.dob, reports=reading.reports,
                                          control_id=reading.control_id, raw=reading.raw,
                                          source=str(path), actor=actor)
    except BatchLost:
        raise  # the whole batch is gone, not this message: the command stops (cli/results.py)
    except StoreError as exc:
        # A write the store refused (a role, a lock): nothing of this message stored;
        # reported, and the exit status (the NAK) says so.
        out_row = row(path, index, reading.control_id, "refused", f"not stored: {exc}", reading.mrn)
        out_row["store_error"] = True
        return out_row
    out_row = row(path, index, reading.control_id, out.outcome, out.detail, reading.mrn)
    out_row["refill"] = out.refill
    if out.quarantine_id is not None:
        out_row["quarantine_id"] = out.quarantine_id
    if reading.notes:
        out_row["notes"] = list(reading.notes)
    if out.notes:  # stored, but a person must look (store/lab_pending.py)
        out_row["flags"] = list(out.notes)
    return out_row


def row(path, index: int, control_id: str, outcome: str, detail: str, mrn: str = "") -> dict:
    return {"file": os.path.basename(str(path)), "message": index, "control_id": control_id or None,
            "mrn": mrn or None, "outcome": outcome, "detail": detail}


def check_organism_codes() -> None:
    """Stop with one line (before anything is read) when the species table's SNOMED CT
    codes cannot be used: FHIR organisms are looked up there (organisms.by_snomed_ct)."""
    from itb_tui.cli.common import CliError
    from itb_tui.clinical.organisms import SnomedCodeError, by_snomed_ct

    try:
        by_snomed_ct("0")  # loads and checks the table's codes once
    except SnomedCodeError as exc:
        raise CliError(str(exc)) from None
