"""Display rules D1-D4 (docs/rules.md, "Display rules"): one test per rule, as tables.

Each row gives what the engine said and the words a person must read. AS_OF is
2026-12-03; `reservoir(n)` puts the refill-by date n days from it (worked out by hand in
each row's comment).
"""

from __future__ import annotations

from datetime import date

import pytest

from itb_tui.clinical.assessment import ALERT_CODES, REFILL_REASONS, AntifungalState
from itb_tui.present.cells import antifungal_lines, pump_lines
from itb_tui.present.row import build_row
from itb_tui.present.status import display_code, headline_words, refill_view
from itb_tui.present.words import ALERT_WORDS, REASON_WORDS, STATUS_WORDS, alert_words
from present_factories import AS_OF, alert, assessment, patient, pump, reservoir

# --- D1: never "OK" while anything is due or critical ---------------------------------

D1_ROWS = [
    # (why, assessment, label, detail)
    ("nothing due: OK", assessment(res=reservoir(40)), "✔ REFILL OK", ""),
    # refill by 2026-12-01 (2 days before AS_OF), alarm the same day: the alarm has passed
    ("alarm passed 2 days ago", assessment(res=reservoir(-2), alerts=(alert("reservoir_alarm_passed"),)),
     "‼ REFILL NOW", "overdue since 2026-12-01"),
    # alarm in 87 days, but the drug's stability ended 2026-11-28 (refill by = stability)
    ("drug expired, alarm far", assessment(res=reservoir(-5, 87), alerts=(alert("drug_stability_exceeded"),)),
     "‼ REFILL NOW", "overdue since 2026-11-28"),
    # refill by 2026-12-02 (yesterday) with no alert raised at all: still overdue
    ("refill date passed, no alert", assessment(res=reservoir(-1)), "‼ REFILL NOW", "overdue since 2026-12-02"),
    # refill by 2026-12-08 (in 5 d): due, not OK
    ("due within 7 days", assessment(res=reservoir(5), alerts=(alert("refill_due", "warning"),)),
     "● REFILL DUE", "by 2026-12-08"),
    ("critical alert with refill allowed",
     assessment(res=reservoir(40), alerts=(alert("device_removal_indicated"),)), "▲ REFILL ALLOWED", "‼ explant"),
    ("an unknown critical alert with refill allowed",
     assessment(res=reservoir(40), alerts=(alert("brand_new_alert"),)), "▲ REFILL ALLOWED", "‼ brand new "),
    ("blocked stays blocked when overdue", assessment("blocked", ("fungemia",), res=reservoir(-2)),
     "✖ BLOCKED", "fungemia"),
    ("caution names its reason", assessment("caution", ("device_retained",), res=reservoir(40)),
     "▲ CAUTION", "pump kept in infection"),
    ("an unknown engine status is never OK", assessment("mystery", res=reservoir(40)), "? CHECK", ""),
    ("no pump", assessment("not_applicable"), "– NO PUMP", ""),
]


@pytest.mark.parametrize("why, a, label, detail", D1_ROWS, ids=[row[0] for row in D1_ROWS])
def test_d1_never_ok_while_anything_is_due_or_critical(why, a, label, detail):
    view = refill_view(a)
    assert (view.label, view.detail) == (label, detail)
    overdue = a.reservoir is not None and a.reservoir.days_to_refill < 0
    critical = any(x.severity == "critical" for x in a.alerts)
    if overdue or critical or a.refill.status != "ok":
        assert "OK" not in view.line


def test_d1_an_allowed_overdue_refill_reads_refill_now_overdue_since_date():
    a = assessment(res=reservoir(-2), alerts=(alert("reservoir_alarm_passed"),))
    assert refill_view(a).line == "‼ REFILL NOW · overdue since 2026-12-01"
    row = build_row(patient(), a)
    assert (row.cells[3].top, row.cells[3].bottom, row.cells[3].style) == (
        "‼ REFILL NOW", "since 2026-12-01", "status-blocked")
    assert max(len(row.cells[3].top), len(row.cells[3].bottom)) <= 16  # the column's narrowest


# --- D2: urgency order ------------------------------------------------------------------

