"""The antifungal course of the current fungal episode: state, "Day N of 14", and its alerts.

Why anchored on documented clearance: IDSA treats candidemia for 2 weeks after documented
clearance AND resolution of symptoms (and, in neutropenia, neutrophil recovery). The seed
counts from the last positive culture; clearance is never earlier, so the IDSA anchor is
the safe one. A clinician's longer plan (planned_stop_on, e.g. ocular infection) extends
the course; a shorter plan never shortens it.

Which courses belong to the episode: every course started on or before the list date that
had not stopped before the episode began (a prophylactic or earlier course still running
when the breakthrough culture was drawn counts). Overlapping courses (a step-down from an
echinocandin to fluconazole) are one therapy: it is running while any course runs, and it
ended on the latest stop date.
"""

from __future__ import annotations

from datetime import date, timedelta

from itb_tui.clinical.alerts import make_alert
from itb_tui.clinical.assessment import Alert, AntifungalState
from itb_tui.clinical.episode import Episode
from itb_tui.clinical.facts import Facts
from itb_tui.clinical.organisms import AURIS, GLABRATA, KRUSEI, lookup
from itb_tui.clinical.records import AntifungalCourse
from itb_tui.clinical.rules import Rules
from itb_tui.clinical.text import culture_phrase, iso, plural, relative

TREATING_STATES = ("awaiting_clearance", "awaiting_symptom_resolution", "in_progress")


def episode_courses(facts: Facts, episode: Episode) -> list[tuple[AntifungalCourse, date | None]]:
    return [(c, stop) for c, stop in facts.courses if stop is None or stop >= episode.start_on]


def assess_antifungal(
    facts: Facts, episode: Episode | None, rules: Rules
) -> tuple[AntifungalState, list[Alert], bool]:
    """(state, alerts, therapy running on as_of)."""
    if episode is None:
        return AntifungalState("not_indicated"), [], False
    as_of = facts.as_of
    courses = episode_courses(facts, episode)
    running = any(stop is None for _, stop in courses)
    last_stop = max((stop for _, stop in courses if stop is not None), default=None)
    start = episode.start_on
    clearance = episode.clearance_on
    # A symptom-resolution or neutrophil-recovery date before this episode began belongs
    # to an earlier illness: it says nothing about this one.
    symptoms = facts.symptoms_resolved_on if _on_or_after(facts.symptoms_resolved_on, start) else None
    neutrophils = facts.neutrophil_recovery_on if _on_or_after(facts.neutrophil_recovery_on, start) else None

    alerts: list[Alert] = []
    if clearance is None:
        state = AntifungalState("awaiting_clearance", episode_start_on=start)
    elif symptoms is None:
        state = AntifungalState("awaiting_symptom_resolution", episode_start_on=start, clearance_on=clearance)
    else:
        state = _countdown(start, clearance, symptoms, neutrophils, courses, running, last_stop, as_of, rules)
        if state.state == "stopped_early":
            alerts.append(_stopped_early(state, last_stop, rules))

    if not courses:
        alerts.append(_no_antifungal(episode, rules))
    elif not running and state.state in ("awaiting_clearance", "awaiting_symptom_resolution"):
        alerts.append(_stopped_before_countdown(state, last_stop, rules))
    if clearance is None:
        alert = _followup_culture(facts, rules)
        if alert is not None:
            alerts.append(alert)
    if state.state in TREATING_STATES:
        alert = _eye_exam(facts, start, neutrophils, rules)
        if alert is not None:
            alerts.append(alert)
    return state, alerts, running


