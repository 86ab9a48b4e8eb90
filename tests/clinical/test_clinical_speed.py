"""The engine must keep up with a 10,000-patient clinic: one status report assesses every
patient. The bound is loose on purpose (shared, loaded test machines); it catches a rule
that goes quadratic or re-reads the rules table per patient, not a few microseconds."""

from __future__ import annotations

import dataclasses
import time

from itb_tui.clinical import assess, load_rules

from test_clinical_scenarios import ROWS
from clinical_factories import d


def test_ten_thousand_patients_in_a_few_seconds():
    rows = list(ROWS.values())
    ward = [(dataclasses.replace(rows[i % len(rows)].patient, mrn=f"M{i:05d}"), d(rows[i % len(rows)].as_of))
            for i in range(10_000)]
    rules = load_rules()
    started = time.perf_counter()
    results = [assess(p, as_of, rules) for p, as_of in ward]
    elapsed = time.perf_counter() - started
    assert len(results) == 10_000
    assert elapsed < 10.0, f"{elapsed:.2f} s for 10,000 patients ({elapsed / 10_000 * 1e6:.0f} µs each)"


def test_cost_grows_linearly_with_records():
    """A patient with 40x the records costs well under 40^2 x as much."""
    from clinical_factories import blood, patient, pump, refill

    small = patient(pumps=[pump(refill("2026-10-20"))], cultures=[blood("2026-11-01"), blood("2026-11-03", "no_growth")])
    big = patient(pumps=[pump(*[refill(f"2026-{m:02d}-{day:02d}") for m in range(1, 11) for day in (1, 15)])],
                  cultures=[blood(f"2026-{m:02d}-{day:02d}", r) for m in range(1, 11) for day in (2, 9, 16, 23)
                            for r in ("positive", "no_growth")])

    def cost(p):
        started = time.perf_counter()
        for _ in range(200):
            assess(p, d("2026-11-10"))
        return time.perf_counter() - started

    assert cost(big) < 200 * cost(small)
