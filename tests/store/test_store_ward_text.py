"""The ward file's text written straight from the rows (store/ward_text.py, what a big
ward's `export --format ward-json` writes) is byte for byte the text of the loaded records
(`dump_text.patients_text(loader.load_dbapi(...))`), and refuses what the records path
refuses: a user exporting the ward gets the same file either way, and a damaged stored
value is never written out as if it were a record.

The store is the demo ward with awkward rows put in by SQL: text that JSON must escape,
an override reason, a refill and a culture entered in error, a pump with no refills, a
quantity stored by another program as a number, a susceptibility panel."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date

import pytest

from itb_tui.demo import build_demo_ward
from itb_tui.store import loader, open_store
from itb_tui.store.ward_text import ward_file_text
from itb_tui.wardfile.dump_text import patients_text

TODAY = date(2026, 11, 10)

AWKWARD = [
    # text JSON escapes, and characters it does not
    "UPDATE patients SET name = 'Quote \"Q\" \\ back' || char(10) || 'slash ✓ ünï' WHERE id = 1",
    "UPDATE patients SET ward = NULL, bed = NULL, weight_kg = NULL WHERE id = 2",
    "UPDATE refills SET override_reason = 'given anyway: \"tab\"' || char(9) || 'end' WHERE id IN (1, 5)",
    "UPDATE refills SET programmer_alarm_on = NULL WHERE id IN (2, 3)",
    "UPDATE refills SET volume_ml = '20.50' WHERE id = 8",  # the digits as stored
    "UPDATE refills SET volume_ml = 2.0 WHERE id = 6",  # a number from another program
    "UPDATE pumps SET reservoir_ml = 40 WHERE id = 1",
    "UPDATE refills SET entered_in_error_at = '2026-11-01 10:00:00' WHERE id = 7",
    "UPDATE cultures SET entered_in_error_at = '2026-11-01 10:00:00' WHERE id = 1",
    "UPDATE cultures SET susceptibility = '{\"fluconazole\": \"R\", \"micafungin\": \"S\"}' WHERE id = 2",
    "UPDATE cultures SET organism = 'Candida \"x\" <auris>' WHERE id = 3",
    "DELETE FROM refills WHERE pump_id = 2",
]


@pytest.fixture(scope="module")
def ward_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("ward_text") / "ward.db"
    store = open_store(f"sqlite:///{path}", today=TODAY)
    store.import_patients(build_demo_ward(TODAY, 60), "test", reason="ward text test")
    store.close()
    conn = sqlite3.connect(path)
    for statement in AWKWARD:
        conn.execute(statement)
    conn.commit()
    conn.close()
    return path


def _both(cursor, **where):
    records = patients_text(loader.load_dbapi(cursor, "?", **where))
    count, text = ward_file_text(cursor, "?", **where)
    return records, text, count


@pytest.mark.parametrize("ward", [None, "Neuro 4B"])
@pytest.mark.parametrize("size", [1, 7, 1000])
def test_rows_text_is_the_records_text(ward_db, ward, size):
    conn = sqlite3.connect(ward_db)
    cursor = conn.cursor()
    try:
        chunks = loader.mrn_chunks(cursor, "?", ward=ward, size=size)
        assert chunks
        parsed = loader.ParseCache()  # shared over the chunks, as a ReadSnapshot shares it
        total = 0
        for chunk in chunks:
            records = patients_text(loader.load_dbapi(cursor, "?", ward=ward, mrn_range=chunk))
            count, text = ward_file_text(cursor, "?", ward=ward, mrn_range=chunk, parsed=parsed)
            assert text == records, chunk
            total += count
        assert total == len(loader.load_dbapi(cursor, "?", ward=ward))
        records, text, count = _both(cursor, ward=ward)
        assert text == records and count == total
    finally:
        conn.close()


def test_the_awkward_rows_are_in_the_file(ward_db):
    conn = sqlite3.connect(ward_db)
    try:
        _records, text, _count = _both(conn.cursor())
    finally:
        conn.close()
    assert '"override_reason": "given anyway: \\"tab\\"\\tend"' in text
    assert '"name": "Quote \\"Q\\" \\\\ back\\nslash ✓ ünï"' in text
    assert '"fluconazole": "R"' in text
    assert '"volume_ml": 20.50,' in text and '"volume_ml": 2.0,' in text


def test_nobody_is_no_text(ward_db):
    conn = sqlite3.connect(ward_db)
    try:
        assert ward_file_text(conn.cursor(), "?", ward="No such ward") == (0, "")
        assert ward_file_text(conn.cursor(), "?", mrn_range=("ZZZZ", None)) == (0, "")
    finally:
        conn.close()


@pytest.mark.parametrize("damage", [
    "UPDATE refills SET refilled_on = '2026-02-30' WHERE id = 9",  # no such day
    "UPDATE refills SET volume_ml = 'NaN' WHERE id = 9",  # not a JSON number
    "UPDATE refills SET volume_ml = 'lots' WHERE id = 9",  # not a number at all
    "UPDATE cultures SET drawn_on = 'yesterday' WHERE id = 4",
    "UPDATE pumps SET alarm_ml = 'Infinity' WHERE id = 3",
])
def test_a_damaged_value_is_refused_as_the_records_path_refuses_it(ward_db, tmp_path, damage):
    path = tmp_path / "damaged.db"
    shutil.copy(ward_db, path)
    conn = sqlite3.connect(path)
    try:
        conn.execute(damage)
        conn.commit()
        cursor = conn.cursor()
        with pytest.raises(Exception) as by_records:
            patients_text(loader.load_dbapi(cursor, "?"))
        with pytest.raises(Exception) as by_rows:
            ward_file_text(cursor, "?")
        assert (type(by_rows.value), str(by_rows.value)) == (type(by_records.value), str(by_records.value))
    finally:
        conn.close()
