"""May the pump be refilled today? Status and every reason, most serious first.

Why all reasons and not the first: the team must clear each one (a cleared fungemia with
a pending culture needs the course finished AND the culture read), and the refill form
shows them all before anyone asks for an override. The blocks follow the seed ("never
refill during active fungemia: it keeps the infected foreign body in use") and extend
the same principle to bacteremia, CSF and pocket infection.
"""

from __future__ import annotations

from datetime import date

from itb_tui.clinical.assessment import AntifungalState, RefillState
from itb_tui.clinical.episode import Episode, uncleared
from itb_tui.clinical.facts import NO_GROWTH, PENDING, POCKET_SPECIMENS, POSITIVE, Facts
from itb_tui.clinical.records import Culture
from itb_tui.clinical.rules import Rules
from itb_tui.clinical.text import culture_phrase, iso, plural, relative

BLOCKING = ("fungemia", "bacteremia", "csf_infection", "pocket_infection", "antifungal_course_open")
OPEN_COURSE_STATES = ("awaiting_symptom_resolution", "in_progress", "stopped_early")


def refill_state(
    facts: Facts, episode: Episode | None, antifungal: AntifungalState, running: bool, rules: Rules
) -> RefillState:
    if facts.implanted_pump is None:
        return RefillState("not_applicable")
    found: list[tuple[str, str]] = []

    positive = uncleared(facts.fungal_blood_positives, facts.blood_no_growth_dates)
    if positive is not None:
        found.append(("fungemia", f"Fungemia not cleared: {culture_phrase(positive)}, and no blood "
                                  f"culture drawn on a later day shows no growth."))
    positive = uncleared(facts.bacterial_blood_positives, facts.blood_no_growth_dates)
    if positive is not None:
        found.append(("bacteremia", f"Bacteremia not cleared: {culture_phrase(positive)}, and no "
                                    f"blood culture drawn on a later day shows no growth."))
    positive = _recent_uncleared(facts, ("csf",), rules)
    if positive is not None:
        found.append(("csf_infection", f"CSF infection: {culture_phrase(positive)} (within "
                                       f"{rules.csf_block_days} days) and no later CSF culture shows no growth."))
    positive = _recent_uncleared(facts, POCKET_SPECIMENS, rules)
    if positive is not None:
        found.append(("pocket_infection", f"Pump pocket/wound infection: {culture_phrase(positive)} "
                                          f"(within {rules.csf_block_days} days) and no later "
                                          f"pocket or wound culture shows no growth."))
    if episode is not None and episode.clearance_on is not None and antifungal.state in OPEN_COURSE_STATES:
        found.append(("antifungal_course_open", _course_open_text(antifungal, running)))
    for culture in reversed(facts.cultures):
        if (facts.as_of - culture.drawn_on).days > rules.pending_window_days:
            break
        if culture.result == PENDING and culture.specimen in ("blood", "csf"):
            days = (facts.as_of - culture.drawn_on).days
            specimen = "Blood" if culture.specimen == "blood" else "CSF"
            found.append(("culture_pending", f"{specimen} culture drawn {iso(culture.drawn_on)} "
                                             f"({relative(-days)}) is still pending: read the result first."))
            break

    if not found:
        return RefillState("ok")
    status = "blocked" if any(code in BLOCKING for code, _ in found) else "caution"
    return RefillState(status, tuple(code for code, _ in found), tuple(text for _, text in found))


def _recent_uncleared(facts: Facts, specimens: tuple[str, ...], rules: Rules) -> Culture | None:
    """The latest positive culture of these specimens drawn within csf_block_days, when no
    no-growth culture of the same specimens was drawn on a later day."""
    latest: Culture | None = None
    cleared_after: date | None = None
    for culture in facts.cultures:  # oldest first
        if culture.specimen not in specimens:
            continue
        if culture.result == POSITIVE:
            latest, cleared_after = culture, None
        elif culture.result == NO_GROWTH and latest is not None and culture.drawn_on > latest.drawn_on:
            cleared_after = culture.drawn_on
    if latest is None or cleared_after is not None:
        return None
    if (facts.as_of - latest.drawn_on).days > rules.csf_block_days:
        return None
    return latest


def _course_open_text(antifungal: AntifungalState, running: bool) -> str:
    cleared = f"Fungemia cleared on {iso(antifungal.clearance_on)}"
    if antifungal.state == "awaiting_symptom_resolution":
        return (f"{cleared} but no symptom-resolution date is recorded: the antifungal course "
                f"counts from the later of the two.")
    if antifungal.state == "stopped_early":
        return (f"{cleared} but antifungal therapy stopped before the required date "
                f"{iso(antifungal.required_until)}.")
    if not running:
        return (f"{cleared} but no antifungal course is recorded; the required course runs "
                f"until {iso(antifungal.required_until)}.")
    if antifungal.days_left is not None and antifungal.days_left <= 0:
        return (f"{cleared}; the required course ended {iso(antifungal.required_until)} but "
                f"therapy is still recorded as running: record its stop date to lift the block.")
    return (f"{cleared}; the antifungal course runs until {iso(antifungal.required_until)} "
            f"(day {antifungal.day} of {antifungal.required_days}, "
            f"{plural(antifungal.days_left, 'day')} left).")
