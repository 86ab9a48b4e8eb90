"""A small hand-assessed ward for the export tests (imported by conftest and the tests).

The hand-built Assessments make the export tests independent of the engine's progress:
they check that each format carries exactly what it is given. The demo-ward tests
(`test_demo_ward_exports.py`) check the real pipeline: demo ward, engine, report.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from datetime import date, datetime, timezone
from decimal import Decimal

from itb_tui.clinical.assessment import (
    Alert,
    AntifungalState,
    Assessment,
    RefillState,
    ReimplantState,
    Reservoir,
)
from itb_tui.clinical.records import (
    AntifungalCourse,
    Bridging,
    Culture,
    Exam,
    Patient,
    Pump,
    Refill,
)

AS_OF = date(2026, 11, 25)
GENERATED_AT = datetime(2026, 11, 25, 7, 30, tzinfo=timezone.utc)
EVIL_NAME = "<script>alert('x')</script> & Co, Eve"
FORMULA_NAME = "=HYPERLINK(\"http://evil.example\",\"click\")"


def _alert(code, severity, text="text", source="IDSA 2016", action=None):
    return Alert(code=code, severity=severity, text=text, source=source, basis="guideline",
                 action=action)


def blocked_pair():
    """Fungemia on antifungals, pump alarm in 3 days: blocked with withdrawal risk."""
    pump = Pump(serial="NGP000123", manufacturer="Medtronic", model="SynchroMed II",
                reservoir_ml=Decimal("20"), alarm_ml=Decimal("2.0"),
                implanted_on=date(2023, 5, 1), removed_on=None, removal_reason=None,
                concentration_ug_ml=Decimal("500"), daily_dose_ug=Decimal("300"),
                refills=(Refill(on=date(2026, 10, 20), volume_ml=Decimal("20"),
                                programmer_alarm_on=date(2026, 11, 28)),
                         ))
    patient = Patient(
        mrn="A1001", name="Doe, Jane", dob=date(1971, 4, 2), ward="Neuro 4B", bed="12",
        weight_kg=Decimal("61.0"), symptoms_resolved_on=None, pumps=(pump,),
        cultures=(Culture("blood", date(2026, 11, 20), "positive", "Candida krusei",
                          {"fluconazole": "R", "micafungin": "S"}),
                  Culture("blood", date(2026, 11, 23), "pending")),
        antifungals=(AntifungalCourse("micafungin", Decimal("100"), date(2026, 11, 21)),),
        bridging=(Bridging("oral_baclofen", date(2026, 11, 22), "20 mg three times daily"),),
    )
    assessment = Assessment(
        mrn="A1001", as_of=AS_OF,
        refill=RefillState("blocked", ("fungemia", "culture_pending"),
                           ("Active fungemia since 2026-11-20", "Blood culture of 2026-11-23 pending")),
        reservoir=Reservoir(alarm_on=date(2026, 11, 28), days_to_alarm=3,
                            stable_until=date(2027, 4, 18), refill_by=date(2026, 11, 28),
                            days_to_refill=3, computed_alarm_on=date(2026, 11, 29),
                            programmer_alarm_on=date(2026, 11, 28), last_refill_on=date(2026, 10, 20),
                            daily_volume_ml=Decimal("0.6"), volume_left_ml=Decimal("3.8"),
                            reservoir_ml=Decimal("20"), alarm_ml=Decimal("2.0")),
        antifungal=AntifungalState("awaiting_clearance", episode_start_on=date(2026, 11, 20)),
        reimplant=ReimplantState("not_applicable"),
        alerts=(_alert("withdrawal_risk", "critical", "Pump alarm in 3 days while refill is blocked",
                       action="Arrange bridging: lumbar drain"),
                _alert("device_removal_indicated", "critical", "Remove the pump", "seed summary"),
                _alert("eye_exam_due", "warning", "Dilated eye exam due by 2026-11-27")),
    )
    return patient, assessment


def ok_pair():
    """A pump patient with nothing wrong, refill due in 40 days."""
    pump = Pump(serial="PRM-77", manufacturer="Flowonix", model="Prometra II",
                reservoir_ml=Decimal("20"), alarm_ml=Decimal("2.0"), implanted_on=date(2020, 1, 10),
                removed_on=None, removal_reason=None, concentration_ug_ml=Decimal("2000"),
                daily_dose_ug=Decimal("400"),
                refills=(Refill(on=date(2026, 11, 10), volume_ml=Decimal("18.5")),))
    patient = Patient(mrn="B2002", name="Roe, Richard", dob=date(1980, 6, 1), ward="Neuro 4B",
                      bed="3", pumps=(pump,),
                      exams=(Exam("echocardiogram", date(2026, 11, 1), "no vegetation"),))
    assessment = Assessment(
        mrn="B2002", as_of=AS_OF, refill=RefillState("ok"),
        reservoir=Reservoir(alarm_on=date(2027, 1, 4), days_to_alarm=40,
                            stable_until=date(2027, 5, 9), refill_by=date(2027, 1, 4),
                            days_to_refill=40, computed_alarm_on=date(2027, 1, 4),
                            programmer_alarm_on=None, last_refill_on=date(2026, 11, 10),
                            daily_volume_ml=Decimal("0.2"), volume_left_ml=Decimal("15.5"),
                            reservoir_ml=Decimal("20"), alarm_ml=Decimal("2.0")),
        antifungal=AntifungalState("not_indicated"), reimplant=ReimplantState("not_applicable"),
        alerts=())
    return patient, assessment


def explanted_pair(name=EVIL_NAME):
    """Pump removed for infection, course complete, waiting to reimplant; alarm passed
    long ago on the old pump is irrelevant (no reservoir: no implanted pump)."""
    pump = Pump(serial="NGP000999", manufacturer="Medtronic", model="SynchroMed II",
                reservoir_ml=Decimal("40"), alarm_ml=Decimal("2.0"), implanted_on=date(2019, 3, 3),
                removed_on=date(2026, 10, 1), removal_reason="infected pocket; C. albicans",
                concentration_ug_ml=Decimal("1000"), daily_dose_ug=Decimal("550.5"),
                refills=(Refill(on=date(2026, 9, 1), volume_ml=Decimal("40"),
                                override_reason="pump nearly empty, ID consultant agreed"),))
    patient = Patient(
        mrn="C3003", name=name, dob=date(1990, 1, 1), ward="=cmd|' /C calc'!A0", bed="-1",
        symptoms_resolved_on=date(2026, 10, 3), neutrophil_recovery_on=date(2026, 10, 4),
        pumps=(pump,),
        cultures=(Culture("pocket", date(2026, 9, 28), "positive", "Candida albicans"),
                  Culture("blood", date(2026, 9, 28), "positive", "Candida albicans",
                          {"fluconazole": "S"}),
                  Culture("blood", date(2026, 10, 2), "no_growth"),
                  Culture("csf", date(2026, 10, 2), "no_growth")),
        antifungals=(AntifungalCourse("fluconazole", Decimal("400"), date(2026, 9, 29),
                                      date(2026, 10, 20), date(2026, 10, 18)),),
        bridging=(Bridging("lumbar_drain", date(2026, 10, 1), stopped_on=date(2026, 10, 7)),),
        exams=(Exam("dilated_eye_exam", date(2026, 9, 30), "no ocular candidiasis"),),
    )
    assessment = Assessment(
        mrn="C3003", as_of=AS_OF, refill=RefillState("not_applicable"), reservoir=None,
        antifungal=AntifungalState("complete", clearance_on=date(2026, 10, 2),
                                   anchor_on=date(2026, 10, 4), required_until=date(2026, 10, 18),
                                   day=52, required_days=14, days_left=-38,
                                   completed_on=date(2026, 10, 20)),
        reimplant=ReimplantState("waiting", eligible_on=date(2026, 11, 30),
                                 days_left=5),
        alerts=(_alert("c_auris", "warning", "<b>contact precautions</b>", "CDC"),),
    )
    return patient, assessment


def sample_pairs():
    """In MRN order, as `status --json` lists them."""
    return [blocked_pair(), ok_pair(), explanted_pair()]


def without_ids(record):
    """A record with every store id cleared: ids are the store's, not clinical content."""
    if isinstance(record, tuple):
        return tuple(without_ids(r) for r in record)
    if not is_dataclass(record):
        return record
    changes = {f.name: without_ids(getattr(record, f.name)) for f in fields(record)}
    if "id" in changes:
        changes["id"] = None
    return replace(record, **changes)
