"""The ward file's text for a chunk of patients, written straight from the records.

Why: the generic writer (dump.py: build each patient's dict, then walk it value by value)
was most of a 10,000-patient `export --format ward-json` (1.6 million calls to write 54 MB;
issue 17 wants an export at most 1.5x `status --json`). The file's layout is fixed by
the contract (shared/ward-file-format.md; the keys and their order are dump.py's), so each
record here is one % format of a template with its indentation written out (`_template`).
The bytes are the generic writer's, `_encode(_patient(p), 2)` (tests/wardfile/test_wardfile_dump_fast.py holds the
two together on hypothesis-drawn wards, the demo ward and awkward text; the bench stores'
files were diffed before and after).

Indentation (json.dumps(indent=2)): a patient is an item of "patients" (level 2, keys at
6 spaces); its lists at level 3 (items at 8); a pump at level 4 (keys at 10); its refills
at level 5 (items at 12); a refill at level 6 (keys at 14).

`patients_text` is a pure function of its chunk, so a ward can be rendered in pieces
(anywhere, in any process) and joined with PATIENT_SEPARATOR.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from itb_tui.clinical.records import Patient
from itb_tui.perf import gc_tuning
from itb_tui.wardfile.json_text import _encode, _quote

PATIENT_SEPARATOR = ",\n    "  # between two patients' texts in the "patients" list


def _value(value) -> str:
    """One scalar as dump._encode_into writes it (str, None, Decimal; bool, int and anything
    else through _encode itself). Record fields are scalars; the one mapping (a culture's
    susceptibility panel) has its own writer."""
    cls = value.__class__
    if cls is str:
        return _quote(value)
    if value is None:
        return "null"
    if cls is Decimal and value.is_finite():
        return str(value)
    return _encode(value, 0)  # a non-finite Decimal raises there, as before


def _date(value) -> str:
    """A date as dump._date then _encode_into write it (an ISO date needs no escaping);
    the texts of plain dates are kept in _DATE_TEXTS (a ward has a few thousand days, and
    a datetime never equals a date, so it cannot take a date's text)."""
    if value is None:
        return "null"
    text = _DATE_TEXTS.get(value)
    if text is None:
        text = '"' + value.isoformat() + '"'
        if value.__class__ is date and len(_DATE_TEXTS) < 100_000:
            _DATE_TEXTS[value] = text
    return text


_DATE_TEXTS: dict[date, str] = {}


def _list(items: list[str], level: int) -> str:
    if not items:
        return "[]"
    inner = ",\n" + "  " * (level + 1)
    return "[\n" + "  " * (level + 1) + inner.join(items) + "\n" + "  " * level + "]"


def _template(keys: tuple[str, ...], indent: int) -> str:
    """A record's text with a %s per value: keys at `indent` spaces, the closing brace two
    fewer (one % format builds the record's string once; a chain of + copied every longer
    prefix again)."""
    return ("{" + ",".join("\n" + " " * indent + '"' + key + '": %s' for key in keys)
            + "\n" + " " * (indent - 2) + "}")


# A refill as its text, by one % format (204,000 refills in the 10,000-patient bench ward)
_REFILL_PLAIN = _template(("on", "volume_ml", "programmer_alarm_on"), 14)
_REFILL_OVERRIDE = _template(("on", "volume_ml", "programmer_alarm_on", "override_reason"), 14)
_REFILLS_SEPARATOR = ",\n" + " " * 12


def _refills(refills) -> str:
    """A pump's refills list (level 5): the hot loop of the file, so dates are looked up
    in a cache of their texts (a ward's refills fall on few distinct days)."""
    if not refills:
        return "[]"
    dates = _DATE_TEXTS
    parts = []
    for r in refills:
        on, alarm, volume = r.on, r.programmer_alarm_on, r.volume_ml
        on_text = dates.get(on) or _date(on)
        alarm_text = "null" if alarm is None else dates.get(alarm) or _date(alarm)
        volume_text = str(volume) if volume.__class__ is Decimal and volume.is_finite() else _value(volume)
        if r.override_reason is None:
            parts.append(_REFILL_PLAIN % (on_text, volume_text, alarm_text))
        else:
            parts.append(_REFILL_OVERRIDE % (on_text, volume_text, alarm_text, _value(r.override_reason)))
    return "[\n" + " " * 12 + _REFILLS_SEPARATOR.join(parts) + "\n" + " " * 10 + "]"


_PUMP = _template(("serial", "manufacturer", "model", "reservoir_ml", "alarm_ml", "implanted_on",
                   "removed_on", "removal_reason", "concentration_ug_ml", "daily_dose_ug", "refills"), 10)


def _pump(p) -> str:
    return _PUMP % (_value(p.serial), _value(p.manufacturer), _value(p.model), _value(p.reservoir_ml),
                    _value(p.alarm_ml), _date(p.implanted_on), _date(p.removed_on),
                    _value(p.removal_reason), _value(p.concentration_ug_ml), _value(p.daily_dose_ug),
                    _refills(p.refills))


_CULTURE = _template(("specimen", "drawn_on", "result", "organism", "susceptibility"), 10)
_SUSCEPTIBILITY_SEPARATOR = ",\n" + " " * 12


def _susceptibility(panel) -> str:
    """A culture's susceptibility panel (level 5): drug -> result, as _encode writes a dict."""
    if not panel:
        return "{}"
    return ("{\n" + " " * 12
            + _SUSCEPTIBILITY_SEPARATOR.join([_quote(k if k.__class__ is str else str(k)) + ": "
                                              + (_quote(v) if v.__class__ is str else _encode(v, 6))
                                              for k, v in dict(panel).items()])
            + "\n" + " " * 10 + "}")


def _culture(c) -> str:
    specimen, result, organism, panel = c.specimen, c.result, c.organism, c.susceptibility
    return _CULTURE % (_quote(specimen) if specimen.__class__ is str else _value(specimen),
                       _date(c.drawn_on),
                       _quote(result) if result.__class__ is str else _value(result),
                       "null" if organism is None else _value(organism),
                       _susceptibility(panel) if panel else "{}")


_COURSE = _template(("drug", "dose_mg", "started_on", "stopped_on", "planned_stop_on"), 10)
_BRIDGING = _template(("method", "started_on", "stopped_on", "detail"), 10)
_EXAM = _template(("kind", "on", "finding"), 10)


def _course(c) -> str:
    return _COURSE % (_value(c.drug), _value(c.dose_mg), _date(c.started_on), _date(c.stopped_on),
                      _date(c.planned_stop_on))


def _bridging(b) -> str:
    return _BRIDGING % (_value(b.method), _date(b.started_on), _date(b.stopped_on), _value(b.detail))


def _exam(e) -> str:
    return _EXAM % (_value(e.kind), _date(e.on), _value(e.finding))


_PATIENT = _template(("mrn", "name", "dob", "ward", "bed", "weight_kg", "symptoms_resolved_on", "pumps",
                      "cultures", "antifungals", "bridging", "exams", "neutrophil_recovery_on"), 6)


def patient_text(p: Patient) -> str:
    """One patient as the ward file writes it, at its place in the "patients" list."""
    return _PATIENT % (
        _value(p.mrn), _value(p.name), _date(p.dob), _value(p.ward), _value(p.bed),
        _value(p.weight_kg), _date(p.symptoms_resolved_on),
        _list([_pump(x) for x in p.pumps], 3),
        _list([_culture(x) for x in p.cultures], 3),
        _list([_course(x) for x in p.antifungals], 3),
        _list([_bridging(x) for x in p.bridging], 3),
        _list([_exam(x) for x in p.exams], 3),
        _date(p.neutrophil_recovery_on),
    )


def patients_text(patients) -> str:
    """The texts of a chunk of patients joined by PATIENT_SEPARATOR (pure: chunks rendered
    apart join, with PATIENT_SEPARATOR between them, into the whole list's text)."""
    was_enabled = gc_tuning.pause()  # ~100,000 short-lived strings a chunk, no cycles
    try:
        return PATIENT_SEPARATOR.join([patient_text(p) for p in patients])
    finally:
        gc_tuning.resume(was_enabled)
