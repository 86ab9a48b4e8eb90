"""The one rule for a reason the store keeps (a correction, an explant, entered in error,
a task deferral): its own module so every store module can use it without an import cycle
(store.py imports deferrals.py)."""

from __future__ import annotations

from itb_tui.store.errors import StoreError


def required_text(value: str | None, what: str) -> str:
    """A reason kept in the record and the audit trail: whitespace runs become one space;
    empty, over-long (FREE_TEXT_MAX) or holding control characters is refused, so a
    caller that skipped the form's checks cannot store what the form would refuse."""
    from itb_tui.wardfile.fields import check_text
    from itb_tui.wardfile.limits import FREE_TEXT_MAX

    text = " ".join(str(value or "").split())
    if not text:
        raise StoreError(f"{what} is required")
    problem = check_text(text, limit=FREE_TEXT_MAX, required=True)
    if problem:
        raise StoreError(f"{what} {problem}; nothing was changed")
    return text
