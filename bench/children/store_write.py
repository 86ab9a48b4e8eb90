"""Saving a refill through the store API (`Store.record_refill`, what the UI's refill
form calls in its worker), against the floor of any durable write: one row inserted
and committed with the sqlite3 module on the same file (WAL, same disk).

`python -m bench.children.store_write --db COPY --count N` (the store is changed:
give it a scratch copy). Patients are picked the way a nurse would meet them: an
implanted pump, refill not blocked, no refill recorded today. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from decimal import Decimal


def pick_patients(store, count: int, today, rules):
    """(mrn, pump id, reservoir) of up to `count` patients whose refill today is allowed,
    spread over the whole store."""
    from itb_tui.clinical.engine import assess

    patients = store.load_patients()
    step = max(len(patients) // max(count * 3, 1), 1)
    picked = []
    for patient in patients[::step]:
        pumps = [p for p in patient.pumps if p.removed_on is None and p.id is not None]
        if not pumps or any(r.on == today for r in pumps[-1].refills):
            continue
        if assess(patient, today, rules).refill.status == "blocked":
            continue
        picked.append((patient.mrn, pumps[-1].id, pumps[-1].reservoir_ml))
        if len(picked) == count:
            break
    return picked


def floor_writes(path: str, count: int) -> list[float]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("create table if not exists bench_floor (id integer primary key, mrn text, "
                 "on_date text, volume text)")
    samples = []
    for i in range(count):
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("insert into bench_floor (mrn, on_date, volume) values (?, ?, ?)",
                     (f"B{i:07d}", "2026-11-25", "20"))
        conn.execute("COMMIT")
        samples.append(time.perf_counter() - started)
    conn.close()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--count", type=int, default=10)
    args = parser.parse_args()

    from itb_tui.clinical.records import Refill
    from itb_tui.clinical.rules import load_rules
    from itb_tui.store import open_store

    from bench.children.common import bench_today

    today = bench_today()
    rules = load_rules()
    store = open_store(f"sqlite:///{args.db}", today=today, rules=rules)
    picked = pick_patients(store, args.count, today, rules)
    saves = []
    for mrn, pump_id, reservoir in picked:
        refill = Refill(on=today, volume_ml=Decimal(reservoir))
        started = time.perf_counter()
        store.record_refill(mrn, pump_id, refill, actor="bench")
        saves.append(time.perf_counter() - started)
    store.close()
    floor = floor_writes(args.db, len(saves))
    print(json.dumps({"save_s": saves, "floor_s": floor, "patients": len(picked)}))


if __name__ == "__main__":
    main()
