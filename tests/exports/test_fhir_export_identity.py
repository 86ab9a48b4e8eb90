"""FHIR export, issue 15: ids from each record's own identity, never its list position.

The hazard: after one culture was marked entered in error, the id that had been
"Candida albicans" became "No growth" in the next export; a receiver updating by id
overwrote a positive culture with a negative one.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from fhir.resources.R4B.bundle import Bundle

from export_fixtures import AS_OF, GENERATED_AT
from itb_tui.clinical.engine import assess
from itb_tui.clinical.records import Culture, Patient, Pump
from itb_tui.formats.fhir.write import build_bundle


def _pump():
    return Pump(serial="NGP1", manufacturer=None, model=None, reservoir_ml=Decimal("20"),
                alarm_ml=Decimal("2.0"), implanted_on=date(2024, 1, 5), removed_on=None,
                removal_reason=None, concentration_ug_ml=Decimal("500"), daily_dose_ug=Decimal("300"))


def _ward():
    """Three cultures on the same patient: the FIRST is the one struck out below, so a
    position-based id would shift onto the others."""
    return [Patient(mrn="K1", name="Kay, Test", dob=date(1970, 1, 1), pumps=(_pump(),), cultures=(
        Culture("urine", date(2026, 11, 1), "positive", "Escherichia coli"),
        Culture("blood", date(2026, 11, 10), "positive", "Candida albicans"),
        Culture("blood", date(2026, 11, 14), "no_growth"),
    ))]


def _export(patients, rules, **options):
    pairs = [(p, assess(p, AS_OF, rules)) for p in patients]
    data = build_bundle(pairs, as_of=AS_OF, rules=rules, generated_at=GENERATED_AT, **options)
    Bundle.model_validate(json.loads(json.dumps(data, default=float)))
    return data


def _culture_ids(data) -> dict[str, str]:
    """id -> what the culture says (organism or no growth)."""
    return {e["resource"]["id"]: e["resource"]["valueCodeableConcept"]["text"]
            for e in data["entry"] if e["resource"]["resourceType"] == "Observation"
            and "valueCodeableConcept" in e["resource"] and e["resource"]["code"]["text"] != "Body weight"}


def _all_ids(data) -> dict[str, str]:
    return {e["resource"]["id"]: json.dumps(e["resource"]["code"] if "code" in e["resource"]
                                            else e["resource"].get("identifier"), sort_keys=True)
            for e in data["entry"]}


def test_striking_out_a_culture_in_the_store_changes_no_other_id(tmp_path, rules):
    from itb_tui.store import open_store

    url = f"sqlite:///{tmp_path}/ward.db"
    with open_store(url, today=AS_OF, rules=rules) as store:
        store.import_patients(_ward(), "test")
        before = _export(store.load_for_export(), rules)
        first = store.load_for_export()[0].cultures[0]
        store.mark_entered_in_error("culture", first.id, "belongs to another patient", "test")
        after = _export(store.load_for_export(), rules)
    old, new = _culture_ids(before), _culture_ids(after)
    assert sorted(old.values()) == ["Candida albicans", "Escherichia coli", "No growth"]
    # Every surviving culture keeps its id and its meaning; the struck-out one is gone.
    assert new == {rid: text for rid, text in old.items() if text != "Escherichia coli"}
    # And nothing else changed id or meaning (patient, pump, implant).
    survivors = {rid: v for rid, v in _all_ids(before).items() if rid in _all_ids(after)}
    assert len(survivors) == len(_all_ids(after))
    assert all(_all_ids(after)[rid] == v for rid, v in survivors.items())


def test_records_without_store_ids_keep_their_ids_when_one_is_removed(rules):
    """A ward file or a form (no row ids): the natural key (specimen, day) is the id."""
    (patient,) = _ward()
    before = _culture_ids(_export([patient], rules))
    from dataclasses import replace

    after = _culture_ids(_export([replace(patient, cultures=patient.cultures[1:])], rules))
    assert after == {rid: text for rid, text in before.items() if text != "Escherichia coli"}


def test_two_cultures_of_the_same_day_and_specimen_get_two_ids(rules):
    """The aerobic and anaerobic bottles of one draw: never one id for both."""
    patient = Patient(mrn="K2", name="Two, Bottles", pumps=(_pump(),), cultures=(
        Culture("blood", date(2026, 11, 10), "positive", "Candida albicans"),
        Culture("blood", date(2026, 11, 10), "no_growth"),
    ))
    ids = _culture_ids(_export([patient], rules))
    assert sorted(ids.values()) == ["Candida albicans", "No growth"]


def test_every_resource_carries_its_id_as_an_identifier(rules):
    data = _export(_ward(), rules)
    for e in data["entry"]:
        r = e["resource"]
        if r["resourceType"] == "Patient":
            continue
        assert r["identifier"][0] == {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{r['id']}"}
    ids = [e["resource"]["id"] for e in data["entry"]]
    assert len(ids) == len(set(ids))


def test_mrn_system_is_the_sites_and_the_default_is_unchanged(rules):
    default = _export(_ward(), rules)
    site = _export(_ward(), rules, mrn_system="https://hospital.example/mrn")
    patient = lambda d: next(e["resource"] for e in d["entry"] if e["resource"]["resourceType"] == "Patient")
    assert patient(default)["identifier"][0]["system"] == "urn:itb-tui:mrn"
    assert patient(site)["identifier"][0]["system"] == "https://hospital.example/mrn"
    assert patient(site)["identifier"][0]["value"] == "K1"
    # Another site's K1 is another patient: its resources never share an id with ours.
    assert not set(_all_ids(default)) & set(_all_ids(site))
