"""Hypothesis strategies for valid synthetic Patient records (shared by the ward-file tests).

Every generated patient must pass `validate_patient` on TODAY; the tests assert that
first, so a strategy that drifts out of the rules fails loudly instead of testing less.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from decimal import Decimal

from hypothesis import strategies as st

from itb_tui.clinical.records import (
    BRIDGING_METHODS,
    EXAM_KINDS,
    SPECIMENS,
    SUSCEPTIBILITY_VALUES,
    AntifungalCourse,
    Bridging,
    Culture,
    Exam,
    Patient,
    Pump,
    Refill,
)
from itb_tui.wardfile.limits import ANTIFUNGAL_DRUGS

TODAY = date(2026, 11, 25)
ORGANISMS = (
    "Candida albicans", "Candida krusei", "Pichia kudriavzevii", "Nakaseomyces glabratus",
    "Candida glabrata", "Candidozyma auris", "Candida parapsilosis", "Staphylococcus aureus",
    "Escherichia coli", "Cutibacterium acnes", "C. krusei",
)

_PRINTABLE = st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Zl", "Zp"))
# An MRN must be plainly printable (it starts every error line).
_MRN = st.text(st.characters(blacklist_categories=("C", "Z")) | st.just(" "), min_size=1,
               max_size=32).map(str.strip).filter(bool)


@lru_cache(maxsize=None)
def text(max_size: int) -> st.SearchStrategy[str]:
    return st.text(_PRINTABLE, min_size=1, max_size=max_size).map(str.strip).filter(bool)


@lru_cache(maxsize=None)
def optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


_MANTISSA = st.integers(1, 99_999)
_EXPONENT = st.integers(-4, 0) | st.just(1)


@lru_cache(maxsize=None)
def quantity(low: str, high: str) -> st.SearchStrategy[Decimal]:
    """Decimals of every written shape (20, 61.0, 0.1, 2.50, 1E+1), clamped to the bounds.

    Built from digits and an exponent: st.decimals(places=None) is ten times slower.
    """
    low_d, high_d = Decimal(low), Decimal(high)

    def build(parts: tuple[int, int]) -> Decimal:
        value = Decimal(parts[0]).scaleb(parts[1])
        return min(max(value, low_d), high_d)

    return st.tuples(_MANTISSA, _EXPONENT).map(build)


_OFFSET = st.integers(0, 40000)
_COUNT3 = st.integers(0, 3)
_COUNT2 = st.integers(0, 2)
_COUNT4 = st.integers(0, 4)
_MAYBE = st.booleans()
_PRINTED = optional(st.integers(0, 1000))
_PLANNED = optional(st.integers(0, 700))
_DOBS = optional(st.dates(date(1920, 1, 1), date(2010, 12, 31)))
_RESULTS = st.sampled_from(("pending", "no_growth", "positive"))
_SUSCEPTIBILITY = st.dictionaries(
    st.sampled_from(ANTIFUNGAL_DRUGS + ("vancomycin", "oxacillin")),
    st.sampled_from(SUSCEPTIBILITY_VALUES), max_size=3)
_SPECIMEN = st.sampled_from(SPECIMENS)
_ORGANISM = st.sampled_from(ORGANISMS)
_DRUG = st.sampled_from(ANTIFUNGAL_DRUGS)
_METHOD = st.sampled_from(BRIDGING_METHODS)
_EXAM = st.sampled_from(EXAM_KINDS)


def day(draw, first: date, last: date) -> date:
    """A date in [first, last] (strategies are never built per draw: that is slow)."""
    span = max(0, (last - first).days)
    return first + timedelta(days=draw(_OFFSET) % (span + 1))


@st.composite
def pumps(draw, earliest: date) -> tuple[Pump, ...]:
    count = draw(_COUNT3)
    bounds = sorted(day(draw, earliest, TODAY) for _ in range(2 * count))
    result = []
    for i in range(count):
        implanted, removed = bounds[2 * i], bounds[2 * i + 1]
        if i == count - 1 and draw(_MAYBE):
            removed = None
        reservoir = draw(quantity("10", "60"))  # limits.MIN_RESERVOIR_ML
        refills = []
        for on in sorted({day(draw, implanted, removed or TODAY) for _ in range(draw(_COUNT3))}):  # one refill a day
            printed = draw(_PRINTED)
            volume = min(draw(quantity("0.1", "60")), reservoir)  # min() hits the bound itself
            refills.append(Refill(
                on=on,
                volume_ml=volume,
                programmer_alarm_on=None if printed is None else on + timedelta(days=printed),
                override_reason=draw(optional(text(500))),
            ))
        alarm = draw(quantity("0.5", "60"))
        alarm = alarm if alarm < reservoir else reservoir / 2
        result.append(Pump(
            serial=draw(text(95)) + f"#{i}",
            manufacturer=draw(optional(text(100))),
            model=draw(optional(text(100))),
            reservoir_ml=reservoir,
            alarm_ml=alarm,
            implanted_on=implanted,
            removed_on=removed,
            removal_reason=draw(optional(text(500))) if removed else None,
            concentration_ug_ml=draw(quantity("10", "4000")),
            daily_dose_ug=draw(quantity("1", "5000")),
            refills=tuple(refills),
        ))
    return tuple(result)


def culture(draw, earliest: date) -> Culture:
    result = draw(_RESULTS)
    positive = result == "positive"
    return Culture(
        specimen=draw(_SPECIMEN),
        drawn_on=day(draw, earliest, TODAY),
        result=result,
        organism=draw(_ORGANISM) if positive else None,
        susceptibility=draw(_SUSCEPTIBILITY) if positive else {},
    )


def course(draw, earliest: date) -> AntifungalCourse:
    started = day(draw, earliest, TODAY)
    planned = draw(_PLANNED)
    return AntifungalCourse(
        drug=draw(_DRUG),
        dose_mg=draw(optional(quantity("1", "20000"))),
        started_on=started,
        stopped_on=day(draw, started, TODAY) if draw(_MAYBE) else None,
        planned_stop_on=None if planned is None else started + timedelta(days=planned),
    )


def bridging(draw, earliest: date) -> Bridging:
    started = day(draw, earliest, TODAY)
    return Bridging(
        method=draw(_METHOD),
        started_on=started,
        stopped_on=day(draw, started, TODAY) if draw(_MAYBE) else None,
        detail=draw(optional(text(500))),
    )


@st.composite
def patients(draw) -> Patient:
    dob = draw(_DOBS)
    earliest = dob or date(1950, 1, 1)

    def maybe_day():
        return day(draw, earliest, TODAY) if draw(_MAYBE) else None

    return Patient(
        mrn=draw(_MRN),
        name=draw(text(200)),
        dob=dob,
        ward=draw(optional(text(100))),
        bed=draw(optional(text(20))),
        weight_kg=draw(optional(quantity("1", "500"))),
        symptoms_resolved_on=maybe_day(),
        neutrophil_recovery_on=maybe_day(),
        pumps=draw(pumps(earliest)),
        cultures=tuple(culture(draw, earliest) for _ in range(draw(_COUNT4))),
        antifungals=tuple(course(draw, earliest) for _ in range(draw(_COUNT2))),
        bridging=tuple(bridging(draw, earliest) for _ in range(draw(_COUNT2))),
        exams=tuple(
            Exam(kind=draw(_EXAM), on=day(draw, earliest, TODAY), finding=draw(optional(text(500))))
            for _ in range(draw(_COUNT2))
        ),
    )


def wards() -> st.SearchStrategy[list[Patient]]:
    return st.lists(patients(), max_size=4, unique_by=lambda p: p.mrn)
