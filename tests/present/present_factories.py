"""Assessments built by hand for the display-rule tables (the engine is not under test
here: each row states the engine's answer and checks the words shown for it)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from itb_tui.clinical.assessment import (
    Alert,
    AntifungalState,
    Assessment,
    RefillState,
    ReimplantState,
    Reservoir,
)
from itb_tui.clinical.records import Patient, Pump

AS_OF = date(2026, 12, 3)


def alert(code: str, severity: str = "critical") -> Alert:
    return Alert(code, severity, f"text of {code}", "a source", "guideline", f"do {code}")


def reservoir(days_to_refill: int, days_to_alarm: int | None = None) -> Reservoir:
    """A reservoir whose refill-by date is AS_OF + days_to_refill."""
    alarm_days = days_to_refill if days_to_alarm is None else days_to_alarm
    refill_by = AS_OF + timedelta(days=days_to_refill)
    alarm_on = AS_OF + timedelta(days=alarm_days)
    # refill by = the earlier of alarm and stability: when the alarm is later, the drug's
    # stability is what falls due on refill_by.
    stable_until = refill_by if alarm_days > days_to_refill else alarm_on + timedelta(days=100)
    return Reservoir(
        alarm_on=alarm_on, days_to_alarm=alarm_days, stable_until=stable_until,
        refill_by=refill_by, days_to_refill=days_to_refill, computed_alarm_on=alarm_on,
        programmer_alarm_on=None, last_refill_on=AS_OF - timedelta(days=30),
        daily_volume_ml=Decimal("0.6"), volume_left_ml=Decimal("5"), reservoir_ml=Decimal("20"),
        alarm_ml=Decimal("2"),
    )


def assessment(status: str = "ok", reasons: tuple[str, ...] = (), *, res: Reservoir | None = None,
               alerts: tuple[Alert, ...] = (), antifungal: AntifungalState | None = None,
               reimplant: ReimplantState | None = None, mrn: str = "T1") -> Assessment:
    return Assessment(
        mrn=mrn, as_of=AS_OF,
        refill=RefillState(status, reasons, tuple(f"because {r}" for r in reasons)),
        reservoir=res,
        antifungal=antifungal or AntifungalState("not_indicated"),
        reimplant=reimplant or ReimplantState("not_applicable"),
        alerts=alerts,
    )


def pump(implanted: date | None = date(2024, 1, 1), removed: date | None = None) -> Pump:
    return Pump(serial="S1", manufacturer="Medtronic", model="SynchroMed II", reservoir_ml=Decimal(20),
                alarm_ml=Decimal(2), implanted_on=implanted, removed_on=removed, removal_reason=None,
                concentration_ug_ml=Decimal(500), daily_dose_ug=Decimal(300), refills=())


def patient(mrn: str = "T1", bed: str = "1", ward: str = "Neuro", pumps=(pump(),)) -> Patient:
    return Patient(mrn=mrn, name=f"Test {mrn}", dob=date(1970, 1, 1), ward=ward, bed=bed,
                   pumps=tuple(pumps))
