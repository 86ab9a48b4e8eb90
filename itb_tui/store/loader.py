"""Set-based loading: one query per table, rows as plain DB-API tuples, records assembled
in Python.

The clinic has 10,000+ patients (~300,000 rows). Loading them through ORM objects (or one
query per patient) is what makes ward lists slow; seven plain queries and a dictionary
grouping keep it fast. Rows marked entered in error are filtered out here, so the engine
and the UI never see them.

Why raw cursor tuples rather than `conn.execute(select(...)).all()`: SQLAlchemy's result
rows and its per-value type processing (the `DecimalText` type decorator, the SQLite
date parser) cost more than reading the rows themselves, and a ward repeats the same few
thousand dates and the same few quantities over and over. Here every distinct date text
and decimal text is parsed once (`_Parsed`), and the records are built positionally.
The SQL is the same plain SELECT on SQLite and PostgreSQL (PostgreSQL hands back `date`
objects already; `_Parsed` passes them through), and this module imports no SQLAlchemy,
so `itb-tui status` does not pay for the ORM. `tests/store/test_store_loader.py` proves
it reads exactly what the typed Core queries read.

One narrower load exists, for `itb-tui status` only (`latest_refill_as_of`): each pump
carries just its latest live refill on or before a date instead of its whole history
(~20 refills a pump, two thirds of all rows). The engine reads refills only through
`clinical.reservoir.last_refill`, so its answer on that date is the same; anything that
shows, edits or exports the refill history must load it whole (the default).
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator

from itb_tui.clinical.records import (
    AntifungalCourse,
    Bridging,
    Culture,
    Exam,
    Patient,
    Pump,
    Refill,
)
from itb_tui.perf import gc_tuning

# Columns read for each record, in the order `RecordBuilders` (the store's one row ->
# record mapping) expects; row[1] of a child is its parent's id.
PATIENT_COLUMNS = ("id", "mrn", "name", "dob", "ward", "bed", "weight_kg", "symptoms_resolved_on",
                   "neutrophil_recovery_on", "row_version")
PUMP_COLUMNS = ("id", "patient_id", "serial", "manufacturer", "model", "reservoir_ml", "alarm_ml",
                "implanted_on", "removed_on", "removal_reason", "concentration_ug_ml", "daily_dose_ug")
REFILL_COLUMNS = ("id", "pump_id", "refilled_on", "volume_ml", "programmer_alarm_on", "override_reason")
CULTURE_COLUMNS = ("id", "patient_id", "specimen", "drawn_on", "result", "organism", "susceptibility")
COURSE_COLUMNS = ("id", "patient_id", "drug", "dose_mg", "started_on", "stopped_on", "planned_stop_on")
BRIDGING_COLUMNS = ("id", "patient_id", "method", "started_on", "detail", "stopped_on")
EXAM_COLUMNS = ("id", "patient_id", "kind", "exam_on", "finding")

# table -> the columns read from it (the in-error reader and the tests use this too)
TABLE_COLUMNS = {
    "patients": PATIENT_COLUMNS, "pumps": PUMP_COLUMNS, "refills": REFILL_COLUMNS,
    "cultures": CULTURE_COLUMNS, "antifungal_courses": COURSE_COLUMNS, "bridging": BRIDGING_COLUMNS,
    "exams": EXAM_COLUMNS,
}


class _Parsed(dict):
    """Raw column value -> parsed value, each distinct value parsed once. Hits are a plain
    dict lookup; the values (dates, Decimals) are immutable, so sharing them is safe."""

    def __init__(self, parse: Callable[[Any], Any]):
        super().__init__()
        self[None] = None
        self._parse = parse

    def __missing__(self, raw):
        value = self[raw] = self._parse(raw)
        return value


def _parse_date(raw) -> date:
    # SQLite keeps a Date as 'YYYY-MM-DD' text; PostgreSQL drivers return a date already.
    return raw if isinstance(raw, date) else date.fromisoformat(raw)


def _date_param(cursor, day: date):
    """A date as a query parameter: SQLite compares the stored 'YYYY-MM-DD' text (which
    sorts as the dates do), PostgreSQL a real date."""
    import sqlite3

    return day.isoformat() if isinstance(cursor, sqlite3.Cursor) else day


def _parse_decimal(raw) -> Decimal:
    # DecimalText keeps the exact string ("20" stays 20, "2.0" stays 2.0).
    return Decimal(raw)


class ParseCache:
    """The parsed dates, decimals and susceptibility panels of one load; the chunks of one
    transaction share one (`reader.ReadSnapshot`), so a date repeated across chunks is
    parsed once, as in a one-piece load."""
    __slots__ = ("d", "n", "susceptibility")

    def __init__(self):
        self.d = _Parsed(_parse_date)
        self.n = _Parsed(_parse_decimal)
        self.susceptibility: dict[str, dict] = {}


class _Reader:
    """One load: the SQL text for the chosen patients and the row -> record builders."""

    def __init__(self, cursor, placeholder: str, *, ward=None, mrns=None, ids=None,
                 mrn_range: "MrnRange | None" = None, parsed: "ParseCache | None" = None):
        self.cursor = cursor
        self.placeholder = placeholder
        parsed = parsed or ParseCache()
        self.d, self.n, self.susceptibility = parsed.d, parsed.n, parsed.susceptibility
        self.params: list = []
        if ids is not None:
            ids = list(ids)
            self.where = f"id IN ({', '.join([placeholder] * len(ids))})"
            self.params = ids
        elif mrns is not None:
            mrns = list(mrns)
            self.where = f"mrn IN ({', '.join([placeholder] * len(mrns))})"
            self.params = mrns
        else:
            where, self.params = _ward_and_range(placeholder, ward, mrn_range)
            self.where = where or None
        self.empty = self.where is not None and not self.params
        # A chunk's child rows come in parent order (a walk of the parent-id index, no
        # sort: "ORDER BY id" made SQLite sort each chunk's rows in a temporary B-tree,
        # +0.14 s over the ten chunks of 10,000 patients). Records are grouped per parent
        # in row order, and within a parent both orders are by id: the same records.
        self.by_parent = mrn_range is not None

    def rows(self, sql: str) -> list[tuple]:
        self.cursor.execute(sql, tuple(self.params)) if self.params else self.cursor.execute(sql)
        return self.cursor.fetchall()

    def _owned(self, column: str = "patient_id") -> str:
        if self.where is None:
            return ""
        return f" AND {column} IN (SELECT id FROM patients WHERE {self.where})"

    def children(self, table: str) -> list[tuple]:
        cols = ", ".join(TABLE_COLUMNS[table])
        order = "patient_id, id" if self.by_parent else "id"
        return self.rows(f"SELECT {cols} FROM {table} WHERE entered_in_error_at IS NULL"
                         f"{self._owned()} ORDER BY {order}")

    def patients(self) -> list[tuple]:
        where = f" WHERE {self.where}" if self.where else ""
        return self.rows(f"SELECT {', '.join(PATIENT_COLUMNS)} FROM patients{where} ORDER BY mrn")

    def refills(self, columns: tuple[str, ...] = REFILL_COLUMNS) -> list[tuple]:
        """The live refills of live pumps; `columns` (default REFILL_COLUMNS, what the
        records are built from): the ward file's writer reads all but the id."""
        live_pumps = f"SELECT id FROM pumps WHERE entered_in_error_at IS NULL{self._owned()}"
        return self.rows(f"SELECT {', '.join(columns)} FROM refills "
                         f"WHERE entered_in_error_at IS NULL AND pump_id IN ({live_pumps})"
                         f" ORDER BY {'pump_id, id' if self.by_parent else 'id'}")

    def latest_refills(self, as_of: date) -> list[tuple]:
        """Per live pump, its one live refill that `clinical.reservoir.last_refill` picks on
        `as_of`: the latest date on or before it, and of refills on that same date the one
        entered last (highest id: the full load lists them by id and last_refill keeps the
        last). A correlated subquery per pump reads one entry of the (pump_id, refilled_on)
        index (schema 3; before it, walking the pump_id index took 0.12 s at 10,000
        patients, and a window function sorting every refill 0.45 s)."""
        ph = self.placeholder
        sql = (f"SELECT {', '.join(REFILL_COLUMNS)} FROM refills WHERE id IN ("
               f"SELECT (SELECT r.id FROM refills r WHERE r.pump_id = p.id"
               f" AND r.entered_in_error_at IS NULL AND r.refilled_on <= {ph}"
               f" ORDER BY r.refilled_on DESC, r.id DESC LIMIT 1)"
               f" FROM pumps p WHERE p.entered_in_error_at IS NULL{self._owned()}) ORDER BY id")
        self.cursor.execute(sql, (_date_param(self.cursor, as_of), *self.params))
        return self.cursor.fetchall()

    def susceptibility_of(self, text: str | None) -> dict[str, str]:
        """Parsed once per distinct panel text; each culture gets its own copy (no two
        records share a mutable dict)."""
        if not text:
            return {}
        parsed = self.susceptibility.get(text)
        if parsed is None:
            import json

            parsed = self.susceptibility[text] = json.loads(text)
        return dict(parsed)


