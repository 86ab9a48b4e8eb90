"""What the FHIR export needs from the store beyond the records (issue 15), gathered by
the command line and the export screen alike (the same facts whichever way a ward is
exported), so that the FHIR writer itself never opens the store (formats never import
store; the store is duck-typed here): each culture's report status and the day each
weight was recorded.

- report status: the laboratory's (`lab_reports`: preliminary | final |
  corrected), or `corrected` for a result corrected on the ward (`culture_corrections`,
  read from the audit trail).
- weight date: the day (local) of the newest audit row that set the patient's weight.

Cost (issue 17: an export within 1.5x of `status --json`, and no ORM import): only the
audit entries these facts come from (`audit_entries`, never the whole trail) and the
laboratory statuses are read, once for the whole store (not one query per patient), by
the read-only reader where it can. Of the cultures only the updates (a correction is an
update, `clinical.corrections.past_corrections`), not the creations: 60,000 rows read
and JSON-decoded for nothing at 10,000 patients (about 0.6 s). The patients' entries of
every action (a weight may be set by any of them: `_weight_day`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date


# The audit entries the export derives facts from: weights (patients, any action),
# corrections (cultures, updates only: past_corrections looks at nothing else).
_WEIGHT_TABLES = ("patients",)
_CORRECTION_TABLES, _CORRECTION_ACTIONS = ("cultures",), ("update",)


def _trail_entries(store) -> list:
    """The entries the facts come from, oldest first (by audit id, as one query of both
    tables would give them)."""
    weights = store.audit_entries(_WEIGHT_TABLES)
    corrections = store.audit_entries(_CORRECTION_TABLES, actions=_CORRECTION_ACTIONS)
    if not corrections:
        return weights
    import heapq  # only for a store with culture updates (the trail of most exports has none)

    return list(heapq.merge(weights, corrections, key=lambda e: e.id))


def _weight_day(entries) -> date | None:
    found = None
    for e in entries:
        if e.table != "patients" or not e.after or e.after.get("weight_kg") is None:
            continue
        before = (e.before or {}).get("weight_kg")
        if e.action == "create" or before != e.after.get("weight_kg"):
            found = e.at.astimezone().date()
    return found


class TrailFacts:
    """The store's reads the facts come from, done once for the whole store: each MRN's
    audit entries (oldest first) and the laboratory statuses (MRN -> culture id ->
    (accession, status)). Read by each share of a chunked export in its own transaction
    (cli/chunked.py), then narrowed to each chunk's patients by `options_for`."""
    __slots__ = ("trail_of", "lab")

    def __init__(self, trail_of: dict, lab: dict):
        self.trail_of, self.lab = trail_of, lab


def read_trail_facts(store) -> TrailFacts:
    """One read of the audit entries the facts come from and one of the lab statuses."""
    # just the entries the facts come from, never the whole trail: the read-only
    # reader without the ORM, the Store (a store just created or upgraded) in plain SQL
    trail_of: dict[str, list] = defaultdict(list)
    for e in _trail_entries(store):  # oldest first
        trail_of[e.mrn].append(e)
    return TrailFacts(trail_of, store.lab_reports())  # lab: one read for the whole store


def options_for(patients, facts: TrailFacts | None, bundle: str) -> dict:
    """The render keywords for these patients from `facts` (any patients of the store:
    every fact is one patient's, so a chunk's options are the whole ward's for it)."""
    statuses: dict[int, str] = {}
    weights: dict[str, date] = {}
    stored = [p for p in patients if p.id is not None]
    if facts is None or not stored:
        return {"bundle": bundle, "report_statuses": statuses, "weight_recorded_on": weights}
    for p in stored:
        trail = facts.trail_of.get(p.mrn, [])
        if p.weight_kg is not None:
            day = _weight_day(trail)
            if day is not None:
                weights[p.mrn] = day
        if any(c.result != "pending" and c.id is not None for c in p.cultures):
            for cid, (_accession, status) in facts.lab.get(p.mrn, {}).items():
                statuses[cid] = status
            if any(e.table in _CORRECTION_TABLES for e in trail):  # else no correction to find
                from itb_tui.clinical.corrections import past_corrections  # ~1 ms: only then

                for cid in past_corrections(trail):
                    statuses[cid] = "corrected"
    return {"bundle": bundle, "report_statuses": statuses, "weight_recorded_on": weights}


def fhir_options(store, patients, bundle: str) -> dict:
    """The keywords for formats.fhir.write.render (see its ExportContext)."""
    stored = any(p.id is not None for p in patients)
    return options_for(patients, read_trail_facts(store) if stored else None, bundle)
