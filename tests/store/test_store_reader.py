"""The fast read path of `itb-tui status`: the DB-API loader and the read-only reader give
exactly what the typed SQLAlchemy reads give, on SQLite and PostgreSQL, and the reader
steps aside (None) for any store it does not fully recognise."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from store_fixtures import TODAY, fungemia_patient, pump, quiet_patient

from itb_tui.clinical.records import AntifungalCourse, Bridging, Culture, Exam, Patient, Pump, Refill
from itb_tui.store import loader, open_store
from itb_tui.store.reader import open_reader


class _by_keyword:
    """Rows (columns in `loader.TABLE_COLUMNS` order, typed by SQLAlchemy) to records, by
    keyword through each class's __init__: the independent reference for the loader."""

    @staticmethod
    def pump_from_row(r, refills):
        return Pump(serial=r[2], manufacturer=r[3], model=r[4], reservoir_ml=r[5], alarm_ml=r[6],
                    implanted_on=r[7], removed_on=r[8], removal_reason=r[9], concentration_ug_ml=r[10],
                    daily_dose_ug=r[11], refills=refills, id=r[0])

    @staticmethod
    def refill_from_row(r):
        return Refill(on=r[2], volume_ml=r[3], programmer_alarm_on=r[4], override_reason=r[5], id=r[0])

    @staticmethod
    def culture_from_row(r):
        return Culture(specimen=r[2], drawn_on=r[3], result=r[4], organism=r[5],
                       susceptibility=json.loads(r[6]) if r[6] else {}, id=r[0])

    @staticmethod
    def course_from_row(r):
        return AntifungalCourse(drug=r[2], dose_mg=r[3], started_on=r[4], stopped_on=r[5],
                                planned_stop_on=r[6], id=r[0])

    @staticmethod
    def bridging_from_row(r):
        return Bridging(method=r[2], started_on=r[3], detail=r[4], id=r[0], stopped_on=r[5])

    @staticmethod
    def exam_from_row(r):
        return Exam(kind=r[2], on=r[3], finding=r[4], id=r[0])


def _typed_load(conn, where=None) -> list[Patient]:
    """The loader as it was: typed Core selects (DecimalText, Date) and each record built
    by keyword through its class (`_by_keyword`). The reference the DB-API loader, with
    its positional builders (`loader.RecordBuilders`), must match."""
    from collections import defaultdict

    from sqlalchemy import select

    from itb_tui.store import schema as s

    c = _by_keyword

    def cols(table):
        return [table.c[n] for n in loader.TABLE_COLUMNS[table.name]]

    q = select(*cols(s.patients)).order_by(s.patients.c.mrn)
    if where is not None:
        q = q.where(where)
    patients = conn.execute(q).all()
    owned = {r[0] for r in patients}

    def live(table):
        rows = conn.execute(select(*cols(table)).where(table.c.entered_in_error_at.is_(None))
                            .order_by(table.c.id)).all()
        return [r for r in rows if table is s.refills or r[1] in owned]

    refills = defaultdict(list)
    for r in live(s.refills):
        refills[r[1]].append(c.refill_from_row(r))
    grouped = defaultdict(lambda: defaultdict(list))
    makers = {"pumps": lambda r: c.pump_from_row(r, tuple(refills.get(r[0], ()))),
              "cultures": c.culture_from_row, "antifungals": c.course_from_row,
              "bridging": c.bridging_from_row, "exams": c.exam_from_row}
    tables = {"pumps": s.pumps, "cultures": s.cultures, "antifungals": s.antifungal_courses,
              "bridging": s.bridging, "exams": s.exams}
    for field, table in tables.items():
        for r in live(table):
            grouped[field][r[1]].append(makers[field](r))
    return [
        Patient(mrn=r[1], name=r[2], dob=r[3], ward=r[4], bed=r[5], weight_kg=r[6],
                symptoms_resolved_on=r[7], neutrophil_recovery_on=r[8], id=r[0], row_version=r[9],
                **{f: tuple(grouped[f].get(r[0], ())) for f in tables})
        for r in patients
    ]


def _ward() -> list[Patient]:
    """Every record kind, decimals of several scales, optional fields set and empty,
    non-ASCII text, a patient without ward."""
    a = fungemia_patient()
    a = replace(a, pumps=(pump(refills=(Refill(date(2026, 9, 1), Decimal("20.00"), None, "pump access ok"),
                                        Refill(date(2026, 10, 20), Decimal("19.5"), date(2026, 11, 18)))),
                          pump("NGP9", implanted_on=date(2020, 1, 1), removed_on=date(2023, 4, 30),
                               reservoir="40", alarm="2", conc="2000.0", dose="400")),
                exams=a.exams + (Exam("echocardiogram", date(2026, 11, 6), None),),
                cultures=a.cultures + (Culture("csf", date(2026, 11, 3), "pending"),),
                bridging=a.bridging + (Bridging("lumbar_drain", date(2026, 10, 28), "drain", stopped_on=date(2026, 11, 1)),))
    b = quiet_patient()
    c = Patient(mrn="C3003", name="Ünïcødé, Zoë", weight_kg=Decimal("70"))
    return [b, a, c, quiet_patient("D4004", "Roe, Dee", ward="Neuro 4B")]


