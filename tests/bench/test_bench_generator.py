"""The synthetic hospital: valid records, the history the issue asks for, a clinic's mix
of states, and the same patients every time."""

from __future__ import annotations

import collections
import sqlite3

from bench.synthetic import BENCH_TODAY, synthetic_hospital, synthetic_patient
from itb_tui.clinical.engine import assess
from itb_tui.wardfile import validate_patient


def test_every_synthetic_patient_passes_the_ward_file_validator():
    problems = [e for p in synthetic_hospital(300) for e in validate_patient(p, BENCH_TODAY)]
    assert problems == []


def test_histories_are_as_heavy_as_a_busy_clinic():
    patients = list(synthetic_hospital(400))
    n = len(patients)
    refills = sum(len(pump.refills) for p in patients for pump in p.pumps) / n
    cultures = sum(len(p.cultures) for p in patients) / n
    courses = sum(len(p.antifungals) for p in patients) / n
    assert 16 <= refills <= 24, refills
    assert 5 <= cultures <= 7.5, cultures
    assert 1.5 <= courses <= 2.5, courses
    # Every explanted pump has bridging unless the scenario is the missing-bridging alert.
    explanted = [p for p in patients if any(pump.removed_on for pump in p.pumps)]
    assert explanted and sum(1 for p in explanted if p.bridging) >= 0.8 * len(explanted)
    assert len({p.mrn for p in patients}) == n
    assert [p.mrn for p in patients] == sorted(p.mrn for p in patients)


def test_the_engine_sees_a_clinic_mix_of_states():
    assessments = [assess(p, BENCH_TODAY) for p in synthetic_hospital(600)]
    statuses = collections.Counter(a.refill.status for a in assessments)
    assert set(statuses) == {"blocked", "caution", "ok", "not_applicable"}
    assert statuses["ok"] > len(assessments) / 2  # most of a clinic is quiet
    antifungal = {a.antifungal.state for a in assessments}
    assert {"awaiting_clearance", "in_progress", "not_indicated"} <= antifungal
    alerts = {al.code for a in assessments for al in a.alerts}
    assert {"withdrawal_risk", "device_removal_indicated", "refill_due", "reservoir_alarm_passed",
            "no_bridging_plan", "c_auris"} <= alerts


def test_the_same_index_gives_the_same_patient_whatever_the_hospital_size():
    small = list(synthetic_hospital(20))
    assert synthetic_patient(7) == small[7]
    assert synthetic_patient(7) != synthetic_patient(8)


def test_a_built_store_holds_every_patient_and_record(tmp_path):
    from bench.generate import build_store

    path = build_store(tmp_path / "h.db", 25)
    patients = list(synthetic_hospital(25))
    with sqlite3.connect(path) as conn:
        count = lambda t: conn.execute(f"select count(*) from {t}").fetchone()[0]  # noqa: E731
        assert count("patients") == 25
        assert count("refills") == sum(len(pump.refills) for p in patients for pump in p.pumps)
        assert count("cultures") == sum(len(p.cultures) for p in patients)
    assert not (tmp_path / "h.db-wal").exists() or (tmp_path / "h.db-wal").stat().st_size == 0
