"""Which patient a typed search means: exact identity matches before partial ones.

Why: a barcode scanner or a nurse types an MRN or a name and presses Enter. "D102"
is also the start of "D1020"..."D1029", and "Sven" is inside no other name but fuzzy
search finds "Vera" and "Tove" in it; the patient whose MRN or name IS what was typed
must come first, or Enter opens a neighbour: the wrong-patient hazard of patient lists.
Used by the ward list's filter (Enter) and the palette's patient search. No Textual.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence, TypeVar

T = TypeVar("T")


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def name_forms(name: str) -> set[str]:
    """'Testperson, Sven' is also typed 'Sven', 'Testperson' or 'Sven Testperson'."""
    folded = _fold(name)
    forms = {folded}
    if "," in name:
        surname, _, given = name.partition(",")
        surname, given = _fold(surname), _fold(given)
        forms |= {surname, given, f"{given} {surname}", f"{surname} {given}"}
    return {form for form in forms if form}


def match_rank(query: str, mrn: str, name: str) -> int:
    """0: the MRN is exactly the query; 1: the name (or its given name or surname) is;
    2: anything else. Case and spacing do not count."""
    typed = _fold(query)
    if not typed:
        return 2
    if typed == _fold(mrn):
        return 0
    if typed in name_forms(name):
        return 1
    return 2


def exact_first(query: str, items: Iterable[T], key: Callable[[T], tuple[str, str]]) -> list[T]:
    """`items` with exact MRN matches first, then exact name matches, then the rest; the
    order within each group is kept (a stable sort). `key(item)` gives (mrn, name)."""
    return sorted(items, key=lambda item: match_rank(query, *key(item)))


def filter_target(query: str, rows: Sequence[T], key: Callable[[T], tuple[str, str]]) -> T | None:
    """The row Enter in a filter opens: the exact MRN match, else the exact name match,
    else the first row as the list shows it; None when nothing matched."""
    if not rows:
        return None
    return min(rows, key=lambda row: match_rank(query, *key(row)))  # min keeps the first of equals