# (MRN, bed, assessment) in the order the list must show them. Group first, then the
# earliest refill-by date, then bed, then MRN.
D2_TABLE = [
    ("W1", "9", assessment("blocked", ("fungemia",), res=reservoir(3), alerts=(alert("withdrawal_risk"),))),
    ("O1", "5", assessment(res=reservoir(-9))),  # overdue since 2026-11-24: earlier first
    ("O2", "1", assessment(res=reservoir(-2))),  # overdue since 2026-12-01
    ("N1", "2", assessment("not_applicable", alerts=(alert("no_bridging_plan"),))),  # no date: last in group
    ("B1", "3", assessment("blocked", ("bacteremia",), res=reservoir(10))),
    ("B2", "2", assessment("blocked", ("fungemia",), res=reservoir(87))),  # alarm 87 days away
    ("B3", "3", assessment("blocked", ("fungemia",), res=reservoir(87))),  # same date: bed 3 after bed 2
    ("C1", "4", assessment(res=reservoir(50), alerts=(alert("c_auris"),))),
    ("K1", "7", assessment("caution", ("culture_pending",), res=reservoir(60))),
    ("D1", "6", assessment(res=reservoir(2), alerts=(alert("refill_due", "warning"),))),
    ("D2", "6", assessment(res=reservoir(6), alerts=(alert("refill_due", "warning"),))),
    ("E1", "8", assessment(res=reservoir(30), alerts=(alert("alarm_date_mismatch", "warning"),))),
    ("R1", "10", assessment(res=reservoir(30))),
    ("R2", "10", assessment(res=reservoir(30))),  # same date and bed: MRN breaks the tie
    ("R3", "", assessment("not_applicable")),
]


def test_d2_urgency_order_as_a_table():
    from itb_tui.report import sort_by_urgency
    from itb_tui.ui.widgets.ward_rows import sort_rows

    pairs = [(patient(mrn, bed), a) for mrn, bed, a in D2_TABLE]
    expected = [mrn for mrn, _bed, _a in D2_TABLE]
    shuffled = pairs[::-1]
    # the CLI table and the round sheet
    assert [p.mrn for p, _a in sort_by_urgency(shuffled)] == expected
    # the ward list (the same key)
    rows = [build_row(p, a) for p, a in shuffled]
    assert [row.mrn for row in sort_rows(rows, "urgency")] == expected


def test_d2_an_overdue_pump_sorts_above_blocked_patients_whose_alarm_is_far():
    overdue = (patient("LATE", "1"), assessment(res=reservoir(-2, -2), alerts=(alert("reservoir_alarm_passed"),)))
    blocked = (patient("BLK", "1"), assessment("blocked", ("fungemia",), res=reservoir(87)))
    from itb_tui.report import sort_by_urgency

    assert [p.mrn for p, _a in sort_by_urgency([blocked, overdue])] == ["LATE", "BLK"]


def test_d2_beds_sort_as_numbers():
    a = assessment(res=reservoir(30))
    from itb_tui.report import sort_by_urgency

    pairs = [(patient("X1", "10"), a), (patient("X2", "9"), a)]
    assert [p.mrn for p, _a in sort_by_urgency(pairs)] == ["X2", "X1"]


# --- D3: the antifungal day count ---------------------------------------------------------

D3_ROWS = [
    # (why, state, top, bottom)
    ("day 5 of 14, 9 left", AntifungalState("in_progress", day=5, required_days=14, days_left=9,
                                           required_until=date(2026, 12, 12)), "Day 5 of 14", "9 d left"),
    ("the required day itself", AntifungalState("in_progress", day=14, required_days=14, days_left=0,
                                                required_until=AS_OF), "Day 14 of 14", "0 d left"),
    # required until 2026-11-23, AS_OF 10 days later: never "Day 24 of 14"
    ("past the required day", AntifungalState("in_progress", day=24, required_days=14, days_left=-10,
                                              required_until=date(2026, 11, 23)),
     "14 of 14 given", "stop when decided"),
    # a planned stop on 2027-01-07 (required 37 days): never "Day 12 of 37"
    ("a planned stop", AntifungalState("in_progress", day=12, required_days=37, days_left=25,
                                       required_until=date(2027, 1, 7)), "Day 12", "planned stop 2027-01-07"),
    ("a planned stop passed", AntifungalState("in_progress", day=40, required_days=37, days_left=-3,
                                              required_until=date(2026, 11, 30)),
     "Day 40", "planned stop 2026-11-30 passed"),
    ("specialist duration, no stop yet", AntifungalState("specialist_duration"), "specialist", "no stop date yet"),
    ("specialist duration with a planned stop",
     AntifungalState("specialist_duration", day=20, required_days=60, days_left=40,
                     required_until=date(2027, 1, 12)), "Day 20", "planned stop 2027-01-12"),
    ("an unknown state says so", AntifungalState("brand_new_state"), "? brand new state", "check by hand"),
]


