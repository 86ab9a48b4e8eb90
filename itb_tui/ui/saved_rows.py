"""The UI's one read of the saved ward-list rows (the machinery is present/saved_rows.py).

Why here: the presentation layer never talks to a store (import contract), so the call and
its refusal live in the shell; a store that cannot answer just means no saved rows, and the
list's own load then says why.
"""

from __future__ import annotations

from datetime import date

from itb_tui.present.saved_rows import SavedRows, list_key, saved_rows_from
from itb_tui.store.errors import StoreError


def read_saved_rows(store, rules, as_of: date) -> SavedRows:
    """What the store holds for the list on `as_of` (see `saved_rows_from`)."""
    key = list_key(rules, as_of)
    try:
        saved = store.saved_list_rows(key)
    except StoreError:  # PermissionDenied included: the list's own load will say why
        saved = None
    return saved_rows_from(saved, key)
