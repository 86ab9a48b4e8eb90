"""Failed-login throttling and the idle lock, as pure policy (the store keeps the times).

Why a growing delay and not a hard lock-out: a shared ward workstation must not let one
person's typos (or a malicious colleague) lock a nurse out of the pump list during a
round. The first three failures cost nothing; after that each failure doubles the wait
(2, 4, 8 ... seconds) up to 5 minutes, which makes guessing passwords hopeless while a
real user who remembers is back in within minutes. Failures older than the window (15
minutes) are forgotten; the store passes only failures since the user's last successful
login.

All times are datetimes in UTC; naive ones are taken as UTC (SQLite drops the zone).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

FREE_FAILURES = 3
MAX_DELAY_S = 300
WINDOW_S = 15 * 60
DEFAULT_IDLE_TIMEOUT_S = 10 * 60


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def delay_after_failures(failures_in_window: int) -> int:
    """Seconds to wait before the next attempt: 0 for up to 3 failures, then 2, 4, 8, ...
    doubling per failure, never more than 300."""
    if failures_in_window < 0:
        raise ValueError("the number of failed logins cannot be negative")
    extra = failures_in_window - FREE_FAILURES
    if extra <= 0:
        return 0
    # min(extra, 30): the cap applies long before, and the power never grows unbounded.
    return min(MAX_DELAY_S, 2 ** min(extra, 30))


def is_locked(
    failure_times: Iterable[datetime], now: datetime, *, window_s: int = WINDOW_S
) -> tuple[bool, int]:
    """(locked, whole seconds left) for a user with these failed-login times.

    Counts failures in the last `window_s` seconds; the wait runs from the latest of them.
    A failure time after `now` (a clock set back) counts as `now`, never as a longer lock.
    """
    now = _utc(now)
    since = now - timedelta(seconds=window_s)
    recent = [min(_utc(t), now) for t in failure_times]
    recent = [t for t in recent if t > since]
    if not recent:
        return (False, 0)
    unlock_at = max(recent) + timedelta(seconds=delay_after_failures(len(recent)))
    if now >= unlock_at:
        return (False, 0)
    return (True, math.ceil((unlock_at - now).total_seconds()))


@dataclass(frozen=True, slots=True)
class IdleLock:
    """The screen locks after `timeout_s` seconds without a key press or click (default
    10 minutes; a hospital may configure it). Exactly at the timeout it is locked."""

    timeout_s: int = DEFAULT_IDLE_TIMEOUT_S

    def __post_init__(self) -> None:
        if isinstance(self.timeout_s, bool) or not isinstance(self.timeout_s, int):
            raise ValueError("the idle timeout must be a whole number of seconds")
        if self.timeout_s <= 0:
            raise ValueError("the idle timeout must be at least 1 second")

    def is_idle(self, last_activity: datetime, now: datetime) -> bool:
        return (_utc(now) - _utc(last_activity)).total_seconds() >= self.timeout_s

    def seconds_until_lock(self, last_activity: datetime, now: datetime) -> int:
        """Whole seconds until the lock (0 when already due): when to check again."""
        left = self.timeout_s - (_utc(now) - _utc(last_activity)).total_seconds()
        return max(0, math.ceil(left))
