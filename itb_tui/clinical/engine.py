"""assess(): the one place that decides a patient's clinical state on a date.

Records and a date in, an Assessment out: no database, no clock, no UI, so the same
answer comes from the ward list, the status report, the tests and any date a clinician
asks about. Each rule lives in its own module; this file only composes them in the
order their inputs require (episode -> course -> refill -> reservoir -> withdrawal).
"""

from __future__ import annotations

from datetime import date, timedelta

from itb_tui.clinical.antifungal import episode_courses
from itb_tui.clinical.alerts import ordered
from itb_tui.clinical.assessment import Assessment
from itb_tui.clinical.device import device_alerts
from itb_tui.clinical.drug_choice import drug_choice_alerts
from itb_tui.clinical.episode import Episode, current_episode
from itb_tui.clinical.facts import build_facts
from itb_tui.clinical.records import Patient
from itb_tui.clinical.refill_only import refill_and_inputs
from itb_tui.clinical.reimplant import NOT_APPLICABLE, assess_reimplant
from itb_tui.clinical.reservoir import assess_reservoir
from itb_tui.clinical.rules import Rules, load_rules
from itb_tui.clinical.withdrawal import withdrawal_alerts


def assess(patient: Patient, as_of: date, rules: Rules | None = None) -> Assessment:
    """The patient's refill status, countdowns and alerts as known on `as_of`.

    `rules=None` uses the default rules table. Never raises on a structurally valid
    Patient (any list may be empty; records dated after `as_of` are ignored)."""
    if rules is None:
        rules = load_rules()
    facts, episode, antifungal, alerts, running, refill = refill_and_inputs(patient, as_of, rules)
    reservoir, reservoir_alerts = assess_reservoir(facts, rules, refill.status == "blocked")
    alerts += reservoir_alerts
    alerts += withdrawal_alerts(facts, refill, reservoir, rules)
    alerts += device_alerts(facts, episode, antifungal, rules)
    alerts += drug_choice_alerts(facts, episode, rules)
    if episode is None:  # no episode: no prior completion, nothing to reimplant after
        reimplant = NOT_APPLICABLE
    else:
        prior = _prior_completion(patient, facts, episode, rules)
        reimplant, reimplant_alerts = assess_reimplant(facts, episode, antifungal, running, prior, rules)
        alerts += reimplant_alerts
    # Positional, in the field order of Assessment (mrn, as_of, refill, reservoir,
    # antifungal, reimplant, alerts).
    return Assessment(patient.mrn, as_of, refill, reservoir, antifungal, reimplant, ordered(alerts))


def _prior_completion(patient: Patient, facts, episode: Episode | None, rules: Rules) -> date | None:
    """When the current episode is a recurrence: the day the previous episode's therapy
    ended, if that episode had documented clearance and all its therapy had stopped
    before this episode began (the new fungemia is then a relapse after therapy).

    Judged from the courses, not from the previous episode's "complete" state, because
    the patient-level symptom-resolution date is overwritten for the new episode and
    would make the old, finished course look unfinished."""
    if episode is None or facts.implanted_pump is not None:
        return None
    if not facts.fungal_blood_positives or facts.fungal_blood_positives[0].drawn_on >= episode.start_on:
        return None
    if episode.kind != "blood":
        return None
    before = build_facts(patient, episode.start_on - timedelta(days=1), rules.episode_lookback_days)
    previous = current_episode(before, rules)
    if previous is None or previous.clearance_on is None:
        return None
    courses = episode_courses(before, previous)
    if not courses or any(stop is None for _, stop in courses):
        return None
    return max(stop for _, stop in courses)
