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

from itb_tui.ui.widgets.ward_rows import COLUMN_KEYS, WardRow

_REFILL = COLUMN_KEYS.index("refill")

# Enough hits to choose from; a fuzzy search over a 10,000-patient clinic stays short.
MAX_HITS = 50


@dataclass(frozen=True, slots=True)
class PatientIndexEntry:
    mrn: str
    search_text: str  # what the palette shows and matches: name, MRN, bed, ward
    status_text: str  # refill status, so the hit already says "BLOCKED"


def index_from_rows(rows: Iterable[WardRow]) -> list[PatientIndexEntry]:
    """The palette's patient index from the ward list's rows (every patient, unfiltered)."""
    entries = []
    for row in rows:
        bed = f" · bed {row.bed}" if row.bed else ""
        ward = f" · {row.ward}" if row.ward else ""
        entries.append(
            PatientIndexEntry(row.mrn, f"{row.name} · MRN {row.mrn}{bed}{ward}", row.cells[_REFILL].top)
        )
    entries.sort(key=lambda e: e.search_text.casefold())
    return entries


class PatientSearchProvider(Provider):
    """Fuzzy search over the loaded patients; choosing one opens the patient's detail."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = self.app
        index = getattr(app, "patient_index", ())
        hits = 0
        for entry in index:
            text = entry.search_text
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(app.open_patient, entry.mrn),
                    help=f"Open the patient ({entry.status_text})",
                )
                hits += 1
                if hits >= MAX_HITS:
                    return
