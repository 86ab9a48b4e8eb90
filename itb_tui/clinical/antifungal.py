"""The antifungal course of the current fungal episode: state, "Day N of 14", and its alerts.

Why anchored on documented clearance: IDSA treats candidemia for 2 weeks after documented
clearance AND resolution of symptoms (and, in neutropenia, neutrophil recovery). The seed
counts from the last positive culture; clearance is never earlier, so the IDSA anchor is
the safe one. A clinician's longer plan (planned_stop_on, e.g. ocular infection) extends
the course; a shorter plan never shortens it.

Why days of therapy, not calendar days (revision 3, change 4): a course with gaps was
"complete" after 4 days of fluconazole because only the calendar was counted. N is the
number of days after the anchor, up to the list date, covered by at least one course
(a course covers its start day to its stop day, both included; an open course up to the
list date), so a gap moves the end date later.

Why groups (change 3): the 14-day course, the eye exam and the Candida regimens are
IDSA's for Candida. Cryptococcus, moulds and the other yeasts, and a fungal device
infection without fungemia, get `specialist_duration`: no countdown until infectious
diseases records a planned stop date, and a course stopped without one is stopped early.

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
_ONE = timedelta(days=1)
GROUP_WORDS = {"cryptococcus": "Cryptococcus", "mould": "a mould", "other_yeast": "a non-Candida yeast",
               "candida": "Candida"}

Courses = list[tuple[AntifungalCourse, date | None]]
NOT_INDICATED = AntifungalState("not_indicated")  # frozen: shared by every patient without an episode


def episode_courses(facts: Facts, episode: Episode) -> Courses:
    return courses_from(facts, episode.start_on)


def courses_from(facts: Facts, start_on: date) -> Courses:
    """The courses of the episode that began `start_on`: still running, or stopped on or
    after that day (a course stopped before belongs to an earlier episode). The detail's
    antifungal card shows these only (issue 13)."""
    return [(c, stop) for c, stop in facts.courses if stop is None or stop >= start_on]


def therapy_days(courses: Courses, after: date, as_of: date, nth: int) -> tuple[int, date | None]:
    """(N, the date of the nth covered day or None): N = days d with after < d <= as_of
    covered by at least one course (start and stop day included; an open course runs up
    to as_of)."""
    spans = []
    for course, stop in courses:
        low = max(course.started_on, after + _ONE)
        high = min(stop if stop is not None else as_of, as_of)
        if low <= high:
            spans.append((low, high))
    spans.sort()
    covered, nth_day, end = 0, None, None
    for low, high in spans:
        if end is not None and low <= end:
            low = end + _ONE
        if low > high:
            continue
        length = (high - low).days + 1
        if nth_day is None and covered + length >= nth:
            nth_day = low + timedelta(days=nth - covered - 1)
        covered += length
        end = high
    return covered, nth_day


def assess_antifungal(
    facts: Facts, episode: Episode | None, rules: Rules
) -> tuple[AntifungalState, list[Alert], bool]:
    """(state, alerts, therapy running on as_of)."""
    if episode is None:
        return NOT_INDICATED, [], False
    as_of = facts.as_of
    courses = episode_courses(facts, episode)
    # One pass for: therapy running on as_of, the latest stop, the latest planned stop.
    running, last_stop, planned = False, None, None
    for course, stop in courses:
        if stop is None:
            running = True
        elif last_stop is None or stop > last_stop:
            last_stop = stop
        planned_stop = course.planned_stop_on
        if planned_stop is not None and (planned is None or planned_stop > planned):
            planned = planned_stop
    start = episode.start_on
    clearance = episode.clearance_on
    # A symptom-resolution or neutrophil-recovery date before this episode began belongs
    # to an earlier illness: it says nothing about this one.
    symptoms = facts.symptoms_resolved_on if _on_or_after(facts.symptoms_resolved_on, start) else None
    neutrophils = facts.neutrophil_recovery_on if _on_or_after(facts.neutrophil_recovery_on, start) else None

    alerts: list[Alert] = []
    if episode.kind == "blood" and clearance is None:
        state = AntifungalState("awaiting_clearance", episode_start_on=start)
    elif not episode.candida:
        state = _specialist(episode, courses, running, last_stop, planned, as_of)
        if state.state == "stopped_early":
            alerts.append(_specialist_stopped(state, last_stop, planned, rules))
    elif symptoms is None:
        state = AntifungalState("awaiting_symptom_resolution", episode_start_on=start, clearance_on=clearance)
    else:
        state = _countdown(start, clearance, symptoms, neutrophils, courses, running, last_stop, planned, as_of, rules)
        if state.state == "stopped_early":
            alerts.append(_stopped_early(state, last_stop, planned, rules))

    if not courses:
        alerts.append(_no_antifungal(episode, rules))
    elif not running and state.state in ("awaiting_clearance", "awaiting_symptom_resolution"):
        alerts.append(_stopped_before_countdown(state, last_stop, rules))
    if episode.kind == "blood" and clearance is None:
        alert = _followup_culture(facts, rules)
        if alert is not None:
            alerts.append(alert)
    if episode.group != "candida" and state.state != "complete":
        # once the planned course is complete the advice has done its work (the retained
        # pump keeps its own warning)
        alerts.append(_non_candida(episode, rules))
    if episode.candida and state.state in TREATING_STATES:
        alert = _eye_exam(facts, start, neutrophils, rules)
        if alert is not None:
            alerts.append(alert)
    return state, alerts, running


def _countdown(start, clearance, symptoms, neutrophils, courses, running, last_stop, planned, as_of,
               rules) -> AntifungalState:
    need = rules.antifungal_days_after_clearance
    anchor = max(d for d in (clearance, symptoms, neutrophils) if d is not None)
    given, nth_day = therapy_days(courses, anchor, as_of, need)
    required_until = as_of + timedelta(days=need - given) if given < need else nth_day
    if planned is not None and planned > required_until:
        required_until = planned
    days_left = (required_until - as_of).days
    common = dict(
        episode_start_on=start,
        clearance_on=clearance,
        anchor_on=anchor,
        required_until=required_until,
        required_days=max(need, given + days_left),
    )
    if running or not courses:
        name = "in_progress"
    elif given >= need and (planned is None or last_stop >= planned):
        return AntifungalState("complete", completed_on=last_stop, **common)
    else:
        name = "stopped_early"
    return AntifungalState(name, day=given, days_left=days_left, **common)


def _specialist(episode: Episode, courses, running, last_stop, planned, as_of) -> AntifungalState:
    """Non-Candida groups and a fungal device infection without fungemia: the duration is
    the planned stop date infectious diseases records; none is computed."""
    common = dict(episode_start_on=episode.start_on, clearance_on=episode.clearance_on, required_until=planned)
    if not running and courses:
        if planned is not None and last_stop >= planned:
            return AntifungalState("complete", completed_on=last_stop, **common)
        name = "stopped_early"
    else:
        name = "specialist_duration"
    if planned is None:
        return AntifungalState(name, **common)
    given, _ = therapy_days(courses, episode.start_on - _ONE, as_of, 1)
    days_left = (planned - as_of).days
    return AntifungalState(name, day=given, days_left=days_left, required_days=max(given, given + days_left),
                           **common)


def _on_or_after(day: date | None, start: date) -> bool:
    return day is not None and day >= start


def _stopped_early(state: AntifungalState, last_stop: date, planned: date | None, rules: Rules) -> Alert:
    need = rules.antifungal_days_after_clearance
    missing = need - state.day
    if missing > 0:
        text = (
            f"Antifungal therapy stopped on {iso(last_stop)} after {plural(state.day, 'day')} of therapy "
            f"since {iso(state.anchor_on)} (the latest of clearance and symptom resolution): "
            f"{plural(missing, 'day')} of therapy missing of the {need} required."
        )
    else:
        text = (f"Antifungal therapy stopped on {iso(last_stop)}, before the planned stop date "
                f"{iso(planned)}.")
    action = (f"Restart antifungal therapy: given every day from today, the course runs until "
              f"{iso(state.required_until)}; or record why it stopped.")
    return make_alert("antifungal_stopped_early", text, rules, action)


def _specialist_stopped(state: AntifungalState, last_stop: date, planned: date | None, rules: Rules) -> Alert:
    if planned is None:
        text = (f"Antifungal therapy stopped on {iso(last_stop)} and no planned stop date is recorded: "
                f"the duration for this infection is set by infectious diseases, not by the 14-day rule.")
    else:
        text = f"Antifungal therapy stopped on {iso(last_stop)}, before the planned stop date {iso(planned)}."
    action = "Restart antifungal therapy as infectious diseases advise, or record the planned stop date."
    return make_alert("antifungal_stopped_early", text, rules, action)


def _stopped_before_countdown(state: AntifungalState, last_stop: date, rules: Rules) -> Alert:
    why = "fungemia is not cleared" if state.state == "awaiting_clearance" else "symptoms have not resolved"
    text = (
        f"All antifungal therapy stopped (last on {iso(last_stop)}) while {why}: the course runs "
        f"until {rules.antifungal_days_after_clearance} days of therapy after clearance and resolution of symptoms."
    )
    return make_alert("antifungal_stopped_early", text, rules, "Restart antifungal therapy now.")


_ECHINOCANDIN = ("caspofungin 70 mg load then 50 mg daily, micafungin 100 mg daily or anidulafungin "
                 "200 mg load then 100 mg daily")
NO_ANTIFUNGAL_ACTIONS = {
    "cryptococcus": ("Start induction therapy as infectious diseases direct: liposomal amphotericin B with "
                     "flucytosine (IDSA cryptococcal 2010); not an echinocandin (no activity against "
                     "Cryptococcus)."),
    "mould": ("Start mould-active therapy as infectious diseases direct (voriconazole for Aspergillus, IDSA "
              "aspergillosis 2016); not fluconazole (no useful activity against moulds)."),
    "other_yeast": ("Start antifungal therapy as infectious diseases and microbiology direct: susceptibility "
                    "of the non-Candida yeasts varies (Trichosporon is often echinocandin-resistant)."),
}


def _no_antifungal(episode: Episode, rules: Rules) -> Alert:
    what = "Fungemia" if episode.kind == "blood" else "Fungal device infection"
    text = (
        f"{what} since {iso(episode.start_on)} ({culture_phrase(episode.first_positive)}) and "
        f"no antifungal course covers any day of this episode."
    )
    action = NO_ANTIFUNGAL_ACTIONS.get(episode.group)
    if action is None:
        keys = {s.key for s in (lookup(c.organism) for c in episode.positives + episode.device) if s is not None}
        if keys & {KRUSEI, GLABRATA, AURIS}:
            action = f"Start an echinocandin now ({_ECHINOCANDIN})."
        else:
            action = (
                "Start antifungal therapy now: an echinocandin, or fluconazole 800 mg load then "
                "400 mg daily for an azole-susceptible species in a stable patient."
            )
    return make_alert("no_antifungal", text, rules, action)


_NON_CANDIDA_TEXT = {
    "cryptococcus": ("the Candida durations do not apply: evaluate the CNS (lumbar puncture) and follow an "
                     "ID-directed plan of induction, consolidation and maintenance over months "
                     "(IDSA cryptococcal guideline 2010)"),
    "mould": ("the Candida durations do not apply: weeks of mould-active therapy directed by infectious "
              "diseases (IDSA aspergillosis guideline 2016)"),
    "other_yeast": "the Candida durations do not apply: the duration is directed by infectious diseases",
}


def _non_candida(episode: Episode, rules: Rules) -> Alert:
    text = f"{culture_phrase(episode.latest_positive)}: {_NON_CANDIDA_TEXT[episode.group]}."
    return make_alert("non_candida_fungus", text, rules)


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
        f"No dilated eye examination recorded since candidemia began on {iso(start)}: {when}. "
        f"Ocular candidiasis changes the drug and the duration."
    )
    action = f"Request a dilated fundoscopy by ophthalmology by {iso(due)}."
    return make_alert("eye_exam_due", text, rules, action, due_on=due)
