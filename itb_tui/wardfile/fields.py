"""One check per field of the ward file: the single source of every validation rule.

`validate_patient` (and through it the import, the store and the forms) runs these
checks; a form may also call one directly while the user types:

    validate_field("refill", "volume_ml", Decimal("25"), {"reservoir_ml": Decimal(20)})
    -> "must be at most the reservoir (20 mL)"

Each checker takes `(value, context)` and returns the problem as a short phrase (the part
after `MRN: path: `) or None. `context` carries what a rule compares against:

- `today` (date): record dates may not be later; without it that check is skipped.
- `dob` (date): record dates may not be earlier.
- the record's sibling fields by name (`reservoir_ml` for a pump's `alarm_ml`, `on` for a
  refill's `programmer_alarm_on`, `started_on` for the stop dates of a course or a
  bridging record, `result` for a culture's organism);
- for a refill, its pump's `reservoir_ml`, `pump_implanted_on` and `pump_removed_on`.

A missing or invalid comparison value skips that comparison (its own field reports it),
so one typo yields one message, not a cascade.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal

from itb_tui.clinical.records import (
    BRIDGING_METHODS,
    CULTURE_RESULTS,
    EXAM_KINDS,
    SPECIMENS,
    SUSCEPTIBILITY_VALUES,
)
from itb_tui.wardfile import limits
from itb_tui.wardfile.text import bad_character, show

Checker = Callable[[object, Mapping[str, object]], "str | None"]


# --- building blocks (public: forms may use them on their own) ---


def check_text(
    value: object,
    *,
    limit: int,
    required: bool = False,
    multiline: bool = False,
    identifier: bool = False,
) -> str | None:
    """A trimmed string of at most `limit` characters without control characters
    (see `text.bad_character` for what `multiline` and `identifier` allow)."""
    if value is None or value == "":
        return "is required" if required else None
    if not isinstance(value, str):
        return f"must be text, not {show(value)}"
    if value != value.strip():
        return "must not start or end with spaces"
    if len(value) > limit:
        return f"is too long ({len(value)} characters; at most {limit})"
    return bad_character(value, multiline=multiline, identifier=identifier)


def check_choice(value: object, choices: tuple[str, ...], *, required: bool = True) -> str | None:
    """One of a fixed set of codes (the codes are the file's contract, matched exactly)."""
    if value is None or value == "":
        return "is required" if required else None
    if value not in choices:
        return f"must be one of {', '.join(choices)} (got {show(value)})"
    return None


def _fmt(number: Decimal) -> str:
    return format(number, "f")


def check_quantity(
    value: object,
    *,
    maximum: Decimal,
    unit: str,
    minimum: Decimal | None = None,
    required: bool = True,
) -> str | None:
    """A finite decimal number above 0 (and at least `minimum`), at most `maximum`.

    Binary floats are refused: the reservoir countdown must be exact, and a float that
    reached a record means a caller skipped the conversion from the user's text. With a
    `minimum` a value out of range is told the whole range ("must be between 1 and
    500 kg"), so the user sees at once what is plausible (issue 14).
    """
    if value is None:
        return "is required" if required else None
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        if isinstance(value, float):
            return "must be an exact decimal number, not a binary float"
        return f"must be a number, not {show(value)}"
    if isinstance(value, Decimal) and not value.is_finite():
        return "must be a finite number"
    if minimum is not None:
        if value < minimum or value > maximum:
            return f"must be between {_fmt(minimum)} and {_fmt(maximum)} {unit}"
        return None
    if value <= 0:
        return f"must be more than 0 {unit}"
    if value > maximum:
        return f"must be at most {_fmt(maximum)} {unit}"
    return None


def check_date(value: object, *, required: bool = True) -> str | None:
    """A calendar date (not a datetime: the rules count whole days in ward time)."""
    if value is None:
        return "is required" if required else None
    if isinstance(value, datetime):
        return "must be a date without a time of day"
    if not isinstance(value, date):
        return f"must be a date (YYYY-MM-DD), not {show(value)}"
    if value < limits.EARLIEST_DATE:
        return f"must not be before {limits.EARLIEST_DATE.isoformat()}"
    return None


def _as_date(value: object) -> date | None:
    """`value` if it is a usable date, else None (its own field reports the problem)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        if value >= limits.EARLIEST_DATE:
            return value
    return None


def _as_quantity(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        return None
    value = Decimal(value)
    return value if value.is_finite() and value > 0 else None


def check_record_date(value: object, context: Mapping[str, object], *, required: bool) -> str | None:
    """A date something happened: not after today, not before the patient was born."""
    problem = check_date(value, required=required)
    if problem or value is None:
        return problem
    today = _as_date(context.get("today"))
    if today is not None and value > today:
        return f"must not be after today ({today.isoformat()})"
    dob = _as_date(context.get("dob"))
    if dob is not None and value < dob:
        return f"must not be before the date of birth ({dob.isoformat()})"
    return None


def check_not_before(value: object, earlier: object, what: str) -> str | None:
    """`value` on or after `earlier` (both dates; anything else is someone else's error)."""
    value, earlier = _as_date(value), _as_date(earlier)
    if value is not None and earlier is not None and value < earlier:
        return f"must be on or after {what} ({earlier.isoformat()})"
    return None


def check_volume(volume: object, reservoir: object) -> str | None:
    """A refill cannot hold more than the pump's reservoir."""
    volume, reservoir = _as_quantity(volume), _as_quantity(reservoir)
    if volume is not None and reservoir is not None and volume > reservoir:
        return f"must be at most the reservoir ({_fmt(reservoir)} mL)"
    return None


def check_alarm(alarm_ml: object, reservoir: object) -> str | None:
    """The low-reservoir alarm volume must be below a full reservoir."""
    alarm_ml, reservoir = _as_quantity(alarm_ml), _as_quantity(reservoir)
    if alarm_ml is not None and reservoir is not None and alarm_ml >= reservoir:
        return f"must be below the reservoir ({_fmt(reservoir)} mL)"
    return None


def check_organism(name: object) -> str | None:
    """An organism text the species table can take as it stands (clinical-rules.md, Terms).

    The ONE organism check of import, every form and the lab feed: it asks
    `organisms.resolve`, so all of them refuse the same texts with the same words. Refused:
    two different organisms in one text ("Candida albicans / Candida glabrata") and a
    fungus the table does not list ("Candida foo", "yeast seen", "Candda albicans"), each
    with the nearest listed names: read at genus level or as bacterial they would lose the
    species' or the group's rules without a word. A non-fungal text the table does not list
    is accepted and counts as bacterial (it blocks as bacteremia). The text is kept as
    written; the recognised name is shown beside it.
    """
    problem = check_text(name, limit=limits.SHORT_TEXT_MAX, required=True)
    if problem:
        return problem
    from itb_tui.clinical.organisms import OrganismRefused, resolve

    try:
        resolve(name)
    except OrganismRefused as refused:
        return str(refused)
    return None


# Generic names the engine knows (after `drugs.canonical_drug`, which also maps brand
# names such as "Cancidas").
def _known_generic(name: str) -> bool:
    from itb_tui.clinical import drugs

    generics = drugs.AZOLES | drugs.ECHINOCANDINS | {
        drugs.canonical_drug(d) for d in limits.OTHER_ANTIFUNGALS
    }
    return drugs.canonical_drug(name) in generics


def check_drug(name: object) -> str | None:
    """An antifungal the rules know, in lower case: a generic name of
    `limits.ANTIFUNGAL_DRUGS` or a brand name the engine maps to one ("cancidas")."""
    problem = check_text(name, limit=limits.SHORT_TEXT_MAX, required=True)
    if problem:
        return problem
    if name != name.lower():
        return f"must be in lower case ({show(name.lower())})"
    if not _known_generic(name):
        message = f"unknown antifungal {show(name)}"
        close = difflib.get_close_matches(name, limits.ANTIFUNGAL_DRUGS, n=1, cutoff=0.75)
        if close:
            return message + f" (did you mean {show(close[0])}?)"
        return message + f": must be one of {', '.join(limits.ANTIFUNGAL_DRUGS)}"
    return None


def check_susceptibility(value: object, result: object) -> str | None:
    """Drug name (lower case) -> S | SDD | I | R; only a positive culture has one."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        return f"must be an object of drug: result, not {show(value)}"
    if not value:
        return None
    if result in CULTURE_RESULTS and result != "positive":
        return f"must be empty unless the result is positive (result is {result})"
    for drug, reported in value.items():
        problem = check_text(drug, limit=limits.SHORT_TEXT_MAX, required=True)
        if problem:
            return f"drug name {show(drug)} {problem}"
        if drug != drug.lower():
            return f"drug name {show(drug)} must be in lower case"
        if reported not in SUSCEPTIBILITY_VALUES:
            return (
                f"{show(drug)} must be one of {', '.join(SUSCEPTIBILITY_VALUES)}"
                f" (got {show(reported)})"
            )
    return None


# --- the field table ---


def _text(limit: int, *, required: bool = False, multiline: bool = False) -> Checker:
    return lambda v, c: check_text(v, limit=limit, required=required, multiline=multiline)


def _quantity(maximum: Decimal, unit: str, *, minimum: Decimal | None = None, required: bool = True) -> Checker:
    return lambda v, c: check_quantity(v, maximum=maximum, unit=unit, minimum=minimum, required=required)


def _record_date(*, required: bool) -> Checker:
    return lambda v, c: check_record_date(v, c, required=required)


def _choice(choices: tuple[str, ...]) -> Checker:
    return lambda v, c: check_choice(v, choices)


def _first(*checks: Checker) -> Checker:
    """Run checks in order and report the first problem (one message per field)."""

    def run(value: object, context: Mapping[str, object]) -> str | None:
        for check in checks:
            problem = check(value, context)
            if problem:
                return problem
        return None

    return run


def _organism(value: object, context: Mapping[str, object]) -> str | None:
    result = context.get("result")
    if value is None or value == "":
        return "is required for a positive culture" if result == "positive" else None
    if result in CULTURE_RESULTS and result != "positive":
        return f"must be empty unless the result is positive (result is {result})"
    return check_organism(value)


def _programmer_alarm(value: object, context: Mapping[str, object]) -> str | None:
    problem = check_date(value, required=False)
    if problem or value is None:
        return problem
    refill_on = _as_date(context.get("on"))
    if refill_on is not None:
        if value < refill_on:
            return f"must be on or after the refill date ({refill_on.isoformat()})"
        latest = refill_on + timedelta(days=limits.MAX_PROGRAMMER_ALARM_DAYS_AFTER_REFILL)
        if value > latest:
            return f"must be at most {limits.MAX_PROGRAMMER_ALARM_DAYS_AFTER_REFILL} days after the refill date ({refill_on.isoformat()})"
    return None


def _planned_stop(value: object, context: Mapping[str, object]) -> str | None:
    problem = check_date(value, required=False)
    if problem or value is None:
        return problem
    started = _as_date(context.get("started_on"))
    if started is not None:
        if value < started:
            return f"must be on or after started_on ({started.isoformat()})"
        if value > started + timedelta(days=limits.MAX_PLANNED_COURSE_DAYS):
            return f"must be at most {limits.MAX_PLANNED_COURSE_DAYS} days after started_on ({started.isoformat()})"
    return None


def _refill_on(value: object, context: Mapping[str, object]) -> str | None:
    problem = check_record_date(value, context, required=True)
    if problem:
        return problem
    problem = check_not_before(value, context.get("pump_implanted_on"), "the pump's implanted_on")
    if problem:
        return problem
    removed = _as_date(context.get("pump_removed_on"))
    if removed is not None and value > removed:
        return f"must be on or before the pump's removed_on ({removed.isoformat()})"
    return None


# A course's or a bridging record's last day: a record date, on or after its start.
_stopped_on = _first(
    _record_date(required=False),
    lambda v, c: check_not_before(v, c.get("started_on"), "started_on"),
)


def _MRN(value: object, context: Mapping[str, object]) -> str | None:
    return check_text(value, limit=limits.MRN_MAX, required=True, identifier=True)


FIELDS: dict[str, dict[str, Checker]] = {
    "patient": {
        "mrn": _MRN,
        "name": _text(limits.NAME_MAX, required=True),
        "dob": _record_date(required=False),
        "ward": _text(limits.SHORT_TEXT_MAX),
        "bed": _text(limits.BED_MAX),
        "weight_kg": _quantity(limits.MAX_WEIGHT_KG, "kg", minimum=limits.MIN_WEIGHT_KG, required=False),
        "symptoms_resolved_on": _record_date(required=False),
        "neutrophil_recovery_on": _record_date(required=False),
    },
    "pump": {
        "serial": _text(limits.SHORT_TEXT_MAX, required=True),
        "manufacturer": _text(limits.SHORT_TEXT_MAX),
        "model": _text(limits.SHORT_TEXT_MAX),
        "reservoir_ml": _quantity(limits.MAX_RESERVOIR_ML, "mL", minimum=limits.MIN_RESERVOIR_ML),
        "alarm_ml": _first(
            _quantity(limits.MAX_RESERVOIR_ML, "mL", minimum=limits.MIN_ALARM_ML),
            lambda v, c: check_alarm(v, c.get("reservoir_ml")),
        ),
        "implanted_on": _record_date(required=False),
        "removed_on": _first(
            _record_date(required=False),
            lambda v, c: check_not_before(v, c.get("implanted_on"), "implanted_on"),
        ),
        "removal_reason": _text(limits.FREE_TEXT_MAX, multiline=True),
        "concentration_ug_ml": _quantity(limits.MAX_CONCENTRATION_UG_ML, "µg/mL",
                                         minimum=limits.MIN_CONCENTRATION_UG_ML),
        "daily_dose_ug": _quantity(
            limits.MAX_DAILY_DOSE_UG, "µg/day", minimum=limits.MIN_DAILY_DOSE_UG
        ),
    },
    "refill": {
        "on": _refill_on,
        "volume_ml": _first(
            _quantity(limits.MAX_RESERVOIR_ML, "mL", minimum=limits.MIN_REFILL_VOLUME_ML),
            lambda v, c: check_volume(v, c.get("reservoir_ml")),
        ),
        "programmer_alarm_on": _programmer_alarm,
        "override_reason": _text(limits.FREE_TEXT_MAX, multiline=True),
    },
    "culture": {
        "specimen": _choice(SPECIMENS),
        "drawn_on": _record_date(required=True),
        "result": _choice(CULTURE_RESULTS),
        "organism": _organism,
        "susceptibility": lambda v, c: check_susceptibility(v, c.get("result")),
    },
    "antifungal": {
        "drug": lambda v, c: check_drug(v),
        "dose_mg": _quantity(limits.MAX_ANTIFUNGAL_DOSE_MG, "mg", minimum=limits.MIN_ANTIFUNGAL_DOSE_MG,
                             required=False),
        "started_on": _record_date(required=True),
        "stopped_on": _stopped_on,
        "planned_stop_on": _planned_stop,
    },
    "bridging": {
        "method": _choice(BRIDGING_METHODS),
        "started_on": _record_date(required=True),
        # revision 3: the last day of bridging; a stop before a removal does not cover it
        "stopped_on": _stopped_on,
        "detail": _text(limits.FREE_TEXT_MAX, multiline=True),
    },
    "exam": {
        "kind": _choice(EXAM_KINDS),
        "on": _record_date(required=True),
        "finding": _text(limits.FREE_TEXT_MAX, multiline=True),
    },
}


def validate_field(kind: str, field: str, value: object, context: Mapping[str, object] | None = None) -> str | None:
    """The problem with one field's value, or None. For forms checking as the user types.

    `kind` is patient | pump | refill | culture | antifungal | bridging | exam; `field` the
    ward-file field name; `context` as described in this module's docstring.
    Raises KeyError for a kind or field that does not exist (a programming error).
    """
    return FIELDS[kind][field](value, context or {})
