"""May the pump be refilled today? Status and every reason, most serious first.

Why all reasons and not the first: the team must clear each one (a cleared fungemia with
a pending culture needs the course finished AND the culture read), and the refill form
shows them all before anyone asks for an override. The blocks follow the seed ("never
refill during active fungemia: it keeps the infected foreign body in use") and extend
the same principle to bacteremia, CSF and pocket infection.

Revision 3: a device infection (CSF, pocket, wound) lasts until a no-growth culture of
the SAME specimen drawn on a later day, or the removal of that pump, never expiring with
the calendar (a wound swab does not clear a pocket culture); a pump kept through a fungal
infection whose course is complete is `caution` (`device_retained`), never plain "ok".
"""

from __future__ import annotations

from dataclasses import dataclass

from itb_tui.clinical.assessment import AntifungalState, RefillState
from itb_tui.clinical.episode import Episode
from itb_tui.clinical.facts import DEVICE_SPECIMENS, POCKET_SPECIMENS, Facts
from itb_tui.clinical.rules import Rules
from itb_tui.clinical.text import culture_phrase, iso, plural, relative


@dataclass(frozen=True, slots=True)
class BlockGround:
    """A positive culture a blocking reason stands on, and what bounds the block it holds.

    Why here: every blocking reason needs one (clinical-rules.md, Terms), and the FHIR
    export's block episodes (block_window.py) read from these alone, never from a list of
    their own, where a block can be and on which days it can change; a reason added to
    BLOCK_GROUNDS is both blocking below and known there.

    `cleared_ends`: it holds until the day before a no-growth culture of the SAME specimen
    drawn on a later day (that day also changes a course counted from clearance, so a
    same-site no-growth is a change day either way). `expires`: how
    `episode_lookback_days` bounds it: None, never with the calendar; "each", every such
    culture counts that long after it was drawn; "latest", the episode closes that long
    after the latest of them (once cleared; one followed within the look-back by another
    never closes it itself). `reimplant_ends`: a pump implanted after the culture ends it.
    `record_dates`: the other record dates it changes on, as `Patient` attribute paths
    ("antifungals.started_on": of every course). The implant and removal days of the
    pumps change every reason (no pump in: `not_applicable`). A specimen with grounds
    `cleared_ends` that never expire nor end with a reimplant, for fungal and other
    organisms alike (blood), is a *sure* block: its positive culture blocks, while a pump
    is in, until a clearing culture, and the engine is not asked (block_window.py).
    """

    specimens: tuple[str, ...]
    fungal: bool | None  # the organism: fungal (True), not fungal (False), either (None)
    cleared_ends: bool
    expires: str | None
    reimplant_ends: bool = False
    record_dates: tuple[str, ...] = ()


_COURSE_DATES = ("antifungals.started_on", "antifungals.stopped_on", "symptoms_resolved_on",
                 "neutrophil_recovery_on")
# Every blocking reason (refill_state's codes) and the grounds it stands on; block_window.py
# derives its windows and change days from this table alone.
BLOCK_GROUNDS: dict[str, tuple[BlockGround, ...]] = {
    "fungemia": (BlockGround(("blood",), True, cleared_ends=True, expires=None),),
    "bacteremia": (BlockGround(("blood",), False, cleared_ends=True, expires=None),),
    "csf_infection": (BlockGround(("csf",), None, cleared_ends=True, expires="each"),),
    "pocket_infection": (BlockGround(POCKET_SPECIMENS, None, cleared_ends=True, expires="each"),),
    # the current fungal episode, blood or device, from its clearance to course completion
    "antifungal_course_open": (
        BlockGround(("blood",), True, cleared_ends=False, expires="latest", reimplant_ends=True,
                    record_dates=_COURSE_DATES),
        BlockGround(DEVICE_SPECIMENS, True, cleared_ends=False, expires="each", reimplant_ends=True,
                    record_dates=_COURSE_DATES),
    ),
}
BLOCKING = tuple(BLOCK_GROUNDS)
OPEN_COURSE_STATES = ("awaiting_symptom_resolution", "in_progress", "specialist_duration", "stopped_early")
# The two answers without reasons, built once (frozen: every patient may share them).
OK = RefillState("ok")
NOT_APPLICABLE = RefillState("not_applicable")