# A half-open range of MRNs, [first, before): None is open on that side. Shares and
# chunks of a ward are such ranges, so together they hold every patient exactly once
# whatever was inserted since the boundaries were read (see `mrn_chunks`).
MrnRange = tuple["str | None", "str | None"]


def _ward_and_range(placeholder: str, ward: str | None, mrn_range: MrnRange | None) -> tuple[str, list]:
    """The WHERE text (without WHERE) and parameters of a ward and/or an MRN range."""
    terms: list[str] = []
    params: list = []
    if ward is not None:
        terms.append(f"ward = {placeholder}")
        params.append(ward)
    first, before = mrn_range if mrn_range is not None else (None, None)
    if first is not None:
        terms.append(f"mrn >= {placeholder}")
        params.append(first)
    if before is not None:
        terms.append(f"mrn < {placeholder}")
        params.append(before)
    return " AND ".join(terms), params


def mrn_chunks(cursor, placeholder: str, *, ward: str | None = None, mrn_range: MrnRange | None = None,
               size: int) -> list[MrnRange]:
    """The patients of `ward` within `mrn_range`, cut into consecutive MRN ranges of at
    most `size` patients each (read now), covering the whole of `mrn_range`: the first
    range starts where it starts and the last ends where it ends, so a patient added
    after this read still falls in exactly one range. [] when there is nobody.

    Why ranges of MRNs: the report is in MRN order (SQLite's BINARY order of the
    `mrn` index, the code-point order Python sorts by), so chunks read in range order
    come out in report order, and each is one indexed range scan."""
    where, params = _ward_and_range(placeholder, ward, mrn_range)
    sql = "SELECT mrn FROM patients" + (f" WHERE {where}" if where else "") + " ORDER BY mrn"
    cursor.execute(sql, tuple(params)) if params else cursor.execute(sql)
    mrns = [r[0] for r in cursor.fetchall()]
    if not mrns:
        return []
    first, before = mrn_range if mrn_range is not None else (None, None)
    starts = [first] + mrns[size::size]
    return list(zip(starts, starts[1:] + [before]))


