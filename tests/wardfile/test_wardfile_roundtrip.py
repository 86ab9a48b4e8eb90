"""Export then import is the identity (the contract of ward-file-format.md), for any
valid ward Hypothesis can build, and the written text is stable."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from hypothesis import given, settings

from itb_tui.clinical.records import Bridging, Patient, Pump, Refill
from itb_tui.wardfile import dump_ward, dumps_ward, parse_ward, validate_patient
from wardfile_strategies import TODAY, wards

PROPERTY = settings(max_examples=100, deadline=None)


@PROPERTY
@given(wards())
def test_dump_then_parse_gives_back_the_same_records(ward):
    for patient in ward:  # the generator itself must stay inside the rules
        assert validate_patient(patient, TODAY) == []
    assert parse_ward(dump_ward(ward), TODAY) == ward


@PROPERTY
@given(wards())
def test_text_round_trip_is_stable(ward):
    text = dumps_ward(ward)
    again = parse_ward(text, TODAY)
    assert again == ward
    assert dumps_ward(again) == text


def _one_pump_patient(**numbers) -> Patient:
    values = {"reservoir_ml": Decimal(20), "alarm_ml": Decimal("2.0"), "volume_ml": Decimal(20),
              "weight_kg": Decimal("61.0")} | numbers
    pump = Pump(serial="S1", manufacturer=None, model=None, reservoir_ml=values["reservoir_ml"],
                alarm_ml=values["alarm_ml"], implanted_on=date(2023, 5, 1), removed_on=None,
                removal_reason=None, concentration_ug_ml=Decimal(500), daily_dose_ug=Decimal(300),
                refills=(Refill(on=date(2026, 10, 20), volume_ml=values["volume_ml"]),))
    return Patient(mrn="A1", name="Doe, Jane", weight_kg=values["weight_kg"], pumps=(pump,))


def test_numbers_are_written_exactly_as_held():
    text = dumps_ward([_one_pump_patient(volume_ml=Decimal("0.1"))])
    assert '"weight_kg": 61.0,' in text
    assert '"reservoir_ml": 20,' in text
    assert '"alarm_ml": 2.0,' in text
    assert '"volume_ml": 0.1,' in text
    assert "0.1000000" not in text


def test_written_file_follows_the_documented_layout():
    text = dumps_ward([_one_pump_patient()])
    doc = json.loads(text)
    assert list(doc) == ["format", "patients"]
    assert doc["format"] == "itb-ward/1"
    assert list(doc["patients"][0]) == [
        "mrn", "name", "dob", "ward", "bed", "weight_kg", "symptoms_resolved_on", "pumps",
        "cultures", "antifungals", "bridging", "exams", "neutrophil_recovery_on",
    ]
    assert list(doc["patients"][0]["pumps"][0]) == [
        "serial", "manufacturer", "model", "reservoir_ml", "alarm_ml", "implanted_on",
        "removed_on", "removal_reason", "concentration_ug_ml", "daily_dose_ug", "refills",
    ]
    assert doc["patients"][0]["pumps"][0]["refills"] == [
        {"on": "2026-10-20", "volume_ml": 20, "programmer_alarm_on": None}
    ]
    assert doc["patients"][0]["dob"] is None
    # indented by 2, one field per line, as json.dumps(indent=2) would write it
    assert text.startswith('{\n  "format": "itb-ward/1",\n  "patients": [\n    {\n      "mrn": "A1",')
    assert text.endswith("\n")


def test_unicode_names_are_written_readably_and_read_back():
    patient = Patient(mrn="Ü-7", name="Núñez, Zoë 李")
    text = dumps_ward([patient])
    assert '"name": "Núñez, Zoë 李"' in text
    assert parse_ward(text, TODAY) == [patient]


def test_bridging_stop_date_is_written_and_read_back():
    """Revision 3: a bridging record's last day decides whether it covers a removal;
    an export that dropped it would turn a stopped drain into a running one on import."""
    patient = Patient(mrn="B1", name="Roe, Ann", bridging=(
        Bridging(method="lumbar_drain", started_on=date(2026, 11, 2), stopped_on=date(2026, 11, 8),
                 detail="drain out"),
        Bridging(method="oral_baclofen", started_on=date(2026, 11, 3)),
    ))
    doc = json.loads(dumps_ward([patient]))
    assert doc["patients"][0]["bridging"] == [
        {"method": "lumbar_drain", "started_on": "2026-11-02", "stopped_on": "2026-11-08", "detail": "drain out"},
        {"method": "oral_baclofen", "started_on": "2026-11-03", "stopped_on": None, "detail": None},
    ]
    (back,) = parse_ward(doc, TODAY)
    assert [b.stopped_on for b in back.bridging] == [date(2026, 11, 8), None]
