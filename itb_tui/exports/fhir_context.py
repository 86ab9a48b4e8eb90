"""What the FHIR export needs from the store beyond the records (issue 15), gathered by
the command line and the export screen alike (the same facts whichever way a ward is
exported), so that the FHIR writer itself never opens the store (formats never import
store; the store is duck-typed here): each culture's report status and the day each
weight was recorded.

- report status: the laboratory's (`lab_reports`: preliminary | final |
  corrected), or `corrected` for a result corrected on the ward (`culture_corrections`,
  read from the audit trail).
- weight date: the day (local) of the newest audit row that set the patient's weight.

Cost (issue 17: an export within 1.5x of `status --json`, and no ORM import): the audit
entries of the two tables (`audit_entries`, never the whole trail) and the laboratory
statuses are each read once for the whole store (one query each, not one per patient),
by the read-only reader where it can.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date


# The audit entries the export derives facts from: weights (patients), corrections (cultures).
_TRAIL_TABLES = ("patients", "cultures")


def _weight_day(entries) -> date | None:
    found = None
    for e in entries:
        if e.table != "patients" or not e.after or e.after.get("weight_kg") is None:
            continue
        before = (e.before or {}).get("weight_kg")
        if e.action == "create" or before != e.after.get("weight_kg"):
            found = e.at.astimezone().date()
    return found


def fhir_options(store, patients, bundle: str) -> dict:
    """The keywords for formats.fhir.write.render (see its ExportContext)."""
    from itb_tui.clinical.corrections import past_corrections

    stored = [p for p in patients if p.id is not None]
    wanted = {p.mrn for p in stored}
    trail_of: dict[str, list] = defaultdict(list)
    if stored:
        # just the two tables' entries, never the whole trail: the read-only reader
        # without the ORM, the Store (a store just created or upgraded) in plain SQL too
        for e in store.audit_entries(_TRAIL_TABLES):  # oldest first
            if e.mrn in wanted:
                trail_of[e.mrn].append(e)
    lab = store.lab_reports() if stored else {}  # one read: MRN -> {culture id -> (accession, status)}
    statuses: dict[int, str] = {}
    weights: dict[str, date] = {}
    for p in stored:
        trail = trail_of.get(p.mrn, [])
        if p.weight_kg is not None:
            day = _weight_day(trail)
            if day is not None:
                weights[p.mrn] = day
        if any(c.result != "pending" and c.id is not None for c in p.cultures):
            for cid, (_accession, status) in lab.get(p.mrn, {}).items():
                statuses[cid] = status
            for cid in past_corrections(trail):
                statuses[cid] = "corrected"
    return {"bundle": bundle, "report_statuses": statuses, "weight_recorded_on": weights}
