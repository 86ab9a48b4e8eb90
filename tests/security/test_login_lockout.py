"""Failed-login delays and the idle lock, at their boundaries."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from itb_tui.security.lockout import IdleLock, delay_after_failures, is_locked

NOW = datetime(2026, 11, 10, 9, 0, tzinfo=timezone.utc)


def _s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("failures", "delay"),
    [(0, 0), (1, 0), (2, 0), (3, 0), (4, 2), (5, 4), (6, 8), (7, 16), (11, 256), (12, 300),
     (13, 300), (10_000, 300)],
)
def test_the_first_three_failures_are_free_then_the_wait_doubles_up_to_five_minutes(
    failures, delay
):
    assert delay_after_failures(failures) == delay


def test_a_negative_failure_count_is_an_error():
    with pytest.raises(ValueError, match="cannot be negative"):
        delay_after_failures(-1)


def test_no_failures_no_lock():
    assert is_locked([], NOW) == (False, 0)


def test_three_quick_typos_do_not_lock():
    assert is_locked([NOW - _s(3), NOW - _s(2), NOW - _s(1)], NOW) == (False, 0)


def test_the_fourth_failure_locks_for_two_seconds_counted_from_the_latest():
    failures = [NOW - _s(3), NOW - _s(2), NOW - _s(1), NOW]
    assert is_locked(failures, NOW) == (True, 2)
    assert is_locked(failures, NOW + _s(1.5)) == (True, 1)  # part seconds round up
    assert is_locked(failures, NOW + _s(1.999)) == (True, 1)
    assert is_locked(failures, NOW + _s(2)) == (False, 0)


def test_many_failures_lock_for_at_most_five_minutes():
    failures = [NOW - _s(i) for i in range(30)]
    assert is_locked(failures, NOW) == (True, 300)
    assert is_locked(failures, NOW + _s(299)) == (True, 1)
    assert is_locked(failures, NOW + _s(300)) == (False, 0)


def test_failures_older_than_the_window_are_forgotten():
    fifteen = timedelta(minutes=15)
    # Three failures just outside the 15-minute window plus one now: only one counts.
    assert is_locked([NOW - fifteen] * 3 + [NOW], NOW) == (False, 0)
    # The same three just inside the window: four count, so a 2-second wait.
    assert is_locked([NOW - fifteen + _s(1)] * 3 + [NOW], NOW) == (True, 2)
    # Ten failures ten seconds ago: 2**7 = 128 s from the latest, 118 s left.
    assert is_locked([NOW - _s(10)] * 10, NOW) == (True, 118)


def test_a_clock_set_back_never_lengthens_the_lock():
    future = [NOW + timedelta(hours=2)] * 4
    assert is_locked(future, NOW) == (True, 2)


def test_naive_times_are_taken_as_utc():
    naive_now = NOW.replace(tzinfo=None)
    failures = [naive_now] * 4
    assert is_locked(failures, NOW) == (True, 2)
    assert is_locked([NOW] * 4, naive_now) == (True, 2)
    other_zone = NOW.astimezone(timezone(timedelta(hours=2)))
    assert is_locked([other_zone] * 4, NOW) == (True, 2)


def test_the_screen_locks_at_ten_idle_minutes_not_before():
    lock = IdleLock()
    last = NOW
    assert not lock.is_idle(last, NOW + timedelta(minutes=10) - _s(0.001))
    assert lock.is_idle(last, NOW + timedelta(minutes=10))
    assert lock.is_idle(last, NOW + timedelta(hours=3))
    assert lock.seconds_until_lock(last, NOW) == 600
    assert lock.seconds_until_lock(last, NOW + _s(599.5)) == 1
    assert lock.seconds_until_lock(last, NOW + _s(700)) == 0


def test_the_idle_timeout_is_configurable():
    lock = IdleLock(timeout_s=120)
    assert not lock.is_idle(NOW, NOW + _s(119))
    assert lock.is_idle(NOW, NOW + _s(120))


@pytest.mark.parametrize("bad", [0, -5, 1.5, True, "600"])
def test_a_nonsense_idle_timeout_is_refused(bad):
    with pytest.raises(ValueError, match="idle timeout"):
        IdleLock(timeout_s=bad)
