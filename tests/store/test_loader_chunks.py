"""A ward read in MRN-range chunks (loader.mrn_chunks + load_dbapi(mrn_range=...)) is
the same patients, in the same order, with the same records as the one-piece read: the
chunked reports (cli/chunked.py) stand on this."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from itb_tui.demo import build_demo_ward
from itb_tui.store import loader, open_store

TODAY = date(2026, 11, 10)


@pytest.fixture(scope="module")
def cursor(tmp_path_factory):
    path = tmp_path_factory.mktemp("chunks") / "ward.db"
    store = open_store(f"sqlite:///{path}", today=TODAY)
    store.import_patients(build_demo_ward(TODAY, 90), "test", reason="chunk test")
    store.close()
    conn = sqlite3.connect(path)
    yield conn.cursor()
    conn.close()


@pytest.mark.parametrize("size", [1, 7, 45, 1000])
@pytest.mark.parametrize("as_of", [None, TODAY])
@pytest.mark.parametrize("ward", [None, "Neuro 4B"])
def test_chunks_read_the_one_piece_ward(cursor, size, as_of, ward):
    whole = loader.load_dbapi(cursor, "?", ward=ward, latest_refill_as_of=as_of)
    chunks = loader.mrn_chunks(cursor, "?", ward=ward, size=size)
    pieces = [loader.load_dbapi(cursor, "?", ward=ward, mrn_range=c, latest_refill_as_of=as_of) for c in chunks]
    assert [p for piece in pieces for p in piece] == whole
    assert all(0 < len(piece) <= size for piece in pieces)
    assert chunks[0][0] is None and chunks[-1][1] is None  # open at both ends
    assert all(a[1] == b[0] for a, b in zip(chunks, chunks[1:]))  # no gap, no overlap


def test_ranges_cover_mrns_added_after_the_cut(cursor):
    """A patient imported after the boundaries were read still falls in exactly one range."""
    chunks = loader.mrn_chunks(cursor, "?", size=10)
    for mrn in ("", "0", "ZZZZZZ", chunks[1][0], chunks[1][0] + "0"):
        inside = [c for c in chunks if (c[0] is None or c[0] <= mrn) and (c[1] is None or mrn < c[1])]
        assert len(inside) == 1, mrn


def test_no_patients_no_chunks(cursor):
    assert loader.mrn_chunks(cursor, "?", ward="No such ward", size=10) == []
