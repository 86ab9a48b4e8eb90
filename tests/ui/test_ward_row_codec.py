"""The saved form of a ward-list row (present/saved_rows.py): a row reads back
exactly as it was derived, or is not saved at all; the key moves with code, rules and date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

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


def test_the_key_moves_with_the_code_that_derives_rows(monkeypatch, tmp_path):
    import itb_tui.present.saved_rows as codec

    key = list_key(load_rules(), TODAY)
    fake = tmp_path / "itb_tui"
    for pattern in codec._ROW_SOURCES:
        for path in codec._PACKAGE.glob(pattern):
            target = fake / path.relative_to(codec._PACKAGE)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    monkeypatch.setattr(codec, "_PACKAGE", fake)
    codec.code_digest.cache_clear()
    try:
        assert list_key(load_rules(), TODAY) == key  # same sources, same key
        engine = fake / "clinical" / "engine.py"
        engine.write_text(engine.read_text() + "\n# a changed rule\n")
        codec.code_digest.cache_clear()
        assert list_key(load_rules(), TODAY) != key
    finally:
        monkeypatch.undo()
        codec.code_digest.cache_clear()


def test_damaged_cell_text_shows_as_unreadable_instead_of_breaking_the_list():
    row = demo_rows_cached()[0]
    head, _sep, _cells = encode(row).partition("\x1e")
    damaged = decode_all([head + "\x1e" + '"only,two'])[0]
    assert damaged.cells.unreadable and damaged != row
    assert damaged.cells[3].top == "‼ UNREADABLE"  # what the list draws until re-derived


def test_the_code_digest_covers_every_module_a_row_is_derived_with():
    """A module the rows depend on but the digest misses would let a new release show
    rows saved by the old one: every itb_tui module that deriving a row imports is in it."""
    import subprocess
    import sys

    import itb_tui.present.saved_rows as codec

    script = ("import sys; from itb_tui.ui.widgets import ward_rows; from itb_tui.clinical import engine, urgency; "
              "print('\\n'.join(m.__file__ for n, m in sys.modules.items() if n.startswith('itb_tui.') "
              "and getattr(m, '__file__', None)))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    covered = {p.resolve() for pattern in codec._ROW_SOURCES for p in codec._PACKAGE.glob(pattern)}
    used = {__import__("pathlib").Path(line).resolve() for line in out.stdout.split()}
    packages = {p for p in used if p.name == "__init__.py"}  # itb_tui/ui/__init__.py etc.: no code
    assert used - packages - covered == set()
