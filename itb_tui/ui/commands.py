"""Command palette providers: find a patient by typing part of a name, MRN or bed.

Why a provider: on a busy round the quickest way to a patient is ctrl+p and three
letters, from any screen. The provider reads the app's in-memory patient index (kept
fresh by every ward load), never the store, so a keystroke never waits on the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Iterable

from textual.command import Hit, Hits, Provider

from itb_tui.ui.filter_match import match_rank
from itb_tui.ui.widgets.ward_rows import COLUMN_KEYS, WardRow

_REFILL = COLUMN_KEYS.index("refill")

# Enough hits to choose from; a fuzzy search over a 10,000-patient clinic stays short.
MAX_HITS = 50


@dataclass(frozen=True, slots=True)
class PatientIndexEntry:
    mrn: str
    search_text: str  # what the palette shows and matches: name, MRN, bed, ward
    status_text: str  # refill status, so the hit already says "BLOCKED"
    name: str = ""  # "Surname, Given": an exact name match is listed first


def index_from_rows(rows: Iterable[WardRow]) -> list[PatientIndexEntry]:
    """The palette's patient index from the ward list's rows (every patient, unfiltered)."""
    entries = []
    for row in rows:
        bed = f" · bed {row.bed}" if row.bed else ""
        ward = f" · {row.ward}" if row.ward else ""
        entries.append(
            PatientIndexEntry(row.mrn, f"{row.name} · MRN {row.mrn}{bed}{ward}", row.cells[_REFILL].top, row.name)
        )
    entries.sort(key=lambda e: e.search_text.casefold())
    return entries


class PatientSearchProvider(Provider):
    """Fuzzy search over the loaded patients; choosing one opens the patient's detail."""

    async def search(self, query: str) -> Hits:
        """Exact MRN matches first, then exact names ("Sven" is Sven, not Vera or Tove whose
        letters the fuzzy match also finds), then the fuzzy matches by score (issue 13)."""
        matcher = self.matcher(query)
        app = self.app
        index = getattr(app, "patient_index", ())
        hits = 0
        exact: set[str] = set()
        for entry in index:  # exact matches are few; they must not be cut off by MAX_HITS
            rank = match_rank(query, entry.mrn, entry.name)
            if rank < 2:
                exact.add(entry.mrn)
                yield self._hit(entry, EXACT_SCORES[rank], matcher.highlight(entry.search_text))
                hits += 1
        for entry in index:
            if hits >= MAX_HITS:
                return
            if entry.mrn in exact:
                continue
            text = entry.search_text
            score = matcher.match(text)
            if score > 0:
                yield self._hit(entry, score, matcher.highlight(text))
                hits += 1

    def _hit(self, entry: PatientIndexEntry, score: float, text) -> Hit:
        return Hit(score, text, partial(self.app.open_patient, entry.mrn),
                   help=f"Open the patient ({entry.status_text})")


# Above any fuzzy score (Textual 8's matcher scores a name in single or low double digits):
# the palette lists hits by score, highest first.
EXACT_SCORES = {0: 1_000_000.0, 1: 100_000.0}
