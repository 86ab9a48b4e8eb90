"""A store built from the clinical scenario table (tests/clinical/test_clinical_scenarios.py),
repeated to N patients: the engine's work on every situation the rules name, at scale.

Why: the synthetic hospital is a busy clinic's long histories; the scenario table is
short histories hitting every code and state (fungemia, explants, reimplant waits,
corrections). Issue 17 asks `status --json` to stay within 2x the sqlite3 shell on both.

The rows are the test's own: the module is imported by path (it needs pytest installed,
as the bench's dev environment has), so the bench can never drift from the table. Each
row is seen on its own list date; every date of its records is shifted by
(BENCH_TODAY - row date) so the bench's single "today" shows each patient in the state
the row describes. Copy k of row i gets MRN `S<n>` and pump serials suffixed with n, so
every copy is a distinct patient.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from dataclasses import fields, is_dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from bench.synthetic import BENCH_TODAY
from itb_tui.clinical.records import Patient

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "tests" / "clinical" / "test_clinical_scenarios.py"
_WARDS = ("Neuro 4A", "Rehab 2", "Spinal 3", "ICU", "ITB Clinic")


class ScenarioTableMissing(RuntimeError):
    """The scenario table cannot be loaded (no tests/ checkout, or pytest missing)."""


@lru_cache(maxsize=1)
def scenario_rows() -> tuple[tuple[str, Patient, date], ...]:
    """(row name, patient, list date) for every row of the table, in table order."""
    if not TABLE.exists():
        raise ScenarioTableMissing(f"the clinical scenario table is missing: {TABLE}")
    helpers = str(TABLE.parent)
    added = helpers not in sys.path
    if added:
        sys.path.insert(0, helpers)  # the table imports its builders as `clinical_factories`
    try:
        spec = importlib.util.spec_from_file_location("_bench_clinical_scenarios", TABLE)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    except ImportError as exc:
        raise ScenarioTableMissing(f"cannot load the clinical scenario table ({exc}); "
                                   "install the test extras: pip install -e '.[test]'") from None
    finally:
        if added:
            sys.path.remove(helpers)
    return tuple((name, row.patient, date.fromisoformat(row.as_of)) for name, row in module.ROWS.items())


def table_digest() -> str:
    """A short hash of the table file and this module: the scenario store's cache key."""
    text = TABLE.read_bytes() + (TABLE.parent / "clinical_factories.py").read_bytes() + Path(__file__).read_bytes()
    return hashlib.sha256(text).hexdigest()[:8]


def _shift(value, days: timedelta):
    """Every date inside a record (nested records and tuples too) moved by `days`."""
    if isinstance(value, date):
        return value + days
    if isinstance(value, tuple):
        return tuple(_shift(v, days) for v in value)
    if is_dataclass(value):
        changes = {f.name: _shift(getattr(value, f.name), days) for f in fields(value)
                   if f.init and (isinstance(getattr(value, f.name), (date, tuple))
                                  or is_dataclass(getattr(value, f.name)))}
        return replace(value, **changes) if changes else value
    return value


@lru_cache(maxsize=4)
def storable_rows(today: date = BENCH_TODAY) -> tuple[tuple[str, Patient, date], ...]:
    """The rows a real import would accept once shifted to `today`. Left out: rows about
    records dated after their list date (the engine must ignore them; the importer
    refuses them) and rows of deliberately bad input (unknown organism, drug case)."""
    from itb_tui.wardfile import validate_patient

    return tuple(row for row in scenario_rows()
                 if not validate_patient(_shift(row[1], today - row[2]), today))


def scenario_patient(n: int, today: date = BENCH_TODAY) -> Patient:
    """Patient n: storable row n mod their count, shifted to `today`, with its own MRN
    and serials."""
    rows = storable_rows(today)
    _, patient, as_of = rows[n % len(rows)]
    shifted = _shift(patient, today - as_of)
    pumps = tuple(replace(p, serial=f"{p.serial}-{n}") for p in shifted.pumps)
    return replace(shifted, mrn=f"S{n:07d}", name=f"Scenario, Row {n % len(rows)}",
                   ward=_WARDS[n % len(_WARDS)], pumps=pumps)


def scenario_hospital(count: int, today: date = BENCH_TODAY) -> Iterator[Patient]:
    """Patients 0..count-1: the table repeated until `count` patients."""
    for n in range(count):
        yield scenario_patient(n, today)