def encodable(mrn: str) -> bool:
    """Text the database driver can encode (argv bytes that are not UTF-8 arrive as lone
    surrogates, which it cannot): an MRN that is not is looked up as not found."""
    try:
        str(mrn).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def load(conn, *, ward: str | None = None, mrns: Iterable[str] | None = None,
         ids: Iterable[int] | None = None) -> list[Patient]:
    """Patients (in MRN order) with all their live records, ids filled in; `conn` is a
    SQLAlchemy Connection inside the caller's transaction (its DB-API cursor is used, so
    the reads share that transaction's snapshot)."""
    with dbapi_cursor(conn) as (cursor, placeholder):
        return load_dbapi(cursor, placeholder, ward=ward, mrns=mrns, ids=ids)


@contextmanager
def dbapi_cursor(conn) -> Iterator[tuple[Any, str]]:
    """The DB-API cursor of a SQLAlchemy Connection (inside its transaction, so plain-SQL
    reads and writes share its snapshot and locks) and its parameter marker; closed after."""
    cursor = conn.connection.cursor()
    try:
        yield cursor, placeholder_for(conn.dialect.paramstyle)
    finally:
        cursor.close()


def placeholder_for(paramstyle: str) -> str:
    """The positional parameter marker of a DB-API paramstyle (sqlite3: qmark; psycopg:
    pyformat, which also takes %s)."""
    if paramstyle == "qmark":
        return "?"
    if paramstyle in ("format", "pyformat"):
        return "%s"
    raise ValueError(f"unsupported DB-API paramstyle {paramstyle!r}")


