"""The ward list's rows, filters, sort orders and column layout, without a terminal."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from rich.cells import cell_len

from itb_tui.clinical.assessment import (
    ALERT_CODES,
    Alert,
    AntifungalState,
    Assessment,
    RefillState,
    ReimplantState,
    Reservoir,
)
from itb_tui.clinical.records import Patient, Pump, Refill
from itb_tui.ui import format as fmt
from itb_tui.ui.widgets.ward_rows import (
    COLUMN_KEYS,
    build_row,
    error_row,
    filter_rows,
    natural_key,
    next_sort_order,
    sort_rows,
)
from itb_tui.ui.widgets.ward_table import fit, layout_columns

AS_OF = date(2026, 11, 25)


def _pump(**changes) -> Pump:
    values = dict(
        serial="NGP1",
        manufacturer="Medtronic",
        model="SynchroMed II",
        reservoir_ml=Decimal(20),
        alarm_ml=Decimal(2),
        implanted_on=date(2023, 5, 1),
        removed_on=None,
        removal_reason=None,
        concentration_ug_ml=Decimal(500),
        daily_dose_ug=Decimal("312.5"),
        refills=(Refill(date(2026, 11, 1), Decimal(20)),),
    )
    values.update(changes)
    return Pump(**values)


def _reservoir(alarm_in: int, refill_in: int | None = None) -> Reservoir:
    refill_in = alarm_in if refill_in is None else refill_in
    return Reservoir(
        alarm_on=AS_OF + timedelta(days=alarm_in),
        days_to_alarm=alarm_in,
        stable_until=AS_OF + timedelta(days=150),
        refill_by=AS_OF + timedelta(days=refill_in),
        days_to_refill=refill_in,
        computed_alarm_on=AS_OF + timedelta(days=alarm_in),
        programmer_alarm_on=None,
        last_refill_on=date(2026, 11, 1),
        daily_volume_ml=Decimal("0.625"),
        volume_left_ml=Decimal(5),
        reservoir_ml=Decimal(20),
        alarm_ml=Decimal(2),
    )


def _assessment(mrn="A1", status="ok", reasons=(), reservoir=None, alerts=(), antifungal=None, reimplant=None):
    return Assessment(
        mrn=mrn,
        as_of=AS_OF,
        refill=RefillState(status, tuple(reasons)),
        reservoir=reservoir,
        antifungal=antifungal or AntifungalState("not_indicated"),
        reimplant=reimplant or ReimplantState("not_applicable"),
        alerts=tuple(alerts),
    )


def _alert(code, severity="critical"):
    return Alert(code, severity, f"{code} text", "source", "guideline")


def _row(mrn="A1", name="Doe, Jane", bed="12", ward="Neuro 4B", urgency=(1,), pump=True, **kw):
    patient = Patient(mrn=mrn, name=name, bed=bed, ward=ward, pumps=(_pump(),) if pump else ())
    # the urgency key is present/status.py's (tested in tests/present); these tests of the
    # list's sorting set their own
    return replace(build_row(patient, _assessment(mrn=mrn, **kw)), urgency=urgency)


def test_blocked_row_reads_status_reason_countdown_and_withdrawal_in_words():
    row = _row(
        status="blocked",
        reasons=("fungemia", "culture_pending"),
        reservoir=_reservoir(3),
        alerts=[_alert("withdrawal_risk"), _alert("device_removal_indicated"), _alert("refill_due", "warning")],
        antifungal=AntifungalState("in_progress", day=4, required_days=14, days_left=10),
    )
    text = row.text()
    for expected in (
        "12", "Neuro 4B", "Doe, Jane", "MRN A1",
        "SynchroMed II", "312.5 µg/d 500 µg/mL",
        "✖ BLOCKED", "fungemia +1",
        "2026-11-28", "in 3 d",
        "Day 4 of 14", "10 d left",
        "‼ 2 ⚠ 1", "WITHDRAWAL",
    ):
        assert expected in text, (expected, text)
    assert row.withdrawal_risk and row.critical == 2 and row.warning == 1


@pytest.mark.parametrize(
    ("status", "label"),
    [("blocked", "✖ BLOCKED"), ("caution", "▲ CAUTION"), ("ok", "✔ REFILL OK"), ("not_applicable", "– NO PUMP")],
)
def test_every_refill_status_has_a_word_and_a_symbol(status, label):
    assert fmt.status_label(RefillState(status)) == label


def test_countdown_words():
    assert fmt.days_text(3) == "in 3 d"
    assert fmt.days_text(0) == "today"
    assert fmt.days_text(-2) == "2 d ago"
    assert fmt.days_text(None) == "–"


def test_passed_alarm_reads_as_days_ago():
    row = _row(reservoir=_reservoir(-2), alerts=[_alert("reservoir_alarm_passed")])
    assert "2 d ago" in row.text() and "alarm past" in row.text()


def test_alert_column_names_the_most_urgent_alert_in_a_word():
    stale = _row(reservoir=_reservoir(300, -3), alerts=[_alert("drug_stability_exceeded"), _alert("refill_due", "warning")])
    assert "‼ 1 ⚠ 1 | drug old" in stale.text()
    quiet = _row(reservoir=_reservoir(30))
    alerts = COLUMN_KEYS.index("alerts")
    assert quiet.cells[alerts].top == "–" and quiet.cells[alerts].bottom == ""
    from itb_tui.present.words import ALERT_WORDS

    assert set(ALERT_CODES) <= set(ALERT_WORDS)  # every alert has a word
    for words in ALERT_WORDS.values():
        assert len(words.short) <= 10


def test_antifungal_and_reimplant_states_in_words():
    from itb_tui.present.cells import antifungal_lines, reimplant_lines

    def af(state):
        lines = antifungal_lines(state)
        return (lines.top, lines.bottom)

    def ri(state, alerts=()):
        lines = reimplant_lines(_assessment(reimplant=state, alerts=alerts))
        return (lines.top, lines.bottom)

    assert af(AntifungalState("awaiting_clearance")) == ("▲ not cleared", "draw cultures")
    assert af(AntifungalState("stopped_early", days_left=5)) == ("‼ STOPPED", "too early")
    # a planned stop 28 days out reads as such, never "Day 3 of 28" (docs/rules.md D3)
    assert af(AntifungalState("in_progress", day=3, required_days=28, days_left=25,
                              required_until=date(2026, 12, 20))) == ("Day 3", "planned stop 2026-12-20")
    waiting = ReimplantState("waiting", eligible_on=date(2027, 1, 12), days_left=48)
    assert ri(waiting) == ("2027-01-12", "in 48 d")
    assert ri(ReimplantState("waiting")) == ("waiting", "no date yet")
    assert ri(ReimplantState("blocked"), [_alert("relapse")])[0] == "✖ relapse"
    assert ri(ReimplantState("blocked"), [_alert("infection_before_reimplant")])[0] == "✖ infection"
    assert ri(ReimplantState("needs_culture", culture_due_on=date(2027, 1, 2))) == (
        "▲ culture due",
        "2027-01-02",
    )


def test_removed_pump_says_when_it_was_removed():
    removed = _pump(removed_on=date(2026, 11, 20), removal_reason="infected")
    patient = Patient(mrn="A2", name="Roe, Rita", pumps=(removed,))
    row = build_row(patient, _assessment(mrn="A2", status="not_applicable"))
    assert "no pump" in row.text() and "removed 2026-11-20" in row.text()


def test_a_patient_the_engine_cannot_assess_stays_listed_and_sorts_first():
    broken = error_row(Patient(mrn="B9", name="Broken, Bob", bed="1"), ValueError("bad record"))
    fine = _row(mrn="A1", urgency=(0,))
    assert sort_rows([fine, broken], "urgency")[0].mrn == "B9"
    assert "‼ UNKNOWN" in broken.text() and "bad record" in broken.text()


def test_filter_text_matches_name_mrn_and_bed_case_insensitively():
    rows = [_row(mrn="A1", name="Doe, Jane", bed="12"), _row(mrn="B7", name="Roe, Rita", bed="3")]
    assert [r.mrn for r in filter_rows(rows, "doe")] == ["A1"]
    assert [r.mrn for r in filter_rows(rows, "b7")] == ["B7"]
    assert [r.mrn for r in filter_rows(rows, "12")] == ["A1"]
    assert [r.mrn for r in filter_rows(rows, "rita 3")] == ["B7"]
    assert filter_rows(rows, "nobody") == []


def test_quick_filters_blocked_due_and_ward():
    blocked = _row(mrn="A1", status="blocked", reservoir=_reservoir(20), ward="Neuro 4B")
    due = _row(mrn="A2", reservoir=_reservoir(5), ward="Rehab 2")
    overdue = _row(mrn="A3", reservoir=_reservoir(-1), ward="Rehab 2")
    later = _row(mrn="A4", reservoir=_reservoir(30), ward="Rehab 2")
    no_pump = _row(mrn="A5", status="not_applicable", pump=False, ward="Neuro 4B")
    rows = [blocked, due, overdue, later, no_pump]
    assert [r.mrn for r in filter_rows(rows, blocked_only=True)] == ["A1"]
    assert [r.mrn for r in filter_rows(rows, due_within=7)] == ["A2", "A3"]
    assert [r.mrn for r in filter_rows(rows, ward="Neuro 4B")] == ["A1", "A5"]
    assert [r.mrn for r in filter_rows(rows, ward="Rehab 2", due_within=7)] == ["A2", "A3"]


def test_sort_orders():
    a = _row(mrn="A1", name="Zed, Zoe", bed="10", urgency=(1, 5), reservoir=_reservoir(9))
    b = _row(mrn="A2", name="Abe, Al", bed="9", urgency=(0, 1), reservoir=_reservoir(30))
    c = _row(mrn="A3", name="Moe, Mo", bed="2", urgency=(1, 2), pump=False)
    assert [r.mrn for r in sort_rows([a, b, c], "urgency")] == ["A2", "A3", "A1"]
    assert [r.mrn for r in sort_rows([a, b, c], "bed")] == ["A3", "A2", "A1"]  # 2 < 9 < 10
    assert [r.mrn for r in sort_rows([a, b, c], "name")] == ["A2", "A3", "A1"]
    assert [r.mrn for r in sort_rows([a, b, c], "alarm")] == ["A1", "A2", "A3"]  # no alarm last
    assert [next_sort_order(o) for o in ("urgency", "bed", "name", "alarm")] == ["bed", "name", "alarm", "urgency"]


def test_natural_bed_order():
    beds = ["10", "9", "2B", "2A", "1"]
    assert sorted(beds, key=natural_key) == ["1", "2A", "2B", "9", "10"]


def test_layout_keeps_every_column_at_140_and_drops_the_least_important_at_120_and_80():
    # "Since review" (issue 16) is worth more than the reimplant countdown (only after an
    # explant): at 120 it takes that column's place; every column fits from 140.
    wide = [c.key for c in layout_columns(139)]
    assert wide == ["bed", "patient", "pump", "refill", "alarm", "antifungal", "reimplant", "alerts", "changes"]
    middle = [c.key for c in layout_columns(119)]
    assert middle == ["bed", "patient", "pump", "refill", "alarm", "antifungal", "alerts", "changes"]
    narrow = [c.key for c in layout_columns(79)]
    assert {"patient", "refill", "alarm", "antifungal", "alerts"} <= set(narrow)
    assert "reimplant" not in narrow
    for width in (79, 100, 119, 200):
        columns = layout_columns(width)
        assert 1 + sum(c.width for c in columns) + len(columns) - 1 <= width


def test_fit_pads_or_cuts_with_an_ellipsis():
    assert fit("abc", 5) == "abc  "
    assert fit("abcdefgh", 5) == "abcd…"
    assert cell_len(fit("‼ 2 ⚠ 1 WITHDRAWAL", 10)) == 10


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _bare_row(i, urgency, status, ward, bed, name):
    from itb_tui.ui.widgets.ward_rows import Cell, WardRow

    return WardRow(f"M{i:03d}", name, ward, bed, status, False, 0, 0, None, None, urgency, name.casefold(),
                   tuple(Cell("") for _ in range(8)))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([(), (0, 1), (1, 0), (1, 1), (0, 0, "A")]),
                          st.sampled_from(["ok", "blocked", "error"]),
                          st.sampled_from(["", "W1", "W10", "W2"]), st.sampled_from(["", "3", "12"]),
                          st.sampled_from(["Doe, A", "doe, a", "Roe, B"])), max_size=12))
def test_the_quick_urgency_sort_is_the_full_order(specs):
    """The urgency sort skips its tie-breakers only when no tie can occur: whatever the
    rows (equal keys, error rows), it gives exactly the order of the full key."""
    from itb_tui.ui.widgets.ward_rows import natural_key, sort_rows

    rows = [_bare_row(i, *spec) for i, spec in enumerate(specs)]
    full = sorted(rows, key=lambda r: (r.status != "error", r.urgency, natural_key(r.ward),
                                       natural_key(r.bed), r.name.casefold()))
    assert sort_rows(rows, "urgency") == full
