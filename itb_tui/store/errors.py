"""Errors the store raises: each one a single clear line a clinician can act on.

Kept free of SQLAlchemy so the command line can catch them without paying for the
database import. Every write is all-or-nothing: when one of these is raised, nothing
was changed.
"""

from __future__ import annotations

from itb_tui.security import roles as _roles


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


class PermissionDenied(StoreError, _roles.PermissionDenied):
    """The signed-in user's roles do not allow this change (checked in the store before
    anything is written). Both a StoreError (one line, caught like every store refusal)
    and the security core's PermissionDenied; reads e.g. "nurse may not override a refill
    block: a clinician must"."""

    def __init__(self, roles, action: str):
        _roles.PermissionDenied.__init__(self, roles, action)


class ConcurrentEdit(StoreError):
    """Someone else changed the patient after the user's screen loaded it: the save is
    refused, never applied over their change. Says who and when, from the audit trail."""

    def __init__(self, mrn: str, expected: int, current: int, changed_by: str | None,
                 changed_at=None):
        self.mrn, self.expected, self.current = mrn, expected, current
        self.changed_by, self.changed_at = changed_by, changed_at
        who = changed_by or "another user"
        when = f" at {changed_at:%Y-%m-%d %H:%M} UTC" if changed_at is not None else ""
        super().__init__(f"{mrn} was changed by {who}{when} after you opened it: nothing was "
                         "saved; reload the patient to see that change, then save yours again")


class LoginFailed(StoreError):
    """A sign-in was refused. The message never says whether the user name exists."""


class LoginLocked(LoginFailed):
    """Too many failed sign-ins for this name: wait `seconds_left` seconds."""

    def __init__(self, seconds_left: int):
        self.seconds_left = int(seconds_left)
        super().__init__(f"too many failed sign-ins: try again in {self.seconds_left} seconds")


class UsersExist(StoreError):
    """The first admin account was asked for, but the store has a user now (another
    terminal was quicker): sign in instead."""


class AccountDisabled(StoreError):
    """The signed-in user's account was disabled (or removed) since they signed in."""


class BatchLost(StoreError):
    """A batch of laboratory messages failed as a whole (its commit, or the connection to
    the database: store/lab_batch.py): none of its `lost` messages is stored."""

    def __init__(self, message: str, lost: int) -> None:
        super().__init__(message)
        self.lost = lost
