"""The fast refill-block episodes (clinical/block_episodes.py with block_window.py) must be
EXACTLY what the engine says when it is asked about every single day: the same episodes,
the same first and last blocked days, the same reasons and words (those of the last
blocked day; of the list date while the block holds).

The reference below is the brute force: `assess` on every day from the first record to
the list date. Histories are small (a few records in a 100-day stretch) so each example
runs the engine about a hundred times; the episode look-back is also run shortened to
20 days so that its thresholds (a device-site culture no longer counting, a cleared
episode closing) are crossed inside such a stretch.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itb_tui.clinical.block_episodes import BlockEpisode, refill_block_episodes
from itb_tui.clinical.engine import assess
from itb_tui.clinical.records import AntifungalCourse, Culture, Patient, Pump
from itb_tui.clinical.rules import load_rules

RULES = load_rules()
SHORT_LOOKBACK = dataclasses.replace(RULES, episode_lookback_days=20)
# EPISODE_EXAMPLES=3000 for a deeper hunt (each example runs the engine ~100 times)
SETTINGS = settings(max_examples=int(__import__("os").environ.get("EPISODE_EXAMPLES", "250")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIRST, LAST = date(2026, 9, 1), date(2026, 12, 9)  # the 100-day stretch every date falls in
_DAY = timedelta(days=1)

ORGANISMS = ["Candida albicans", "Nakaseomyces glabratus", "Cryptococcus neoformans", "Aspergillus fumigatus",
             "Staphylococcus aureus", "Escherichia coli", None]
SPECIMENS = ["blood", "blood", "blood", "csf", "pocket", "wound", "urine"]


def brute_force(patient: Patient, as_of: date, rules) -> tuple[BlockEpisode, ...]:
    """The engine on every day from the patient's first record date to `as_of`."""
    dates = [c.drawn_on for c in patient.cultures] + [c.started_on for c in patient.antifungals]
    dates += [p.implanted_on for p in patient.pumps if p.implanted_on is not None]
    day = min(dates, default=as_of)
    episodes, start, last = [], None, None
    while day <= as_of:
        refill = assess(patient, day, rules).refill
        if refill.status == "blocked":
            start, last = start or day, refill
        elif start is not None:
            episodes.append(BlockEpisode(start, day - _DAY, last.reasons, last.explanations))
            start = None
        day += _DAY
    if start is not None:
        episodes.append(BlockEpisode(start, None, last.reasons, last.explanations))
    return tuple(episodes)


days = st.dates(min_value=FIRST, max_value=LAST)


@st.composite
def later(draw, day: date):
    """A date on or after `day` in the stretch, or None."""
    if draw(st.booleans()):
        return None
    return draw(st.dates(min_value=day, max_value=min(LAST, day + timedelta(days=30))))


@st.composite
def histories(draw) -> Patient:
    pumps = []
    for index in range(draw(st.integers(0, 2))):
        implanted = draw(st.none() | days) if index == 0 else draw(days)
        pumps.append(Pump(serial=f"NGP{index}", manufacturer="Medtronic", model="SynchroMed II",
                          reservoir_ml=Decimal(20), alarm_ml=Decimal(2), implanted_on=implanted,
                          removed_on=draw(later(implanted or FIRST)), removal_reason=None,
                          concentration_ug_ml=Decimal(500), daily_dose_ug=Decimal(300)))
    cultures = []
    for _ in range(draw(st.integers(0, 6))):
        result = draw(st.sampled_from(["positive", "positive", "no_growth", "no_growth", "pending"]))
        organism = draw(st.sampled_from(ORGANISMS)) if result == "positive" else None
        cultures.append(Culture(specimen=draw(st.sampled_from(SPECIMENS)), drawn_on=draw(days),
                                result=result, organism=organism))
    courses = []
    for _ in range(draw(st.integers(0, 3))):
        started = draw(days)
        courses.append(AntifungalCourse(drug=draw(st.sampled_from(["fluconazole", "micafungin"])), dose_mg=None,
                                        started_on=started, stopped_on=draw(later(started)),
                                        planned_stop_on=draw(later(started))))
    return Patient(mrn="P0001", name="Synthetic, Test", dob=date(1970, 1, 1), ward="Neuro 4B", weight_kg=None,
                   symptoms_resolved_on=draw(st.none() | days), neutrophil_recovery_on=draw(st.none() | days),
                   pumps=tuple(pumps), cultures=tuple(cultures), antifungals=tuple(courses))


@SETTINGS
@given(histories(), days, st.sampled_from([RULES, SHORT_LOOKBACK]))
def test_the_episodes_equal_the_engine_asked_about_every_day(patient, as_of, rules):
    assert refill_block_episodes(patient, as_of, rules) == brute_force(patient, as_of, rules)


@SETTINGS
@given(histories(), days)
def test_the_callers_refill_of_the_list_date_changes_nothing(patient, as_of):
    """write.py hands in the refill it already has for `as_of`, to save one engine run."""
    today = assess(patient, as_of, SHORT_LOOKBACK).refill
    assert (refill_block_episodes(patient, as_of, SHORT_LOOKBACK, today)
            == refill_block_episodes(patient, as_of, SHORT_LOOKBACK))


def test_the_reference_sees_a_lifted_countdown_in_the_words_of_its_last_day():
    """Fungemia 1 Nov, cleared by the no-growth culture of 3 Nov, symptoms resolved 2 Nov;
    fluconazole 1 Nov - 17 Nov: days of therapy after clearance 4..17 Nov = 14, so the
    course is complete on 17 Nov (its stop day) and the block's last day is 16 Nov, "day 13
    of 14, 1 day left". The episode carries those words, not those of an earlier day."""
    p = Patient(mrn="P0002", name="Synthetic, Test", dob=date(1970, 1, 1), ward="Neuro 4B", weight_kg=None,
                symptoms_resolved_on=date(2026, 11, 2), neutrophil_recovery_on=None,
                pumps=(Pump(serial="NGP1", manufacturer="Medtronic", model="SynchroMed II",
                            reservoir_ml=Decimal(20), alarm_ml=Decimal(2), implanted_on=date(2025, 1, 1),
                            removed_on=None, removal_reason=None, concentration_ug_ml=Decimal(500),
                            daily_dose_ug=Decimal(300)),),
                cultures=(Culture("blood", date(2026, 11, 1), "positive", "Candida albicans"),
                          Culture("blood", date(2026, 11, 3), "no_growth")),
                antifungals=(AntifungalCourse("fluconazole", None, date(2026, 11, 1), date(2026, 11, 17)),))
    (episode,) = refill_block_episodes(p, date(2026, 12, 1), RULES)
    assert (episode.start_on, episode.last_day) == (date(2026, 11, 1), date(2026, 11, 16))
    assert episode.reasons == ("antifungal_course_open",)
    assert "day 13 of 14 days of therapy, 1 day left" in episode.explanations[0]
    assert episode == brute_force(p, date(2026, 12, 1), RULES)[0]
