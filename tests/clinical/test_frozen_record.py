"""`@frozen_record` (clinical/frozen_record.py, issue 17) must make, for every record and
result class, what `@dataclass(frozen=True, slots=True)` made: each class is compared
here with a twin built by `make_dataclass(..., frozen=True, slots=True)` from its fields."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from itb_tui.clinical import assessment, episode, organisms, records, rules
from itb_tui.clinical.frozen_record import frozen_record

RECORD_CLASSES = [cls for module in (records, assessment, rules, organisms, episode)
                  for cls in vars(module).values()
                  if isinstance(cls, type) and cls.__module__ == module.__name__ and "_record_class" in vars(cls)]


def _twin(cls):
    def spec(f):
        options = {"compare": f.compare, "repr": f.repr}
        if f.default_factory is not dataclasses.MISSING:
            options["default_factory"] = f.default_factory
        elif f.default is not dataclasses.MISSING:
            options["default"] = f.default
        return f.name, f.type, dataclasses.field(**options)

    return dataclasses.make_dataclass(cls.__name__, [spec(f) for f in dataclasses.fields(cls)],
                                      frozen=True, slots=True)


def _values(cls, tag="v"):
    return [(f"{tag}-{i}",) for i, _ in enumerate(dataclasses.fields(cls))]  # hashable, distinct


def test_every_record_and_result_class_is_covered():
    names = {cls.__name__ for cls in RECORD_CLASSES}
    assert {"Refill", "Pump", "Culture", "AntifungalCourse", "Bridging", "Exam", "Patient", "Alert",
            "RefillState", "Reservoir", "AntifungalState", "ReimplantState", "Assessment", "RuleInfo",
            "Rules", "Species", "Episode"} <= names


@pytest.mark.parametrize("cls", RECORD_CLASSES, ids=lambda c: c.__name__)
def test_the_class_is_what_the_frozen_slotted_dataclass_was(cls):
    twin = _twin(cls)
    ours, theirs = inspect.signature(cls), inspect.signature(twin)
    assert [(p.name, p.default, p.kind, p.annotation) for p in ours.parameters.values()] == \
           [(p.name, p.default, p.kind, p.annotation) for p in theirs.parameters.values()]
    assert cls.__doc__ == twin.__doc__ or vars(cls).get("__doc__") not in (None, "")
    assert cls.__slots__ == twin.__slots__ and cls.__match_args__ == twin.__match_args__
    assert [(f.name, f.default, f.default_factory, f.compare, f.repr, f.hash) for f in dataclasses.fields(cls)] == \
           [(f.name, f.default, f.default_factory, f.compare, f.repr, f.hash) for f in dataclasses.fields(twin)]
    assert cls.__dataclass_params__.frozen and cls.__dataclass_params__.eq and cls.__dataclass_params__.init
    assert dataclasses.is_dataclass(cls) and not hasattr(cls(*_values(cls)), "__dict__")


@pytest.mark.parametrize("cls", RECORD_CLASSES, ids=lambda c: c.__name__)
def test_objects_behave_as_the_dataclass_objects(cls):
    twin = _twin(cls)
    values, names = _values(cls), [f.name for f in dataclasses.fields(cls)]
    ours, theirs = cls(*values), twin(*values)
    assert ours == cls(**dict(zip(names, values))) and ours != cls(*_values(cls, "w"))
    assert (ours == theirs) is False and ours.__eq__(theirs) is NotImplemented  # another class
    assert hash(ours) == hash(theirs) and repr(ours) == repr(theirs)
    assert dataclasses.astuple(ours) == dataclasses.astuple(theirs)
    assert dataclasses.asdict(ours) == dataclasses.asdict(theirs)
    assert ours.__getstate__() == theirs.__getstate__()
    again = pickle.loads(pickle.dumps(ours))
    assert again == ours and type(again) is cls and dataclasses.astuple(again) == tuple(values)
    changed = dataclasses.replace(ours, **{names[0]: ("changed",)})
    assert changed == cls(("changed",), *values[1:])
    for name in names:
        with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot assign to field '{name}'"):
            setattr(ours, name, "x")
        with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot delete field '{name}'"):
            delattr(ours, name)
    with pytest.raises(TypeError):
        cls(*values, "one too many")
    required = [p for p in inspect.signature(twin).parameters.values() if p.default is inspect.Parameter.empty]
    if required:
        with pytest.raises(TypeError):
            cls()


@pytest.mark.parametrize("cls", RECORD_CLASSES, ids=lambda c: c.__name__)
def test_defaults_and_default_factories_are_the_dataclass_ones(cls):
    twin = _twin(cls)
    required = [p.name for p in inspect.signature(twin).parameters.values() if p.default is inspect.Parameter.empty]
    given = {name: (name,) for name in required}
    ours, theirs = cls(**given), twin(**given)
    assert dataclasses.astuple(ours) == dataclasses.astuple(theirs)
    for f in dataclasses.fields(cls):
        if f.default_factory is not dataclasses.MISSING:
            assert getattr(ours, f.name) is not getattr(cls(**given), f.name)  # a new one each time


def test_fields_left_out_of_comparison_and_repr_stay_out():
    """Patient.row_version (compare=False: two loads of one content are one patient) and
    Rules._by_code (compare=False, repr=False)."""
    a = records.Patient("M1", "A", row_version=1)
    b = records.Patient("M1", "A", row_version=2)
    assert a == b and hash(a) == hash(b) and "row_version=1" in repr(a)
    table = rules.load_rules()
    assert "_by_code" not in repr(table) and table.entry("refill_due").code == "refill_due"


def test_a_default_factory_gives_each_object_its_own_value():
    a, b = records.Culture("blood", None, "pending"), records.Culture("blood", None, "pending")
    assert a.susceptibility == {} and a.susceptibility is not b.susceptibility


def test_what_it_cannot_make_is_refused_at_import():
    class Checked:
        a: int

        def __post_init__(self):
            raise ValueError

    class Base:
        pass

    class Derived(Base):
        a: int

    class NotInInit:
        a: int = dataclasses.field(default=0, init=False)

    class KeywordOnly:
        a: int = dataclasses.field(default=0, kw_only=True)

    class ExplicitHash:
        a: int = dataclasses.field(default=0, hash=False)

    for cls in (Checked, Derived, NotInInit, KeywordOnly, ExplicitHash):
        with pytest.raises(TypeError):
            frozen_record(cls)