def load_dbapi(cursor, placeholder: str, *, ward: str | None = None, mrns: Iterable[str] | None = None,
               ids: Iterable[int] | None = None, latest_refill_as_of: date | None = None,
               mrn_range: MrnRange | None = None, parsed: ParseCache | None = None) -> list[Patient]:
    """`load` on a DB-API cursor (the caller holds the transaction).

    `latest_refill_as_of`: None (the default) loads every live refill; a date loads, per
    pump, only the refill the engine uses on that date (see the module docstring): for
    assessing on exactly that date, never for showing or exporting the history.
    `mrn_range`: only the patients (of `ward`, if given) in that half-open MRN range (a
    chunk of `mrn_chunks`)."""
    # Building ~300,000 small immutable records triggers the cyclic garbage collector
    # dozens of times for nothing (records hold no cycles): pausing it halves the time.
    was_enabled = gc_tuning.pause()
    try:
        return _load(_Reader(cursor, placeholder, ward=ward, mrns=mrns, ids=ids, mrn_range=mrn_range,
                             parsed=parsed), latest_refill_as_of)
    finally:
        gc_tuning.resume(was_enabled)


def _positional_builder(cls):
    """`cls(every field, in order)` for a frozen, slotted record class, about twice as fast
    as calling the class: a frozen dataclass's `__init__` sets each field through
    `object.__setattr__` (~1.2 us for a six-field record), this sets the slots directly
    (~0.6 us). At 10,000 patients the loader builds ~120,000 records (~300,000 with the
    refill history), so it is worth the few lines; the store tests compare every loaded
    record with one built by the class.

    Every field is a required argument (a field added to the class and not here is a
    TypeError, never a silently missing value), and a class with checks in
    `__post_init__` or without slots is refused: those must go through `__init__`."""
    import dataclasses

    if "__post_init__" in vars(cls) or "__slots__" not in vars(cls) or not cls.__dataclass_params__.frozen:
        raise TypeError(f"{cls.__name__} must be built through its __init__")
    names = [f.name for f in dataclasses.fields(cls)]
    lines = [f"def build({', '.join(names)}):", "    record = new(cls)"]
    lines += [f"    set_{name}(record, {name})" for name in names]
    lines.append("    return record")
    namespace = {"new": object.__new__, "cls": cls}
    namespace.update({f"set_{name}": vars(cls)[name].__set__ for name in names})
    exec("\n".join(lines), namespace)  # the same technique `dataclasses` uses for __init__
    return namespace["build"]


_patient = _positional_builder(Patient)
_pump = _positional_builder(Pump)
_refill = _positional_builder(Refill)
_culture = _positional_builder(Culture)
_course = _positional_builder(AntifungalCourse)
_bridging = _positional_builder(Bridging)
_exam = _positional_builder(Exam)


