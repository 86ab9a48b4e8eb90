"""Which ward-entered pending culture a laboratory report answers (hazard H86).

A nurse records a culture when it is drawn ("pending", no accession: the ward does not
know the lab's number). The lab's report of it later arrives with an accession the store
has never seen. Added as a new culture, the pending one would stay pending for ever next
to the lab's answer (a `culture_pending` caution that never resolves, and a screen that
shows an unresolved culture beside its result). So a report with a new accession first
looks for the pending culture it answers.

The rule (docs/lab-results.md, "Ward-entered pending cultures"): a candidate is a culture
of the SAME patient (matched by MRN and date of birth before this runs), the SAME
specimen, drawn on the SAME date, whose result is still pending, and that no laboratory
report is linked to (a culture the feed stored is matched by its accession, never here).
- exactly one candidate: the report resolves it (the store's audited update: the
  culture gets the result, the accession is recorded, the audit reason says "resolved by
  laboratory report accession X").
- two or more (e.g. two sets of blood cultures drawn the same day, or two reports of one
  message that could answer the same one): nothing is guessed. The report is added as a
  culture of its own (the lab's answer is never held back: a positive blocks at once),
  the pending cultures are left as they are, and the outcome and the audit reason say
  which cultures a person must resolve by hand.
- none (another date, another specimen, already resulted, or linked to a report): the
  report is added as before.

Why the same date and no window: blood cultures are drawn daily (or every other day)
while fungemia clears, and the clinical rules read the drawn DATE (clearance is the first
negative drawn on a LATER date than the last positive; a negative drawn the same day
proves nothing). A report of Tuesday's culture resolving Monday's pending one would move a
result to another day and could document (or hide) a clearance. A report whose date
differs from the ward's entry is a different culture, or a date a person must check.
"""

from __future__ import annotations

from typing import Iterable

from itb_tui.clinical.records import Culture


def ward_pending_candidates(cultures: Iterable[Culture], linked: set[int], report_culture: Culture) -> list[Culture]:
    """The pending cultures the report could answer (module notes), oldest id first.
    `linked`: ids of cultures a laboratory report is already linked to."""
    return sorted((c for c in cultures
                   if c.result == "pending" and c.id is not None and c.id not in linked
                   and c.specimen == report_culture.specimen and c.drawn_on == report_culture.drawn_on),
                  key=lambda c: c.id)


def maybe_candidates(cultures: Iterable[Culture], report_culture: Culture) -> list[int]:
    """Ids of the pending cultures of that specimen and date, before the lab links are
    read: when there is none (the usual case) no query is needed."""
    return [c.id for c in ward_pending_candidates(cultures, set(), report_culture)]


def unmatched_words(candidates: list[Culture]) -> str:
    """What a person must do when more than one pending culture could be the report's."""
    first = candidates[0]
    ids = ", ".join(f"#{c.id}" for c in candidates)
    return (f"not matched to a pending culture entered on the ward: {len(candidates)} pending "
            f"{first.specimen} cultures drawn {first.drawn_on.isoformat()} ({ids}) could be this result; "
            "all kept; resolve the pending one by hand")
