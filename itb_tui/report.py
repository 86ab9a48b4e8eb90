"""The ward status as other tools and a terminal read it: `status --json` and the table.

The JSON follows `shared/ward-file-format.md` field for field (a contract with scripts
and acceptance checks); it only ever adds fields (name, ward, bed, the readable
explanations, the dates each countdown hangs on, each alert's basis and suggested action).
The table is for a person at a terminal or on paper: most urgent first, status in words
and symbols (never colour alone: printouts and NO_COLOR terminals have none).
Nothing here decides clinical state; it only shows the engine's Assessment.
"""

from __future__ import annotations

try:  # the C encoder itself: `json.encoder` would import the whole json package (~1 ms)
    from _json import encode_basestring as _encode_str
except ImportError:  # pragma: no cover - an interpreter without the C accelerator
    from json.encoder import encode_basestring as _encode_str
from datetime import date
from typing import Any, Callable, Iterable, Sequence

from itb_tui.clinical.assessment import Assessment
from itb_tui.clinical.frozen_record import frozen_record
from itb_tui.clinical.records import Patient
from itb_tui.perf import gc_tuning

Pair = tuple[Patient, Assessment]

ONLY_CHOICES = ("blocked", "caution", "due")
TABLE_WIDTH = 120


def _gc_paused():
    """Pause the cyclic garbage collector while building many small acyclic objects
    (`perf.gc_tuning.paused`: measured at 10,000 patients, status_document took 0.37 s
    with the collector on and 0.07 s paused). Nothing built here holds a reference cycle,
    so reference counting frees it all the same."""
    return gc_tuning.paused()


def assess_all(patients: Iterable[Patient], as_of: date, rules) -> list[Pair]:
    with _gc_paused():
        from itb_tui.clinical.engine import assess

        return [(p, assess(p, as_of, rules)) for p in patients]


def sort_by_urgency(pairs: Iterable[Pair]) -> list[Pair]:
    """Most urgent first: the one urgency order of the list and the round sheet
    (present/status.py; its key ends with bed and MRN, so the order is stable)."""
    from itb_tui.present.status import urgency_key

    return sorted(pairs, key=lambda pa: urgency_key(pa[0], pa[1]))


def is_due(assessment: Assessment, rules) -> bool:
    """Refill due within `refill_due_days`, or already past."""
    r = assessment.reservoir
    return r is not None and r.days_to_refill <= rules.refill_due_days


def filter_pairs(pairs: Iterable[Pair], only: str | None, rules) -> list[Pair]:
    """`--only blocked|caution|due` (None keeps everyone)."""
    pairs = list(pairs)
    if only is None:
        return pairs
    if only == "due":
        return [pa for pa in pairs if is_due(pa[1], rules)]
    if only in ("blocked", "caution"):
        return [pa for pa in pairs if pa[1].refill.status == only]
    raise ValueError(f"unknown filter {only!r}: use one of {', '.join(ONLY_CHOICES)}")


# --- the status JSON ---------------------------------------------------------------------

def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _preliminary(patient: Patient, lab_reports) -> list[dict]:
    """`refill.preliminary_results`: the patient's results whose laboratory report is still
    preliminary (present/lab_reports.py; the key is only written when there are any, so a
    ward without lab-feed results reports byte for byte as before)."""
    if not lab_reports or patient.mrn not in lab_reports:
        return []
    from itb_tui.present.lab_reports import preliminary_json

    return preliminary_json(patient, lab_reports[patient.mrn])