@pytest.fixture
def filled(store):
    store.import_patients(_ward(), "tester")
    a = store.get_patient("A1001")
    # struck-out records must not come back, on either path
    store.mark_entered_in_error("culture", a.cultures[1].id, "wrong patient label", "tester")
    a = store.get_patient("A1001")
    store.mark_entered_in_error("refill", a.pumps[0].refills[0].id, "entered twice", "tester")
    store.mark_entered_in_error("pump", a.pumps[1].id, "another patient's pump", "tester")
    return store


def _same(got: list[Patient], want: list[Patient]) -> None:
    # repr shows Decimal scale and types, which == would not (Decimal("20") == Decimal("20.0"))
    assert repr(got) == repr(want)
    assert [p.row_version for p in got] == [p.row_version for p in want]


def test_the_dbapi_loader_reads_what_the_typed_queries_read(filled):
    from itb_tui.store import schema as s

    with filled.engine.connect() as conn:
        with conn.begin():
            everyone = loader.load(conn)
            _same(everyone, _typed_load(conn))
            _same(loader.load(conn, ward="Neuro 4B"), _typed_load(conn, s.patients.c.ward == "Neuro 4B"))
            _same(loader.load(conn, mrns=["C3003", "A1001"]),
                  _typed_load(conn, s.patients.c.mrn.in_(["C3003", "A1001"])))
            ids = [p.id for p in everyone[:2]]
            _same(loader.load(conn, ids=ids), _typed_load(conn, s.patients.c.id.in_(ids)))
            assert loader.load(conn, mrns=[]) == [] and loader.load(conn, ward="Nowhere") == []
    a = everyone[0]
    assert a.mrn == "A1001" and len(a.pumps) == 1 and len(a.pumps[0].refills) == 1
    assert str(a.pumps[0].refills[0].volume_ml) == "19.5" and len(a.cultures) == 2
    assert a.cultures[0].susceptibility == {"fluconazole": "R"}
    assert [b.stopped_on for b in a.bridging] == [None, date(2026, 11, 1)]  # schema 4's column is read
    assert a.cultures[0].susceptibility is not filled.load_patients()[0].cultures[0].susceptibility


def test_the_reader_gives_the_stores_reads(filled, store_url):
    reader = open_reader(store_url)
    assert reader is not None
    with reader:
        _same(reader.load_patients(), filled.load_patients())
        _same(reader.load_patients("Neuro 4B"), filled.load_patients("Neuro 4B"))
        _same([reader.get_patient("C3003")], [filled.get_patient("C3003")])
        assert reader.get_patient("NOPE") is None
        assert reader.wards() == filled.wards() == ["Neuro 4B", "Rehab 2"]
        assert reader.patient_count() == filled.patient_count() == 4


def test_the_reader_knows_the_schema_this_code_writes():
    """The version the fast reader accepts is the newest migration shipped: adding a
    migration without bumping versions.py would make `status` read an older layout."""
    import ast
    from pathlib import Path

    from itb_tui.store import reader, schema

    versions = Path(schema.__file__).parent / "migrations" / "versions"
    shipped = {}
    for path in versions.glob("*.py"):
        names = {t.id: n.value.value for n in ast.parse(path.read_text()).body
                 if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)
                 and isinstance(n.value, ast.Constant)}
        if "revision" in names:
            shipped[names["revision"]] = names.get("down_revision")
    heads = set(shipped) - set(shipped.values())
    assert heads == {reader.HEAD_REVISION} == {schema.HEAD_REVISION}
    assert reader.SCHEMA_VERSION == schema.REVISIONS[reader.HEAD_REVISION] == max(schema.REVISIONS.values())
    assert set(schema.REVISIONS) == set(shipped)


