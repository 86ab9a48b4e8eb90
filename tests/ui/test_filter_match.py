"""Which patient a typed search means (ui/filter_match.py): exact MRN, then exact name,
then the list's own order. A neighbour must never come first."""

from __future__ import annotations

import pytest

from itb_tui.ui.filter_match import exact_first, filter_target, match_rank

ROWS = [  # (mrn, name) in the order the list shows them
    ("D1020", "Testperson, Tove"),
    ("D102", "Testperson, Vera"),
    ("D1019", "Testperson, Sven"),
    ("D1030", "Svensson, Anna"),
]


@pytest.mark.parametrize(
    ("query", "rank"),
    [
        ("D102", 0), ("d102", 0), (" D102 ", 0),  # the MRN, any case or spacing
        ("Vera", 1), ("testperson, vera", 1), ("Vera Testperson", 1), ("TESTPERSON", 1),
        ("Ver", 2), ("D10", 2), ("", 2),
    ],
)
def test_match_rank(query, rank):
    assert match_rank(query, "D102", "Testperson, Vera") == rank


@pytest.mark.parametrize(
    ("query", "opened"),
    [
        ("D102", "D102"),  # the exact MRN, though D1020 is listed above it
        ("sven", "D1019"),  # the exact given name before "Svensson" (a partial match)
        ("D10", "D1020"),  # nothing exact: the top row as listed
    ],
)
def test_filter_target_prefers_exact_matches(query, opened):
    assert filter_target(query, ROWS, lambda row: row)[0] == opened


def test_filter_target_of_no_rows_is_nobody():
    assert filter_target("D1", [], lambda row: row) is None


def test_exact_first_keeps_the_order_within_each_group():
    rows = [("D2", "Svensson, Vera"), ("D3", "Testperson, Tove"), ("D1", "Testperson, Sven")]
    assert [m for m, _ in exact_first("Sven", rows, lambda row: row)] == ["D1", "D2", "D3"]
