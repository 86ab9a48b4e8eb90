"""Dates a clinician types (`--as-of next monday`) and the one place "today" is read."""

from __future__ import annotations

from datetime import date

import pytest

from itb_tui.dates import parse_user_date, today

TUESDAY = date(2026, 11, 10)  # a Tuesday


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-10", date(2026, 11, 10)),
        ("2027-01-05", date(2027, 1, 5)),
        ("today", TUESDAY),
        ("  Today ", TUESDAY),
        ("tomorrow", date(2026, 11, 11)),
        ("yesterday", date(2026, 11, 9)),
        ("+3d", date(2026, 11, 13)),
        ("-2d", date(2026, 11, 8)),
        ("+0d", TUESDAY),
        ("+1w", date(2026, 11, 17)),
        ("-2w", date(2026, 10, 27)),
        ("+10 days", date(2026, 11, 20)),
        ("+1m", date(2026, 12, 10)),
        ("next monday", date(2026, 11, 16)),
        ("monday", date(2026, 11, 16)),
        ("Next Monday", date(2026, 11, 16)),
        ("next tuesday", date(2026, 11, 17)),  # "next" never means today
        ("this tuesday", TUESDAY),
        ("this friday", date(2026, 11, 13)),
        ("fri", date(2026, 11, 13)),
        ("last monday", date(2026, 11, 9)),
        ("last tuesday", date(2026, 11, 3)),
        ("sunday", date(2026, 11, 15)),
    ],
)
def test_accepted_forms(text, expected):
    assert parse_user_date(text, TUESDAY) == expected


def test_a_month_ahead_from_the_31st_lands_on_the_last_day_of_a_short_month():
    assert parse_user_date("+1m", date(2026, 1, 31)) == date(2026, 2, 28)


def test_nonsense_gets_the_message_that_says_what_to_type():
    with pytest.raises(ValueError) as err:
        parse_user_date("foo", TUESDAY)
    assert str(err.value) == (
        "invalid date 'foo': use YYYY-MM-DD, today, +3d or a weekday like 'next monday'"
    )


@pytest.mark.parametrize("text", ["", "   ", "03/04/2026", "10.11.2026", "20261110", "next",
                                  "+3", "3d", "+3x", "next moonday", "2026-11-10T08:00"])
def test_ambiguous_or_unknown_forms_are_refused(text):
    with pytest.raises(ValueError, match="invalid date"):
        parse_user_date(text, TUESDAY)


def test_an_impossible_calendar_day_is_refused_with_the_reason():
    with pytest.raises(ValueError) as err:
        parse_user_date("2026-02-30", TUESDAY)
    assert "invalid date '2026-02-30'" in str(err.value)
    assert "day" in str(err.value)


def test_a_very_long_input_is_not_echoed_in_full():
    with pytest.raises(ValueError) as err:
        parse_user_date("x" * 10_000, TUESDAY)
    assert len(str(err.value)) < 200


def test_today_is_pinned_by_the_environment(monkeypatch):
    monkeypatch.setenv("ITB_TUI_TODAY", "2026-11-10")
    assert today() == TUESDAY


def test_today_without_the_environment_is_the_system_date(monkeypatch):
    monkeypatch.delenv("ITB_TUI_TODAY", raising=False)
    assert today() == date.today()


def test_a_malformed_pinned_today_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("ITB_TUI_TODAY", "10/11/2026")
    with pytest.raises(ValueError, match="ITB_TUI_TODAY"):
        today()
