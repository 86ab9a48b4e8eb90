"""What a form says when its save was refused because someone else changed the patient
after the form was opened (the store's ConcurrentEdit).

Why its own words: the store's sentence is right but written for any caller; at the
bedside the nurse needs who, how long ago (a clock time in UTC alone means arithmetic)
and what to do next without losing what they typed: reload the patient inside the form
(their entries stay), look at the other change, then save again.
"""

from __future__ import annotations

from datetime import datetime, timezone

from itb_tui.store.errors import ConcurrentEdit

RELOAD_KEY = "ctrl+r"


def ago_text(then: datetime, now: datetime) -> str:
    """'just now', '1 minute ago', '3 hours ago', '2 days ago' (a clock a little ahead
    of the server's reads as 'just now', never as the future)."""
    if then.tzinfo is None:  # the store's times are UTC; a bare one is read as such
        then = then.replace(tzinfo=timezone.utc)
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return "just now"
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'' if n == 1 else 's'} ago"
    return "just now"  # pragma: no cover - the loop always returns for seconds >= 60


def conflict_text(error: ConcurrentEdit, now: datetime) -> str:
    """One line: who changed the patient and when, that nothing was saved, what to do."""
    who = error.changed_by or "another user"
    when = ""
    if error.changed_at is not None:
        when = f" {ago_text(error.changed_at, now)} ({error.changed_at:%Y-%m-%d %H:%M} UTC)"
    return (f"Not saved: {who} changed patient {error.mrn}{when}, after you opened this form. "
            f"Your entries are kept: press {RELOAD_KEY} to load their change, check it, then save again.")