def patient_status(patient: Patient, a: Assessment, lab_reports=None) -> dict[str, Any]:
    """One patient of `status --json`; `lab_reports`: MRN -> the store's `lab_reports`."""
    r = a.reservoir
    af = a.antifungal
    ri = a.reimplant
    refill: dict[str, Any] = {
        "status": a.refill.status,
        "reasons": list(a.refill.reasons),
        "explanations": list(a.refill.explanations),
    }
    preliminary = _preliminary(patient, lab_reports)
    if preliminary:
        refill["preliminary_results"] = preliminary
    return {
        "mrn": patient.mrn,
        "name": patient.name,
        "ward": patient.ward,
        "bed": patient.bed,
        "refill": refill,
        "reservoir": None if r is None else {
            "alarm_on": _iso(r.alarm_on),
            "days_to_alarm": r.days_to_alarm,
            "stable_until": _iso(r.stable_until),
            "refill_by": _iso(r.refill_by),
            "days_to_refill": r.days_to_refill,
            "computed_alarm_on": _iso(r.computed_alarm_on),
            "programmer_alarm_on": _iso(r.programmer_alarm_on),
            "last_refill_on": _iso(r.last_refill_on),
        },
        "antifungal": {
            "state": af.state,
            "clearance_on": _iso(af.clearance_on),
            "required_until": _iso(af.required_until),
            "day": af.day,
            "days_left": af.days_left,
            "episode_start_on": _iso(af.episode_start_on),
            "anchor_on": _iso(af.anchor_on),
            "required_days": af.required_days,
            "completed_on": _iso(af.completed_on),
        },
        "reimplant": {
            "state": ri.state,
            "eligible_on": _iso(ri.eligible_on),
            "days_left": ri.days_left,
            "culture_due_on": _iso(ri.culture_due_on),
        },
        "alerts": [
            {"code": al.code, "severity": al.severity, "text": al.text, "source": al.source,
             "basis": al.basis, "action": al.action}
            for al in a.alerts
        ],
    }


def status_document(pairs: Iterable[Pair], as_of: date, rules, lab_reports=None) -> dict[str, Any]:
    """The `status --json` report: patients in MRN order."""
    with _gc_paused():
        ordered = sorted(pairs, key=lambda pa: pa[0].mrn)
        return {
            "as_of": as_of.isoformat(),
            "rules_version": rules.version,
            "patients": [patient_status(p, a, lab_reports) for p, a in ordered],
        }


def write_status_json(pairs: Iterable[Pair], as_of: date, rules, write: Callable[[bytes], Any],
                      *, chunk: int = 2000, lab_reports=None) -> None:
    """Write the `status --json` report through `write` (UTF-8 bytes, in chunks), byte for
    byte what `json.dumps(status_document(...), indent=2, ensure_ascii=False) + "\n"` gives.

    Why not that one-liner: `indent` makes Python fall back from its C encoder to the
    pure-Python one (measured 0.46 s for 10,000 patients, plus the document of dicts
    built first and the whole text held in memory). The report has a fixed shape, so each
    patient is written from a template, its strings escaped by the C encoder; anything
    of an unexpected type goes through `json.dumps` itself (see `_value`), so the bytes
    cannot drift from the contract's layout. `tests/cli/test_status_json_fast.py`
    compares the two on the demo ward and a ward with every state.
    """
    with _gc_paused():
        ordered = sorted(pairs, key=lambda pa: pa[0].mrn)
        head = _status_head(as_of, rules)
        if not ordered:
            write((head + '  "patients": []\n}\n').encode("utf-8"))
            return
        write((head + '  "patients": [\n').encode("utf-8"))
        for start in range(0, len(ordered), chunk):
            part = ",\n".join(_patient_json(p, a, lab_reports) for p, a in ordered[start:start + chunk])
            tail = ",\n" if start + chunk < len(ordered) else "\n  ]\n}\n"
            write((part + tail).encode("utf-8"))


def _status_head(as_of: date, rules) -> str:
    return f'{{\n  "as_of": {_value(as_of.isoformat(), 1)},\n  "rules_version": {_value(rules.version, 1)},\n'


# The report in pieces, for `cli/chunked.py` (a big ward rendered chunk by chunk): the
# same bytes as `write_status_json`, the patients joined by STATUS_JSON_SEP in MRN order.
STATUS_JSON_SEP = ",\n"


