"""A chunk of the ward file's text written straight from the rows: no record objects.

Why: the ward-json export of a big ward (cli/chunked.py) read every row into a record
(`loader.load_dbapi`: ~330,000 records at 10,000 patients, 204,000 of them refills) only
to turn each one into text again (`wardfile.dump_text`): building the records was a
third of the export, which issue 17 wants at most 1.5x `status --json`. Here the same
rows (`loader._Reader`: the same SELECTs, the same entered-in-error filter, the same
order) go straight into the same text templates (`dump_text`).

The bytes are `dump_text.patients_text(loader.load_dbapi(...))`'s, and the checks the
records path makes stay: every stored date and decimal goes through the load's own
parse (`ParseCache`, shared with the snapshot's other reads) before its text is taken
from the parsed value, so a text the records path refuses is refused here with the same
error, and a decimal that is not finite is refused by the writer as before. Each
distinct stored value's text is made once (`_Texts`): a ward repeats a few thousand
dates and a handful of quantities. tests/store/test_store_ward_text.py holds the two
paths together.
"""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter
from typing import Any, Callable

from itb_tui.perf import gc_tuning
from itb_tui.store import loader
from itb_tui.wardfile import dump_text
from itb_tui.wardfile.dump_text import _value


# The refill columns the file needs (`loader.REFILL_COLUMNS` without the id: 204,000
# ints fewer at 10,000 patients): [0] is the pump's id.
REFILL_TEXT_COLUMNS = ("pump_id", "refilled_on", "volume_ml", "programmer_alarm_on", "override_reason")


class _Texts(dict):
    """Stored value -> its text in the file, each distinct value's made once (a dict
    lookup after). A value whose text cannot be made raises every time it is met."""

    def __init__(self, make: Callable[[Any], str]):
        super().__init__()
        self._make = make

    def __missing__(self, raw):
        text = self[raw] = self._make(raw)
        return text


class _Words(dict):
    """A text column's value -> `_value` of it, kept for text and NULL only: the records
    path writes each value as it is, so 1.0 must never take the text of an equal 1."""

    def __missing__(self, raw):
        text = _value(raw)
        if raw is None or raw.__class__ is str:
            self[raw] = text
        return text


def ward_file_text(cursor, placeholder: str, *, ward: str | None = None,
                   mrn_range: "loader.MrnRange | None" = None,
                   parsed: "loader.ParseCache | None" = None) -> tuple[int, str]:
    """(number of patients, `dump_text.patients_text` of them) for the patients of
    `ward` in `mrn_range`, as `loader.load_dbapi` would load them (whole history)."""
    was_enabled = gc_tuning.pause()  # ~400,000 short-lived strings a chunk, no cycles
    try:
        return _text(loader._Reader(cursor, placeholder, ward=ward, mrn_range=mrn_range, parsed=parsed))
    finally:
        gc_tuning.resume(was_enabled)


def _text(rd: "loader._Reader") -> tuple[int, str]:
    if rd.empty:
        return 0, ""
    patient_rows = rd.patients()
    if not patient_rows:
        return 0, ""
    d, n = rd.d, rd.n
    dates = _Texts(lambda raw: dump_text._date(d[raw]))
    numbers = _Texts(lambda raw: _value(n[raw]))
    panels = _Texts(_panel_text(rd))
    words = _Words()  # the text columns that repeat (a ward, a specimen, a drug...)

    # refills first, as `_load`: each pump's list of them in row order
    refill_plain, refill_override = dump_text._REFILL_PLAIN, dump_text._REFILL_OVERRIDE
    sep, head, tail = dump_text._REFILLS_SEPARATOR, "[\n" + " " * 12, "\n" + " " * 10 + "]"
    refills = {}
    for pump_id, rows in _by_parent(rd.refills(REFILL_TEXT_COLUMNS), rd.by_parent, _PUMP_ID):
        refills[pump_id] = head + sep.join([
            refill_plain % (dates[r[1]], numbers[r[2]], dates[r[3]]) if r[4] is None
            else refill_override % (dates[r[1]], numbers[r[2]], dates[r[3]], _value(r[4]))
            for r in rows]) + tail

    pump_text, culture_text = dump_text._PUMP, dump_text._CULTURE
    course_text, bridging_text, exam_text = dump_text._COURSE, dump_text._BRIDGING, dump_text._EXAM

    def pump(r) -> str:  # PUMP_COLUMNS
        return pump_text % (_value(r[2]), words[r[3]], words[r[4]], numbers[r[5]], numbers[r[6]],
                            dates[r[7]], dates[r[8]], words[r[9]], numbers[r[10]], numbers[r[11]],
                            refills.get(r[0], "[]"))

    def culture(r) -> str:  # CULTURE_COLUMNS
        return culture_text % (words[r[2]], dates[r[3]], words[r[4]], words[r[5]], panels[r[6]])

    def course(r) -> str:  # COURSE_COLUMNS
        return course_text % (words[r[2]], numbers[r[3]], dates[r[4]], dates[r[5]], dates[r[6]])

    def bridging(r) -> str:  # BRIDGING_COLUMNS: id, patient_id, method, started_on, detail, stopped_on
        return bridging_text % (words[r[2]], dates[r[3]], dates[r[5]], _value(r[4]))

    def exam(r) -> str:  # EXAM_COLUMNS
        return exam_text % (words[r[2]], dates[r[3]], _value(r[4]))

    children = [_lists(rd.children(table), make, rd.by_parent) for table, make in (
        ("pumps", pump), ("cultures", culture), ("antifungal_courses", course),
        ("bridging", bridging), ("exams", exam))]
    pumps, cultures, courses, bridgings, exams = children
    patient_text, none = dump_text._PATIENT, "[]"
    texts = [patient_text % (  # PATIENT_COLUMNS
        _value(r[1]), _value(r[2]), dates[r[3]], words[r[4]], words[r[5]], numbers[r[6]], dates[r[7]],
        pumps.get(r[0], none), cultures.get(r[0], none), courses.get(r[0], none),
        bridgings.get(r[0], none), exams.get(r[0], none), dates[r[8]]) for r in patient_rows]
    return len(texts), dump_text.PATIENT_SEPARATOR.join(texts)


def _panel_text(rd: "loader._Reader") -> Callable[[Any], str]:
    """A stored susceptibility panel's text, from the dict the records path reads."""
    def text(raw) -> str:
        panel = rd.susceptibility_of(raw)
        return dump_text._susceptibility(panel) if panel else "{}"

    return text


def _lists(rows, make, contiguous: bool) -> dict[int, str]:
    """Parent id -> the list text (`dump_text._list` at a patient's lists' level) of its
    children's texts, in row order (as `loader._group` groups the records)."""
    as_list = dump_text._list
    return {parent: as_list([make(r) for r in group], 3)
            for parent, group in _by_parent(rows, contiguous, _PARENT_ID)}


def _by_parent(rows, contiguous: bool, parent_of):
    """(parent id, its rows in row order), the id by `parent_of(row)`. `contiguous`: the
    rows come in parent order (a chunk's: `loader._Reader.by_parent`), each parent's
    rows one run; otherwise (ordered by id) they are gathered first."""
    if contiguous:
        return groupby(rows, parent_of)
    grouped: dict = {}
    for r in rows:
        grouped.setdefault(parent_of(r), []).append(r)
    return grouped.items()


_PUMP_ID = itemgetter(0)  # of a REFILL_TEXT_COLUMNS row
_PARENT_ID = itemgetter(1)  # of a child row (loader.TABLE_COLUMNS): its patient's id
