"""The ward list order: withdrawal risk, then blocked, then critical count, then days to refill."""

from __future__ import annotations

from itb_tui.clinical import assess, urgency_key

from clinical_factories import blood, course, culture, d, patient, pump, refill

AS_OF = d("2026-11-12")


def test_most_urgent_first():
    # Fungemia + alarm 2026-11-19 (7 days): withdrawal risk.
    withdrawal = patient(mrn="W", pumps=[pump(refill("2026-10-20"))], cultures=[blood("2026-11-10")])
    # Fungemia, alarm far away (refill 2026-11-10 -> 2026-12-10): blocked, no withdrawal risk.
    blocked = patient(mrn="B", pumps=[pump(refill("2026-11-10"))], cultures=[blood("2026-11-10")],
                      courses=[course("micafungin", "2026-11-10")])
    # CSF infection (bacterial) with the alarm far away: blocked, fewer critical alerts.
    blocked_csf = patient(mrn="C", pumps=[pump(refill("2026-11-10"))],
                          cultures=[culture("csf", "2026-11-10", organism="S. epidermidis")])
    # Not blocked, refill due in 1 day vs in 20 days.
    soon = patient(mrn="S", pumps=[pump(refill("2026-10-14"))])  # alarm 2026-11-13
    later = patient(mrn="L", pumps=[pump(refill("2026-11-02"))])  # alarm 2026-12-02
    no_pump = patient(mrn="N")
    ranked = sorted((assess(p, AS_OF) for p in (no_pump, later, soon, blocked_csf, blocked, withdrawal)),
                    key=urgency_key)
    assert [a.mrn for a in ranked] == ["W", "B", "C", "S", "L", "N"]


def test_ties_break_on_mrn_so_the_list_is_stable():
    a = assess(patient(mrn="A2"), AS_OF)
    b = assess(patient(mrn="A1"), AS_OF)
    assert sorted([a, b], key=urgency_key)[0].mrn == "A1"
