"""Which of a patient's cultures rest on a PRELIMINARY laboratory report, in words and as
`status --json` data (issue 15, item 3).

Why: the lab feed stores a preliminary positive as a positive, so the refill blocks at
once; the final report may still name another organism or (rarely) retract it, and a
preliminary "no growth to date" is not yet a negative culture. Every place that shows
the culture says "preliminary" until the final report replaces it.

`reports` is what the store's `lab_reports(mrn)` gives for one patient: culture id ->
(accession, latest report status). Present never reads a store: the caller passes it in.
A culture still pending (FHIR `registered`) already says "pending" and is not listed.
"""

from __future__ import annotations

from collections.abc import Mapping

from itb_tui.clinical.records import Culture, Patient
from itb_tui.present import words as w

Reports = Mapping[int, tuple[str, str]]


def is_preliminary(culture: Culture, reports: Reports | None) -> bool:
    if not reports or culture.id is None or culture.result == "pending":
        return False
    found = reports.get(culture.id)
    return found is not None and found[1] == "preliminary"


def preliminary_cultures(patient: Patient, reports: Reports | None) -> tuple[Culture, ...]:
    """The patient's cultures whose latest laboratory report is preliminary, newest first."""
    found = [c for c in patient.cultures if is_preliminary(c, reports)]
    return tuple(sorted(found, key=lambda c: (c.drawn_on, c.id or 0), reverse=True))


def culture_note(culture: Culture, reports: Reports | None) -> str:
    """` · preliminary (laboratory report, final to follow)` on a culture's line, or ""."""
    return f" · {w.PRELIMINARY_NOTE}" if is_preliminary(culture, reports) else ""


def _result_text(c: Culture) -> str:
    text = w.LAB_RESULT_WORDS.get(c.result, c.result)
    return f"{text}: {c.organism}" if c.organism else text


def show_lines(patient: Patient, reports: Reports | None) -> list[str]:
    """The lines `itb-tui show` prints under the refill status."""
    out = []
    for c in preliminary_cultures(patient, reports):
        accession = reports[c.id][0] if reports and c.id in reports else ""
        out.append(f"  ▲ {w.PRELIMINARY_SHOW_LABEL}: {w.LAB_SPECIMEN_WORDS.get(c.specimen, c.specimen)} culture "
                   f"drawn {w.date_text(c.drawn_on)}, {_result_text(c)} (accession {accession}); "
                   "the final report may change it")
    return out


def preliminary_json(patient: Patient, reports: Reports | None) -> list[dict]:
    """The `refill.preliminary_results` list of `status --json` (docs/lab-results.md)."""
    return [{"specimen": c.specimen, "drawn_on": c.drawn_on.isoformat(), "result": c.result,
             "organism": c.organism, "accession": reports[c.id][0] if reports else None,
             "report_status": w.PRELIMINARY_WORD}
            for c in preliminary_cultures(patient, reports)]
