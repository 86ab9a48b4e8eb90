"""Errors the store raises: each one a single clear line a clinician can act on.

Kept free of SQLAlchemy so the command line can catch them without paying for the
database import. Every write is all-or-nothing: when one of these is raised, nothing
was changed.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base of every store error; `str()` is one line, safe to show (no passwords)."""

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


class ValidationError(StoreError):
    """The change would leave a record invalid; `errors` holds every problem found,
    each named by MRN and field path as the ward file's validator words it."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        n = len(self.errors)
        head = "invalid record" if n == 1 else f"{n} invalid records"
        super().__init__(f"{head}, nothing was changed: " + "; ".join(self.errors))


class NotFound(StoreError):
    """No such patient or record (or it was marked entered in error)."""


class RefillBlocked(StoreError):
    """The engine says refill is blocked on the refill date; a clinician's written override
    reason is needed to record it anyway. `reasons` holds the engine's reason codes."""

    def __init__(self, reasons: tuple[str, ...] | list[str], explanations: tuple[str, ...] | list[str] = ()):
        self.reasons = tuple(reasons)
        self.explanations = tuple(explanations)
        super().__init__(
            "refill is blocked (" + ", ".join(self.reasons) + "): "
            "record it only with an override reason of at least 10 characters"
        )
