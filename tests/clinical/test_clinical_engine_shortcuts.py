"""The engine's speed shortcuts (issue 17) give exactly what the plain definitions give.

Each shortcut replaced a slower, obviously right spelling; these tests keep the plain
spelling here and compare, so a later edit to either side that changes an answer fails:
- `frozen_record` (was `fast_frozen_init`): the result classes construct, compare, hash,
  print, pickle and refuse assignment exactly as `@dataclass(frozen=True, slots=True)`
  made them (every record class: tests/clinical/test_frozen_record.py);
- `pumps_as_of`: the same pumps and the same current pump as `implanted_by` and
  `current_pump`;
- the facts' cultures (sorted, then cut at the list date), `positives` / `pending`, the
  clearing dates of the latest positive blood cultures, and the organism caches, against
  a filter of the cultures, `episode.first_no_growth_after` and `organisms.lookup`.
"""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itb_tui.clinical import assessment
from itb_tui.clinical.episode import Episode, first_no_growth_after, uncleared
from itb_tui.clinical.facts import build_facts, fungal_group, is_fungal_culture
from itb_tui.clinical.organisms import all_species, lookup
from itb_tui.clinical.pumps import current_pump, implanted_by, pumps_as_of
from itb_tui.clinical.records import CULTURE_RESULTS, SPECIMENS, Culture, Patient, Pump

FAST_CLASSES = (assessment.Alert, assessment.RefillState, assessment.Reservoir, assessment.AntifungalState,
                assessment.ReimplantState, assessment.Assessment, Episode)


def _reference(cls):
    """The same fields as `cls`, built by plain @dataclass(frozen=True, slots=True)."""
    return dataclasses.make_dataclass(
        cls.__name__,
        [(f.name, f.type, dataclasses.field(default=f.default)) if f.default is not dataclasses.MISSING
         else (f.name, f.type) for f in dataclasses.fields(cls)],
        frozen=True, slots=True)


def _sample_values(cls):
    return [f"value-{i}" for i, _ in enumerate(dataclasses.fields(cls))]


@pytest.mark.parametrize("cls", FAST_CLASSES, ids=lambda c: c.__name__)
def test_fast_init_keeps_the_signature_of_the_dataclass(cls):
    reference = _reference(cls)
    ours = inspect.signature(cls)
    theirs = inspect.signature(reference)
    assert [(p.name, p.default, p.kind) for p in ours.parameters.values()] == \
           [(p.name, p.default, p.kind) for p in theirs.parameters.values()]


@pytest.mark.parametrize("cls", FAST_CLASSES, ids=lambda c: c.__name__)
def test_fast_init_objects_behave_as_dataclass_objects(cls):
    values = _sample_values(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    by_position = cls(*values)
    by_keyword = cls(**dict(zip(names, values)))
    reference = _reference(cls)(*values)
    assert by_position == by_keyword
    assert hash(by_position) == hash(by_keyword) == hash(reference)
    assert repr(by_position) == repr(reference)
    assert dataclasses.astuple(by_position) == tuple(values)
    assert pickle.loads(pickle.dumps(by_position)) == by_position
    assert dataclasses.replace(by_position, **{names[0]: "changed"}) == cls("changed", *values[1:])
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(by_position, names[0], "changed")
    with pytest.raises(TypeError):
        cls(*values, "one too many")


def test_fast_init_defaults_are_the_dataclass_defaults():
    state = assessment.AntifungalState("not_indicated")
    assert state == assessment.AntifungalState(state="not_indicated", episode_start_on=None, clearance_on=None,
                                               anchor_on=None, required_until=None, day=None, required_days=None,
                                               days_left=None, completed_on=None)
    assert assessment.RefillState("ok").reasons == ()


BASE = date(2026, 1, 1)
days = st.integers(0, 60).map(lambda n: BASE + timedelta(days=n))


@st.composite
def pump_lists(draw):
    out = []
    for n in range(draw(st.integers(0, 4))):
        implanted = draw(st.none() | days)
        removed = draw(st.none() | days)
        out.append(Pump(serial=f"P{n}", manufacturer=None, model=None, reservoir_ml=Decimal(20),
                        alarm_ml=Decimal(2), implanted_on=implanted, removed_on=removed, removal_reason=None,
                        concentration_ug_ml=Decimal(500), daily_dose_ug=Decimal(300)))
    return tuple(out)


@given(pump_lists(), days)
def test_pumps_as_of_is_implanted_by_and_current_pump(pumps, as_of):
    patient = Patient(mrn="M1", name="Test", pumps=pumps)
    implanted, current = pumps_as_of(patient, as_of)
    assert implanted == [p for p in pumps if implanted_by(p, as_of)]
    assert current is current_pump(patient, as_of)


ORGANISMS = [None, "", "Candida albicans", "Staphylococcus aureus", "Yeast", "Candida auris", "Aspergillus",
             "Cryptococcus neoformans", "Candida glabrata", "yeast (not yet identified)", "Escherichia coli",
             "Some unlisted fungus", "Candida albicans / Candida glabrata"] + [s.name for s in all_species()]


@st.composite
def culture_lists(draw):
    return tuple(Culture(specimen=draw(st.sampled_from(SPECIMENS)), drawn_on=draw(days),
                         result=draw(st.sampled_from(CULTURE_RESULTS)), organism=draw(st.sampled_from(ORGANISMS)))
                 for _ in range(draw(st.integers(0, 8))))


@given(culture_lists(), days)
def test_positives_and_pending_are_the_filtered_cultures(cultures, as_of):
    facts = build_facts(Patient(mrn="M1", name="Test", cultures=cultures), as_of)
    # sorted then cut at as_of == filtered then sorted (stable: same-day cultures keep their order)
    assert facts.cultures == sorted((c for c in cultures if c.drawn_on <= as_of), key=lambda c: c.drawn_on)
    assert facts.positives == [c for c in facts.cultures if c.result == "positive"]
    assert facts.pending == [c for c in facts.cultures
                             if c.result == "pending" and c.specimen in ("blood", "csf")]
    assert facts.blood == [c for c in facts.cultures if c.specimen == "blood"]
    for positives, cleared_on in ((facts.fungal_blood_positives, facts.fungal_blood_cleared_on),
                                  (facts.bacterial_blood_positives, facts.bacterial_blood_cleared_on)):
        expected = (first_no_growth_after(facts.blood_no_growth_dates, positives[-1].drawn_on)
                    if positives else None)
        assert cleared_on == expected
        assert (uncleared(positives, facts.blood_no_growth_dates) is not None) == (bool(positives)
                                                                                   and cleared_on is None)


@pytest.mark.parametrize("organism", ORGANISMS)
def test_organism_caches_answer_as_the_species_table(organism):
    species = lookup(organism)
    culture = Culture(specimen="blood", drawn_on=BASE, result="positive", organism=organism)
    assert is_fungal_culture(culture) == (species is not None and species.fungal)
    assert fungal_group(culture) == (species.group if species is not None and species.fungal else None)
