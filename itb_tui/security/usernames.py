"""User names: one canonical form, so "Alice", " alice" and "ALICE" are one account.

The audit trail records who did what by name; two accounts that look alike on screen
would make it ambiguous, so names are restricted to letters, digits and . _ - (no spaces,
no look-alike punctuation) and compared case-insensitively.
"""

from __future__ import annotations

import re
import unicodedata

MAX_USERNAME_CHARS = 64
_ALLOWED = re.compile(r"[a-z0-9][a-z0-9._-]*")


def normalise_username(name: str) -> str:
    """The form stored and compared: NFKC, trimmed, case-folded."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def check_username(name: str) -> str | None:
    """None when `name` is a usable user name, else one sentence saying why not."""
    if not isinstance(name, str):
        return "The user name must be text."
    canonical = normalise_username(name)
    if not canonical:
        return "The user name must not be empty."
    if len(canonical) > MAX_USERNAME_CHARS:
        return f"The user name must be at most {MAX_USERNAME_CHARS} characters long."
    if not canonical.isascii() or not _ALLOWED.fullmatch(canonical):
        return (
            "The user name may use only letters a-z, digits and . _ - "
            "and must start with a letter or digit."
        )
    return None
