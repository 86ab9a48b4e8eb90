"""What the FHIR export needs from the store beyond the records (issue 15), gathered by
the command line so that the export itself never opens the store (formats never import
store): each culture's report status and the day each weight was recorded.

- report status: the laboratory's (`lab_report_statuses`: preliminary | final |
  corrected), or `corrected` for a result corrected on the ward (`culture_corrections`,
  read from the audit trail).
- weight date: the day (local) of the newest audit row that set the patient's weight.

Cost (issue 17: an export within 1.5x of `status --json`): the audit trail is read once
for the whole store (one query, not one per patient), the laboratory statuses only for
patients with a culture result (only a result can be preliminary or corrected).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date


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
        for e in store.audit_trail():  # oldest first
            if e.mrn in wanted:
                trail_of[e.mrn].append(e)
    statuses: dict[int, str] = {}
    weights: dict[str, date] = {}
    for p in stored:
        trail = trail_of.get(p.mrn, [])
        if p.weight_kg is not None:
            day = _weight_day(trail)
            if day is not None:
                weights[p.mrn] = day
        if any(c.result != "pending" and c.id is not None for c in p.cultures):
            for cid, (_accession, status) in store.lab_report_statuses(p.mrn).items():
                statuses[cid] = status
            for cid in past_corrections(trail):
                statuses[cid] = "corrected"
    return {"bundle": bundle, "report_statuses": statuses, "weight_recorded_on": weights}
