"""The report module: the status JSON shape and the 120-column table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from itb_tui.clinical.assessment import (
    Alert,
    AntifungalState,
    Assessment,
    RefillState,
    ReimplantState,
    Reservoir,
)
from itb_tui.clinical.records import Patient
from itb_tui.clinical.rules import load_rules
from itb_tui.report import filter_pairs, format_table, status_document

AS_OF = date(2026, 11, 10)


def _reservoir(days: int) -> Reservoir:
    on = date.fromordinal(AS_OF.toordinal() + days)
    return Reservoir(alarm_on=on, days_to_alarm=days, stable_until=date(2027, 4, 18), refill_by=on,
                     days_to_refill=days, computed_alarm_on=on, programmer_alarm_on=None,
                     last_refill_on=date(2026, 10, 20), daily_volume_ml=Decimal("0.6"),
                     volume_left_ml=Decimal("5"), reservoir_ml=Decimal("20"), alarm_ml=Decimal("2"))


def _pair(mrn, name, status="ok", reasons=(), days=30, alerts=(), bed="1"):
    p = Patient(mrn=mrn, name=name, ward="Neuro 4B", bed=bed)
    a = Assessment(mrn=mrn, as_of=AS_OF, refill=RefillState(status, tuple(reasons)),
                   reservoir=_reservoir(days) if days is not None else None,
                   antifungal=AntifungalState("not_indicated"), reimplant=ReimplantState("not_applicable"),
                   alerts=tuple(alerts))
    return p, a


def _alert(code, severity="critical"):
    return Alert(code=code, severity=severity, text=f"{code} text", source="IDSA 2016", basis="guideline")


def test_status_document_keeps_the_contract_fields_and_mrn_order():
    rules = load_rules()
    pairs = [_pair("B2", "Bee, B"), _pair("A1", "Ay, A", "blocked", ["fungemia"], days=None,
                                         alerts=[_alert("device_removal_indicated")])]
    doc = status_document(pairs, AS_OF, rules)
    assert list(doc)[:3] == ["as_of", "rules_version", "patients"]
    assert doc["as_of"] == "2026-11-10" and doc["rules_version"] == rules.version
    a, b = doc["patients"]
    assert (a["mrn"], b["mrn"]) == ("A1", "B2")
    assert a["refill"]["status"] == "blocked" and a["refill"]["reasons"] == ["fungemia"]
    assert a["reservoir"] is None
    assert set(b["reservoir"]) >= {"alarm_on", "days_to_alarm", "stable_until", "refill_by", "days_to_refill"}
    assert set(a["antifungal"]) >= {"state", "clearance_on", "required_until", "day", "days_left"}
    assert set(a["reimplant"]) >= {"state", "eligible_on", "days_left"}
    assert a["alerts"][0]["code"] == "device_removal_indicated" and a["alerts"][0]["severity"] == "critical"
    assert set(a["alerts"][0]) >= {"code", "severity", "text", "source"}


def test_table_fits_120_columns_and_wraps_long_reasons_instead_of_cutting_them():
    reasons = ["fungemia", "bacteremia", "csf_infection", "pocket_infection", "antifungal_course_open"]
    pairs = [
        _pair("A1", "Averyveryverylongsurname-Hyphenated, Firstname", "blocked", reasons, days=3,
              alerts=[_alert("withdrawal_risk"), _alert("device_removal_indicated"),
                      _alert("followup_culture_due", "warning")]),
        _pair("B2", "Bee, B", "caution", ["culture_pending"], days=20),
        _pair("C3", "Cee, C", days=5, alerts=[_alert("refill_due", "warning")]),
        _pair("D4", "Dee, D", days=90),
    ]
    table = format_table(pairs, AS_OF)
    lines = table.splitlines()
    assert all(len(line) <= 120 for line in lines)
    text = " ".join(table.split())
    from itb_tui.present.words import reason_words

    for reason in reasons:
        assert reason_words(reason) in text
    order = [next(m for m in ("A1", "B2", "C3", "D4") if m in line) for line in lines
             if any(m in line for m in ("A1", "B2", "C3", "D4"))]
    # the one urgency order (the TUI's too, docs/rules.md D2): withdrawal risk, caution,
    # refill due within 7 days, the rest
    assert order == ["A1", "B2", "C3", "D4"]
    assert "WITHDRAWAL" in table and "‼ 2 ⚠ 1 WITHDRAWAL" in text
    assert "● REFILL DUE ·" in text and "by 2026-11-15" in text and "✔ REFILL OK" in table
    assert "\x1b[" not in table


def test_colour_only_when_asked_and_the_words_stay():
    pairs = [_pair("A1", "Ay, A", "blocked", ["fungemia"])]
    coloured = format_table(pairs, AS_OF, color=True)
    assert "\x1b[" in coloured and "BLOCKED" in coloured


def test_an_empty_list_says_so():
    assert "No patients" in format_table([], AS_OF)


def test_filters():
    rules = load_rules()
    pairs = [_pair("A1", "A", "blocked", ["fungemia"], days=40), _pair("B2", "B", "caution", ["culture_pending"]),
             _pair("C3", "C", days=rules.refill_due_days), _pair("D4", "D", days=-2), _pair("E5", "E", days=None)]
    assert [p.mrn for p, _ in filter_pairs(pairs, "blocked", rules)] == ["A1"]
    assert [p.mrn for p, _ in filter_pairs(pairs, "caution", rules)] == ["B2"]
    assert [p.mrn for p, _ in filter_pairs(pairs, "due", rules)] == ["C3", "D4"]
    assert len(filter_pairs(pairs, None, rules)) == 5
