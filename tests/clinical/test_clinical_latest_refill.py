"""The engine needs only ONE refill per pump: the latest on or before the list date.

`itb-tui status` relies on this: it loads just that refill per pump (not the ~20 of a
pump's history; `store.loader`, `latest_refill_as_of`). If a rule ever reads another
refill (the one before, a count, a same-day duplicate, one dated after the list date),
these properties fail, and the status load must change with it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_clinical_properties import END, SETTINGS, START, cases, quantity

from itb_tui.clinical import assess
from itb_tui.clinical.records import Patient, Pump, Refill
from itb_tui.clinical.rules import load_rules

RULES = load_rules()


def latest_only(patient: Patient, as_of: date) -> Patient:
    """The patient as the status load hands it over for `as_of`: each pump keeps only the
    refill with the latest date on or before as_of, and of several on that date the last
    listed (the store lists refills in the order they were entered). Written here, not
    borrowed from the engine, so a change in the engine's choice shows up."""
    def cut(pump: Pump) -> Pump:
        known = [(r.on, i) for i, r in enumerate(pump.refills) if r.on <= as_of]
        return replace(pump, refills=(pump.refills[max(known)[1]],) if known else ())

    return replace(patient, pumps=tuple(cut(p) for p in patient.pumps))


@st.composite
def refill_on(draw, day: date, reservoir) -> Refill:
    return Refill(on=day, volume_ml=draw(quantity("0.5", str(reservoir))),
                  programmer_alarm_on=draw(st.none() | st.dates(min_value=day, max_value=day + timedelta(days=200))))


@st.composite
def with_history(draw):
    """(patient, list dates): a synthetic patient whose pumps carry a refill history (up to
    ~10 refills, some on the same day with different fills, in any entry order), and
    dates to assess it on: the case's own date, every refill day and the day before, and
    dates well before and after."""
    patient, as_of = draw(cases())
    pumps = []
    for pump in patient.pumps:
        first, last = pump.implanted_on or START, pump.removed_on or END
        more = draw(st.lists(st.dates(min_value=first, max_value=max(first, last + timedelta(days=30)))
                             .flatmap(lambda d: refill_on(d, pump.reservoir_ml)), max_size=6))
        history = list(pump.refills) + more
        if history:  # a second refill on an existing refill's day (a duplicate entry)
            twins = draw(st.lists(st.sampled_from(history), max_size=2))
            history += [draw(refill_on(r.on, pump.reservoir_ml)) for r in twins]
        pumps.append(replace(pump, refills=tuple(draw(st.permutations(history)))))
    patient = replace(patient, pumps=tuple(pumps))
    refill_days = sorted({r.on for p in pumps for r in p.refills})
    dates = {as_of, *refill_days, *(d - timedelta(days=1) for d in refill_days)}
    dates.update(draw(st.lists(st.dates(min_value=START - timedelta(days=400), max_value=END + timedelta(days=400)),
                               min_size=2, max_size=4)))
    return patient, sorted(dates)


@SETTINGS
@given(with_history())
def test_only_the_latest_refill_on_or_before_the_date_matters(case):
    patient, dates = case
    for as_of in dates:
        assert assess(patient, as_of, RULES) == assess(latest_only(patient, as_of), as_of, RULES), as_of


def test_the_histories_reach_the_cases_that_tell_refills_apart():
    """Guard against a vacuous pass: the generated histories must often have several
    refills before the list date, same-day duplicates with different fills, refills after
    the list date, and a countdown running from a refill."""
    seen = set()

    @settings(max_examples=200, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(with_history())
    def survey(case):
        patient, dates = case
        for as_of in dates:
            for pump in patient.pumps:
                known = [r for r in pump.refills if r.on <= as_of]
                if len(known) >= 2:
                    seen.add("history before the date")
                if any(r.on > as_of for r in pump.refills):
                    seen.add("refill after the date")
                last_day = max((r.on for r in known), default=None)
                if len({r.volume_ml for r in known if r.on == last_day}) > 1:
                    seen.add("same-day duplicates, different fills")
            if assess(patient, as_of, RULES).reservoir is not None:
                seen.add("countdown")

    survey()
    assert seen == {"history before the date", "refill after the date", "same-day duplicates, different fills",
                    "countdown"}
