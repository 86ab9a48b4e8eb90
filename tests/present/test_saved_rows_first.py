"""The screenful of saved rows decoded before the list's first frame (issue 17, hazard
H98): it must be exactly the first rows of the urgency order of the WHOLE
ward, picked from every row's urgency key; the rest are decoded after, never dropped."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from itb_tui.present.saved_rows import SavedRows, decode_all, encode, saved_rows_from, urgent_first
from itb_tui.store.list_rows import SavedList
from itb_tui.ui.widgets.ward_rows import sort_rows

from test_saved_rows_codec import demo_rows_cached


def _ward(keys):
    """Saved rows for patients B000, B001, ... with the given (group, refill-by, ward)
    urgency parts (the ward name as its own key part, commas and quotes and all)."""
    base = demo_rows_cached()[1]
    rows = []
    for i, (group, refill_by, ward) in enumerate(keys):
        mrn = f"B{i:03d}"
        rows.append(replace(base, mrn=mrn, ward=ward, urgency=(group, refill_by, ward, "", mrn)))
    return rows


def _saved(rows):
    payloads = [encode(row) for row in rows]
    assert all(payloads)
    return SavedList([(i + 1, row.mrn, 1, p) for i, (row, p) in enumerate(zip(rows, payloads))], [])


def test_the_first_rows_are_the_most_urgent_of_the_whole_ward_not_the_first_read():
    # Read in MRN order; the most urgent (group 0) are the LAST patients read.
    rows = _ward([(3, 100, "A"), (2, 50, "A"), (3, 10, "A"), (0, 900, "B"), (0, 5, "B")])
    saved = saved_rows_from(_saved(rows), "k", None, first=2)
    assert saved.filling and saved.rows is None and saved.total == 5
    assert [row.mrn for row in saved.first] == ["B004", "B003"]  # group 0, earliest refill first
    assert saved.first == sort_rows(rows, "urgency")[:2]
    whole = saved.fill()
    assert whole == rows and saved.rows == rows and not saved.filling and saved.first is None
    assert saved.fill() == rows  # a second caller (another load) gets the same list


def test_a_ward_no_bigger_than_the_first_rows_is_decoded_whole_at_once():
    rows = _ward([(1, 1, "A"), (0, 1, "A")])
    saved = saved_rows_from(_saved(rows), "k", None, first=2)
    assert not saved.filling and saved.rows == rows and saved.first is None


def test_a_key_not_ending_with_its_mrn_is_decoded_whole_and_sorted_with_the_tie_breakers():
    """Equal urgency keys would need the ward sort's tie-breakers: never guessed, every
    row is decoded (as before) when a key does not end with its patient's MRN."""
    rows = _ward([(1, 1, "A"), (0, 1, "A"), (0, 1, "A")])
    rows[2] = replace(rows[2], urgency=rows[1].urgency)  # a tie (a damaged or odd key)
    assert urgent_first([r.mrn for r in rows], [encode(r) for r in rows], 1) is None
    saved = saved_rows_from(_saved(rows), "k", None, first=1)
    assert not saved.filling and saved.rows == rows


def test_a_damaged_row_outside_the_first_screenful_voids_every_saved_row_at_fill():
    rows = _ward([(0, 1, "A"), (1, 1, "A"), (2, 1, "A")])
    answer = _saved(rows)
    pid, mrn, version, payload = answer.patients[2]
    head, _sep, tail = payload.partition("\x1e")
    damaged = head.replace(",blocked,,1,0,", ",blocked,,x,0,", 1)
    assert damaged != head  # its "critical" count is no number: the row does not decode
    answer.patients[2] = (pid, mrn, version, damaged + "\x1e" + tail)
    saved = saved_rows_from(answer, "k", None, first=1)
    assert saved.filling and [r.mrn for r in saved.first] == ["B000"]
    assert saved.fill() is None and saved.rows is None and saved.held == {}


def test_a_row_whose_urgency_key_is_damaged_means_no_saved_row_at_all():
    rows = _ward([(0, 1, "A"), (1, 1, "A"), (2, 1, "A")])
    answer = _saved(rows)
    pid, mrn, version, payload = answer.patients[1]
    answer.patients[1] = (pid, mrn, version, payload.replace(",1,1,A,,B001,", ",one,1,A,,B001,", 1))
    assert ",one,1," in answer.patients[1][3]
    saved = saved_rows_from(answer, "k", None, first=1)
    assert saved.rows is None and saved.first is None and not saved.filling and saved.held == {}


names = st.text(max_size=12)  # commas, quotes, line breaks: the key read falls back to CSV


@settings(max_examples=150, deadline=None)
@given(keys=st.lists(st.tuples(st.integers(0, 3), st.integers(-5, 5), names), min_size=1, max_size=25),
       count=st.integers(1, 30))
def test_the_first_rows_are_always_the_head_of_the_whole_urgency_order(keys, count):
    rows = _ward(keys)
    payloads = [encode(row) for row in rows]
    if not all(payloads):
        return  # a text encode refuses (never saved, so never drawn)
    order = urgent_first([r.mrn for r in rows], payloads, count)
    assert [rows[i] for i in order] == sort_rows(decode_all(payloads), "urgency")[:count]


def test_saved_rows_without_first_are_as_before():
    rows = _ward([(1, 1, "A"), (0, 1, "A"), (2, 2, "B")])
    saved = saved_rows_from(_saved(rows), "k")
    assert isinstance(saved, SavedRows) and saved.rows == rows and not saved.filling
    assert saved.fill() == rows
