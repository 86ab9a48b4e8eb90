"""Which pump is "the" pump of a patient on a date: one rule for the engine and every screen.

Why its own module: the list, the detail and the exports must name the same pump the
engine assesses. A pump with no implant date counts as implanted (clinical rules
revision 3, item 9: it is in the patient, the date is just not recorded); several pumps
in at once is a data error, and the latest implanted is "the" pump.
"""

from __future__ import annotations

from datetime import date

from itb_tui.clinical.records import Patient, Pump


def implanted_by(pump: Pump, as_of: date) -> bool:
    """Implanted on or before `as_of` (an unknown implant date counts as implanted)."""
    return pump.implanted_on is None or pump.implanted_on <= as_of


def current_pump(patient: Patient, as_of: date) -> Pump | None:
    """The pump in the patient on `as_of`: implanted by then and not removed by then."""
    implanted = None
    for pump in patient.pumps:
        if not implanted_by(pump, as_of) or (pump.removed_on is not None and pump.removed_on <= as_of):
            continue
        if implanted is None or (pump.implanted_on or date.min) >= (implanted.implanted_on or date.min):
            implanted = pump
    return implanted


def pumps_as_of(patient: Patient, as_of: date) -> tuple[list[Pump], Pump | None]:
    """(every pump implanted by `as_of`, removed or not; `current_pump(patient, as_of)`) in
    one pass: the engine's facts need both for every patient (issue 17). The same two
    rules as `implanted_by` and `current_pump`, spelled out inline for speed;
    tests/clinical/test_clinical_engine_shortcuts.py holds them equal."""
    implanted: list[Pump] = []
    current = None
    for pump in patient.pumps:
        implanted_on = pump.implanted_on
        if implanted_on is not None and implanted_on > as_of:
            continue
        implanted.append(pump)
        if pump.removed_on is not None and pump.removed_on <= as_of:
            continue
        if current is None or (implanted_on or date.min) >= (current.implanted_on or date.min):
            current = pump
    return implanted, current
