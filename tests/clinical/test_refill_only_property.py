"""`refill_only.refill_on` (the refill status without the rest of the engine, for the
FHIR Flags' block episodes) must be EXACTLY `assess(...).refill`: the same status, the
same reasons in the same order and the same words, on every record and every date.

Two generators: the engine properties' ward-like patients (fungemia stories, pumps with
refills, bridging, exams; list dates at the alarm and culture thresholds) and the block
episodes' small histories (several pumps, device-site cultures, courses), each with the
normal look-back and one shortened to 20 days so its thresholds are crossed.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from itb_tui.clinical.engine import assess
from itb_tui.clinical.refill_only import refill_on
from itb_tui.clinical.rules import load_rules
from test_block_episodes_property import SETTINGS, days, histories
from test_clinical_properties import cases

RULES = load_rules()
SHORT_LOOKBACK = dataclasses.replace(RULES, episode_lookback_days=20)
BOTH_LOOKBACKS = st.sampled_from([RULES, SHORT_LOOKBACK])


@SETTINGS
@given(cases(), BOTH_LOOKBACKS)
def test_the_refill_alone_is_the_engines_refill_on_ward_like_patients(case, rules):
    patient, as_of = case
    assert refill_on(patient, as_of, rules) == assess(patient, as_of, rules).refill


@SETTINGS
@given(histories(), days, BOTH_LOOKBACKS)
def test_the_refill_alone_is_the_engines_refill_on_block_histories(patient, as_of, rules):
    assert refill_on(patient, as_of, rules) == assess(patient, as_of, rules).refill


@SETTINGS
@given(histories(), days)
def test_the_refill_alone_is_the_engines_refill_every_day_of_a_month(patient, first):
    """A month of consecutive days: every threshold the episodes cross inside it."""
    for offset in range(31):
        day = first + timedelta(days=offset)
        assert refill_on(patient, day, SHORT_LOOKBACK) == assess(patient, day, SHORT_LOOKBACK).refill


def test_a_course_open_block_has_the_engines_words():
    """Candida blood culture 1 Nov, no growth 3 Nov, symptoms resolved 2 Nov, fluconazole
    from 1 Nov still running: on 10 Nov the days of therapy after clearance are 4..10 Nov
    = 7 of 14, the course runs until 17 Nov, so the refill is blocked with
    antifungal_course_open, "day 7 of 14 ..., 7 days left" (the engine's words)."""
    from clinical_factories import blood, course, patient, pump

    p = patient(pumps=[pump()], cultures=[blood("2026-11-01", "positive", "Candida albicans"),
                                          blood("2026-11-03", "no_growth")],
                courses=[course("fluconazole", "2026-11-01")], symptoms="2026-11-02")
    got = refill_on(p, date(2026, 11, 10), RULES)
    assert got == assess(p, date(2026, 11, 10), RULES).refill
    assert got.status == "blocked" and got.reasons == ("antifungal_course_open",)
    assert "day 7 of 14 days of therapy, 7 days left" in got.explanations[0]