class RecordBuilders:
    """The store's one row -> record mapping: a row (columns in `TABLE_COLUMNS` order) to
    its clinical record, for the ward load and for the records entered in error alike.

    `d` and `n` turn a raw date or decimal column into its value, each distinct one parsed
    once (`_Parsed`); `susceptibility` the panel text into its dict. Each builder is a
    closure over them (the hot loops call it directly: no lookups per row). Refills are
    added first (`add_refills`), then each pump built takes its own.
    """

    def __init__(self, d, n, susceptibility):
        refills_by_pump: dict[int, list] = defaultdict(list)
        no_refills: tuple = ()
        empty: tuple = ()
        self.refills_by_pump = refills_by_pump

        def add_refills(rows) -> None:
            for r in rows:
                refills_by_pump[r[1]].append(_refill(d[r[2]], n[r[3]], d[r[4]], r[5], r[0]))

        def pump(r) -> Pump:
            return _pump(r[2], r[3], r[4], n[r[5]], n[r[6]], d[r[7]], d[r[8]], r[9], n[r[10]], n[r[11]],
                         tuple(refills_by_pump.get(r[0], no_refills)), r[0])

        def culture(r) -> Culture:
            return _culture(r[2], d[r[3]], r[4], r[5], susceptibility(r[6]), r[0])

        def course(r) -> AntifungalCourse:
            return _course(r[2], n[r[3]], d[r[4]], d[r[5]], d[r[6]], r[0])

        def bridging(r) -> Bridging:
            return _bridging(r[2], d[r[3]], r[4], r[0], d[r[5]])

        def exam(r) -> Exam:
            return _exam(r[2], d[r[3]], r[4], r[0])

        def patient(r, children) -> Patient:
            pumps, cultures, courses, bridgings, exams = children
            return _patient(
                r[1], r[2], d[r[3]], r[4], r[5], n[r[6]], d[r[7]], d[r[8]],
                pumps.get(r[0], empty), cultures.get(r[0], empty), courses.get(r[0], empty),
                bridgings.get(r[0], empty), exams.get(r[0], empty), r[0], r[9],
            )

        self.add_refills = add_refills
        self.patient = patient
        # child table -> its builder
        self.child = {"pumps": pump, "cultures": culture, "antifungal_courses": course,
                      "bridging": bridging, "exams": exam}


def _load(rd: _Reader, latest_refill_as_of: date | None = None) -> list[Patient]:
    if rd.empty:
        return []
    patient_rows = rd.patients()
    if not patient_rows:
        return []
    build = RecordBuilders(rd.d, rd.n, rd.susceptibility_of)
    build.add_refills(rd.refills() if latest_refill_as_of is None else rd.latest_refills(latest_refill_as_of))
    children = tuple(_group(rd.children(table), build.child[table])
                     for table in ("pumps", "cultures", "antifungal_courses", "bridging", "exams"))
    patient = build.patient
    return [patient(r, children) for r in patient_rows]


def _group(rows, make) -> dict[int, tuple]:
    grouped: dict[int, list] = defaultdict(list)
    for r in rows:
        grouped[r[1]].append(make(r))
    return {k: tuple(v) for k, v in grouped.items()}


def load_in_error(conn) -> dict[tuple[int, str], list[Any]]:
    """Every record marked entered in error, keyed by (patient id, kind); refills by
    (pump id, "refill"). Such rows are rare, so all are read (no parameter lists that
    grow with the ward). The importer uses them so a re-import does not bring back what
    a clinician struck out. Built by the same `RecordBuilders` as the ward load (a pump
    struck out is listed without its refills: they are listed under "refill")."""
    out: dict[tuple[int, str], list[Any]] = defaultdict(list)
    with dbapi_cursor(conn) as (cursor, placeholder):
        rd = _Reader(cursor, placeholder)

        def struck_out(table: str) -> list[tuple]:
            return rd.rows(f"SELECT {', '.join(TABLE_COLUMNS[table])} FROM {table} "
                           "WHERE entered_in_error_at IS NOT NULL ORDER BY id")

        build = RecordBuilders(rd.d, rd.n, rd.susceptibility_of)
        for table, kind in (("pumps", "pump"), ("cultures", "culture"), ("antifungal_courses", "course"),
                            ("bridging", "bridging"), ("exams", "exam")):
            make = build.child[table]
            for r in struck_out(table):
                out[(r[1], kind)].append(make(r))
        build.add_refills(struck_out("refills"))
        for pump_id, refills in build.refills_by_pump.items():
            out[(pump_id, "refill")].extend(refills)
    return out
