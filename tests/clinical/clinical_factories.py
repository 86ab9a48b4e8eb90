"""Terse builders for synthetic clinical records (no real patient data), so each scenario
row in the tests reads like the ward situation it describes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from itb_tui.clinical.records import AntifungalCourse, Bridging, Culture, Exam, Patient, Pump, Refill


def d(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def dec(value) -> Decimal:
    return Decimal(str(value))


def refill(on: str, volume="20", programmer: str | None = None) -> Refill:
    return Refill(on=d(on), volume_ml=dec(volume), programmer_alarm_on=d(programmer))


def pump(
    *refills: Refill,
    implanted: str | None = "2023-05-01",
    removed: str | None = None,
    serial: str = "NGP000123",
    reservoir="20",
    alarm="2.0",
    concentration="500",
    dose="300",
) -> Pump:
    return Pump(
        serial=serial,
        manufacturer="Medtronic",
        model="SynchroMed II",
        reservoir_ml=dec(reservoir),
        alarm_ml=dec(alarm),
        implanted_on=d(implanted),
        removed_on=d(removed),
        removal_reason="infection" if removed else None,
        concentration_ug_ml=dec(concentration),
        daily_dose_ug=dec(dose),
        refills=tuple(refills),
    )


def culture(specimen: str, on: str, result: str = "positive", organism: str | None = None, **susceptibility) -> Culture:
    return Culture(specimen=specimen, drawn_on=d(on), result=result, organism=organism,
                   susceptibility=dict(susceptibility))


def blood(on: str, result: str = "positive", organism: str | None = None, **susceptibility) -> Culture:
    if result == "positive" and organism is None:
        organism = "Candida albicans"
    return culture("blood", on, result, organism, **susceptibility)


def course(drug: str, started: str, stopped: str | None = None, dose=None, planned: str | None = None) -> AntifungalCourse:
    return AntifungalCourse(drug=drug, dose_mg=None if dose is None else dec(dose), started_on=d(started),
                            stopped_on=d(stopped), planned_stop_on=d(planned))


def bridging(on: str, method: str = "oral_baclofen", stopped: str | None = None, detail: str = "synthetic") -> Bridging:
    return Bridging(method=method, started_on=d(on), detail=detail, stopped_on=d(stopped))


def eye_exam(on: str) -> Exam:
    return Exam(kind="dilated_eye_exam", on=d(on), finding="no ocular candidiasis")


def patient(
    pumps=(), cultures=(), courses=(), bridging=(), exams=(), symptoms: str | None = None,
    neutrophils: str | None = None, mrn: str = "T0001", weight=None,
) -> Patient:
    return Patient(
        mrn=mrn,
        name="Test, Synthetic",
        dob=date(1970, 1, 1),
        ward="Neuro 4B",
        weight_kg=None if weight is None else dec(weight),
        symptoms_resolved_on=d(symptoms),
        neutrophil_recovery_on=d(neutrophils),
        pumps=tuple(pumps),
        cultures=tuple(cultures),
        antifungals=tuple(courses),
        bridging=tuple(bridging),
        exams=tuple(exams),
    )
