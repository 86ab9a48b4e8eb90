"""What the detail's antifungal card shows of the current fungal episode, and nothing of
an earlier one (issue 13: a new episode's card showed the earlier episode's course, its
planned stop and its symptom date).

The engine counts only the courses of the current episode (clinical/antifungal.py,
`courses_from`: running, or stopped on or after the episode began) and ignores symptom
or neutrophil dates from before it began; the card takes the same courses and dates from
here, so it never shows a course the count does not use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from itb_tui.clinical.antifungal import courses_from
from itb_tui.clinical.assessment import Assessment
from itb_tui.clinical.facts import build_facts
from itb_tui.clinical.records import AntifungalCourse, Patient


@dataclass(frozen=True, slots=True)
class EpisodeCard:
    """The current episode's course (the running one, else its latest), its planned stop,
    and the symptom / neutrophil dates recorded since it began (None when none)."""

    course: AntifungalCourse | None
    planned_stop_on: date | None
    symptoms_resolved_on: date | None
    neutrophil_recovery_on: date | None


def _since(day: date | None, start: date) -> date | None:
    return day if day is not None and day >= start else None


def episode_card(patient: Patient, assessment: Assessment) -> EpisodeCard:
    """The card's facts for the date shown. No episode: only a course running that day."""
    as_of = assessment.as_of
    facts = build_facts(patient, as_of)
    start = assessment.antifungal.episode_start_on
    if start is None:
        running = [c for c, stop in facts.courses if stop is None]
        return EpisodeCard(max(running, key=lambda c: c.started_on, default=None), None, None, None)
    mine = courses_from(facts, start)
    running = [c for c, stop in mine if stop is None]
    shown = max(running or [c for c, _ in mine], key=lambda c: c.started_on, default=None)
    planned = max((c.planned_stop_on for c, _ in mine if c.planned_stop_on is not None), default=None)
    return EpisodeCard(shown, planned, _since(facts.symptoms_resolved_on, start),
                       _since(facts.neutrophil_recovery_on, start))
