"""FHIR export, issue 15: the refill-block Flag's lifecycle, culture and bridging status,
the weight's date, and the `transaction` Bundle read back by the ward FHIR import."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from fhir.resources.R4B.bundle import Bundle

from export_fixtures import GENERATED_AT, sample_pairs, without_ids
from itb_tui.clinical.engine import assess
from itb_tui.clinical.records import Bridging, Culture, Patient, Pump
from itb_tui.formats.fhir.read import parse_bundle
from itb_tui.formats.fhir.write import build_bundle, culture_status, render

DAY1, DAY2, DAY3 = date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)


def _pump():
    return Pump(serial="NGP7", manufacturer=None, model=None, reservoir_ml=Decimal("20"),
                alarm_ml=Decimal("2.0"), implanted_on=date(2024, 1, 5), removed_on=None,
                removal_reason=None, concentration_ug_ml=Decimal("500"), daily_dose_ug=Decimal("300"))


def _export(patients, as_of, rules, **options):
    pairs = [(p, assess(p, as_of, rules)) for p in patients]
    data = json.loads(render(pairs, as_of=as_of, rules=rules, generated_at=GENERATED_AT, **options))
    Bundle.model_validate(data)
    return data


def _of(data, kind):
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def test_one_flag_per_block_from_blocked_to_lifted(rules):
    """S. aureus in blood drawn day 1 (20 Nov): bacteremia blocks the refill on day 1 and
    day 2. A no-growth blood culture drawn day 3 (22 Nov, a later day) clears it: lifted on
    day 3, so the last blocked day, period.end, is day 2 (21 Nov)."""
    positive = Culture("blood", DAY1, "positive", "Staphylococcus aureus")
    patient = Patient(mrn="F1", name="Flag, Test", pumps=(_pump(),), cultures=(positive,))
    day1 = _of(_export([patient], DAY1, rules), "Flag")
    day2 = _of(_export([patient], DAY2, rules), "Flag")
    lifted = replace(patient, cultures=(positive, Culture("blood", DAY3, "no_growth")))
    day3 = _of(_export([lifted], DAY3, rules), "Flag")
    assert [len(day1), len(day2), len(day3)] == [1, 1, 1]  # never a new Flag per day
    assert day1[0]["id"] == day2[0]["id"] == day3[0]["id"]
    assert (day1[0]["status"], day1[0]["period"]) == ("active", {"start": "2026-11-20"})
    assert (day2[0]["status"], day2[0]["period"]) == ("active", {"start": "2026-11-20"})
    assert (day3[0]["status"], day3[0]["period"]) == ("inactive", {"start": "2026-11-20",
                                                                   "end": "2026-11-21"})
    assert [c["code"] for c in day3[0]["code"]["coding"]] == ["bacteremia"]
    assert "since lifted" in day3[0]["code"]["text"]


def test_a_block_after_a_lifted_one_is_a_second_flag(rules):
    """Blocked 20-21 Nov (cleared by the no-growth of the 22nd), blocked again by a new
    positive on 24 Nov: on 25 Nov one inactive Flag and one active Flag from the 24th."""
    patient = Patient(mrn="F2", name="Twice, Test", pumps=(_pump(),), cultures=(
        Culture("blood", DAY1, "positive", "Staphylococcus aureus"),
        Culture("blood", DAY3, "no_growth"),
        Culture("blood", date(2026, 11, 24), "positive", "Escherichia coli"),
    ))
    flags = _of(_export([patient], date(2026, 11, 25), rules), "Flag")
    assert [(f["status"], f["period"]) for f in flags] == [
        ("inactive", {"start": "2026-11-20", "end": "2026-11-21"}),
        ("active", {"start": "2026-11-24"}),
    ]
    assert flags[0]["id"] != flags[1]["id"]


def test_a_lifted_flag_speaks_in_the_words_of_its_last_blocked_day(rules):
    """Candida fungemia 1 Nov, cleared by the no-growth culture of 3 Nov, symptoms resolved
    2 Nov; fluconazole 1-17 Nov. Days of therapy after 3 Nov: 4..17 Nov = 14 of 14, so the
    course is complete on its stop day, 17 Nov, and the block's last day is 16 Nov: day 13
    of 14, 1 day left. The lifted Flag (exported 1 Dec) says so, never the countdown of an
    earlier day that only happened to be looked at."""
    from itb_tui.clinical.records import AntifungalCourse

    patient = Patient(mrn="F3", name="Flag, Test", pumps=(_pump(),), symptoms_resolved_on=date(2026, 11, 2),
                      cultures=(Culture("blood", date(2026, 11, 1), "positive", "Candida albicans"),
                                Culture("blood", date(2026, 11, 3), "no_growth")),
                      antifungals=(AntifungalCourse("fluconazole", None, date(2026, 11, 1), date(2026, 11, 17)),))
    (flag,) = _of(_export([patient], date(2026, 12, 1), rules), "Flag")
    assert (flag["status"], flag["period"]) == ("inactive", {"start": "2026-11-01", "end": "2026-11-16"})
    assert [c["code"] for c in flag["code"]["coding"]] == ["antifungal_course_open"]
    assert "runs until 2026-11-17 (day 13 of 14 days of therapy, 1 day left)" in flag["code"]["text"]


@pytest.mark.parametrize("result, report, expected", [
    ("pending", None, "registered"),         # drawn, no result yet
    ("pending", "preliminary", "registered"),
    ("positive", None, "final"),             # entered on the ward: the final result
    ("positive", "preliminary", "preliminary"),  # "yeast seen", identification to follow
    ("positive", "final", "final"),
    ("positive", "corrected", "corrected"),
    ("no_growth", "corrected", "corrected"),
    ("no_growth", "unknown-thing", "final"),
])
def test_culture_status(result, report, expected):
    assert culture_status(result, report) == expected


def test_report_status_reaches_the_observation_by_culture_row_id(rules):
    cultures = (Culture("blood", DAY1, "positive", "Candida albicans", id=11),
                Culture("blood", DAY2, "pending", id=12))
    patient = Patient(mrn="S1", name="Status, Test", pumps=(_pump(),), cultures=cultures)
    data = _export([patient], DAY2, rules, report_statuses={11: "preliminary"})
    statuses = [o["status"] for o in _of(data, "Observation")]
    assert statuses == ["preliminary", "registered"]


def test_bridging_in_progress_while_open_and_weight_with_its_date(rules):
    patient = Patient(mrn="W1", name="Weigh, Test", weight_kg=Decimal("72.5"), pumps=(_pump(),),
                      bridging=(Bridging("oral_baclofen", DAY1),
                                Bridging("lumbar_drain", date(2026, 10, 1), stopped_on=date(2026, 10, 7))))
    data = _export([patient], DAY2, rules, weight_recorded_on={"W1": date(2026, 11, 2)})
    bridging = [(p["status"], p["performedPeriod"]) for p in _of(data, "Procedure")
                if p["category"]["coding"][0]["code"] == "bridging"]
    assert bridging == [("in-progress", {"start": "2026-11-20"}),
                        ("completed", {"start": "2026-10-01", "end": "2026-10-07"})]
    (weight,) = [o for o in _of(data, "Observation") if o["code"]["text"] == "Body weight"]
    assert weight["effectiveDateTime"] == "2026-11-02"
    # Unknown date: none is made up.
    unknown = [o for o in _of(_export([patient], DAY2, rules), "Observation")
               if o["code"]["text"] == "Body weight"]
    assert "effectiveDateTime" not in unknown[0]


def test_transaction_bundle_is_conditional_and_reads_back_to_the_same_records(rules):
    pairs = sample_pairs()
    as_of = pairs[0][1].as_of
    data = json.loads(render(pairs, as_of=as_of, rules=rules, generated_at=GENERATED_AT,
                             bundle="transaction", mrn_system="https://hospital.example/mrn"))
    assert Bundle.model_validate(data).type == "transaction"
    for e in data["entry"]:
        r, request = e["resource"], e["request"]
        if r["resourceType"] == "Patient":
            # Created only if the hospital has no Patient with this MRN: never overwritten.
            assert request == {"method": "POST", "url": "Patient",
                               "ifNoneExist": f"identifier=https://hospital.example/mrn|{r['identifier'][0]['value']}"}
        else:
            assert request == {"method": "PUT", "url": f"{r['resourceType']}?identifier="
                                                      f"urn:ietf:rfc:3986|urn:uuid:{r['id']}"}
    patients, ignored = parse_bundle(data, as_of)
    assert patients == [without_ids(p) for p, _a in pairs]
    assert set(ignored) == {"Flag"}


def test_an_mrn_with_query_characters_is_percent_encoded(rules):
    patient = Patient(mrn="A&B|1", name="Odd, Mrn", pumps=(_pump(),))
    data = _export([patient], DAY1, rules, bundle="transaction")
    request = _of_entries(data, "Patient")[0]["request"]
    assert request["ifNoneExist"] == "identifier=urn:itb-tui:mrn|A%26B%7C1"


def _of_entries(data, kind):
    return [e for e in data["entry"] if e["resource"]["resourceType"] == kind]


def test_unknown_bundle_type_is_refused(rules):
    with pytest.raises(ValueError, match="collection, transaction"):
        build_bundle([], as_of=DAY1, rules=rules, generated_at=GENERATED_AT, bundle="batch")
