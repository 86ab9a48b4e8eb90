"""`@frozen_record`: what `@dataclass(frozen=True, slots=True)` makes, made faster at import.

Why (issue 17): `dataclasses` writes six methods per class as source text and compiles
each (__init__, __repr__, __eq__, __hash__, __setattr__, __delattr__): ~0.5 ms a class,
and `itb-tui status` imports ~20 record and result classes before reading a row (about a
tenth of the 30-patient report). Here `dataclass` still makes the fields, the slots and
`__match_args__` (so `dataclasses.fields`, `replace`, `asdict`, `astuple` and
`is_dataclass` work as before), but five of the methods are written once, for every
class, in `_Record` below, from the class's field names; only `__init__` is compiled per
class. That `__init__` stores each field through its slot's own descriptor (half the
cost of the frozen dataclass's `object.__setattr__` per field, 1.7-2.8 -> 0.9 us for a
12-field result: the engine builds about a dozen results per patient; this replaces
session 6's `fast_init.fast_frozen_init`, which compiled that __init__ on top of the
dataclass's own six methods).

What stays exactly as the dataclass made it (tests/clinical/test_frozen_record.py, against
`make_dataclass(..., frozen=True, slots=True)` twins): the signature (names, order,
defaults, `<factory>`), construction by position and keyword, default factories,
equality and hash over the compared fields, the repr over the shown ones, pickling (the
same state), `dataclasses.replace`, `__dataclass_params__.frozen` (the store's loader
relies on it), `__doc__`, and assigning or deleting a field raising FrozenInstanceError.
Not handled (refused at import): `__post_init__`, InitVar, keyword-only fields, fields
with init=False, ordering, and subclassing a record.
"""

from __future__ import annotations

import dataclasses
from reprlib import recursive_repr
from typing import TypeVar

T = TypeVar("T")

_NO_DEFAULT = dataclasses.MISSING
# The default a dataclass __init__ shows for a default_factory field (its repr: <factory>).
_FACTORY = getattr(dataclasses, "_HAS_DEFAULT_FACTORY", None) or type("_Factory", (), {"__repr__": lambda s: "<factory>"})()


class _Record:
    """The methods every frozen record shares; each class holds its own field names."""

    __slots__ = ()
    _record_class: type
    _record_fields: tuple[str, ...]
    _record_shown: tuple[str, ...]

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            compared = self._record_compared
            return compared(self) == compared(other)
        return NotImplemented

    def __hash__(self):
        return hash(self._record_compared(self))

    @recursive_repr()
    def __repr__(self):
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._record_shown)
        return f"{self.__class__.__qualname__}({shown})"

    def __setattr__(self, name, value):
        if type(self) is self._record_class or name in self._record_fields:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        if type(self) is self._record_class or name in self._record_fields:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        object.__delattr__(self, name)

    def __getstate__(self):  # as a frozen slotted dataclass pickles: the field values in order
        return [getattr(self, name) for name in self._record_fields]

    def __setstate__(self, state):
        for name, value in zip(self._record_fields, state):
            object.__setattr__(self, name, value)


def frozen_record(cls: type[T]) -> type[T]:
    """The class as `@dataclass(frozen=True, slots=True)` would make it (see above)."""
    if "__post_init__" in cls.__dict__ or "__setattr__" in cls.__dict__ or cls.__bases__ != (object,):
        raise TypeError(f"{cls.__name__}: frozen_record makes plain records only (no __post_init__, no base class)")
    own_doc = cls.__dict__.get("__doc__")
    cls.__doc__ = own_doc or "-"  # spares dataclass the inspect.signature of a text it would write
    plain = dataclasses.dataclass(init=False, repr=False, eq=False)(cls)  # fields, __match_args__
    fields = dataclasses.fields(plain)
    names = tuple(f.name for f in fields)
    # The slotted class, made once with its base (as dataclass(slots=True) remakes the class).
    namespace = {k: v for k, v in plain.__dict__.items() if k not in names and k not in ("__dict__", "__weakref__")}
    namespace["__slots__"] = names
    made = type(plain.__name__, (_Record,), namespace)
    made.__qualname__ = plain.__qualname__
    if len(fields) != len(plain.__dataclass_fields__):  # an InitVar or ClassVar pseudo-field
        raise TypeError(f"{cls.__name__}: frozen_record handles plain fields only (no InitVar, no ClassVar)")
    for field in fields:
        if not field.init or field.kw_only or field.hash is not None:
            raise TypeError(f"{cls.__name__}.{field.name}: frozen_record handles plain fields only")
    compared = tuple(f.name for f in fields if f.compare)  # hashed too (hash follows compare)
    made._record_class = made
    made._record_fields = names
    made._record_shown = tuple(f.name for f in fields if f.repr)
    made._record_compared = _getter(compared)
    made.__init__ = _init(made, fields)
    made.__doc__ = own_doc or _signature_text(made.__name__, fields)
    params = made.__dataclass_params__
    params.init = params.repr = params.eq = params.frozen = True  # what the class now does
    return made


def _getter(names: tuple[str, ...]):
    """record -> the tuple of those fields (what the dataclass __eq__/__hash__ compare)."""
    if len(names) >= 2:
        from operator import attrgetter

        return attrgetter(*names)  # C; not a descriptor, so `self._record_compared` is it
    if len(names) == 1:
        (name,) = names
        return staticmethod(lambda record: (getattr(record, name),))
    return staticmethod(lambda record: ())


def _init(cls: type, fields) -> object:
    namespace: dict[str, object] = {"_FACTORY": _FACTORY}
    signature: list[str] = []
    body: list[str] = []
    for field in fields:
        name = field.name
        namespace[f"_set_{name}"] = cls.__dict__[name].__set__  # the slot's member descriptor
        if field.default_factory is not _NO_DEFAULT:
            namespace[f"_factory_{name}"] = field.default_factory
            signature.append(f"{name}=_FACTORY")
            body.append(f"    _set_{name}(self, _factory_{name}() if {name} is _FACTORY else {name})")
            continue
        if field.default is _NO_DEFAULT:
            signature.append(name)
        else:
            namespace[f"_default_{name}"] = field.default
            signature.append(f"{name}=_default_{name}")
        body.append(f"    _set_{name}(self, {name})")
    source = f"def __init__(self, {', '.join(signature)}):\n" + ("\n".join(body) or "    pass") + "\n"
    exec(source, namespace)  # noqa: S102 - from the class's own field names, as dataclasses does
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = {**{f.name: f.type for f in fields}, "return": None}
    return init


def _signature_text(name: str, fields) -> str:
    """The __doc__ a dataclass writes: `Name(field: 'type' = default, ...)` (inspect's
    text of the __init__ signature; the annotations are strings here)."""
    parts = []
    for field in fields:
        text = f"{field.name}: {_annotation(field.type)}"
        if field.default_factory is not _NO_DEFAULT:
            text += f" = {_FACTORY!r}"
        elif field.default is not _NO_DEFAULT:
            text += f" = {field.default!r}"
        parts.append(text)
    return f"{name}({', '.join(parts)})"


def _annotation(annotation) -> str:
    if isinstance(annotation, str):
        return repr(annotation)
    import inspect  # only for a class written without `from __future__ import annotations`

    return inspect.formatannotation(annotation)
