"""validate_patient, validate_field and normalise_patient: the checks forms and the store
run on records, which must say exactly what the import says."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from itb_tui.clinical.records import AntifungalCourse, Culture, Patient, Pump, Refill
from itb_tui.wardfile import (
    WardFileError,
    check_volume,
    dump_ward,
    normalise_patient,
    parse_ward,
    validate_field,
    validate_patient,
)

TODAY = date(2026, 11, 10)


def _patient(**changes) -> Patient:
    pump = Pump(
        serial="NGP1", manufacturer="Medtronic", model="SynchroMed II",
        reservoir_ml=Decimal(20), alarm_ml=Decimal("2.0"), implanted_on=date(2023, 5, 1),
        removed_on=None, removal_reason=None, concentration_ug_ml=Decimal(500),
        daily_dose_ug=Decimal(300),
        refills=(Refill(on=date(2026, 10, 20), volume_ml=Decimal(20)),),
    )
    base = Patient(mrn="A1001", name="Doe, Jane", dob=date(1971, 4, 2), pumps=(pump,))
    return dataclasses.replace(base, **changes)


def test_a_valid_record_has_no_problems():
    assert validate_patient(_patient(), TODAY) == []


def test_record_and_import_report_the_same_words():
    refill = Refill(on=date(2026, 10, 20), volume_ml=Decimal(25))
    bad = _patient()
    bad = dataclasses.replace(bad, pumps=(dataclasses.replace(bad.pumps[0], refills=(refill,)),))
    expected = ["A1001: pumps[0].refills[0].volume_ml: must be at most the reservoir (20 mL)"]
    assert validate_patient(bad, TODAY) == expected
    with pytest.raises(WardFileError) as caught:
        parse_ward(dump_ward([bad]), TODAY)
    assert caught.value.errors == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"weight_kg": 61.0}, "A1001: weight_kg: must be an exact decimal number, not a binary float"),
        ({"dob": datetime(1971, 4, 2, 8, 0)}, "A1001: dob: must be a date without a time of day"),
        ({"name": " Doe, Jane"}, "A1001: name: must not start or end with spaces"),
        ({"mrn": ""}, "(no valid MRN): mrn: is required"),
        ({"cultures": ("blood",)}, "A1001: cultures[0]: must be a Culture record"),
        ({"antifungals": (AntifungalCourse(drug="Micafungin", dose_mg=None, started_on=date(2026, 11, 1)),)},
         'A1001: antifungals[0].drug: must be in lower case ("micafungin")'),
        ({"weight_kg": Decimal("NaN")}, "A1001: weight_kg: must be a finite number"),
    ],
)
def test_records_built_by_code_are_checked_for_type_too(changes, expected):
    assert validate_patient(_patient(**changes), TODAY) == [expected]


def test_normalise_patient_trims_and_lower_cases_what_a_form_collected():
    messy = _patient(
        name="  Doe, Jane ",
        bed="  ",
        cultures=(Culture(specimen="blood", drawn_on=date(2026, 11, 1), result="positive",
                          organism=" Candida albicans ", susceptibility={" Fluconazole": "S "}),),
        antifungals=(AntifungalCourse(drug=" Fluconazole ", dose_mg=Decimal(400), started_on=date(2026, 11, 2)),),
    )
    clean = normalise_patient(messy)
    assert (clean.name, clean.bed) == ("Doe, Jane", None)
    assert clean.cultures[0].organism == "Candida albicans"
    assert clean.cultures[0].susceptibility == {"fluconazole": "S"}
    assert clean.antifungals[0].drug == "fluconazole"
    assert validate_patient(clean, TODAY) == []


@pytest.mark.parametrize(
    ("kind", "field", "value", "context", "expected"),
    [
        ("refill", "volume_ml", Decimal(25), {"reservoir_ml": Decimal(20)}, "must be at most the reservoir (20 mL)"),
        ("refill", "volume_ml", Decimal(20), {"reservoir_ml": Decimal(20)}, None),
        ("refill", "on", date(2026, 11, 11), {"today": TODAY}, "must not be after today (2026-11-10)"),
        ("pump", "alarm_ml", Decimal(20), {"reservoir_ml": Decimal(20)}, "must be below the reservoir (20 mL)"),
        ("pump", "daily_dose_ug", None, {}, "is required"),
        ("culture", "organism", None, {"result": "positive"}, "is required for a positive culture"),
        ("culture", "organism", None, {"result": "pending"}, None),
        ("antifungal", "stopped_on", date(2026, 1, 1), {"started_on": date(2026, 2, 1)},
         "must be on or after started_on (2026-02-01)"),
        ("patient", "mrn", "A" * 33, None, "is too long (33 characters; at most 32)"),
        ("exam", "on", date(1960, 1, 1), {"dob": date(1971, 4, 2)}, "must not be before the date of birth (1971-04-02)"),
    ],
)
def test_validate_field_checks_one_field_as_the_user_types(kind, field, value, context, expected):
    assert validate_field(kind, field, value, context) == expected


def test_check_volume_on_its_own():
    assert check_volume(Decimal("20.5"), Decimal(20)) == "must be at most the reservoir (20 mL)"
    assert check_volume(Decimal("19.5"), Decimal(20)) is None
    assert check_volume(Decimal("25"), None) is None  # nothing to compare against yet


def test_validate_field_rejects_an_unknown_field_name_loudly():
    with pytest.raises(KeyError):
        validate_field("refill", "volume", Decimal(1))


def test_problems_with_store_ids_and_override_reason_still_validate():
    refill = Refill(on=date(2026, 10, 20), volume_ml=Decimal(20), override_reason="pump dry tomorrow", id=9)
    patient = _patient(id=3)
    patient = dataclasses.replace(patient, pumps=(dataclasses.replace(patient.pumps[0], refills=(refill,), id=4),))
    assert validate_patient(patient, TODAY) == []
    text = json.dumps(dump_ward([patient]), default=str)
    assert '"override_reason": "pump dry tomorrow"' in text
    assert '"id"' not in text
