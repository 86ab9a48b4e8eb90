"""Set-based loading: one query per table, rows as tuples, records assembled in Python.

The clinic has 10,000+ patients. Loading them through ORM objects (or one query per
patient) is what makes ward lists slow; seven plain queries and a dictionary grouping
keep it to well under a second. Rows marked entered in error are filtered out here, so
the engine and the UI never see them.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.engine import Connection

from itb_tui.clinical.records import Patient
from itb_tui.store import codec as c
from itb_tui.store import schema as s


def _patient_filter(ward: str | None = None, mrns: Iterable[str] | None = None, ids: Iterable[int] | None = None):
    """A WHERE clause on patients (None means every patient)."""
    if ids is not None:
        return s.patients.c.id.in_(list(ids))
    if mrns is not None:
        return s.patients.c.mrn.in_(list(mrns))
    if ward is not None:
        return s.patients.c.ward == ward
    return None


def load(conn: Connection, *, ward: str | None = None, mrns: Iterable[str] | None = None,
         ids: Iterable[int] | None = None) -> list[Patient]:
    """Patients (in MRN order) with all their live records, ids filled in."""
    # Building ~100,000 small immutable records triggers the cyclic garbage collector
    # dozens of times for nothing (records hold no cycles): pausing it halves the time.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _load(conn, ward=ward, mrns=mrns, ids=ids)
    finally:
        if paused:
            gc.enable()


def _load(conn: Connection, *, ward, mrns, ids) -> list[Patient]:
    where = _patient_filter(ward, mrns, ids)
    q = select(*c.PATIENT_COLS).order_by(s.patients.c.mrn)
    if where is not None:
        q = q.where(where)
    patient_rows = conn.execute(q).all()
    if not patient_rows:
        return []
    owned = None if where is None else select(s.patients.c.id).where(where).scalar_subquery()

    def children(table, cols, order=None):
        q = select(*cols).where(table.c.entered_in_error_at.is_(None)).order_by(table.c.id)
        if owned is not None:
            q = q.where(table.c.patient_id.in_(owned))
        return conn.execute(q).all()

    live_pumps = select(s.pumps.c.id).where(s.pumps.c.entered_in_error_at.is_(None))
    if owned is not None:
        live_pumps = live_pumps.where(s.pumps.c.patient_id.in_(owned))
    refill_rows = conn.execute(
        select(*c.REFILL_COLS)
        .where(s.refills.c.entered_in_error_at.is_(None), s.refills.c.pump_id.in_(live_pumps))
        .order_by(s.refills.c.id)
    ).all()
    refills_by_pump: dict[int, list] = defaultdict(list)
    for r in refill_rows:
        refills_by_pump[r[1]].append(c.refill_from_row(r))

    pumps = _group(children(s.pumps, c.PUMP_COLS),
                   lambda r: c.pump_from_row(r, tuple(refills_by_pump.get(r[0], ()))))
    cultures = _group(children(s.cultures, c.CULTURE_COLS), c.culture_from_row)
    courses = _group(children(s.antifungal_courses, c.COURSE_COLS), c.course_from_row)
    bridging = _group(children(s.bridging, c.BRIDGING_COLS), c.bridging_from_row)
    exams = _group(children(s.exams, c.EXAM_COLS), c.exam_from_row)

    empty: tuple = ()
    return [
        Patient(
            mrn=r[1], name=r[2], dob=r[3], ward=r[4], bed=r[5], weight_kg=r[6],
            symptoms_resolved_on=r[7], neutrophil_recovery_on=r[8],
            pumps=pumps.get(r[0], empty), cultures=cultures.get(r[0], empty),
            antifungals=courses.get(r[0], empty), bridging=bridging.get(r[0], empty),
            exams=exams.get(r[0], empty), id=r[0], row_version=r[9],
        )
        for r in patient_rows
    ]


def _group(rows, make) -> dict[int, tuple]:
    grouped: dict[int, list] = defaultdict(list)
    for r in rows:
        grouped[r[1]].append(make(r))
    return {k: tuple(v) for k, v in grouped.items()}


def load_in_error(conn: Connection) -> dict[tuple[int, str], list[Any]]:
    """Every record marked entered in error, keyed by (patient id, kind); refills by
    (pump id, "refill"). Such rows are rare, so all are read (no parameter lists that
    grow with the ward). The importer uses them so a re-import does not bring back what
    a clinician struck out."""
    out: dict[tuple[int, str], list[Any]] = defaultdict(list)
    specs = (
        ("pump", s.pumps, c.PUMP_COLS, lambda r: c.pump_from_row(r, ())),
        ("culture", s.cultures, c.CULTURE_COLS, c.culture_from_row),
        ("course", s.antifungal_courses, c.COURSE_COLS, c.course_from_row),
        ("bridging", s.bridging, c.BRIDGING_COLS, c.bridging_from_row),
        ("exam", s.exams, c.EXAM_COLS, c.exam_from_row),
        ("refill", s.refills, c.REFILL_COLS, c.refill_from_row),
    )
    for kind, table, cols, make in specs:
        rows = conn.execute(
            select(*cols).where(table.c.entered_in_error_at.is_not(None)).order_by(table.c.id)
        ).all()
        for r in rows:
            out[(r[1], kind)].append(make(r))
    return out