def status_json_pieces(pairs: Sequence[Pair], lab_reports=None) -> list[tuple[str, str]]:
    """(MRN, the patient's entry of the report) for pairs in MRN order."""
    with _gc_paused():
        return [(p.mrn, _patient_json(p, a, lab_reports)) for p, a in pairs]


def status_json_document(body: Iterable[bytes], total: int, as_of: date, rules) -> Iterable[bytes]:
    """The report around `body` (the entries of `total` patients joined by
    STATUS_JSON_SEP, UTF-8): byte for byte `write_status_json`'s."""
    head = _status_head(as_of, rules)
    if not total:
        yield (head + '  "patients": []\n}\n').encode("utf-8")
        return
    yield (head + '  "patients": [\n').encode("utf-8")
    yield from body
    yield b"\n  ]\n}\n"


def _value(v: Any, level: int) -> str:
    """One JSON value as `json.dumps(indent=2, ensure_ascii=False)` writes it at `level`."""
    kind = type(v)
    if kind is str:
        return _encode_str(v)
    if v is None:
        return "null"
    if kind is int:
        return int.__repr__(v)
    import json

    return json.dumps(v, indent=2, ensure_ascii=False).replace("\n", "\n" + "  " * level)


def _date_json(d: date | None) -> str:
    return "null" if d is None else f'"{d.isoformat()}"'


def _str_list(items: Sequence[str], level: int) -> str:
    if not items:
        return "[]"
    pad = "\n" + "  " * (level + 1)
    return "[" + pad + ("," + pad).join(_value(x, level + 1) for x in items) + "\n" + "  " * level + "]"


def _patient_json(patient: Patient, a: Assessment, lab_reports=None) -> str:
    """One entry of the report's `patients` list (level 2 of the document): the fields of
    `patient_status`, in its order."""
    r, af, ri, ref = a.reservoir, a.antifungal, a.reimplant, a.refill
    v = _value
    preliminary = _preliminary(patient, lab_reports)
    if r is None:
        reservoir = "null"
    else:
        reservoir = (
            "{\n"
            f'        "alarm_on": {_date_json(r.alarm_on)},\n'
            f'        "days_to_alarm": {v(r.days_to_alarm, 4)},\n'
            f'        "stable_until": {_date_json(r.stable_until)},\n'
            f'        "refill_by": {_date_json(r.refill_by)},\n'
            f'        "days_to_refill": {v(r.days_to_refill, 4)},\n'
            f'        "computed_alarm_on": {_date_json(r.computed_alarm_on)},\n'
            f'        "programmer_alarm_on": {_date_json(r.programmer_alarm_on)},\n'
            f'        "last_refill_on": {_date_json(r.last_refill_on)}\n'
            "      }"
        )
    if a.alerts:
        alerts = "[\n" + ",\n".join(
            "        {\n"
            f'          "code": {v(al.code, 5)},\n'
            f'          "severity": {v(al.severity, 5)},\n'
            f'          "text": {v(al.text, 5)},\n'
            f'          "source": {v(al.source, 5)},\n'
            f'          "basis": {v(al.basis, 5)},\n'
            f'          "action": {v(al.action, 5)}\n'
            "        }"
            for al in a.alerts
        ) + "\n      ]"
    else:
        alerts = "[]"
    return (
        "    {\n"
        f'      "mrn": {v(patient.mrn, 3)},\n'
        f'      "name": {v(patient.name, 3)},\n'
        f'      "ward": {v(patient.ward, 3)},\n'
        f'      "bed": {v(patient.bed, 3)},\n'
        '      "refill": {\n'
        f'        "status": {v(ref.status, 4)},\n'
        f'        "reasons": {_str_list(list(ref.reasons), 4)},\n'
        f'        "explanations": {_str_list(list(ref.explanations), 4)}'
        + (f',\n        "preliminary_results": {v(preliminary, 4)}\n' if preliminary else "\n")
        + "      },\n"
        f'      "reservoir": {reservoir},\n'
        '      "antifungal": {\n'
        f'        "state": {v(af.state, 4)},\n'
        f'        "clearance_on": {_date_json(af.clearance_on)},\n'
        f'        "required_until": {_date_json(af.required_until)},\n'
        f'        "day": {v(af.day, 4)},\n'
        f'        "days_left": {v(af.days_left, 4)},\n'
        f'        "episode_start_on": {_date_json(af.episode_start_on)},\n'
        f'        "anchor_on": {_date_json(af.anchor_on)},\n'
        f'        "required_days": {v(af.required_days, 4)},\n'
        f'        "completed_on": {_date_json(af.completed_on)}\n'
        "      },\n"
        '      "reimplant": {\n'
        f'        "state": {v(ri.state, 4)},\n'
        f'        "eligible_on": {_date_json(ri.eligible_on)},\n'
        f'        "days_left": {v(ri.days_left, 4)},\n'
        f'        "culture_due_on": {_date_json(ri.culture_due_on)}\n'
        "      },\n"
        f'      "alerts": {alerts}\n'
        "    }"
    )