def _countdown(start, clearance, symptoms, neutrophils, courses, running, last_stop, as_of, rules) -> AntifungalState:
    anchor = max(d for d in (clearance, symptoms, neutrophils) if d is not None)
    required_until = anchor + timedelta(days=rules.antifungal_days_after_clearance)
    planned = max((c.planned_stop_on for c, _ in courses if c.planned_stop_on is not None), default=None)
    if planned is not None and planned > required_until:
        required_until = planned
    common = dict(
        episode_start_on=start,
        clearance_on=clearance,
        anchor_on=anchor,
        required_until=required_until,
        required_days=(required_until - anchor).days,
    )
    if running or not courses:
        name = "in_progress"
    elif last_stop >= required_until:
        return AntifungalState("complete", completed_on=last_stop, **common)
    else:
        name = "stopped_early"
    return AntifungalState(
        name, day=(as_of - anchor).days, days_left=(required_until - as_of).days, **common
    )


def _on_or_after(day: date | None, start: date) -> bool:
    return day is not None and day >= start


def _stopped_early(state: AntifungalState, last_stop: date, rules: Rules) -> Alert:
    short = (state.required_until - last_stop).days
    text = (
        f"Antifungal therapy stopped on {iso(last_stop)}, {plural(short, 'day')} before the "
        f"required date {iso(state.required_until)} ({state.required_days} days after "
        f"{iso(state.anchor_on)}, the latest of clearance and symptom resolution)."
    )
    action = f"Restart antifungal therapy and continue until {iso(state.required_until)}, or record why it stopped."
    return make_alert("antifungal_stopped_early", text, rules, action)


def _stopped_before_countdown(state: AntifungalState, last_stop: date, rules: Rules) -> Alert:
    why = "fungemia is not cleared" if state.state == "awaiting_clearance" else "symptoms have not resolved"
    text = (
        f"All antifungal therapy stopped (last on {iso(last_stop)}) while {why}: the course runs "
        f"until {rules.antifungal_days_after_clearance} days after clearance and resolution of symptoms."
    )
    return make_alert("antifungal_stopped_early", text, rules, "Restart antifungal therapy now.")


def _no_antifungal(episode: Episode, rules: Rules) -> Alert:
    text = (
        f"Fungemia since {iso(episode.start_on)} ({culture_phrase(episode.first_positive)}) and "
        f"no antifungal course is recorded."
    )
    keys = {s.key for s in (lookup(c.organism) for c in episode.positives) if s is not None}
    if keys & {KRUSEI, GLABRATA, AURIS}:
        action = (
            "Start an echinocandin now (caspofungin 70 mg load then 50 mg daily, micafungin "
            "100 mg daily or anidulafungin 200 mg load then 100 mg daily)."
        )
    else:
        action = (
            "Start antifungal therapy now: an echinocandin, or fluconazole 800 mg load then "
            "400 mg daily for an azole-susceptible species in a stable patient."
        )
    return make_alert("no_antifungal", text, rules, action)


def _followup_culture(facts: Facts, rules: Rules) -> Alert | None:
    latest = facts.blood[-1].drawn_on  # the episode's positive is itself a blood culture
    gap = (facts.as_of - latest).days
    if gap < rules.followup_culture_interval_days:
        return None
    text = (
        f"Fungemia not cleared and the latest blood culture was drawn {iso(latest)} "
        f"({relative(-gap)}): blood cultures every day or every other day until clearance."
    )
    action = f"Draw blood cultures today ({iso(facts.as_of)}) and every 1-2 days until one shows no growth."
    return make_alert("followup_culture_due", text, rules, action)


def _eye_exam(facts: Facts, start: date, neutrophils: date | None, rules: Rules) -> Alert | None:
    for exam in facts.exams:
        if exam.kind == "dilated_eye_exam" and exam.on >= start:
            return None
    window = timedelta(days=rules.eye_exam_within_days)
    due = start + window
    if neutrophils is not None and neutrophils + window > due:
        due = neutrophils + window
    overdue = (facts.as_of - due).days
    when = f"overdue since {iso(due)}" if overdue > 0 else f"due by {iso(due)} ({relative(-overdue)})"
    text = (
        f"No dilated eye examination recorded since fungemia began on {iso(start)}: {when}. "
        f"Ocular candidiasis changes the drug and the duration."
    )
    action = f"Request a dilated fundoscopy by ophthalmology by {iso(due)}."
    return make_alert("eye_exam_due", text, rules, action)
