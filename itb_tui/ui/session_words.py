"""How the app words a signed-in user and the idle-lock time: 'clinician, admin', '10 min'.

Apart from `app.py` so the lock screen, which the app opens, can use them without
importing the app (no import cycle).
"""

from __future__ import annotations

from collections.abc import Iterable

from itb_tui.security.roles import ROLES


def roles_text(roles: Iterable[str]) -> str:
    """'clinician, admin' in the role table's order."""
    given = set(roles)
    return ", ".join([r for r in ROLES if r in given] + sorted(given - set(ROLES))) or "no role"


def duration_text(seconds: int) -> str:
    """'10 min', '90 s', '1 h 30 min'."""
    if seconds % 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"
