"""What one laboratory message needs from the store, read in as few round trips as the
database allows (issue 17: >= 10,000 messages a minute on PostgreSQL).

A message needs the patient with every live record (the refill status the summary shows
after it, and the cultures it may replace) and the laboratory reports on file for its
accessions. On PostgreSQL each read is a round trip to the server, and on a busy
machine the round trips, not the SQL, are the cost: the loader's seven reads (patients,
refills, pumps, cultures, courses, bridging, exams) and the reports' read are sent
together in psycopg's pipeline mode and their results read back at once: one round
trip instead of eight. SQLite has no round trips: the same reads, one after another.

The loader's SQL is the loader's (store/loader.py, `load_dbapi`): this module does not
copy it. The first patient load of a process runs it plainly through `_Recording`, which
notes the statements; later loads send those same statements ahead in one pipeline and
`_Replaying` hands the loader each result as it asks, checking that every statement and
its parameters are the ones sent (anything else, and the rest is read plainly as
before). All reads are inside the message's write transaction, before any write, so a
result read a moment earlier is the same result.
"""

from __future__ import annotations

from typing import Any, Sequence

from itb_tui.store import loader

# The loader's statements for one patient by MRN, learned once per process.
_PLAN: dict[str, tuple[str, ...]] = {}
_LAB_COLUMNS = ("id", "patient_id", "culture_id", "status", "specimen", "accession")


def message_context(conn, mrn: str, accessions: Sequence[str]) -> tuple[list, dict[tuple[str, str], tuple]]:
    """(the patient as `loader.load(conn, mrns=[mrn])` gives it, {(specimen, accession):
    (id, patient_id, culture_id, status)} of the reports on file for `accessions`)."""
    from itb_tui.store import pipelined

    accessions = sorted(set(accessions))
    with loader.dbapi_cursor(conn) as (cursor, ph):
        lab_sql = (f"SELECT {', '.join(_LAB_COLUMNS)} FROM lab_reports "
                   f"WHERE accession IN ({', '.join([ph] * len(accessions))})") if accessions else None
        pg = pipelined.pipeline_connection(conn)
        plan = _PLAN.get(ph)
        if pg is not None and plan and lab_sql:
            # A batch's savepoint (store/lab_batch.py) goes first in the same round trip.
            replay = _Replaying(cursor, pg, plan, (mrn,), (lab_sql, tuple(accessions)), pipelined.take(conn))
            patients = loader.load_dbapi(replay, ph, mrns=[mrn])
            lab_rows = replay.extra_rows()
        else:
            pipelined.send_queued(cursor, conn)
            recording = _Recording(cursor)
            patients = loader.load_dbapi(recording, ph, mrns=[mrn])
            if patients and len(recording.statements) > 1:
                _PLAN[ph] = tuple(recording.statements)
            lab_rows = []
            if lab_sql:
                cursor.execute(lab_sql, tuple(accessions))
                lab_rows = cursor.fetchall()
    return patients, {(r[4], r[5]): tuple(r[:4]) for r in lab_rows}


class _Recording:
    """A DB-API cursor that runs every statement and notes its SQL."""

    def __init__(self, cursor) -> None:
        self.cursor = cursor
        self.statements: list[str] = []

    def execute(self, sql: str, params: Any = None):
        self.statements.append(sql)
        return self.cursor.execute(sql, params) if params is not None else self.cursor.execute(sql)

    def fetchall(self):
        return self.cursor.fetchall()


class _Replaying:
    """A DB-API cursor for the loader that sends the planned statements (and `extra`)
    in one pipeline at the first statement, then answers each statement from those
    results while it is the planned one with the planned parameters; anything else is run
    plainly from then on (module notes)."""

    def __init__(self, cursor, pg, plan: tuple[str, ...], params: tuple, extra: tuple[str, tuple],
                 first: list[str] = ()) -> None:
        self.cursor, self.pg, self.plan, self.params, self.extra = cursor, pg, plan, params, extra
        self.first = list(first)  # statements without a result sent ahead (a savepoint)
        self.results: list[list[tuple]] | None = None
        self.next = 0
        self.current: list[tuple] | None = None
        self.off = False

    def _send(self) -> None:
        statements = [(sql, self.params) for sql in self.plan] + [self.extra]
        cursors = []
        with self.pg.pipeline():
            for sql in self.first:
                self.cursor.execute(sql)
            self.first = []
            for sql, params in statements:
                cur = self.pg.cursor()
                cur.execute(sql, params)
                cursors.append(cur)
        try:
            self.results = [cur.fetchall() for cur in cursors]
        finally:
            for cur in cursors:
                cur.close()

    def execute(self, sql: str, params: Any = None):
        if not self.off and self.results is None and self.next == 0:
            self._send()
        for first in self.first:  # never sent in the pipeline: sent before anything else
            self.cursor.execute(first)
        self.first = []
        planned = (not self.off and self.next < len(self.plan) and sql == self.plan[self.next]
                   and tuple(params or ()) == self.params)
        if planned:
            self.current = self.results[self.next]
            self.next += 1
            return None
        self.off, self.current = True, None
        return self.cursor.execute(sql, params) if params is not None else self.cursor.execute(sql)

    def fetchall(self):
        if self.current is not None:
            rows, self.current = self.current, None
            return rows
        return self.cursor.fetchall()

    def extra_rows(self) -> list[tuple]:
        """The result of the statement sent with the plan (read now if it never was)."""
        if self.results is not None:
            return self.results[-1]
        for first in self.first:
            self.cursor.execute(first)
        self.first = []
        sql, params = self.extra
        self.cursor.execute(sql, params)
        return self.cursor.fetchall()