# --- the plain-text table ----------------------------------------------------------------

_RED, _YELLOW, _RESET = "\x1b[1;31m", "\x1b[1;33m", "\x1b[0m"


# Joins words that must stay on one line when a cell wraps ("✖ BLOCKED", "REFILL NOW");
# turned back into a space after wrapping.
_KEEP = "\x00"


def _unbreakable(text: str) -> str:
    return text.replace(" ", _KEEP)


# The words are the presentation layer's (present/), the same as the list's: status word
# and symbol, reasons in words, countdowns and the headline alert.

def refill_cell(a: Assessment) -> str:
    """The refill status in words and a symbol, with every reason in words."""
    from itb_tui.present.status import refill_view
    from itb_tui.present.words import reason_words

    view = refill_view(a)
    text = _unbreakable(view.label)
    if a.refill.reasons:
        text += " " + ", ".join(_unbreakable(reason_words(code)) for code in a.refill.reasons)
    elif view.detail:
        text += " · " + _unbreakable(view.detail)
    return text + ("; " + _unbreakable("‼ WITHDRAWAL RISK") if a.withdrawal_risk else "")


def alarm_cell(a: Assessment) -> str:
    r = a.reservoir
    if r is None:
        return "—"
    return f"{r.alarm_on.isoformat()} ({r.days_to_alarm}d)"


def antifungal_cell(a: Assessment) -> str:
    from itb_tui.present.cells import antifungal_lines

    lines = antifungal_lines(a.antifungal)
    return "—" if lines.top == "–" else _unbreakable(lines.top) + (" · " + lines.bottom if lines.bottom else "")


def reimplant_cell(a: Assessment) -> str:
    from itb_tui.present.cells import reimplant_lines

    lines = reimplant_lines(a)
    return "—" if lines.top == "–" else lines.line


def alerts_cell(a: Assessment) -> str:
    """The counts and the headline alert's words ('‼ 1 ⚠ 1 explant')."""
    from itb_tui.present.status import counts_text, headline_words

    if not a.alerts:
        return "—"
    return f"{_unbreakable(counts_text(a))} {headline_words(a)}".rstrip()


@frozen_record  # a frozen dataclass, cheaper to make at import (clinical/frozen_record.py)
class _Column:
    header: str
    cell: Callable[[Patient, Assessment], str]
    cap: int | None  # widest it gets (None: as wide as its longest cell)
    wrap_min: int | None = None  # a wrapping column: narrowest it gets; its text wraps


