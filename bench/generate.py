"""Build (or reuse) a synthetic hospital store of N patients for the benchmarks.

`python -m bench.generate 1000 10000` prints the path of each store, building the
missing ones. The store is written through the store's public API
(`open_store(url).import_patients(...)`, in batches), so it holds exactly what a real
import would write: validated records and their audit rows. That is slower than raw
inserts (about a minute for 10,000 patients on the 2-core machine) but stays right
when the store's schema changes under us; built stores are cached.

The cache key is N, GENERATOR_VERSION and a fingerprint of the store's schema (the
CREATE statements of a fresh empty store), so a store is rebuilt exactly when either
the generator or the schema changes, and never because the calendar moved (the
records are dated relative to BENCH_TODAY, not today).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from bench.synthetic import BENCH_TODAY, GENERATOR_VERSION, synthetic_hospital

# ITB_BENCH_CACHE moves the cache (the smoke test keeps its tiny stores out of the repo).
CACHE_DIR = Path(os.environ.get("ITB_BENCH_CACHE") or Path(__file__).resolve().parent / ".cache")
# Patients per import transaction. The importer reads existing patients by MRN for up to
# 500 patients and reads the whole store above that, so larger batches would make
# building a 100k store quadratic.
BATCH = 500
ACTOR = "bench generator"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def schema_fingerprint() -> str:
    """A short hash of the schema `open_store` creates (tables, indexes, their SQL)."""
    from itb_tui.store import open_store

    with tempfile.TemporaryDirectory(prefix="itb-bench-schema-") as tmp:
        path = Path(tmp) / "empty.db"
        open_store(sqlite_url(path), today=BENCH_TODAY).close()
        with sqlite3.connect(path) as conn:
            rows = conn.execute(
                "select type, name, coalesce(sql, '') from sqlite_master "
                "where name not like 'sqlite_%' order by type, name"
            ).fetchall()
            meta = conn.execute("select key, value from meta order by key").fetchall() if any(
                r[1] == "meta" for r in rows) else []
    text = repr((rows, meta))
    return hashlib.sha256(text.encode()).hexdigest()[:10]


# The stores the bench can build: "hospital" (bench/synthetic.py, long histories) and
# "scenarios" (the clinical scenario table repeated, bench/scenarios.py).
KINDS = ("hospital", "scenarios")


def store_path(patients: int, fingerprint: str | None = None, kind: str = "hospital") -> Path:
    fp = fingerprint or schema_fingerprint()
    if kind == "scenarios":
        from bench.scenarios import table_digest

        return CACHE_DIR / f"scenarios-t{table_digest()}-s{fp}-n{patients}.db"
    return CACHE_DIR / f"hospital-g{GENERATOR_VERSION}-s{fp}-n{patients}.db"


def _patients(kind: str, count: int):
    if kind == "scenarios":
        from bench.scenarios import scenario_hospital

        return scenario_hospital(count, BENCH_TODAY)
    return synthetic_hospital(count, BENCH_TODAY)


def build_store(path: Path, patients: int, progress: Callable[[str], None] | None = None,
                kind: str = "hospital") -> Path:
    """Write `patients` synthetic patients of `kind` into a new store at `path`
    (atomically: built under a temporary name, checkpointed, then renamed)."""
    from itb_tui.store import open_store

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    store = open_store(sqlite_url(tmp), today=BENCH_TODAY)
    try:
        batch = []
        done = 0
        for patient in _patients(kind, patients):
            batch.append(patient)
            if len(batch) == BATCH:
                store.import_patients(batch, ACTOR, reason=f"synthetic benchmark {kind}")
                done += len(batch)
                batch = []
                if progress and done % 5000 == 0:
                    progress(f"  {done:,}/{patients:,} patients written "
                             f"({time.perf_counter() - started:.0f} s)")
        if batch:
            store.import_patients(batch, ACTOR, reason=f"synthetic benchmark {kind}")
        store.set_meta("kind", "benchmark")
        store.checkpoint()
    finally:
        store.close()
    os.replace(tmp, path)
    for side in (Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        side.unlink(missing_ok=True)
    return path


def ensure_store(patients: int, progress: Callable[[str], None] | None = None,
                 fingerprint: str | None = None, kind: str = "hospital") -> tuple[Path, float | None]:
    """The cached store of `patients` patients, built if missing; (path, build seconds or
    None when it came from the cache)."""
    path = store_path(patients, fingerprint, kind)
    if path.exists():
        return path, None
    if progress:
        progress(f"building a synthetic {kind} store of {patients:,} patients -> {path.name}")
    started = time.perf_counter()
    build_store(path, patients, progress, kind)
    return path, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate",
                                     description="Build cached synthetic hospital stores.")
    parser.add_argument("sizes", nargs="+", type=int, help="patient counts, e.g. 1000 10000")
    args = parser.parse_args(argv)
    fingerprint = schema_fingerprint()
    for n in args.sizes:
        if n < 1:
            parser.error(f"a store needs at least 1 patient, not {n}")
        path, seconds = ensure_store(n, progress=lambda m: print(m, file=sys.stderr), fingerprint=fingerprint)
        note = "cached" if seconds is None else f"built in {seconds:.1f} s"
        print(f"{path}  ({n:,} patients, {note})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
