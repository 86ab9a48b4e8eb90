"""The ward file written straight from the records (wardfile/dump_text.py, issue 17) is
the generic writer's text byte for byte: `_encode(_patient(p), 2)` for every patient, on
hypothesis-drawn wards (every optional field absent and present, awkward text, Decimals
as held, override reasons, susceptibilities) and the demo ward; and the chunked file is
the same bytes whatever the chunk size (a pool may render chunks apart)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from wardfile_strategies import wards

from itb_tui.clinical.records import Culture, Patient, Pump, Refill
from itb_tui.demo import build_demo_ward
from itb_tui.wardfile import dump
from itb_tui.wardfile.dump import _encode, _patient, dumps_ward, dumps_ward_chunks
from itb_tui.wardfile.dump_text import PATIENT_SEPARATOR, patient_text, patients_text

DAY = date(2026, 11, 25)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wards())
def test_each_patient_is_the_generic_writers_text(ward):
    for p in ward:
        assert patient_text(p) == _encode(_patient(p), 2)


def test_demo_ward_and_odd_values_are_the_generic_writers_text():
    refill = Refill(on=DAY, volume_ml=Decimal("20.00"), override_reason='bolus "given" \\ anyway')
    pump = Pump(serial="S\u2028", manufacturer=None, model="", reservoir_ml=Decimal("1E+1"),
                alarm_ml=Decimal("2"), implanted_on=None, removed_on=DAY, removal_reason="x\ty",
                concentration_ug_ml=Decimal("0.10"), daily_dose_ug=Decimal("-0"), refills=(refill,))
    culture = Culture(specimen="blood", drawn_on=DAY, result="positive", organism="C. auris",
                      susceptibility={"fluconazole": "R", "é\"": "S"})
    odd = Patient(mrn="Q1", name="\x01☃", pumps=(pump,), cultures=(culture,), weight_kg=Decimal("61.0"))
    nested = replace(culture, susceptibility={"a": {"b": ["c", Decimal("1.0")]}, "d": None, "e": True})
    for p in [*build_demo_ward(DAY), odd, replace(odd, pumps=(replace(pump, refills=()),)),
              replace(odd, cultures=(nested, culture))]:
        assert patient_text(p) == _encode(_patient(p), 2)


def test_a_number_json_cannot_hold_still_stops_the_export():
    pump = Pump(serial="S", manufacturer=None, model=None, reservoir_ml=Decimal("NaN"),
                alarm_ml=Decimal("2"), implanted_on=None, removed_on=None, removal_reason=None,
                concentration_ug_ml=Decimal("1"), daily_dose_ug=Decimal("1"))
    with pytest.raises(ValueError, match="JSON number"):
        patient_text(Patient(mrn="Q1", name="n", pumps=(pump,)))


@pytest.mark.parametrize("chunk", [1, 2, 7, 500])
def test_chunked_file_is_the_same_bytes_whatever_the_chunk(monkeypatch, chunk):
    ward = build_demo_ward(DAY, 30)
    whole = dumps_ward(ward).encode("utf-8")
    monkeypatch.setattr(dump, "CHUNK", chunk)
    assert b"".join(dumps_ward_chunks(ward)) == whole
    parts = [patients_text(ward[i:i + chunk]) for i in range(0, len(ward), chunk)]
    assert PATIENT_SEPARATOR.join(parts) == patients_text(ward)
