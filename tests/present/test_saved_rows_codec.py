"""The saved form of a ward-list row (present/saved_rows.py): a row reads back
exactly as it was derived, or is not saved at all; the key moves with code, rules and date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itb_tui.clinical.rules import load_rules
from itb_tui.demo import build_demo_ward
from itb_tui.present.saved_rows import decode_all, encode, list_key
from itb_tui.ui.widgets.ward_rows import Cell, WardRow, build_rows

TODAY = date(2026, 11, 25)


def demo_rows():
    return build_rows(build_demo_ward(TODAY), TODAY, load_rules())


def test_every_demo_row_reads_back_exactly_as_derived():
    rows = demo_rows()
    payloads = [encode(row) for row in rows]
    assert all(payloads)
    back = decode_all(payloads)
    assert back == rows
    assert [r.text() for r in back] == [r.text() for r in rows]  # what a user reads
    assert back[0].cells[1] == rows[0].cells[1] and len(back[0].cells) == len(rows[0].cells)


texts = st.text(max_size=30)  # any unicode, quotes, commas, newlines, NUL


@settings(max_examples=200, deadline=None)
@given(name=texts, ward=texts, bed=texts, top=texts, bottom=texts,
       days=st.none() | st.integers(-10**6, 10**6), critical=st.integers(0, 50))
def test_any_text_reads_back_unchanged_or_is_not_saved(name, ward, bed, top, bottom, days, critical):
    row = demo_rows_cached()[0]
    cells = (Cell(top, bottom, "critical"),) + tuple(row.cells[1:])
    odd = replace(row, name=name, ward=ward, bed=bed, days_to_refill=days, critical=critical, cells=cells)
    payload = encode(odd)
    if payload is not None:
        assert decode_all([payload]) == [odd]


_CACHE: list = []


def demo_rows_cached():
    if not _CACHE:
        _CACHE.extend(demo_rows())
    return _CACHE


def test_a_row_the_engine_could_not_assess_is_never_saved():
    row = demo_rows_cached()[0]
    assert encode(replace(row, status="error", urgency=())) is None


@pytest.mark.parametrize("garbage", ["", "a,b,c", '"unterminated', "x," * 41 + "x"])
def test_a_damaged_saved_row_is_refused_not_shown(garbage):
    with pytest.raises(ValueError):
        decode_all([garbage])


def test_the_key_moves_with_the_date_and_the_rules():
    rules = load_rules()
    key = list_key(rules, TODAY)
    assert list_key(rules, TODAY) == key
    assert list_key(rules, date(2026, 11, 26)) != key
    assert list_key(replace(rules, refill_due_days=rules.refill_due_days + 1), TODAY) != key


def test_the_same_table_read_from_another_path_gives_the_same_key(tmp_path):
    """Saved rows are reused by every install of the same table (the bench cache, a
    moved checkout): the key holds the table's values, not the file's path."""
    rules = load_rules()
    copy = tmp_path / "elsewhere" / "rules.toml"
    copy.parent.mkdir()
    copy.write_bytes(Path(rules.origin).read_bytes())
    moved = load_rules(copy)
    assert moved.origin != rules.origin
    assert list_key(moved, TODAY) == list_key(rules, TODAY)
    edited = tmp_path / "edited.toml"
    text = copy.read_text()
    marker = f'threshold = "refill_due_days"\nvalue = {rules.refill_due_days}\n'
    assert marker in text
    edited.write_text(text.replace(marker, f'threshold = "refill_due_days"\nvalue = {rules.refill_due_days + 1}\n'))
    assert list_key(load_rules(edited), TODAY) != list_key(rules, TODAY)


def test_the_key_names_the_presentation_and_the_rules_versions():
    import itb_tui.present.saved_rows as codec

    rules = load_rules()
    key = list_key(rules, TODAY)
    assert f".p{codec.PRESENTATION_VERSION}." in key and f".r{rules.version}." in key
    # no list of source files decides it: only the versions, the rules' values and the date
    assert not hasattr(codec, "_ROW_SOURCES")


# (PRESENTATION_VERSION, rules version) -> digest of every demo row's saved text on TODAY.
# (3, "2026.12-1"): rules revision 3 with the demo ward of D1001-D1027 (the rules version moved,
# so rows saved under 2026.11-1 are never reused; no presentation bump was needed).
# 4: the "Since review" cell and the review state (issue 16).
GOLDEN = {(3, "2026.11-1"): "14814c20d72554dc", (3, "2026.12-1"): "79820d608a660676",
          (4, "2026.12-1"): "e6039b7ca15584dd"}


def test_rows_only_change_with_a_new_presentation_or_rules_version():
    """The guard the file-digest key used to be: if what a row says or how it sorts
    changes (words, cells, urgency, the engine's output) under the same versions, rows
    saved by the old code would be shown at start. Bump PRESENTATION_VERSION (or the
    rules version) and record the new digest here."""
    import hashlib

    import itb_tui.present.saved_rows as codec

    digest = hashlib.sha256("\n".join(encode(row) for row in demo_rows()).encode()).hexdigest()[:16]
    versions = (codec.PRESENTATION_VERSION, load_rules().version)
    assert versions in GOLDEN, f"new versions {versions}: record GOLDEN[{versions}] = {digest!r}"
    assert GOLDEN[versions] == digest, (
        f"the rows changed under the same versions {versions}: bump PRESENTATION_VERSION in "
        f"itb_tui/present/saved_rows.py and record its digest {digest!r}")


def test_damaged_cell_text_shows_as_unreadable_instead_of_breaking_the_list():
    row = demo_rows_cached()[0]
    head, _sep, _cells = encode(row).partition("\x1e")
    damaged = decode_all([head + "\x1e" + '"only,two'])[0]
    assert damaged.cells.unreadable and damaged != row
    assert damaged.cells[3].top == "‼ UNREADABLE"  # what the list draws until re-derived


# --- a few void rows filled from the records (ui/saved_rows.py, issue 17) ----------------

class _Saved:  # the shape of store.list_rows.SavedList (this layer never imports the store)
    def __init__(self, patients, wards=()):
        self.patients, self.wards = patients, list(wards)


def _demo_payloads():
    rules, today = load_rules(), date(2026, 11, 25)
    ward = build_demo_ward(today)
    return [(i + 1, p.mrn, 1, encode(row)) for i, (p, row) in enumerate(zip(ward, build_rows(ward, today, rules)))]


def test_missing_from_names_a_few_void_rows_but_never_most_of_the_ward():
    from itb_tui.present.saved_rows import missing_from

    saved = _demo_payloads()
    assert missing_from(_Saved(saved), 500) is None  # nothing to fill
    one_void = [*saved[:1], (saved[1][0], saved[1][1], 2, None), *saved[2:]]
    assert missing_from(_Saved(one_void), 500) == [saved[1][1]]
    assert missing_from(_Saved(one_void), 0) is None  # above the limit: the load derives all
    most_void = [(pid, mrn, v, None if i <= len(saved) // 2 else p) for i, (pid, mrn, v, p) in enumerate(saved)]
    assert missing_from(_Saved(most_void), 500) is None
    assert missing_from(None, 500) is None


def test_filled_rows_complete_the_list_but_are_not_held_so_the_load_saves_them():
    from itb_tui.present.saved_rows import saved_rows_from

    saved = _demo_payloads()
    pid, mrn, _v, payload = saved[1]
    one_void = [*saved[:1], (pid, mrn, 2, None), *saved[2:]]
    without = saved_rows_from(_Saved(one_void), "k")
    assert without.rows is None  # not drawn from saved rows alone
    filled = saved_rows_from(_Saved(one_void), "k", {pid: payload})
    assert [row.mrn for row in filled.rows] == [m for _p, m, _v, _t in saved]
    assert pid not in filled.held and len(filled.held) == len(saved) - 1
