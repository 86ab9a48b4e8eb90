"""report.py at clinic scale: the assessments and the status document are built without
full garbage collections (which walk every record in memory and made the report grow
faster than the patient count). The streamed JSON itself is tested byte for byte in
tests/cli/test_status_json_fast.py."""

from __future__ import annotations

import gc

import pytest

from bench.synthetic import BENCH_TODAY, synthetic_hospital
from itb_tui import report
from itb_tui.clinical.rules import load_rules


@pytest.fixture(scope="module")
def pairs():
    return report.assess_all(list(synthetic_hospital(400)), BENCH_TODAY, load_rules())


def _collections_during(fn):
    seen = []

    def count(phase, info):
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(count)
    try:
        result = fn()
    finally:
        gc.callbacks.remove(count)
    return result, seen


def test_no_garbage_collection_runs_while_the_report_is_built(pairs):
    rules = load_rules()
    patients = [p for p, _ in pairs]
    # Building these 400 patients' report allocates tens of thousands of objects: with the
    # collector running that is dozens of collections (each a walk over every record).
    gc.collect()
    doc, during_doc = _collections_during(lambda: report.status_document(pairs, BENCH_TODAY, rules))
    gc.collect()
    _, during_assess = _collections_during(lambda: report.assess_all(patients, BENCH_TODAY, rules))
    # At most the one collection that falls due as the collector comes back on, and
    # never a full one (without the pause: several, growing with the ward).
    for seen in (during_doc, during_assess):
        assert len(seen) <= 1 and 2 not in seen, seen
    assert len(doc["patients"]) == len(pairs)
    assert gc.isenabled()  # the collector is back on afterwards


def test_a_collector_switched_off_by_the_caller_stays_off(pairs):
    gc.disable()
    try:
        report.status_document(pairs, BENCH_TODAY, load_rules())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_comes_back_after_an_error():
    class Broken:
        mrn = "X1"

    with pytest.raises(Exception):
        report.assess_all([Broken()], BENCH_TODAY, load_rules())
    assert gc.isenabled()
