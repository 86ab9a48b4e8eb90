"""The one place the app reads the clock, and the date words a clinician may type.

Clinical code never calls `date.today()`: it is handed `as_of`. The shells (CLI, TUI) read
today here, so `ITB_TUI_TODAY=2026-11-10` pins the whole app to one day for tests,
screenshots and planning a round ahead.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta

_HELP = "use YYYY-MM-DD, today, +3d or a weekday like 'next monday'"

_WEEKDAYS = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}
# Patterns compiled on first use (re caches them): most commands never parse a typed date.
_ISO = r"\d{4}-\d{2}-\d{2}"
_OFFSET = r"([+-])\s*(\d{1,4})\s*(d|days?|w|wks?|weeks?|m|mo|months?)"
_WEEKDAY = r"(?:(next|this|last)\s+)?([a-z]+)"


def today() -> date:
    """`$ITB_TUI_TODAY` (YYYY-MM-DD) when set, else the system date."""
    pinned = os.environ.get("ITB_TUI_TODAY")
    if pinned:
        try:
            return date.fromisoformat(pinned.strip())
        except ValueError:
            raise ValueError(f"ITB_TUI_TODAY={pinned[:40]!r} is not a date: use YYYY-MM-DD") from None
    return date.today()


def parse_user_date(text: str, today: date) -> date:
    """A date typed by a person, relative to `today`.

    Accepts `YYYY-MM-DD`, `today`, `tomorrow`, `yesterday`, offsets `+3d`, `-2d`, `+1w`,
    `+1m` (calendar months), and weekdays: `monday` or `next monday` is the first Monday
    after today, `this monday` is today if it is a Monday, `last monday` the latest one
    before today. Day-first or month-first numeric forms (03/04/2026) are refused: they
    mean different days in different hospitals.
    """
    raw = text if isinstance(text, str) else str(text)
    words = " ".join(raw.strip().lower().split())
    shown = raw.strip()[:40]
    if re.fullmatch(_ISO, words):
        try:
            return date.fromisoformat(words)
        except ValueError as exc:
            raise ValueError(f"invalid date {shown!r}: {exc}") from None
    if words == "today":
        return today
    if words == "tomorrow":
        return today + timedelta(days=1)
    if words == "yesterday":
        return today - timedelta(days=1)
    m = re.fullmatch(_OFFSET, words)
    if m:
        sign = 1 if m.group(1) == "+" else -1
        n = int(m.group(2)) * sign
        unit = m.group(3)
        try:
            if unit.startswith("d"):
                return today + timedelta(days=n)
            if unit.startswith("w"):
                return today + timedelta(weeks=n)
            from dateutil.relativedelta import relativedelta  # only months need it

            return today + relativedelta(months=n)
        except OverflowError:
            raise ValueError(f"invalid date {shown!r}: out of range") from None
    m = re.fullmatch(_WEEKDAY, words)
    if m and m.group(2) in _WEEKDAYS:
        which, target = m.group(1), _WEEKDAYS[m.group(2)]
        ahead = (target - today.weekday()) % 7
        if which == "last":
            return today - timedelta(days=(today.weekday() - target) % 7 or 7)
        if which == "this":
            return today + timedelta(days=ahead)
        return today + timedelta(days=ahead or 7)
    raise ValueError(f"invalid date {shown!r}: {_HELP}")
