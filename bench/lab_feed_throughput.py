"""Throughput of `itb-tui results import` (issue 17 target: >= 10,000 ORU messages a
minute) and the database round trips each message costs, in-process on a fresh store.

    python -m bench.lab_feed_throughput [-n 1000] [--db URL] [--repeat 3]

The messages are those tests/hl7/test_hl7_cli.py builds (two patients, final positives,
no growths and preliminary yeasts in turn, each a new accession). Without --db a
throw-away SQLite store is used; a PostgreSQL URL gets a schema of its own, dropped after.
Counted over the import: the statements SQLAlchemy executes (`before_cursor_execute`;
not the loader's plain DB-API reads), COMMIT/ROLLBACKs, and on PostgreSQL the real round
trips (each time psycopg waits for the server; a pipeline of statements is one). Not a test: numbers depend on the
machine (report them with its load).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import redirect_stdout
from pathlib import Path
from urllib.parse import quote

WARD = {"format": "itb-ward/1", "patients": [
    {"mrn": "H100", "name": "Bench, One", "dob": "1960-01-01",
     "pumps": [{"serial": "NGP-B1", "reservoir_ml": 20, "alarm_ml": 2, "implanted_on": "2023-05-01",
                "concentration_ug_ml": 500, "daily_dose_ug": 300}]},
    {"mrn": "H200", "name": "Bench, Two", "dob": "1970-02-02",
     "pumps": [{"serial": "NGP-B2", "reservoir_ml": 20, "alarm_ml": 2, "implanted_on": "2023-05-01",
                "concentration_ug_ml": 500, "daily_dose_ug": 300}]}]}
TODAY = "2026-11-10"
DRAWN = "20261108"


def messages(n: int) -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "hl7"))
    from hl7_messages import batch, final_positive, no_growth, preliminary_yeast

    out = []
    for i in range(n):
        mrn, dob = ("H100", "19600101") if i % 2 else ("H200", "19700202")
        kind = (final_positive, no_growth, preliminary_yeast)[i % 3]
        out.append(kind(mrn=mrn, dob=dob, drawn=DRAWN, control=f"B{i}", accession=f"BATCH{i}"))
    return batch(out)


class _Trips:
    """Counts statements and commits/rollbacks on every engine of the process."""

    def __init__(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        self.statements = self.ends = self.waits = 0
        self.by_kind: dict[str, int] = {}
        self._count_psycopg_waits()
        event.listen(Engine, "before_cursor_execute", self._statement)
        event.listen(Engine, "commit", self._end)
        event.listen(Engine, "rollback", self._end)

    def _count_psycopg_waits(self) -> None:
        """PostgreSQL round trips: each statement psycopg sends on its own (execute, or an
        executemany, which psycopg sends as one pipeline), each pipeline (however many
        statements it carries) and each COMMIT/ROLLBACK: an exchange the client waits for."""
        try:
            import psycopg
        except ImportError:
            return
        trips = self
        execute, executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany
        commit, rollback = psycopg.Connection.commit, psycopg.Connection.rollback
        pipeline = psycopg.Connection.pipeline

        def counted_execute(cur, *args, **kwargs):
            if cur.connection._pipeline is None:
                trips.waits += 1
            return execute(cur, *args, **kwargs)

        def counted_executemany(cur, *args, **kwargs):
            if cur.connection._pipeline is None:
                trips.waits += 1
            return executemany(cur, *args, **kwargs)

        def counted(method):
            def run(conn, *args, **kwargs):
                trips.waits += 1
                return method(conn, *args, **kwargs)
            return run

        psycopg.Cursor.execute, psycopg.Cursor.executemany = counted_execute, counted_executemany
        psycopg.Connection.commit, psycopg.Connection.rollback = counted(commit), counted(rollback)
        psycopg.Connection.pipeline = counted(pipeline)

    def _statement(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements += 1
        kind = " ".join(statement.split()[:3])[:60]
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1

    def _end(self, conn) -> None:
        self.ends += 1

    def reset(self) -> None:
        self.statements = self.ends = self.waits = 0
        self.by_kind = {}


def _fresh_url(db: str | None, tmp: Path) -> tuple[str, object]:
    if not db:
        return f"sqlite:///{tmp}/store/ward.db", None
    from sqlalchemy import create_engine, text

    schema = f"itb_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(db)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in db else "?"

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{db}{sep}options={quote(f'-csearch_path={schema}')}", drop


def run_once(n: int, db: str | None, trips: _Trips, show: bool) -> dict:
    from itb_tui.cli.entry import main

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        url, drop = _fresh_url(db, tmp)
        try:
            ward = tmp / "ward.json"
            ward.write_text(json.dumps(WARD))
            feed = tmp / "batch.hl7"
            feed.write_text(messages(n))
            with redirect_stdout(io.StringIO()):
                assert main(["--db", url, "import", str(ward)]) == 0
            trips.reset()
            buf = io.StringIO()
            with redirect_stdout(buf):
                code = main(["--db", url, "results", "import", str(feed), "--json"])
            doc = json.loads(buf.getvalue())
            assert code == 0 and doc["counts"]["imported"] == n, doc["counts"]
            row = {"seconds": doc["seconds"], "per_minute": round(n / doc["seconds"] * 60),
                   "statements_per_message": round(trips.statements / n, 2),
                   "commits_per_message": round(trips.ends / n, 2)}
            if db:
                row["round_trips_per_message"] = round(trips.waits / n, 2)
            if show:
                top = sorted(trips.by_kind.items(), key=lambda kv: -kv[1])[:25]
                row["statements"] = {k: round(v / n, 2) for k, v in top}
            return row
        finally:
            if drop:
                drop()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--db", default=None, help="a PostgreSQL URL (a schema of its own is made and dropped)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--show", action="store_true", help="the statements per message, by kind")
    args = ap.parse_args(argv)
    os.environ.setdefault("ITB_TUI_TODAY", TODAY)
    trips = _Trips()
    runs = [run_once(args.n, args.db, trips, args.show) for _ in range(args.repeat)]
    for r in runs:
        print(json.dumps(r))
    print(json.dumps({"median_per_minute": statistics.median(r["per_minute"] for r in runs),
                      "median_seconds": statistics.median(r["seconds"] for r in runs),
                      "backend": "postgresql" if args.db else "sqlite", "messages": args.n,
                      "load": os.getloadavg()[0]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