def refill_state(
    facts: Facts, episode: Episode | None, antifungal: AntifungalState, running: bool, rules: Rules
) -> RefillState:
    if facts.implanted_pump is None:
        return NOT_APPLICABLE
    found: list[tuple[str, str]] = []

    # The latest positive of each kind, when no no-growth blood culture follows it
    # (episode.uncleared; the date is worked out once, in the facts).
    if facts.fungal_blood_positives and facts.fungal_blood_cleared_on is None:
        positive = facts.fungal_blood_positives[-1]
        found.append(("fungemia", f"Fungemia not cleared: {culture_phrase(positive)}, and no blood "
                                  f"culture drawn on a later day shows no growth."))
    if facts.bacterial_blood_positives and facts.bacterial_blood_cleared_on is None:
        positive = facts.bacterial_blood_positives[-1]
        found.append(("bacteremia", f"Bacteremia not cleared: {culture_phrase(positive)}, and no "
                                    f"blood culture drawn on a later day shows no growth."))
    if facts.device_infections:  # most patients have none: skip both scans
        _device_reasons(facts, found)
    if (episode is not None and antifungal.state in OPEN_COURSE_STATES
            and episode.clearance_on is not None and not episode.device):
        found.append(("antifungal_course_open", _course_open_text(episode, antifungal, running)))
    if facts.pending:
        # The latest pending blood or CSF culture (facts.pending, oldest first): if it is
        # outside the window, every earlier one is too.
        culture = facts.pending[-1]
        days = (facts.as_of - culture.drawn_on).days
        if days <= rules.pending_window_days:
            specimen = "Blood" if culture.specimen == "blood" else "CSF"
            found.append(("culture_pending", f"{specimen} culture drawn {iso(culture.drawn_on)} "
                                             f"({relative(-days)}) is still pending: read the result first."))
    if episode is not None and antifungal.state == "complete":
        found.append(("device_retained", f"Pump {facts.implanted_pump.serial} stayed in through the fungal "
                                         f"infection ({culture_phrase(episode.latest_positive)}); the course "
                                         f"is complete, but salvage of a retained device succeeds in about "
                                         f"30%: blood cultures with any fever."))

    if not found:
        return OK
    status = "blocked" if any(code in BLOCKING for code, _ in found) else "caution"
    return RefillState(status, tuple(code for code, _ in found), tuple(text for _, text in found))


def _device_reasons(facts: Facts, found: list[tuple[str, str]]) -> None:
    csf = [c for c in facts.device_infections if c.specimen == "csf"]
    if csf:
        found.append(("csf_infection", f"CSF infection: {culture_phrase(csf[-1])}, and no CSF culture "
                                       f"drawn on a later day shows no growth (the pump is still in)."))
    pocket = [c for c in facts.device_infections if c.specimen in POCKET_SPECIMENS]
    if pocket:
        site = "pump pocket" if pocket[-1].specimen == "pocket" else "wound"
        found.append(("pocket_infection", f"Pump pocket/wound infection: {culture_phrase(pocket[-1])}, and no "
                                          f"{site} culture drawn on a later day shows no growth (the pump is "
                                          f"still in)."))


def _course_open_text(episode: Episode, antifungal: AntifungalState, running: bool) -> str:
    if episode.kind == "blood":
        cleared = f"Fungemia cleared on {iso(antifungal.clearance_on)}"
    else:
        cleared = f"Device site cleared on {iso(antifungal.clearance_on)}"
    if antifungal.state == "awaiting_symptom_resolution":
        return (f"{cleared} but no symptom-resolution date is recorded: the antifungal course "
                f"counts from the later of the two.")
    if antifungal.state == "specialist_duration" or antifungal.required_until is None:
        if antifungal.required_until is None:
            return (f"{cleared}; the course length is set by infectious diseases: record the planned "
                    f"stop date (no 14-day countdown for this infection).")
        return (f"{cleared}; the planned course runs until {iso(antifungal.required_until)}.")
    if antifungal.state == "stopped_early":
        return (f"{cleared} but antifungal therapy stopped before the course was complete (given every "
                f"day from today it runs until {iso(antifungal.required_until)}).")
    if not running:
        return (f"{cleared} but no antifungal course is recorded; the required course runs "
                f"until {iso(antifungal.required_until)}.")
    if antifungal.days_left is not None and antifungal.days_left <= 0:
        return (f"{cleared}; the required course ended {iso(antifungal.required_until)} but "
                f"therapy is still recorded as running: record its stop date to lift the block.")
    return (f"{cleared}; the antifungal course runs until {iso(antifungal.required_until)} "
            f"(day {antifungal.day} of {antifungal.required_days} days of therapy, "
            f"{plural(antifungal.days_left, 'day')} left).")
