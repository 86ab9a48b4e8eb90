"""FHIR export, issue 15: SNOMED CT organisms and ATC antifungals, only where the tables
carry a code checked against a named source; the text always."""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date
from decimal import Decimal

from fhir.resources.R4B.bundle import Bundle

from export_fixtures import GENERATED_AT
from itb_tui.clinical.drugs import DRUG_CODES, canonical_drug
from itb_tui.clinical.engine import assess
from itb_tui.clinical.organisms import default_table_path
from itb_tui.clinical.records import AntifungalCourse, Culture, Patient, Pump
from itb_tui.formats.fhir import codes as C
from itb_tui.formats.fhir.read import parse_bundle
from itb_tui.formats.fhir.write import render

AS_OF = date(2026, 11, 25)


def _pump():
    return Pump(serial="NGP3", manufacturer=None, model=None, reservoir_ml=Decimal("20"),
                alarm_ml=Decimal("2.0"), implanted_on=date(2024, 1, 5), removed_on=None,
                removal_reason=None, concentration_ug_ml=Decimal("500"), daily_dose_ug=Decimal("300"))


def _patient():
    return Patient(mrn="C1", name="Code, Test", pumps=(_pump(),), cultures=(
        Culture("blood", date(2026, 11, 20), "positive", "Staphylococcus aureus"),
        Culture("blood", date(2026, 11, 21), "positive", "Candida albicans"),
    ), antifungals=(AntifungalCourse("micafungin", Decimal("100"), date(2026, 11, 21)),
                    AntifungalCourse("fluconazole", Decimal("400"), date(2026, 10, 1), date(2026, 10, 14))))


def _export(rules):
    p = _patient()
    data = json.loads(render([(p, assess(p, AS_OF, rules))], as_of=AS_OF, rules=rules,
                             generated_at=GENERATED_AT))
    Bundle.model_validate(data)
    return data


def _of(data, kind):
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def test_organism_coded_only_where_the_species_table_has_a_checked_code(rules):
    values = {o["valueCodeableConcept"]["text"]: o["valueCodeableConcept"]
              for o in _of(_export(rules), "Observation") if "valueCodeableConcept" in o}
    assert values["Staphylococcus aureus"]["coding"] == [
        {"system": C.SNOMED, "code": "3092008", "display": "Staphylococcus aureus"}]
    assert "coding" not in values["Candida albicans"]  # no verified code: text only


def test_antifungal_atc_only_where_the_drug_table_has_a_checked_code(rules):
    courses = {m["medicationCodeableConcept"]["text"]: m["medicationCodeableConcept"]["coding"]
               for m in _of(_export(rules), "MedicationStatement")}
    assert courses["micafungin"] == [{"system": "http://www.whocc.no/atc", "code": "J02AX05"},
                                     {"system": C.ANTIFUNGAL_SYSTEM, "code": "micafungin"}]
    assert courses["fluconazole"] == [{"system": C.ANTIFUNGAL_SYSTEM, "code": "fluconazole"}]


def test_coded_export_reads_back_to_the_same_records(rules):
    patients, _ignored = parse_bundle(_export(rules), AS_OF)
    assert patients == [_patient()]


def _verhoeff_ok(number: str) -> bool:
    """SNOMED CT identifiers end in a Verhoeff check digit: a mistyped code fails it."""
    d = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
         [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
         [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
         [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
    p = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
         [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
         [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]
    c = 0
    for i, digit in enumerate(reversed(number)):
        c = d[c][p[i % 8][int(digit)]]
    return c == 0


def test_every_code_in_the_tables_names_its_source_and_is_well_formed():
    data = tomllib.loads(default_table_path().read_text(encoding="utf-8"))
    coded = [s for s in data["species"] if "snomed_ct" in s]
    assert coded, "the species table carries no SNOMED CT code"
    for entry in coded:
        code = entry["snomed_ct"]
        assert re.fullmatch(r"[1-9][0-9]{5,17}", code) and _verhoeff_ok(code), entry["key"]
        assert "https://" in entry.get("snomed_ct_source", ""), entry["key"]
    for drug, entry in DRUG_CODES.items():
        assert canonical_drug(drug) == drug
        assert re.fullmatch(r"J02[A-Z]{2}[0-9]{2}", entry["atc"]), drug
        assert "https://" in entry.get("atc_source", ""), drug