@pytest.mark.parametrize("why, state, top, bottom", D3_ROWS, ids=[row[0] for row in D3_ROWS])
def test_d3_day_n_of_14_only_up_to_the_required_day(why, state, top, bottom):
    lines = antifungal_lines(state)
    assert (lines.top, lines.bottom) == (top, bottom)
    if state.day is not None and state.required_days is not None:
        assert f"Day {state.day} of {state.required_days}" not in lines.line or state.day <= 14


def test_d3_the_cli_and_the_round_sheet_use_the_same_words():
    from itb_tui.exports.html_export import _antifungal_cell
    from itb_tui.report import antifungal_cell

    state = D3_ROWS[2][1]
    a = assessment(antifungal=state)
    assert antifungal_cell(a).replace("\x00", " ") == "14 of 14 given · stop when decided"
    assert "14 of 14 given" in _antifungal_cell(a) and "Day 24" not in _antifungal_cell(a)


# --- D4: a pump with no implant date ----------------------------------------------------


def test_d4_a_pump_with_no_implant_date_reads_implanted_date_unknown():
    from rich.console import Console

    from itb_tui.clinical.engine import assess
    from itb_tui.ui.widgets.detail_pump import pump_card

    p = patient(pumps=(pump(implanted=None),))
    lines = pump_lines(p, AS_OF)
    assert (lines.top, lines.bottom) == ("SynchroMed II", "implanted (date unknown)")
    a = assess(p, AS_OF)
    assert a.refill.status != "not_applicable"  # the engine counts it as implanted
    assert refill_view(a).label != "– NO PUMP"
    console = Console(width=100, color_system=None, record=True)
    console.print(pump_card(p, a))
    assert "implanted (date unknown)" in console.export_text()


def test_d4_the_list_and_the_engine_name_the_same_pump():
    from itb_tui.clinical.facts import build_facts
    from itb_tui.clinical.pumps import current_pump

    p = patient(pumps=(pump(implanted=None), pump(implanted=date(2025, 1, 1), removed=date(2025, 6, 1))))
    assert current_pump(p, AS_OF) is build_facts(p, AS_OF).implanted_pump is p.pumps[0]


# --- the wording table: complete, and safe for codes it does not know -------------------

REVISION_3_ALERTS = ("device_infection", "device_retained", "non_candida_fungus", "drug_inactive",
                     "infection_before_reimplant")


def test_every_alert_and_reason_has_words_including_revision_3():
    assert set(ALERT_CODES) | set(REVISION_3_ALERTS) <= set(ALERT_WORDS)
    assert set(REFILL_REASONS) | {"device_retained"} <= set(REASON_WORDS)
    for words in ALERT_WORDS.values():
        assert 0 < len(words.short) <= 10 and words.title


def test_no_status_word_says_ok_except_the_plain_ok():
    for code, words in STATUS_WORDS.items():
        assert ("OK" in words.word) == (code == "ok"), code


def test_unknown_codes_fall_back_to_a_safe_wording():
    assert alert_words("some_new_code").short == "some new c"
    a = assessment(res=reservoir(40), alerts=(alert("some_new_code"),))
    assert display_code(a) == "alert" and headline_words(a) == "some new c"
    assert refill_view(assessment("weird_status")).role == "danger"
    row = build_row(patient(), assessment("weird_status", alerts=(alert("x_y", "critical"),)))
    assert row.cells[3].top == "? CHECK" and "OK" not in row.text()