_COLUMNS = (
    _Column("Bed", lambda p, a: p.bed or "—", 6),
    _Column("Name", lambda p, a: p.name, 22, wrap_min=12),
    _Column("MRN", lambda p, a: p.mrn, 12),
    # The refill status never loses a reason: it wraps instead.
    _Column("Refill", lambda p, a: refill_cell(a), None, wrap_min=24),
    _Column("Alarm (days)", lambda p, a: alarm_cell(a), 18),
    _Column("Antifungal", lambda p, a: antifungal_cell(a), 16, wrap_min=14),
    _Column("Reimplant", lambda p, a: reimplant_cell(a), 16, wrap_min=12),
    _Column("Alerts", lambda p, a: alerts_cell(a), 18, wrap_min=12),
)
_GAP = "  "


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _widths(rows: list[list[str]], width: int) -> list[int]:
    widths = []
    for i, col in enumerate(_COLUMNS):
        natural = max([len(col.header)] + [len(r[i]) for r in rows])
        widths.append(natural if col.cap is None else min(natural, col.cap))
    excess = sum(widths) + len(_GAP) * (len(widths) - 1) - width
    # Narrow the refill column first (it wraps between reasons), then names, then the
    # countdown and alert columns (they wrap too).
    for i in (3, 1, 6, 7, 5):
        if excess > 0:
            cut = min(excess, widths[i] - _COLUMNS[i].wrap_min)
            if cut > 0:
                widths[i] -= cut
                excess -= cut
    return widths


def format_table(pairs: Sequence[Pair], as_of: date, *, color: bool = False, width: int = TABLE_WIDTH) -> str:
    """A plain-text table, most urgent first (the engine's urgency order, as in the app), at
    most `width` columns. Names and refill statuses wrap onto further lines rather than
    lose a reason. `color` adds ANSI emphasis to the status words (for a terminal only;
    the words and symbols carry the meaning)."""
    rows = [[col.cell(p, a) for col in _COLUMNS] for p, a in sort_by_urgency(pairs)]
    if not rows:
        return f"No patients to show for {as_of.isoformat()}.\n"
    widths = _widths(rows, width)

    def line(cells: list[str]) -> str:
        return _GAP.join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    import textwrap

    out = [line([c.header for c in _COLUMNS]), line(["─" * w for w in widths])]
    for r in rows:
        columns = []
        for cell, w, col in zip(r, widths, _COLUMNS):
            if col.wrap_min is None:
                columns.append([_fit(cell, w)])
            else:
                # Words longer than the column are split (a very long name); no reason
                # code is (the refill column is wider than the longest code).
                columns.append(textwrap.wrap(cell, w, break_on_hyphens=False) or [""])
        for k in range(max(len(c) for c in columns)):
            text = line([c[k] if k < len(c) else "" for c in columns]).replace(_KEEP, " ")
            out.append(_colorise(text) if color else text)
    return "\n".join(out) + "\n"


def _colorise(text: str) -> str:
    for word, code in (("✖ BLOCKED", _RED), ("▲ CAUTION", _YELLOW), ("‼ WITHDRAWAL RISK", _RED),
                       ("‼ REFILL NOW", _RED), ("● REFILL DUE", _YELLOW), ("▲ REFILL ALLOWED", _YELLOW),
                       ("✖ relapse", _RED), ("✖ infection", _RED), ("‼ STOPPED", _RED)):
        text = text.replace(word, f"{code}{word}{_RESET}")
    return text


def summary_line(pairs: Sequence[Pair], as_of: date, rules, *, ward: str | None = None,
                 only: str | None = None) -> str:
    """The heading of the text report: what date, which rules, how many in each state."""
    blocked = sum(1 for _, a in pairs if a.refill.status == "blocked")
    caution = sum(1 for _, a in pairs if a.refill.status == "caution")
    due = sum(1 for _, a in pairs if is_due(a, rules))
    scope = f" ward {ward}" if ward else ""
    shown = f" (only {only})" if only else ""
    n = len(pairs)
    return (f"Ward status{scope} as of {as_of.isoformat()} (rules {rules.version}){shown}: "
            f"{n} patient{'s' if n != 1 else ''}, {blocked} blocked, {caution} caution, {due} refill due")