def test_the_reader_steps_aside_for_a_store_that_is_not_current(store_url, tmp_path):
    """New, older, newer: open_store decides (create, upgrade with backup, refuse)."""
    from sqlalchemy import create_engine, text

    if store_url.startswith("sqlite"):
        missing = tmp_path / "none" / "ward.db"
        assert open_reader(f"sqlite:///{missing}") is None
        assert not missing.exists()  # never created by a read
    else:
        assert open_reader(store_url) is None  # an empty schema: a new store
    open_store(store_url, today=TODAY).close()
    assert open_reader(store_url) is not None
    engine = create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE meta SET value = '99' WHERE key = 'schema_version'"))
    assert open_reader(store_url) is None
    with engine.begin() as conn:
        conn.execute(text("UPDATE meta SET value = '3' WHERE key = 'schema_version'"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert open_reader(store_url) is None
    engine.dispose()


def test_the_reader_steps_aside_for_another_programs_file(tmp_path):
    import sqlite3

    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    assert open_reader(f"sqlite:///{other}") is None
    not_sqlite = tmp_path / "text.db"
    not_sqlite.write_text("hello")
    assert open_reader(f"sqlite:///{not_sqlite}") is None
    assert not_sqlite.read_text() == "hello"


def test_a_read_failure_is_one_store_error_line(store_url, monkeypatch):
    from itb_tui.store import StoreError

    open_store(store_url, today=TODAY).close()
    reader = open_reader(store_url)

    def broken(cursor, placeholder, **_):
        cursor.execute("SELECT no_such_column FROM patients")

    monkeypatch.setattr(loader, "load_dbapi", broken)
    with pytest.raises(StoreError) as err:
        reader.load_patients()
    reader.close()
    assert "\n" not in str(err.value) and "no_such_column" in str(err.value)
    assert "itb_test:itb_test@" not in str(err.value)


def test_the_readers_export_read_is_the_stores(filled, store_url):
    """`itb-tui export` reads through the reader (no ORM): the same patients, whole
    history, MRN order, ward and MRN filters as `Store.load_for_export`."""
    reader = open_reader(store_url)
    assert reader is not None
    with reader:
        _same(reader.load_for_export(), filled.load_for_export())
        _same(reader.load_for_export(ward="Neuro 4B"), filled.load_for_export(ward="Neuro 4B"))
        _same(reader.load_for_export(mrns=["C3003", "A1001"]), filled.load_for_export(mrns=["C3003", "A1001"]))
        _same(reader.load_for_export("Rehab 2", ["C3003", "A1001", "D4004"]),
              filled.load_for_export("Rehab 2", ["C3003", "A1001", "D4004"]))
        # argv that is not UTF-8 (a lone surrogate) is not found, on either path
        assert reader.load_for_export(mrns=["A1001\udcff"]) == filled.load_for_export(mrns=["A1001\udcff"]) == []
        # the round sheet's disclosure is a write: only the Store does it
        with pytest.raises(ValueError, match="use the Store"):
            reader.load_for_export(purpose="round_sheet")
        assert len(reader.load_for_export()[0].pumps[0].refills) == 1  # struck-out refill stays out


def test_the_readers_audit_entries_are_the_stores_trail_of_those_tables(filled, store_url):
    """The FHIR export derives corrections and weight dates from the trail through the
    reader (no ORM): the entries must be exactly the Store's, times and images included."""
    from dataclasses import replace

    from itb_tui.clinical.records import Culture

    a = filled.get_patient("A1001")
    pending = next(c for c in a.cultures if c.result == "pending") if any(
        c.result == "pending" for c in a.cultures) else None
    if pending is None:
        filled.add_culture("A1001", Culture(specimen="blood", drawn_on=TODAY, result="pending"), "tester")
    filled.save_patient(replace(filled.get_patient("A1001"), weight_kg=filled.get_patient("A1001").weight_kg), "tester")
    want = [e for e in filled.audit_trail() if e.table in ("patients", "cultures")]
    reader = open_reader(store_url)
    with reader:
        got = reader.audit_entries(("patients", "cultures"))
        assert reader.audit_entries(()) == []
    assert want and got == want
    assert {e.table for e in got} == {"patients", "cultures"}


def test_the_readers_patient_reviews_are_the_stores(filled, store_url):
    """The round sheet's "changes since the last review" read without the ORM (issue 16
    item 4): the last review of each patient (a second review replaces the first), the
    entries since (not the review's own), times and images, exactly as the Store's."""
    summary = {"refill": "ok", "critical": [], "pump": None, "dose": None, "concentration": None}
    mrns = [p.mrn for p in filled.load_patients()]
    first, second = mrns[0], mrns[1]
    filled.mark_reviewed(first, summary, "os:nurse")
    filled.add_culture(first, Culture(specimen="blood", drawn_on=TODAY, result="positive",
                                      organism="Staphylococcus aureus"), "os:dr")
    filled.mark_reviewed(second, summary, "os:nurse")
    filled.mark_reviewed(second, {**summary, "refill": "blocked"}, "os:dr")
    want = filled.patient_reviews()
    reader = open_reader(store_url)
    with reader:
        got = reader.patient_reviews()
        one = reader.patient_reviews(first)
    assert got == want and set(got) == {first, second}
    assert one == filled.patient_reviews(first) == {first: want[first]}
    assert [e.table for e in got[first].events] == ["cultures"]
    assert got[second].reviewed_by == "os:dr" and got[second].events == ()
