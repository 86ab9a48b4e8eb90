"""Properties that must hold for EVERY valid patient, checked on random synthetic ones.

The scenario table checks the rules one situation at a time; these check the safety
invariants across situations nobody wrote down: the engine never crashes, never lets a
pump be refilled over an uncleared positive blood culture, never raises a withdrawal
alarm without a block, never moves a course end date as the days pass, and never lets a
record dated after the list date change the answer.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itb_tui.clinical import ALERT_CODES, ALERT_SEVERITY, REFILL_REASONS, assess
from itb_tui.clinical.records import (
    BRIDGING_METHODS,
    CULTURE_RESULTS,
    EXAM_KINDS,
    SPECIMENS,
    AntifungalCourse,
    Bridging,
    Culture,
    Exam,
    Patient,
    Pump,
    Refill,
)
from itb_tui.clinical.rules import BASES
from itb_tui.clinical.severity import SEVERITY_RANK

START, END = date(2026, 1, 1), date(2026, 12, 31)  # END plays "today": no record after it
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ORGANISMS = [
    "Candida albicans", "C. krusei", "Pichia kudriavzevii", "Candida glabrata", "Nakaseomyces glabratus",
    "Candida auris", "Candidozyma auris", "C. parapsilosis", "Yeast (not yet identified)", "Aspergillus fumigatus",
    "Staphylococcus aureus", "MRSA", "E. coli", "Cutibacterium acnes", "Zymomonas imaginaria",
    "Cryptococcus neoformans", "Candida glabrata complex", "Pichia kudriavzevii (Candida krusei)", "Candida foo",
]
DRUGS = ["fluconazole", "voriconazole", "micafungin", "caspofungin", "anidulafungin", "liposomal amphotericin B"]

# Most dates fall in a ten-week stretch (2026-09-01..2026-11-10) so that cultures,
# courses, explants and refills actually interact; some fall anywhere in the year.
STORY = (date(2026, 9, 1), date(2026, 11, 10))
days = st.dates(min_value=STORY[0], max_value=STORY[1]) | st.dates(min_value=START, max_value=END)


def quantity(low: str, high: str, places: int = 1):
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places, allow_nan=False,
                       allow_infinity=False)


@st.composite
def after(draw, day: date, optional: bool = True):
    """A date on or after `day` (and not after END), or None."""
    if optional and draw(st.booleans()):
        return None
    return draw(st.dates(min_value=day, max_value=min(END, day + timedelta(days=40)))
                | st.dates(min_value=day, max_value=END))


@st.composite
def pumps(draw):
    reservoir = draw(st.sampled_from([Decimal(20), Decimal(40), Decimal("18.0")]))
    implanted = draw(days)
    removed = draw(after(implanted))
    refills = []
    for _ in range(draw(st.integers(0, 3))):
        on = draw(st.dates(min_value=implanted, max_value=removed or END))
        refills.append(Refill(
            on=on,
            volume_ml=draw(quantity("0.5", str(reservoir))),
            programmer_alarm_on=draw(st.none() | st.dates(min_value=on, max_value=on + timedelta(days=400))),
        ))
    return Pump(
        serial=draw(st.sampled_from(["NGP0001", "NGP0002", "NGP0003"])),
        manufacturer="Medtronic", model="SynchroMed II",
        reservoir_ml=reservoir, alarm_ml=draw(quantity("0.5", "3.0")),
        implanted_on=implanted, removed_on=removed, removal_reason=None,
        concentration_ug_ml=draw(quantity("50", "3000", 0)), daily_dose_ug=draw(quantity("10", "1500", 1)),
        refills=tuple(refills),
    )


@st.composite
def cultures(draw):
    result = draw(st.sampled_from(CULTURE_RESULTS))
    specimen = draw(st.sampled_from(["blood"] * 4 + list(SPECIMENS)))
    organism = draw(st.sampled_from(ORGANISMS)) if result == "positive" else None
    susceptibility = draw(st.dictionaries(st.sampled_from(DRUGS[:5]), st.sampled_from(["S", "SDD", "I", "R"]), max_size=2))
    return Culture(specimen=specimen, drawn_on=draw(days), result=result, organism=organism,
                   susceptibility=susceptibility if result == "positive" else {})


@st.composite
def courses(draw):
    started = draw(days)
    return AntifungalCourse(
        drug=draw(st.sampled_from(DRUGS)),
        dose_mg=draw(st.none() | st.sampled_from([Decimal(100), Decimal(400), Decimal(800)])),
        started_on=started,
        stopped_on=draw(after(started)),
        planned_stop_on=draw(st.none() | st.dates(min_value=started, max_value=started + timedelta(days=90))),
    )


@st.composite
def fungemia_story(draw):
    """A candidemia as it happens on a ward: positive culture, follow-up cultures (maybe a
    same-day negative), symptoms settle, a course (maybe stepped down, stopped on time,
    early or not yet), maybe an explant with or without bridging, maybe a check culture
    weeks later. Random records alone almost never line these dates up."""
    start = draw(st.dates(min_value=STORY[0], max_value=STORY[1]))
    gap = lambda low, high: timedelta(days=draw(st.integers(low, high)))  # noqa: E731
    organism = draw(st.sampled_from(ORGANISMS[:10]))
    cultures = [Culture("blood", start, "positive", organism, {})]
    clearance = start + timedelta(days=draw(st.sampled_from([1, 2, 3, 5, 0])))  # 0: same-day negative
    cultures.append(Culture("blood", clearance, "pending" if not draw(st.integers(0, 4)) else "no_growth", None, {}))
    symptoms = start + gap(0, 8) if draw(st.integers(0, 4)) else None  # usually recorded
    anchor = max(clearance, symptoms or clearance)
    stop = anchor + timedelta(days=draw(st.sampled_from([10, 13, 14, 15, 18]))) if draw(st.integers(0, 3)) else None
    courses = [AntifungalCourse(draw(st.sampled_from(DRUGS)), Decimal(draw(st.sampled_from([100, 400, 800]))),
                                start + gap(0, 2), stop, None)]
    if draw(st.booleans()):
        cultures.append(Culture("blood", (stop or anchor) + gap(10, 20), "no_growth", None, {}))
    return start, cultures, courses, symptoms


@st.composite
def cases(draw):
    """(patient, as_of): a synthetic patient, often with a fungemia story, and a list date
    usually within weeks of the story."""
    story = draw(st.none() | fungemia_story())
    pump_list = draw(st.lists(pumps(), max_size=2))
    cultures_list = draw(st.lists(cultures(), max_size=6 if story is None else 3))
    course_list = draw(st.lists(courses(), max_size=2 if story is None else 1))
    bridging_list = draw(st.lists(st.builds(Bridging, method=st.sampled_from(BRIDGING_METHODS), started_on=days),
                                  max_size=2))
    symptoms = draw(st.none() | days)
    if story is not None:
        start, more_cultures, more_courses, symptoms = story
        cultures_list += more_cultures
        course_list += more_courses
        if draw(st.booleans()) and pump_list:  # the pump comes out during the episode
            removed = start + timedelta(days=draw(st.integers(0, 4)))
            first = pump_list[0]
            if first.implanted_on <= removed:
                pump_list[0] = dataclasses.replace(first, removed_on=removed)
                if draw(st.booleans()):
                    bridging_list.append(Bridging("lumbar_drain", removed))
    patient = Patient(
        mrn="P" + str(draw(st.integers(1000, 9999))),
        name="Synthetic, Patient",
        dob=date(1970, 1, 1),
        symptoms_resolved_on=symptoms,
        neutrophil_recovery_on=draw(st.none() | days),
        pumps=tuple(draw(st.permutations(pump_list))),
        cultures=tuple(draw(st.permutations(cultures_list))),
        antifungals=tuple(course_list),
        bridging=tuple(bridging_list),
        exams=tuple(draw(st.lists(st.builds(Exam, kind=st.sampled_from(EXAM_KINDS), on=days), max_size=2))),
    )
    edge = draw(st.integers(0, 11))  # 0, 2: alarm edges; 1: culture edges; else as before
    if edge in (0, 2):
        # the list date exactly at a threshold from the alarm (7, 8 days: refill_due_days
        # and withdrawal_horizon_days; 0, -1: alarm day and passed). A known pump: a 20 mL
        # refill at 0.6 mL/day alarms 30 days later; random pumps rarely allow the edge.
        refill_on = draw(st.dates(min_value=STORY[0], max_value=STORY[1]))
        known = Pump(serial="NGP0007", manufacturer="Medtronic", model="SynchroMed II", reservoir_ml=Decimal(20),
                     alarm_ml=Decimal(2), implanted_on=START, removed_on=None, removal_reason=None,
                     concentration_ug_ml=Decimal(500), daily_dose_ug=Decimal(300),
                     refills=(Refill(refill_on, Decimal(20)),))
        as_of = refill_on + timedelta(days=30 - draw(st.sampled_from([7, 8, 0, -1])))
        cultures_now = tuple(c for c in patient.cultures if c.drawn_on <= as_of)
        if edge == 0:  # blocked (a fungemia the day before): the withdrawal horizon
            cultures_now += (Culture("blood", as_of - timedelta(days=1), "positive", "Candida albicans", {}),)
        patient = dataclasses.replace(patient, pumps=(known,), cultures=cultures_now)
    elif edge == 1 and patient.cultures:
        # exactly at a culture threshold: same day, 1/2 days (follow-up), 5/6 (pending),
        # 7/8 (eye exam), 365/366 (lookback)
        anchor = draw(st.sampled_from([c.drawn_on for c in patient.cultures]))
        as_of = anchor + timedelta(days=draw(st.sampled_from([0, 1, 2, 5, 6, 7, 8, 365, 366])))
    elif story is not None and draw(st.integers(0, 3)):
        # spread over the story (plain integers would cluster on the first days)
        as_of = story[0] + timedelta(days=draw(st.sampled_from([0, 3, 8, 15, 22, 30, 38, 45, 55, 70])))
    else:
        as_of = draw(st.dates(min_value=START, max_value=END + timedelta(days=60)))
    return patient, as_of


def pump_in(patient: Patient, as_of: date) -> bool:
    return any((p.implanted_on is None or p.implanted_on <= as_of) and (p.removed_on is None or p.removed_on > as_of)
               for p in patient.pumps)


@SETTINGS
@given(cases())
def test_engine_never_raises_and_keeps_its_contract(case):
    patient, as_of = case
    a = assess(patient, as_of)
    ranks = [SEVERITY_RANK[alert.severity] for alert in a.alerts]
    assert ranks == sorted(ranks), "alerts must come critical, warning, info"
    for alert in a.alerts:
        assert alert.code in ALERT_CODES and alert.severity == ALERT_SEVERITY[alert.code]
        assert alert.text and alert.source and alert.basis in BASES
    assert list(a.refill.reasons) == sorted(a.refill.reasons, key=REFILL_REASONS.index)
    assert len(a.refill.explanations) == len(a.refill.reasons)
    blocking = set(a.refill.reasons) - {"culture_pending", "device_retained"}  # the caution reasons
    expected = ("not_applicable" if not pump_in(patient, as_of) else "blocked" if blocking
                else "caution" if a.refill.reasons else "ok")
    assert a.refill.status == expected
    if a.reservoir is not None:
        r = a.reservoir
        assert r.days_to_alarm == (r.alarm_on - as_of).days
        assert r.days_to_refill == (r.refill_by - as_of).days
        assert r.refill_by == min(r.alarm_on, r.stable_until)
        assert r.alarm_on <= r.computed_alarm_on
        assert Decimal(0) <= r.volume_left_ml
    if a.antifungal.day is not None and a.antifungal.anchor_on is not None:
        # days of therapy after the anchor, counted the slow way (revision 3)
        assert a.antifungal.day == therapy_days_slow(patient, a.antifungal, as_of)
    if a.antifungal.days_left is not None:
        assert a.antifungal.days_left == (a.antifungal.required_until - as_of).days
    if a.reimplant.eligible_on is not None:
        assert a.reimplant.days_left == (a.reimplant.eligible_on - as_of).days


def therapy_days_slow(patient: Patient, state, as_of: date) -> int:
    """Days d, anchor < d <= as_of, on which some course of the episode was given."""
    covered = set()
    for c in patient.antifungals:
        if c.started_on > as_of or (c.stopped_on is not None and c.stopped_on < state.episode_start_on):
            continue
        last = c.stopped_on if c.stopped_on is not None and c.stopped_on <= as_of else as_of
        day = c.started_on
        while day <= last:
            if day > state.anchor_on:
                covered.add(day)
            day += timedelta(days=1)
    return len(covered)


@SETTINGS
@given(cases())
def test_no_refill_over_an_uncleared_positive_blood_culture(case):
    """A positive blood culture (fungal or bacterial) drawn on or before as_of, with no
    no-growth blood culture drawn on a LATER day (up to as_of), blocks any implanted pump."""
    patient, as_of = case
    blood = [c for c in patient.cultures if c.specimen == "blood" and c.drawn_on <= as_of]
    uncleared = any(
        c.result == "positive"
        and not any(n.result == "no_growth" and c.drawn_on < n.drawn_on for n in blood)
        for c in blood
    )
    a = assess(patient, as_of)
    if uncleared and pump_in(patient, as_of):
        assert a.refill.status == "blocked"
        assert {"fungemia", "bacteremia"} & set(a.refill.reasons)


@SETTINGS
@given(cases())
def test_withdrawal_risk_only_when_refill_is_blocked(case):
    patient, as_of = case
    a = assess(patient, as_of)
    if a.withdrawal_risk:
        assert a.refill.status == "blocked"
    if a.refill.status == "blocked" and a.reservoir is not None and a.reservoir.days_to_alarm <= 7:
        assert a.withdrawal_risk


def dated(patient: Patient) -> list[date]:
    """Every date a record carries that says something happened (not the look-ahead dates
    planned_stop_on and programmer_alarm_on)."""
    out = [d for d in (patient.symptoms_resolved_on, patient.neutrophil_recovery_on) if d]
    for p in patient.pumps:
        out += [d for d in (p.implanted_on, p.removed_on) if d] + [r.on for r in p.refills]
    out += [c.drawn_on for c in patient.cultures]
    for c in patient.antifungals:
        out += [d for d in (c.started_on, c.stopped_on) if d]
    out += [b.started_on for b in patient.bridging] + [e.on for e in patient.exams]
    return out


def without_dates_in(patient: Patient, low: date, high: date) -> Patient:
    """The patient minus every record carrying a date in (low, high]."""
    def keep(*ds):
        return not any(d is not None and low < d <= high for d in ds)

    pumps = tuple(dataclasses.replace(p, refills=tuple(r for r in p.refills if keep(r.on)))
                  for p in patient.pumps if keep(p.implanted_on, p.removed_on))
    return dataclasses.replace(
        patient,
        symptoms_resolved_on=patient.symptoms_resolved_on if keep(patient.symptoms_resolved_on) else None,
        neutrophil_recovery_on=patient.neutrophil_recovery_on if keep(patient.neutrophil_recovery_on) else None,
        pumps=pumps,
        cultures=tuple(c for c in patient.cultures if keep(c.drawn_on)),
        antifungals=tuple(c for c in patient.antifungals if keep(c.started_on, c.stopped_on)),
        bridging=tuple(b for b in patient.bridging if keep(b.started_on)),
        exams=tuple(e for e in patient.exams if keep(e.on)),
    )


@SETTINGS
@given(cases(), st.integers(1, 60))
def test_required_until_does_not_drift_as_days_pass(case, gap):
    """For a fixed record set with nothing dated between D1 and D2 = D1 + gap, the course
    end date computed on D1 is the one computed on D2 (once the anchor is fixed: states
    in_progress, stopped_early or complete on both days)."""
    patient, first = case
    second = first + timedelta(days=gap)
    patient = without_dates_in(patient, first, second)
    a1, a2 = assess(patient, first), assess(patient, second)
    # Revision 3: required_until counts days of therapy, so it is fixed while therapy is
    # given every day (a course runs through D1..D2) and once complete; stopped early it
    # moves later each day by definition (the date if restarted today).
    runs_through = any(c.started_on <= first and (c.stopped_on is None or c.stopped_on > second)
                       for c in patient.antifungals)
    fixed = (a1.antifungal.state == a2.antifungal.state == "complete"
             or (a1.antifungal.state == a2.antifungal.state == "in_progress" and runs_through))
    if fixed:
        assert a2.antifungal.required_until == a1.antifungal.required_until
        assert a2.antifungal.anchor_on == a1.antifungal.anchor_on


def as_known_on(patient: Patient, as_of: date) -> Patient:
    """The patient as the record stood on as_of: later records gone, later stop and
    removal dates blank."""
    def known(d):
        return d if d is not None and d <= as_of else None

    pumps = tuple(
        dataclasses.replace(p, removed_on=known(p.removed_on), refills=tuple(r for r in p.refills if r.on <= as_of))
        for p in patient.pumps if p.implanted_on is None or p.implanted_on <= as_of
    )
    return dataclasses.replace(
        patient,
        symptoms_resolved_on=known(patient.symptoms_resolved_on),
        neutrophil_recovery_on=known(patient.neutrophil_recovery_on),
        pumps=pumps,
        cultures=tuple(c for c in patient.cultures if c.drawn_on <= as_of),
        antifungals=tuple(dataclasses.replace(c, stopped_on=known(c.stopped_on))
                          for c in patient.antifungals if c.started_on <= as_of),
        bridging=tuple(b for b in patient.bridging if b.started_on <= as_of),
        exams=tuple(e for e in patient.exams if e.on <= as_of),
    )


@SETTINGS
@given(cases())
def test_records_dated_after_as_of_change_nothing(case):
    patient, as_of = case
    assert assess(patient, as_of) == assess(as_known_on(patient, as_of), as_of)


def test_the_strategy_reaches_the_interesting_states():
    """Guard against a strategy that never produces the states the properties are about
    (they would then pass vacuously). Counting, not `find`: find would shrink each hit."""
    seen: set[str] = set()

    # 1,200 examples: hypothesis also draws on constants found in the modules already
    # imported, so the same derandomized survey generates other cases late in a full run
    # than alone; at 400 the rarer states ("complete", ~2% of cases) were missed there.
    @settings(max_examples=1200, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(cases())
    def survey(case):
        a = assess(*case)
        seen.update({a.antifungal.state, a.reimplant.state, a.refill.status})
        seen.update(alert.code for alert in a.alerts)

    edges: set[str] = set()

    @settings(max_examples=800, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(cases())
    def survey_edges(case):
        a = assess(*case)
        if a.reservoir is not None and a.refill.status == "blocked":
            edges.add(f"blocked-alarm-{a.reservoir.days_to_alarm}")
        if a.reservoir is not None:
            edges.add(f"refill-{a.reservoir.days_to_refill}")

    survey()
    survey_edges()
    wanted = {"in_progress", "complete", "awaiting_clearance", "waiting", "blocked", "ok",
              "withdrawal_risk", "device_removal_indicated", "no_antifungal", "refill_due",
              "specialist_duration", "non_candida_fungus"}
    assert wanted <= seen, sorted(wanted - seen)
    # both sides of the 7-day edges (withdrawal horizon, refill due) are generated
    assert {"blocked-alarm-7", "blocked-alarm-8", "refill-7", "refill-8"} <= edges, sorted(edges)


DEVICE_SPECIMENS = ("csf", "pocket", "wound")


@st.composite
def device_cases(draw):
    """A case with a device-site positive culture drawn while the (only) pump was in."""
    patient, as_of = draw(cases())
    implanted = draw(st.dates(min_value=date(2025, 6, 1), max_value=date(2026, 9, 1)))
    pump = Pump(serial="NGP0009", manufacturer=None, model=None, reservoir_ml=Decimal(20), alarm_ml=Decimal(2),
                implanted_on=implanted, removed_on=None, removal_reason=None, concentration_ug_ml=Decimal(500),
                daily_dose_ug=Decimal(300), refills=())
    drawn = draw(st.dates(min_value=implanted, max_value=END))
    specimen = draw(st.sampled_from(DEVICE_SPECIMENS))
    positive = Culture(specimen, drawn, "positive", draw(st.sampled_from(ORGANISMS)), {})
    as_of = drawn + timedelta(days=draw(st.sampled_from([0, 1, 7, 30, 31, 32, 90, 200])))
    patient = dataclasses.replace(patient, pumps=(pump,), cultures=patient.cultures + (positive,))
    return patient, as_of, specimen


def _site_blocked(a, specimen) -> bool:
    return ("csf_infection" if specimen == "csf" else "pocket_infection") in a.refill.reasons


@SETTINGS
@given(device_cases(), cultures(), st.integers(0, 60))
def test_only_a_later_same_site_negative_or_removal_lifts_a_device_block(case, extra, later):
    """A device-infection block does not expire with the calendar, and no added culture
    lifts it except a no-growth culture of the same site drawn on a later day (revision 3)."""
    patient, as_of, specimen = case
    a = assess(patient, as_of)
    if not _site_blocked(a, specimen):
        return
    positives = [c for c in patient.cultures if c.specimen in ((specimen,) if specimen == "csf" else ("pocket", "wound"))
                 and c.result == "positive" and c.drawn_on <= as_of]
    # the calendar alone lifts nothing (within the lookback)
    quiet = without_dates_in(patient, as_of, as_of + timedelta(days=later))
    newest = max(c.drawn_on for c in positives)
    if (as_of + timedelta(days=later) - newest).days <= 365:
        assert _site_blocked(assess(quiet, as_of + timedelta(days=later)), specimen)
    # another culture lifts nothing unless it is a later same-site negative
    extra = dataclasses.replace(extra, drawn_on=min(extra.drawn_on, as_of))
    after = assess(dataclasses.replace(patient, cultures=patient.cultures + (extra,)), as_of)
    if not _site_blocked(after, specimen):
        assert extra.result == "no_growth" and extra.specimen in ("csf", "pocket", "wound")
        assert any(extra.drawn_on > c.drawn_on for c in positives if c.specimen == extra.specimen)
    # a later same-site negative on the list date lifts it when every positive of the
    # blocking sites is older (specimen by specimen)
    if all(c.drawn_on < as_of for c in positives):
        negatives = tuple(Culture(sp, as_of, "no_growth", None, {}) for sp in {c.specimen for c in positives})
        assert not _site_blocked(assess(dataclasses.replace(patient, cultures=patient.cultures + negatives), as_of),
                                 specimen)


@SETTINGS
@given(cases(), st.integers(0, 30), st.integers(1, 10))
def test_a_gap_in_a_course_never_moves_required_until_earlier(case, cut, length):
    """Removing days from the middle of a course (a gap in therapy) never makes the
    course end earlier (revision 3: days of therapy)."""
    patient, as_of = case
    for index, c in enumerate(patient.antifungals):
        last = c.stopped_on or as_of
        gap_start = c.started_on + timedelta(days=cut)
        gap_end = gap_start + timedelta(days=length)
        if gap_end >= last:
            continue
        first_part = dataclasses.replace(c, stopped_on=gap_start)
        second_part = dataclasses.replace(c, started_on=gap_end + timedelta(days=1))
        gapped = dataclasses.replace(patient, antifungals=patient.antifungals[:index] + (first_part, second_part)
                                     + patient.antifungals[index + 1:])
        before, after = assess(patient, as_of).antifungal, assess(gapped, as_of).antifungal
        if before.required_until is not None and after.required_until is not None:
            assert after.required_until >= before.required_until, (before, after)
        break
