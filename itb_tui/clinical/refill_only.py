"""The refill status alone on a date: `engine.assess(...).refill` without the rest.

Why: the FHIR export's block-episode Flags (block_episodes.py) ask about ~35,000 past
days at 10,000 patients, and of each answer use only whether the refill is blocked and
its reasons and words. The engine's refill comes first in `assess` (facts -> episode ->
antifungal course -> refill) and nothing after it feeds back; the reservoir,
withdrawal, device, drug-choice and reimplant parts that follow cost as much again
(issue 17). This is that first half, in one place: `engine.assess` itself starts with
`refill_and_inputs`, so it is the same answer by construction; a property test holds it
to `assess` on generated records and dates (tests/clinical/test_refill_only_property.py).
"""

from __future__ import annotations

from datetime import date

from itb_tui.clinical.antifungal import assess_antifungal
from itb_tui.clinical.assessment import RefillState
from itb_tui.clinical.episode import current_episode
from itb_tui.clinical.facts import build_facts
from itb_tui.clinical.records import Patient
from itb_tui.clinical.refill import refill_state
from itb_tui.clinical.rules import Rules


def refill_on(patient: Patient, as_of: date, rules: Rules) -> RefillState:
    """`assess(patient, as_of, rules).refill`, the same status, reasons and words."""
    return refill_and_inputs(patient, as_of, rules)[-1]


def refill_and_inputs(patient: Patient, as_of: date, rules: Rules):
    """The first half of `engine.assess`, which calls this too: (facts, episode, antifungal
    course, its alerts, whether an antifungal runs, the refill state)."""
    facts = build_facts(patient, as_of, rules.episode_lookback_days)
    episode = current_episode(facts, rules)
    antifungal, alerts, running = assess_antifungal(facts, episode, rules)
    return facts, episode, antifungal, alerts, running, refill_state(facts, episode, antifungal, running, rules)
