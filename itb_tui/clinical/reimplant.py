"""When may a new pump go in after fungemia?

Why: the seed waits for documented clearance, a completed course and then at least 14
days (`reimplant_days_after_therapy`), with a repeat blood culture to confirm
eradication before any new device. A positive culture of any specimen after therapy
was completed is a relapse (or a new infection) and blocks reimplantation; that
includes a new fungemia after the previous episode's therapy ended, which the episode
rules see as a new episode (the day that therapy ended is passed in as
`prior_completed_on`); once the new episode's own course is complete, the usual wait
applies again.

Revision 3 (change 7): only a positive culture of a sterile site counts (blood, CSF,
pocket, wound, catheter tip): a FUNGAL one is a `relapse`; a BACTERIAL one, until a later
no-growth culture of the same specimen clears it, is `infection_before_reimplant` (no new
device into an active infection). Urine and `other` specimens block nothing (Candida in
urine is usually colonisation; C. auris keeps its own alert). While the course is not
complete the earliest date is max(required_until, as_of) + 14 days (change 8).
"""

from __future__ import annotations

from datetime import date, timedelta

from itb_tui.clinical.alerts import make_alert
from itb_tui.clinical.assessment import Alert, AntifungalState, ReimplantState
from itb_tui.clinical.episode import Episode
from itb_tui.clinical.facts import NO_GROWTH, Facts, is_fungal_culture
from itb_tui.clinical.records import Culture
from itb_tui.clinical.rules import Rules
from itb_tui.clinical.text import culture_phrase, iso

NOT_APPLICABLE = ReimplantState("not_applicable")
STERILE_SITES = ("blood", "csf", "pocket", "wound", "catheter_tip")


def assess_reimplant(
    facts: Facts,
    episode: Episode | None,
    antifungal: AntifungalState,
    running: bool,
    prior_completed_on: date | None,
    rules: Rules,
) -> tuple[ReimplantState, list[Alert]]:
    if episode is None or facts.implanted_pump is not None:
        return NOT_APPLICABLE, []
    as_of = facts.as_of
    wait = timedelta(days=rules.reimplant_days_after_therapy)

    if antifungal.state != "complete":
        if prior_completed_on is not None:
            return _relapse(episode.first_positive, prior_completed_on, rules, "ended")
        eligible_on = None
        if antifungal.required_until is not None and antifungal.state in (
                "in_progress", "specialist_duration", "stopped_early"):
            # Earliest possible: the course cannot end before required_until, nor before today.
            eligible_on = max(antifungal.required_until, as_of) + wait
        return _waiting(eligible_on, as_of), []

    completed = antifungal.completed_on
    for culture in facts.positives:
        if culture.drawn_on > completed and culture.specimen in STERILE_SITES and is_fungal_culture(culture):
            return _relapse(culture, completed, rules, "was completed")
    active = _active_bacterial(facts, completed)
    if active is not None:
        text = (f"Positive culture: {culture_phrase(active)}, after antifungal therapy was completed on "
                f"{iso(completed)}, and no later no-growth culture of the same specimen: no new device into "
                f"an active infection; reimplantation is blocked.")
        return ReimplantState("blocked"), [make_alert("infection_before_reimplant", text, rules)]
    due = completed + wait
    if as_of < due:
        return _waiting(due, as_of), []
    confirming = _confirming_culture(facts.blood, due)
    if confirming is None:
        return ReimplantState("needs_culture", eligible_on=due, days_left=(due - as_of).days, culture_due_on=due), []
    eligible_on = max(due, confirming.drawn_on)
    return ReimplantState("eligible", eligible_on=eligible_on, days_left=(eligible_on - as_of).days,
                          culture_due_on=due), []


def _active_bacterial(facts: Facts, completed: date) -> Culture | None:
    """The latest bacterial positive of a sterile site drawn after completion that no
    no-growth culture of the same specimen drawn on a later day has cleared."""
    found = None
    for culture in facts.positives:
        if (culture.drawn_on > completed and culture.specimen in STERILE_SITES
                and not is_fungal_culture(culture)):
            negatives = facts.no_growth_by_specimen.get(culture.specimen, ())
            if not negatives or negatives[-1] <= culture.drawn_on:
                found = culture
    return found


def _waiting(eligible_on: date | None, as_of: date) -> ReimplantState:
    if eligible_on is None:
        return ReimplantState("waiting")
    return ReimplantState("waiting", eligible_on=eligible_on, days_left=(eligible_on - as_of).days,
                          culture_due_on=eligible_on)


def _confirming_culture(blood: list[Culture], due: date) -> Culture | None:
    for culture in blood:  # oldest first: the first confirming culture makes the patient eligible
        if culture.result == NO_GROWTH and culture.drawn_on >= due:
            return culture
    return None


def _relapse(culture: Culture, completed: date, rules: Rules, how: str) -> tuple[ReimplantState, list[Alert]]:
    text = (f"Positive culture: {culture_phrase(culture)}, after antifungal therapy {how} on "
            f"{iso(completed)}: relapse or new infection; reimplantation is blocked.")
    return ReimplantState("blocked"), [make_alert("relapse", text, rules)]
