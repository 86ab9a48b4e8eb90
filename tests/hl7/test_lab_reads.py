"""The lab feed's reads for one message (store/lab_reads.py, issue 17): the patient as
the loader reads it and the reports on file, the same on every backend; on PostgreSQL in
one pipelined round trip once the loader's statements are known; a plan that no longer
matches the loader falls back to plain reads with the same answer."""

from __future__ import annotations

import pytest
from store_fixtures import fungemia_patient

from itb_tui.store import lab_reads, loader


@pytest.fixture(autouse=True)
def _fresh_plan():
    lab_reads._PLAN.clear()
    yield
    lab_reads._PLAN.clear()


def _both(store, mrn="A1001", accessions=("ACC1",)):
    with store._tx() as conn:
        expected = loader.load(conn, mrns=[mrn])
        got, on_file = lab_reads.message_context(conn, mrn, list(accessions))
    return expected, got, on_file


def test_the_patient_read_is_the_loaders_first_and_later(store):
    store.import_patients([fungemia_patient()], "tester")
    lab_reads._PLAN.clear()
    for _ in range(2):  # the first learns the loader's statements, the second replays them
        expected, got, on_file = _both(store)
        assert got == expected and got[0].cultures and on_file == {}


def test_an_unknown_mrn_reads_as_no_patient(store):
    store.import_patients([fungemia_patient()], "tester")
    _both(store)
    _, got, _ = _both(store, mrn="NOPE")
    assert got == []


def test_a_plan_that_no_longer_matches_falls_back_to_plain_reads(store):
    store.import_patients([fungemia_patient()], "tester")
    _both(store)
    for ph, plan in list(lab_reads._PLAN.items()):  # the loader's second read is not what it asks now
        lab_reads._PLAN[ph] = (plan[0], f"SELECT mrn FROM patients WHERE mrn IN ({ph})", *plan[2:])
    expected, got, _ = _both(store)
    assert got == expected


def test_postgresql_sends_the_reads_in_one_pipeline(store, monkeypatch):
    if store.dialect != "postgresql":
        pytest.skip("pipelining is PostgreSQL's")
    import psycopg

    store.import_patients([fungemia_patient()], "tester")
    _both(store)  # learn
    sent = {"plain": 0, "pipelines": 0}
    execute, pipeline = psycopg.Cursor.execute, psycopg.Connection.pipeline

    def counted_execute(cur, *a, **k):
        if cur.connection._pipeline is None:
            sent["plain"] += 1
        return execute(cur, *a, **k)

    def counted_pipeline(conn, *a, **k):
        sent["pipelines"] += 1
        return pipeline(conn, *a, **k)

    with store._tx() as conn:
        expected = loader.load(conn, mrns=["A1001"])
        monkeypatch.setattr(psycopg.Cursor, "execute", counted_execute)
        monkeypatch.setattr(psycopg.Connection, "pipeline", counted_pipeline)
        got, _ = lab_reads.message_context(conn, "A1001", ["ACC1"])
    assert got == expected
    assert sent == {"plain": 0, "pipelines": 1}
