"""The demo ward shows every state the app can show, on any day, with valid synthetic data."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date

import pytest

from itb_tui.clinical.assessment import (
    ALERT_CODES,
    ANTIFUNGAL_STATES,
    REFILL_REASONS,
    REFILL_STATUSES,
    REIMPLANT_STATES,
)
from itb_tui.clinical.engine import assess
from itb_tui.demo import build_demo_ward, resolve_date, scenarios, template_path
from itb_tui.wardfile import dumps_ward, parse_ward, validate_patient
from itb_tui.wardfile.parse import DATE_FIELDS

TODAY = date(2026, 11, 25)
DATES = (TODAY, date(2028, 2, 29), date(2027, 1, 1))
# The hand-written patients (data/demo-ward.json): 24, plus D1025-D1027 for the revision-3 codes.
TEMPLATE_SIZE = 27


def _assessed(today: date, patients: int | None = None):
    return [(p, assess(p, today)) for p in build_demo_ward(today, patients)]


@pytest.mark.parametrize("today", DATES, ids=str)
def test_the_demo_covers_every_state_and_alert_on_any_day(today):
    pairs = _assessed(today)
    seen = Counter()
    for _, a in pairs:
        seen.update({("status", a.refill.status), ("antifungal", a.antifungal.state),
                     ("reimplant", a.reimplant.state)})
        seen.update(("reason", r) for r in a.refill.reasons)
        seen.update(("alert", x.code) for x in a.alerts)
    expected = (
        {("status", s) for s in REFILL_STATUSES} | {("reason", r) for r in REFILL_REASONS}
        | {("antifungal", s) for s in ANTIFUNGAL_STATES} | {("reimplant", s) for s in REIMPLANT_STATES}
        | {("alert", c) for c in ALERT_CODES}
    )
    assert expected - set(seen) == set()


def _by_mrn(today: date = TODAY) -> dict:
    return {p.mrn: a for p, a in _assessed(today)}


def test_the_headline_scenarios_read_as_written():
    a = _by_mrn()
    # fungemia day 2 with C. krusei on fluconazole, pump 4 days from its alarm
    krusei = a["D1001"]
    assert krusei.refill.status == "blocked" and "fungemia" in krusei.refill.reasons
    assert {"withdrawal_risk", "azole_intrinsic_resistance", "device_removal_indicated"} <= {
        x.code for x in krusei.alerts}
    assert krusei.reservoir.days_to_alarm == 4
    # cleared, Day 6 of 14
    assert (a["D1002"].antifungal.state, a["D1002"].antifungal.day, a["D1002"].antifungal.days_left) == (
        "in_progress", 6, 8)
    assert a["D1002"].refill.reasons == ("antifungal_course_open",)
    # C. glabrata SDD on 400 mg
    assert "azole_reduced_susceptibility" in {x.code for x in a["D1003"].alerts}
    # CSF Candida on micafungin
    assert "poor_cns_penetration" in {x.code for x in a["D1004"].alerts}
    # stable pump, refill due in 5 days
    assert (a["D1018"].refill.status, a["D1018"].reservoir.days_to_refill) == ("ok", 5)
    # reimplantation: waiting (2 days), needs culture, eligible, relapse
    assert (a["D1009"].reimplant.state, a["D1009"].reimplant.days_left) == ("waiting", 2)
    assert a["D1010"].reimplant.state == "needs_culture"
    assert a["D1011"].reimplant.state == "eligible"
    assert a["D1012"].reimplant.state == "blocked"
    # no pump at all
    assert a["D1022"].refill.status == "not_applicable" and a["D1022"].reservoir is None
    # revision 3: Cryptococcus fungemia cleared on caspofungin (inactive), no 14-day countdown
    crypto = a["D1025"]
    assert (crypto.antifungal.state, crypto.antifungal.day, crypto.antifungal.days_left) == (
        "specialist_duration", None, None)
    assert crypto.refill.reasons == ("antifungal_course_open",)
    assert {"drug_inactive", "non_candida_fungus"} <= {x.code for x in crypto.alerts}
    # revision 3: pump kept through a completed Candida course: caution and a warning, never ok
    kept = a["D1026"]
    assert (kept.refill.status, kept.refill.reasons) == ("caution", ("device_retained",))
    assert [(x.code, x.severity) for x in kept.alerts] == [("device_retained", "warning")]
    # revision 3: explanted, course complete, then S. aureus in the CSF: no new device
    csf = a["D1027"]
    assert csf.reimplant.state == "blocked"
    assert [x.code for x in csf.alerts] == ["infection_before_reimplant"]


def test_the_demo_ward_is_valid_and_survives_export_and_import():
    ward = build_demo_ward(TODAY)
    assert len(ward) == TEMPLATE_SIZE
    assert {p.ward for p in ward} == {"Neuro 4B", "Rehab 2"}
    assert all(p.name.startswith("Testperson, ") for p in ward)
    assert [e for p in ward for e in validate_patient(p, TODAY)] == []
    assert parse_ward(dumps_ward(ward), TODAY) == ward
    # one refill carries a clinician's override, and it survives the round trip
    assert any(r.override_reason for p in ward for pump in p.pumps for r in pump.refills)


def test_every_template_date_is_relative_and_every_patient_says_what_it_shows():
    template = json.loads(template_path().read_text(encoding="utf-8"))
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in DATE_FIELDS and value is not None:
                    found.append(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(template)
    assert found and all(re.fullmatch(r"today([+-]\d+y)?([+-]\d+)?", d) for d in found)
    assert all(len(text) > 20 for text in scenarios().values())
    assert len(scenarios()) == TEMPLATE_SIZE


@pytest.mark.parametrize(
    ("text", "expected"),
    [("today", "2026-11-25"), ("today-12", "2026-11-13"), ("today+40", "2027-01-04"),
     ("today-47y-112", "1979-08-05"), ("today-4y", "2022-11-25")],
)
def test_relative_dates(text, expected):
    assert resolve_date(text, TODAY) == expected


def test_a_leap_day_birthday_moves_to_28_february():
    assert resolve_date("today-1y", date(2028, 2, 29)) == "2027-02-28"


def test_an_unreadable_relative_date_names_itself():
    with pytest.raises(ValueError, match="'yesterday'"):
        resolve_date("yesterday", TODAY)


def test_a_thousand_patients_are_valid_deterministic_and_start_with_the_template():
    ward = build_demo_ward(TODAY, 1000)
    assert len(ward) == 1000
    assert len({p.mrn for p in ward}) == 1000
    assert [e for p in ward for e in validate_patient(p, TODAY)] == []
    assert build_demo_ward(TODAY, 1000) == ward
    assert ward[:TEMPLATE_SIZE] == build_demo_ward(TODAY)
    assert build_demo_ward(TODAY, 500) == ward[:500]
    assert build_demo_ward(date(2026, 11, 26), 1000)[TEMPLATE_SIZE:] != ward[TEMPLATE_SIZE:]


def test_the_generated_ward_is_mostly_quiet_like_a_real_one():
    pairs = _assessed(TODAY, 500)[TEMPLATE_SIZE:]
    statuses = Counter(a.refill.status for _, a in pairs)
    assert statuses["ok"] > 0.6 * len(pairs)
    assert statuses["blocked"] > 0 and statuses["caution"] > 0 and statuses["not_applicable"] > 0


def test_a_smaller_ward_takes_the_first_patients():
    assert [p.mrn for p in build_demo_ward(TODAY, 3)] == ["D1001", "D1002", "D1003"]
    assert build_demo_ward(TODAY, 0) == []
    with pytest.raises(ValueError, match="-1 patients"):
        build_demo_ward(TODAY, -1)
