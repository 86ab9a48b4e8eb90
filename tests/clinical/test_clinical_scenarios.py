"""The clinical rules as a table of ward situations, one row each, dates worked out by hand.

Each row is a synthetic patient, a list date and what the ward list must say. The comment
above a row shows the arithmetic, so a reviewer can check the expectation without
running the engine. Unless a row says otherwise the pump is the standard one:
300 µg/day at 500 µg/mL = 0.6 mL/day, reservoir 20 mL, alarm at 2.0 mL.
A 20 mL refill on 2026-10-20 therefore alarms (20 - 2) / 0.6 = 30 days later, on
2026-11-19, and its drug is stable until 2026-10-20 + 180 = 2027-04-18.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from itb_tui.clinical import assess, lookup
from itb_tui.clinical.records import Patient

from clinical_factories import (
    blood,
    bridging,
    course,
    culture,
    d,
    eye_exam,
    patient,
    pump,
    refill,
)

NONE = object()  # "this part of the assessment must be None"

STD_PUMP = pump(refill("2026-10-20"))  # alarm 2026-11-19, stable until 2027-04-18


@dataclass
class Row:
    patient: Patient
    as_of: str
    refill: str | None = None  # expected refill status
    reasons: tuple[str, ...] | None = None  # expected reasons, in order
    # The EXACT set of alert codes (revision 3): an extra or a missing alert fails the row.
    alerts: set[str] = field(default_factory=set)
    absent: set[str] = field(default_factory=set)  # documents what the row is about (implied by `alerts`)
    reservoir: dict | object | None = None
    antifungal: dict | None = None
    reimplant: dict | None = None
    text: dict[str, str] = field(default_factory=dict)  # alert code -> words its text must hold
    action: dict[str, str] = field(default_factory=dict)  # alert code -> words its action must hold


# A fungemia that clears, for the course rows: C. albicans in blood 2026-11-01, no growth
# 2026-11-03 (clearance), symptoms resolved 2026-11-04 -> anchor 2026-11-04,
# required_until 2026-11-04 + 14 = 2026-11-18. Eye exam done, so no eye alert.
CLEARED = dict(
    cultures=[blood("2026-11-01"), blood("2026-11-03", "no_growth")],
    symptoms="2026-11-04",
    exams=[eye_exam("2026-11-02")],
)


def cleared(courses, pumps=(STD_PUMP,), **extra) -> Patient:
    args = {**CLEARED, **extra}
    args["cultures"] = CLEARED["cultures"] + list(extra.get("cultures", []))
    return patient(pumps=pumps, courses=courses, **{k: v for k, v in args.items()})


# The same fungemia after an explant on 2026-11-02 with bridging the same day, for the
# reimplantation rows. Micafungin stopped on 2026-11-18 = required_until -> complete,
# completion 2026-11-18, reimplantation date 2026-11-18 + 14 = 2026-12-02.
EXPLANTED = pump(refill("2026-10-20"), removed="2026-11-02")


def after_explant(stopped="2026-11-18", extra_cultures=()) -> Patient:
    return cleared(
        [course("micafungin", "2026-11-01", stopped, dose=100)],
        pumps=(EXPLANTED,),
        bridging=[bridging("2026-11-02", "lumbar_drain")],
        cultures=list(extra_cultures),
    )


ROWS = {
    # ------------------------------------------------------------ refill eligibility
    # No pump at all: nothing to refill, nothing to count down.
    "no-pump": Row(patient(), "2026-11-10", refill="not_applicable", reasons=(), reservoir=NONE,
                   antifungal={"state": "not_indicated"}, reimplant={"state": "not_applicable"}),
    # Standard pump, refill 2026-10-20: alarm 2026-11-19 is 9 days after 2026-11-10.
    "clean-pump-ok": Row(patient(pumps=[STD_PUMP]), "2026-11-10", refill="ok", reasons=(),
                         reservoir={"alarm_on": d("2026-11-19"), "days_to_alarm": 9,
                                    "refill_by": d("2026-11-19"), "days_to_refill": 9,
                                    "stable_until": d("2027-04-18")},
                         absent={"refill_due"}),
    # Pump removed 2026-11-01 (bridging that day): no pump on 2026-11-10.
    "removed-pump-not-applicable": Row(
        patient(pumps=[pump(refill("2026-10-20"), removed="2026-11-01")], bridging=[bridging("2026-11-01")]),
        "2026-11-10", refill="not_applicable", reservoir=NONE, absent={"no_bridging_plan"}),
    # Removal dated 2026-11-15 is after the list date 2026-11-10: the pump is still in.
    "removal-after-as-of-ignored": Row(patient(pumps=[pump(refill("2026-10-20"), removed="2026-11-15")]),
                                       "2026-11-10", refill="ok", reservoir={"alarm_on": d("2026-11-19")}),
    # Pump implanted 2026-11-12, after the list date 2026-11-10: not there yet.
    "pump-implanted-after-as-of-ignored": Row(
        patient(pumps=[pump(refill("2026-11-12"), implanted="2026-11-12")]), "2026-11-10",
        refill="not_applicable", reservoir=NONE),
    # C. albicans in blood 2026-11-08, list 2026-11-09: active fungemia, day 1 (no follow-up due).
    "fungemia-blocks": Row(patient(pumps=[STD_PUMP], cultures=[blood("2026-11-08")]), "2026-11-09",
                           refill="blocked", reasons=("fungemia",),
                           antifungal={"state": "awaiting_clearance", "episode_start_on": d("2026-11-08"),
                                       "clearance_on": None, "required_until": None, "day": None},
                           alerts={"device_removal_indicated", "no_antifungal", "eye_exam_due"},
                           absent={"followup_culture_due", "withdrawal_risk"},
                           text={"eye_exam_due": "2026-11-15"}),  # 2026-11-08 + 7
    # Positive and no-growth both drawn 2026-11-08: the negative proves nothing; the latest
    # blood culture is 2 days before 2026-11-10 -> follow-up culture due.
    "same-day-negative-does-not-clear": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-08"), blood("2026-11-08", "no_growth")],
                courses=[course("micafungin", "2026-11-08", dose=100)]),
        "2026-11-10", refill="blocked", reasons=("fungemia",), antifungal={"state": "awaiting_clearance"},
        alerts={"device_removal_indicated", "eye_exam_due", "followup_culture_due"}, action={"followup_culture_due": "2026-11-10"}),
    # Latest blood culture (pending) drawn 2026-11-09 = 1 day before 2026-11-10: no follow-up
    # alert yet; the pending culture (1 day old) is listed after the block.
    "followup-not-due-after-1-day": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-08"), blood("2026-11-09", "pending")],
                courses=[course("micafungin", "2026-11-08", dose=100)]),
        "2026-11-10", refill="blocked", reasons=("fungemia", "culture_pending"),
        absent={"followup_culture_due"}, alerts={"device_removal_indicated", "eye_exam_due"}),
    # S. aureus in blood 2026-11-05, list 2026-11-06: bacteremia; no fungal episode.
    "bacteremia-blocks": Row(patient(pumps=[STD_PUMP], cultures=[blood("2026-11-05", organism="S. aureus")]),
                             "2026-11-06", refill="blocked", reasons=("bacteremia",),
                             antifungal={"state": "not_indicated"},
                             absent={"device_removal_indicated", "no_antifungal"}),
    # No growth 2026-11-07 after S. aureus 2026-11-05: cleared.
    "bacteremia-cleared": Row(patient(pumps=[STD_PUMP], cultures=[blood("2026-11-05", organism="MRSA"),
                                                                  blood("2026-11-07", "no_growth")]),
                              "2026-11-08", refill="ok", reasons=()),
    # An organism the app does not know still blocks, as bacteremia.
    "unknown-organism-blocks-as-bacteremia": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-05", organism="Zymomonas imaginaria")]),
        "2026-11-06", refill="blocked", reasons=("bacteremia",)),
    # CSF positive 2026-10-11; 2026-11-10 - 2026-10-11 = 30 days (20 left in Oct + 10).
    # Revision 3: a bacterial device infection also raises `device_infection` (critical).
    "csf-30-days-blocks": Row(patient(pumps=[STD_PUMP], cultures=[culture("csf", "2026-10-11", organism="S. epidermidis")]),
                              "2026-11-10", refill="blocked", reasons=("csf_infection",),
                              alerts={"device_infection"}),
    # CSF positive 2026-10-10 is 31 days before 2026-11-10. Revision 3 (change 2): the
    # device infection no longer expires after 30 days (was "csf-31-days-ok": refill ok).
    "csf-31-days-still-blocks": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("csf", "2026-10-10", organism="S. epidermidis")]),
        "2026-11-10", refill="blocked", reasons=("csf_infection",), alerts={"device_infection"}),
    # CSF positive 2026-11-01, CSF no growth 2026-11-03: cleared.
    "csf-cleared-by-later-csf": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("csf", "2026-11-01", organism="S. epidermidis"),
                                            culture("csf", "2026-11-03", "no_growth")]),
        "2026-11-05", refill="ok"),
    # A no-growth BLOOD culture does not clear a CSF infection. (Revision 3: + device_infection.)
    "csf-not-cleared-by-blood": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("csf", "2026-11-01", organism="S. epidermidis"),
                                            blood("2026-11-03", "no_growth")]),
        "2026-11-05", refill="blocked", reasons=("csf_infection",), alerts={"device_infection"}),
    # Wound culture S. aureus 2026-11-01, list 2026-11-05 (4 days): pocket infection.
    # (Revision 3: a bacterial device infection also raises device_infection.)
    "wound-blocks-pocket-infection": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("wound", "2026-11-01", organism="Staphylococcus aureus")]),
        "2026-11-05", refill="blocked", reasons=("pocket_infection",), alerts={"device_infection"}),
    # Blood culture pending since 2026-11-05: 5 days before 2026-11-10 -> caution.
    "pending-5-days-caution": Row(patient(pumps=[STD_PUMP], cultures=[blood("2026-11-05", "pending")]),
                                  "2026-11-10", refill="caution", reasons=("culture_pending",),
                                  absent={"withdrawal_risk"}),
    # Same culture 6 days before 2026-11-11: outside the pending window -> ok.
    "pending-6-days-ok": Row(patient(pumps=[STD_PUMP], cultures=[blood("2026-11-05", "pending")]),
                             "2026-11-11", refill="ok", reasons=()),
    # CSF pending counts too; a pending urine culture does not.
    "pending-csf-caution-urine-not": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("csf", "2026-11-09", "pending"),
                                            culture("urine", "2026-11-09", "pending")]),
        "2026-11-10", refill="caution", reasons=("culture_pending",)),
    # Every infection at once (recorded out of order): reasons most serious first.
    # (Revision 3: the bacterial CSF and wound cultures raise device_infection.)
    "all-reasons-ordered": Row(
        patient(pumps=[STD_PUMP], cultures=[
            blood("2026-11-09", "pending"),
            culture("wound", "2026-11-02", organism="S. aureus"),
            culture("csf", "2026-11-03", organism="Cutibacterium acnes"),
            blood("2026-11-04", organism="E. coli"),
            blood("2026-11-05", organism="Candida albicans"),
        ], courses=[course("micafungin", "2026-11-05", dose=100)]),
        "2026-11-10", refill="blocked",
        reasons=("fungemia", "bacteremia", "csf_infection", "pocket_infection", "culture_pending"), alerts={"device_infection", "device_removal_indicated", "eye_exam_due"}),
    # Cleared fungemia (course to 2026-11-18) plus S. aureus 2026-11-08 on 2026-11-09:
    # anchor 2026-11-04, day 5, 9 days left.
    "bacteremia-and-course-open": Row(
        cleared([course("micafungin", "2026-11-01", dose=100)], cultures=[blood("2026-11-08", organism="S. aureus")]),
        "2026-11-09", refill="blocked", reasons=("bacteremia", "antifungal_course_open"),
        antifungal={"state": "in_progress", "day": 5, "days_left": 9}, alerts={"device_removal_indicated"}),

    # ------------------------------------------------------------ reservoir
    # 2026-11-19 - 2026-11-12 = 7 days to refill: refill_due.
    "refill-due-7-days": Row(patient(pumps=[STD_PUMP]), "2026-11-12", refill="ok", alerts={"refill_due"},
                             reservoir={"days_to_refill": 7}, text={"refill_due": "2026-11-19"}),
    # 8 days: not yet.
    "refill-due-8-days-quiet": Row(patient(pumps=[STD_PUMP]), "2026-11-11", absent={"refill_due"},
                                   reservoir={"days_to_refill": 8}),
    # On the alarm day itself: 0 days to alarm, not passed.
    "alarm-day-0-not-passed": Row(patient(pumps=[STD_PUMP]), "2026-11-19", alerts={"refill_due"},
                                  absent={"reservoir_alarm_passed"}, reservoir={"days_to_alarm": 0}),
    # The day after: -1, passed (critical).
    "alarm-passed-minus-1": Row(patient(pumps=[STD_PUMP]), "2026-11-20", alerts={"reservoir_alarm_passed", "refill_due"},
                                action={"refill_due": "Overdue since 2026-11-19", "reservoir_alarm_passed": "refill today"},
                                reservoir={"days_to_alarm": -1, "days_to_refill": -1}),
    # Programmer printed 2026-11-18, one day before the computed 2026-11-19: the earlier is
    # used, no mismatch (the ward-file example: 8 days from 2026-11-10).
    "programmer-1-day-earlier": Row(patient(pumps=[pump(refill("2026-10-20", programmer="2026-11-18"))]), "2026-11-10",
                                    reservoir={"alarm_on": d("2026-11-18"), "computed_alarm_on": d("2026-11-19"),
                                               "days_to_alarm": 8},
                                    absent={"alarm_date_mismatch"}),
    # Printed 2026-11-17: 2 days apart, not more than 2 -> no alert, alarm 2026-11-17.
    "programmer-2-days-earlier-no-mismatch": Row(
        patient(pumps=[pump(refill("2026-10-20", programmer="2026-11-17"))]), "2026-11-10",
        reservoir={"alarm_on": d("2026-11-17")}, absent={"alarm_date_mismatch"}, alerts={"refill_due"}),
    # Printed 2026-11-16: 3 days apart -> mismatch warning; alarm 2026-11-16.
    "programmer-3-days-earlier-mismatch": Row(
        patient(pumps=[pump(refill("2026-10-20", programmer="2026-11-16"))]), "2026-11-10",
        reservoir={"alarm_on": d("2026-11-16")}, alerts={"alarm_date_mismatch", "refill_due"},
        text={"alarm_date_mismatch": "2026-11-16"}),
    # Printed 2026-11-22, 3 days LATER: mismatch; the computed 2026-11-19 is the earlier.
    "programmer-3-days-later-mismatch": Row(
        patient(pumps=[pump(refill("2026-10-20", programmer="2026-11-22"))]), "2026-11-10",
        reservoir={"alarm_on": d("2026-11-19"), "programmer_alarm_on": d("2026-11-22")},
        alerts={"alarm_date_mismatch"}),
    # Printed 2026-11-21, 2 days later: no alert, alarm 2026-11-19.
    "programmer-2-days-later-no-mismatch": Row(
        patient(pumps=[pump(refill("2026-10-20", programmer="2026-11-21"))]), "2026-11-10",
        reservoir={"alarm_on": d("2026-11-19")}, absent={"alarm_date_mismatch"}),
    # 40 mL pump, 50 µg/day at 2000 µg/mL = 0.025 mL/day: (40-2)/0.025 = 1520 days, so the
    # drug stability limits: 2026-05-01 + 180 = 2026-10-28 (May 30, Jun 30, Jul 31, Aug 31,
    # Sep 30 = 152; +28). On 2026-10-28 it is the refill-by day, not yet exceeded.
    "stability-day-180-due": Row(
        patient(pumps=[pump(refill("2026-05-01", "40"), reservoir="40", concentration="2000", dose="50")]),
        "2026-10-28", reservoir={"stable_until": d("2026-10-28"), "refill_by": d("2026-10-28"), "days_to_refill": 0},
        alerts={"refill_due"}, absent={"drug_stability_exceeded"}, text={"refill_due": "stability"}),
    # Day 181: exceeded (critical).
    "stability-day-181-exceeded": Row(
        patient(pumps=[pump(refill("2026-05-01", "40"), reservoir="40", concentration="2000", dose="50")]),
        "2026-10-29", alerts={"drug_stability_exceeded", "refill_due"}, absent={"reservoir_alarm_passed"}),
    # 275 µg/day at 500 µg/mL = 0.55 mL/day; refill 18.5 mL: (18.5 - 2) / 0.55 = 30 exactly,
    # alarm 2026-10-20 + 30 = 2026-11-19. Binary floats give 29.999999999999996 -> 2026-11-18.
    "decimal-exact-not-a-day-early": Row(
        patient(pumps=[pump(refill("2026-10-20", "18.5"), dose="275")]), "2026-11-10",
        reservoir={"alarm_on": d("2026-11-19"), "days_to_alarm": 9}),
    # A refill dated 2026-11-12 is after the list date 2026-11-10: the 2026-10-20 one counts.
    "refill-after-as-of-ignored": Row(patient(pumps=[pump(refill("2026-10-20"), refill("2026-11-12"))]), "2026-11-10",
                                      reservoir={"last_refill_on": d("2026-10-20"), "alarm_on": d("2026-11-19")}),
    # Filled with 1.5 mL (below the 2.0 mL alarm) on 2026-11-05: alarms that very day;
    # the next day it has passed.
    "fill-below-alarm-volume": Row(patient(pumps=[pump(refill("2026-11-05", "1.5"))]), "2026-11-06",
                                   reservoir={"alarm_on": d("2026-11-05"), "days_to_alarm": -1},
                                   alerts={"refill_due", "reservoir_alarm_passed"}),
    # Pump with no refill recorded and no infection: no countdown, no alert.
    "no-refill-no-reservoir": Row(patient(pumps=[pump()]), "2026-11-10", refill="ok", reservoir=NONE,
                                  absent={"withdrawal_risk"}),

    # ------------------------------------------------------------ withdrawal
    # Fungemia 2026-11-10 blocks; alarm 2026-11-19 is 7 days after 2026-11-12 -> withdrawal risk,
    # with the bridging plan as its action.
    "withdrawal-7-days": Row(patient(pumps=[STD_PUMP], cultures=[blood("2026-11-10")]), "2026-11-12",
                             refill="blocked", alerts={"device_removal_indicated", "eye_exam_due", "followup_culture_due", "no_antifungal", "refill_due", "withdrawal_risk"},
                             action={"withdrawal_risk": "lumbar drain"}, text={"withdrawal_risk": "2026-11-19"}),
    # 8 days (2026-11-11): not yet.
    "withdrawal-8-days-quiet": Row(patient(pumps=[STD_PUMP], cultures=[blood("2026-11-10")]), "2026-11-11",
                                   refill="blocked", absent={"withdrawal_risk"}, alerts={"device_removal_indicated", "eye_exam_due", "no_antifungal"}),
    # Blocked with no refill on record: the alarm date is unknown -> withdrawal risk.
    "withdrawal-unknown-reservoir": Row(patient(pumps=[pump()], cultures=[blood("2026-11-10")]), "2026-11-11",
                                        refill="blocked", reservoir=NONE, alerts={"device_removal_indicated", "eye_exam_due", "no_antifungal", "withdrawal_risk"},
                                        text={"withdrawal_risk": "unknown"}),
    # Caution (pending culture) with the alarm 3 days away: refill due, but refilling is
    # allowed, so no withdrawal alert.
    "caution-near-alarm-no-withdrawal": Row(patient(pumps=[STD_PUMP], cultures=[blood("2026-11-14", "pending")]),
                                            "2026-11-16", refill="caution", alerts={"refill_due"},
                                            absent={"withdrawal_risk"}),
    # Pump out 2026-11-01, nothing bridging it by 2026-11-05.
    "no-bridging-plan": Row(patient(pumps=[pump(removed="2026-11-01")]), "2026-11-05",
                            alerts={"no_bridging_plan"}, action={"no_bridging_plan": "lumbar drain"}),
    # Oral baclofen from 2026-11-02 = removal + 1 day: a plan in time.
    "bridging-day-after-removal-counts": Row(patient(pumps=[pump(removed="2026-11-01")], bridging=[bridging("2026-11-02")]),
                                             "2026-11-05", absent={"no_bridging_plan"}),
    # From 2026-11-03 = removal + 2 days: too late, still critical.
    "bridging-two-days-late-alerts": Row(patient(pumps=[pump(removed="2026-11-01")], bridging=[bridging("2026-11-03")]),
                                         "2026-11-05", alerts={"no_bridging_plan"}, text={"no_bridging_plan": "2026-11-03"}),
    # Removed 2026-10-27; 2026-11-10 is 14 days later (4 left in Oct + 10): still alerting.
    "no-bridging-14-days": Row(patient(pumps=[pump(removed="2026-10-27")]), "2026-11-10", alerts={"no_bridging_plan"}),
    # 15 days later: outside the window.
    "no-bridging-15-days-quiet": Row(patient(pumps=[pump(removed="2026-10-27")]), "2026-11-11",
                                     absent={"no_bridging_plan"}),
    # Pump exchanged the same day (old out, new in 2026-11-01): nothing to bridge.
    "pump-exchange-no-bridging-needed": Row(
        patient(pumps=[pump(removed="2026-11-01"), pump(refill("2026-11-01"), implanted="2026-11-01", serial="NGP000999")]),
        "2026-11-05", refill="ok", absent={"no_bridging_plan"}, reservoir={"alarm_on": d("2026-12-01")}),

    # ------------------------------------------------------------ device
    # C. albicans in CSF 2026-11-01 without candidemia: refill blocked, device alert, no
    # course countdown (the clinician records the stop date). Revision 3 (change 3): a
    # fungal device infection is a device episode, state `specialist_duration`, and with
    # no course covering it `no_antifungal` is raised (was not_indicated and no alert); no
    # eye exam (candidemia only).
    "fungal-csf-without-candidemia": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("csf", "2026-11-01", organism="Candida albicans")]),
        "2026-11-05", refill="blocked", reasons=("csf_infection",), alerts={"device_removal_indicated", "no_antifungal"},
        antifungal={"state": "specialist_duration", "day": None, "days_left": None, "required_until": None},
        reimplant={"state": "not_applicable"}),
    # Fungal pocket culture 2026-10-11 (30 days before 2026-11-10): device infected.
    # (Revision 3: a device episode with no course covering it: no_antifungal.)
    "fungal-pocket-device-alert": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("pocket", "2026-10-11", organism="Candida parapsilosis")]),
        "2026-11-10", refill="blocked", reasons=("pocket_infection",), alerts={"device_removal_indicated", "no_antifungal"}),
    # Fungemia after the pump came out: no device to remove, nothing to refill.
    "explanted-no-device-alert": Row(
        patient(pumps=[pump(removed="2026-11-02")], cultures=[blood("2026-11-01")], bridging=[bridging("2026-11-02")]),
        "2026-11-03", refill="not_applicable", absent={"device_removal_indicated", "withdrawal_risk"},
        antifungal={"state": "awaiting_clearance"}, alerts={"eye_exam_due", "followup_culture_due", "no_antifungal"}),

    # ------------------------------------------------------------ antifungal course
    # Cleared 2026-11-03, no symptom-resolution date: awaiting it; course open.
    "awaiting-symptom-resolution": Row(
        patient(pumps=[STD_PUMP], cultures=CLEARED["cultures"], courses=[course("micafungin", "2026-11-01", dose=100)],
                exams=[eye_exam("2026-11-02")]),
        "2026-11-05", refill="blocked", reasons=("antifungal_course_open",),
        antifungal={"state": "awaiting_symptom_resolution", "clearance_on": d("2026-11-03"),
                    "required_until": None, "day": None}, alerts={"device_removal_indicated"}),
    # Symptom resolution dated before the episode began belongs to an earlier illness.
    "old-symptom-date-ignored": Row(
        patient(pumps=[STD_PUMP], cultures=CLEARED["cultures"], courses=[course("micafungin", "2026-11-01", dose=100)],
                symptoms="2026-10-01"),
        "2026-11-05", antifungal={"state": "awaiting_symptom_resolution"}, alerts={"device_removal_indicated", "eye_exam_due"}),
    # Anchor 2026-11-04; 2026-11-17 is day 13, 1 day left.
    "course-day-13": Row(cleared([course("micafungin", "2026-11-01", dose=100)]), "2026-11-17",
                         refill="blocked", reasons=("antifungal_course_open",),
                         antifungal={"state": "in_progress", "anchor_on": d("2026-11-04"),
                                     "required_until": d("2026-11-18"), "day": 13, "days_left": 1,
                                     "required_days": 14}, alerts={"device_removal_indicated", "refill_due", "withdrawal_risk"}),
    # 2026-11-18: day 14, 0 left, still running -> still in progress and blocked.
    "course-day-14-running": Row(cleared([course("micafungin", "2026-11-01", dose=100)]), "2026-11-18",
                                 refill="blocked", antifungal={"state": "in_progress", "day": 14, "days_left": 0}, alerts={"device_removal_indicated", "refill_due", "withdrawal_risk"}),
    # 2026-11-19, still running: day 15, -1 left; the stop date must be recorded.
    "course-day-15-running": Row(cleared([course("micafungin", "2026-11-01", dose=100)]), "2026-11-19",
                                 refill="blocked", antifungal={"state": "in_progress", "day": 15, "days_left": -1}, alerts={"device_removal_indicated", "refill_due", "withdrawal_risk"}),
    # Stopped 2026-11-18: days of therapy after the anchor 2026-11-04 = 11-05..11-18 = 14:
    # complete. Revision 3 (change 6): the pump was kept through the fungemia, so refill is
    # `caution` (device_retained) with a device_retained warning instead of "ok" beside a
    # critical removal alert. Alarm 2026-11-19 is today: refill_due (refill allowed).
    "course-complete-on-required-day": Row(
        cleared([course("micafungin", "2026-11-01", "2026-11-18", dose=100)]), "2026-11-19",
        refill="caution", reasons=("device_retained",),
        antifungal={"state": "complete", "completed_on": d("2026-11-18"), "day": None, "required_until": d("2026-11-18")},
        alerts={"device_retained", "refill_due"}, action={"refill_due": "Book the refill on or before 2026-11-19"}),
    # The same course on its stop day 2026-11-18: 14 days given, stopped on as_of -> complete
    # on as_of (a course is not running on its stop day). Alarm tomorrow: refill_due.
    "course-complete-on-as-of": Row(
        cleared([course("micafungin", "2026-11-01", "2026-11-18", dose=100)]), "2026-11-18",
        refill="caution", reasons=("device_retained",), antifungal={"state": "complete", "completed_on": d("2026-11-18")},
        alerts={"device_retained", "refill_due"}),
    # Stopped 2026-11-17: 11-05..11-17 = 13 days of therapy, one short: stopped early.
    # Revision 3 (change 4): required_until = as_of + (14 - 13) = 2026-11-19 + 1 = 2026-11-20
    # (was the calendar date 2026-11-18); the text counts the missing day of therapy.
    # Blocked with the alarm today (2026-11-19): withdrawal_risk, refill_due (blocked wording).
    "course-stopped-a-day-early": Row(
        cleared([course("micafungin", "2026-11-01", "2026-11-17", dose=100)]), "2026-11-19",
        refill="blocked", reasons=("antifungal_course_open",),
        antifungal={"state": "stopped_early", "required_until": d("2026-11-20"), "day": 13, "days_left": 1},
        alerts={"antifungal_stopped_early", "device_removal_indicated", "refill_due", "withdrawal_risk"},
        text={"antifungal_stopped_early": "1 day of therapy missing"},
        action={"refill_due": "Do not book a refill"}),
    # A stop date after the list date means the course is still running on that date.
    "stop-after-as-of-still-running": Row(
        cleared([course("micafungin", "2026-11-01", "2026-11-18", dose=100)]), "2026-11-10",
        antifungal={"state": "in_progress", "day": 6, "days_left": 8}, absent={"antifungal_stopped_early"}, alerts={"device_removal_indicated"}),
    # Planned stop 2026-12-16 (ocular disease, 6 weeks from 2026-11-04) is later than
    # 2026-11-18: required_until 2026-12-16, 42 days; on 2026-11-20 day 16, 26 left.
    "planned-stop-extends": Row(
        cleared([course("micafungin", "2026-11-01", dose=100, planned="2026-12-16")]), "2026-11-20",
        antifungal={"state": "in_progress", "required_until": d("2026-12-16"), "required_days": 42,
                    "day": 16, "days_left": 26}, alerts={"device_removal_indicated", "refill_due", "reservoir_alarm_passed", "withdrawal_risk"}),
    # A planned stop earlier than anchor + 14 never shortens the course.
    "planned-stop-never-shortens": Row(
        cleared([course("micafungin", "2026-11-01", dose=100, planned="2026-11-10")]), "2026-11-12",
        antifungal={"required_until": d("2026-11-18")}, alerts={"device_removal_indicated", "refill_due", "withdrawal_risk"}),
    # Neutrophil recovery 2026-11-08 is the latest: anchor 2026-11-08, until 2026-11-22.
    "neutrophil-recovery-anchors": Row(
        cleared([course("micafungin", "2026-11-01", dose=100)], neutrophils="2026-11-08"), "2026-11-10",
        antifungal={"anchor_on": d("2026-11-08"), "required_until": d("2026-11-22"), "day": 2}, alerts={"device_removal_indicated"}),
    # Fungemia 2026-11-01 and no course at all by 2026-11-02: critical.
    "no-antifungal": Row(patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01")]), "2026-11-02",
                         alerts={"device_removal_indicated", "eye_exam_due", "no_antifungal"}, action={"no_antifungal": "echinocandin"}),
    # A course stopped before the episode began (prophylaxis) does not treat it.
    "old-course-does-not-count": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01")], courses=[course("fluconazole", "2026-09-01", "2026-09-10")]),
        "2026-11-02", alerts={"device_removal_indicated", "eye_exam_due", "no_antifungal"}),
    # A course started after the list date is not given yet.
    "course-after-as-of-ignored": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01")], courses=[course("micafungin", "2026-11-05")]),
        "2026-11-02", alerts={"device_removal_indicated", "eye_exam_due", "no_antifungal"}),
    # All therapy stopped 2026-11-02 while still fungemic: stopped early.
    "stopped-while-fungemic": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01")], courses=[course("micafungin", "2026-11-01", "2026-11-02")]),
        "2026-11-03", antifungal={"state": "awaiting_clearance"}, alerts={"antifungal_stopped_early", "device_removal_indicated", "eye_exam_due", "followup_culture_due"}),
    # Episode from 2026-11-01, no eye exam: due by 2026-11-08; an exam from before the
    # episode (2026-10-20) does not count.
    "eye-exam-old-exam-does-not-count": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01")], courses=[course("micafungin", "2026-11-01")],
                exams=[eye_exam("2026-10-20")]),
        "2026-11-02", alerts={"device_removal_indicated", "eye_exam_due"}, text={"eye_exam_due": "2026-11-08"}),
    # Eye exam on 2026-11-03, after the episode began: done.
    "eye-exam-done": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01")], courses=[course("micafungin", "2026-11-01")],
                exams=[eye_exam("2026-11-03")]),
        "2026-11-04", absent={"eye_exam_due"}, alerts={"device_removal_indicated", "followup_culture_due"}),
    # Positive 2026-10-01, cleared 2026-10-03, positive again 2026-10-20: a new episode
    # from 2026-10-20.
    "recurrence-starts-new-episode": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-10-01"), blood("2026-10-03", "no_growth"), blood("2026-10-20")],
                courses=[course("micafungin", "2026-10-01")]),
        "2026-10-21", antifungal={"state": "awaiting_clearance", "episode_start_on": d("2026-10-20")}, alerts={"device_removal_indicated", "eye_exam_due"}),
    # Two positives without a negative between: one episode from the first.
    "persistent-positives-one-episode": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-10-01"), blood("2026-10-03")], courses=[course("micafungin", "2026-10-01")]),
        "2026-10-04", antifungal={"state": "awaiting_clearance", "episode_start_on": d("2026-10-01")}, alerts={"device_removal_indicated", "eye_exam_due", "withdrawal_risk"}),
    # Micafungin 2026-11-01..2026-11-10 stepped down to fluconazole from 2026-11-09 (running):
    # in progress; once fluconazole stops 2026-11-20 (>= 2026-11-18) the course is complete.
    # (Revision 3: the pump stayed in, so complete means refill caution + device_retained;
    # the alarm 2026-11-19 passed on 2026-11-21, refill allowed: "overdue since".)
    "overlapping-courses-running": Row(
        cleared([course("micafungin", "2026-11-01", "2026-11-10", dose=100), course("fluconazole", "2026-11-09", dose=400)]),
        "2026-11-12", antifungal={"state": "in_progress"}, alerts={"device_removal_indicated", "refill_due", "withdrawal_risk"}),
    "overlapping-courses-complete": Row(
        cleared([course("micafungin", "2026-11-01", "2026-11-10", dose=100),
                 course("fluconazole", "2026-11-09", "2026-11-20", dose=400)]),
        "2026-11-21", antifungal={"state": "complete", "completed_on": d("2026-11-20")}, refill="caution",
        reasons=("device_retained",), alerts={"device_retained", "refill_due", "reservoir_alarm_passed"},
        action={"refill_due": "Overdue since 2026-11-19: refill today"}),
    # Positive 2025-11-10 (cleared, treated, explanted). 2026-11-10 is 365 days later
    # (2026 is not a leap year): the episode is still current.
    "lookback-365-current": Row(
        patient(pumps=[pump(removed="2025-11-11")], bridging=[bridging("2025-11-11")],
                cultures=[blood("2025-11-10"), blood("2025-11-12", "no_growth"), blood("2025-12-15", "no_growth")],
                courses=[course("micafungin", "2025-11-10", "2025-11-26")], symptoms="2025-11-12",
                exams=[eye_exam("2025-11-11")]),
        # anchor 2025-11-12 -> required 2025-11-26 = stop -> complete; reimplant date
        # 2025-11-26 + 14 = 2025-12-10; confirming culture 2025-12-15 -> eligible from it.
        "2026-11-10", antifungal={"state": "complete"},
        reimplant={"state": "eligible", "eligible_on": d("2025-12-15")}),
    # 366 days later: closed, nothing raised.
    "lookback-366-closed": Row(
        patient(pumps=[pump(removed="2025-11-11")], bridging=[bridging("2025-11-11")],
                cultures=[blood("2025-11-10"), blood("2025-11-12", "no_growth"), blood("2025-12-15", "no_growth")],
                courses=[course("micafungin", "2025-11-10", "2025-11-26")], symptoms="2025-11-12"),
        "2026-11-11", antifungal={"state": "not_indicated"}, reimplant={"state": "not_applicable"}),
    # Fungemia 2026-09-01 cleared and treated, old pump out 2026-09-02, new pump in
    # 2026-10-20: the episode is closed, the new pump is not "infected".
    "reimplanted-closes-episode": Row(
        patient(pumps=[pump(removed="2026-09-02"), pump(refill("2026-10-20"), implanted="2026-10-20", serial="NGP000777")],
                bridging=[bridging("2026-09-02")],
                cultures=[blood("2026-09-01"), blood("2026-09-03", "no_growth")],
                courses=[course("micafungin", "2026-09-01", "2026-09-20")], symptoms="2026-09-04"),
        "2026-11-10", refill="ok", antifungal={"state": "not_indicated"}, reimplant={"state": "not_applicable"},
        absent={"device_removal_indicated"}),
    # Same, but the clearing culture was never recorded: the refill of the new pump stays
    # blocked until it is (the safe reading), although the episode is closed.
    "reimplanted-without-documented-clearance": Row(
        patient(pumps=[pump(removed="2026-09-02"), pump(refill("2026-10-20"), implanted="2026-10-20", serial="NGP000777")],
                bridging=[bridging("2026-09-02")], cultures=[blood("2026-09-01")],
                courses=[course("micafungin", "2026-09-01", "2026-09-20")]),
        "2026-11-10", refill="blocked", reasons=("fungemia",), antifungal={"state": "not_indicated"},
        absent={"device_removal_indicated"}),

    # ------------------------------------------------------------ drug choice
    # Fluconazole for C. krusei, under its old name ...
    "fluconazole-krusei-old-name": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="Candida krusei")],
                courses=[course("fluconazole", "2026-11-01", dose=400)]),
        "2026-11-02", alerts={"azole_intrinsic_resistance", "device_removal_indicated", "eye_exam_due"}, action={"azole_intrinsic_resistance": "echinocandin"}),
    # ... and its new one, abbreviated.
    "fluconazole-krusei-new-name": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="P. kudriavzevii")],
                courses=[course("Fluconazole", "2026-11-01", dose=400)]),
        "2026-11-02", alerts={"azole_intrinsic_resistance", "device_removal_indicated", "eye_exam_due"}),
    # Voriconazole is a listed option for C. krusei: not flagged.
    "voriconazole-krusei-quiet": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="Pichia kudriavzevii")],
                courses=[course("voriconazole", "2026-11-01", dose=400)]),
        "2026-11-02", absent={"azole_intrinsic_resistance", "azole_reduced_susceptibility"}, alerts={"device_removal_indicated", "eye_exam_due"}),
    # Fluconazole already stopped: not the current course, no alert.
    "stopped-fluconazole-krusei-quiet": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="Candida krusei")],
                courses=[course("fluconazole", "2026-11-01", "2026-11-02", dose=400), course("micafungin", "2026-11-02", dose=100)]),
        "2026-11-03", absent={"azole_intrinsic_resistance"}, alerts={"device_removal_indicated", "eye_exam_due", "followup_culture_due"}),
    # Fluconazole 400 mg for C. glabrata without susceptibility: reduced susceptibility.
    "fluconazole-glabrata-old-name": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="Candida glabrata")],
                courses=[course("fluconazole", "2026-11-01", dose=400)]),
        "2026-11-02", alerts={"azole_reduced_susceptibility", "device_removal_indicated", "eye_exam_due"}, absent={"azole_intrinsic_resistance"}),
    "fluconazole-glabrata-new-name": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="Nakaseomyces glabratus")],
                courses=[course("fluconazole", "2026-11-01", dose=400)]),
        "2026-11-02", alerts={"azole_reduced_susceptibility", "device_removal_indicated", "eye_exam_due"}),
    # Glabrata reported S: fine at any dose.
    "fluconazole-glabrata-S-quiet": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="C. glabrata", fluconazole="S")],
                courses=[course("fluconazole", "2026-11-01", dose=400)]),
        "2026-11-02", absent={"azole_reduced_susceptibility"}, alerts={"device_removal_indicated", "eye_exam_due"}),
    # Glabrata SDD at 800 mg: the IDSA high dose, fine.
    "fluconazole-glabrata-SDD-800-quiet": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="C. glabrata", fluconazole="SDD")],
                courses=[course("fluconazole", "2026-11-01", dose=800)]),
        "2026-11-02", absent={"azole_reduced_susceptibility"}, alerts={"device_removal_indicated", "eye_exam_due"}),
    # Glabrata SDD at 400 mg: too low.
    "fluconazole-glabrata-SDD-400": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="C. glabrata", fluconazole="SDD")],
                courses=[course("fluconazole", "2026-11-01", dose=400)]),
        "2026-11-02", alerts={"azole_reduced_susceptibility", "device_removal_indicated", "eye_exam_due"}),
    # Any isolate reported SDD (here C. albicans) at 400 mg: too low; at 800 mg fine.
    "fluconazole-albicans-SDD-400": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", fluconazole="SDD")],
                courses=[course("fluconazole", "2026-11-01", dose=400)]),
        "2026-11-02", alerts={"azole_reduced_susceptibility", "device_removal_indicated", "eye_exam_due"}),
    "fluconazole-albicans-SDD-800-quiet": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", fluconazole="SDD")],
                courses=[course("fluconazole", "2026-11-01", dose=800)]),
        "2026-11-02", absent={"azole_reduced_susceptibility"}, alerts={"device_removal_indicated", "eye_exam_due"}),
    # Micafungin for an isolate reported R to micafungin: critical. C. auris (new name).
    "micafungin-resistant-auris": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="Candidozyma auris", micafungin="R")],
                courses=[course("micafungin", "2026-11-01", dose=100)]),
        "2026-11-02", alerts={"c_auris", "device_removal_indicated", "drug_resistant", "eye_exam_due"}, text={"drug_resistant": "micafungin"}),
    # Micafungin with Candida in the CSF (2026-11-01): poor CNS penetration.
    "echinocandin-csf": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("csf", "2026-11-01", organism="Candida albicans")],
                courses=[course("micafungin", "2026-11-01", dose=100)]),
        "2026-11-02", alerts={"device_removal_indicated", "poor_cns_penetration"}, action={"poor_cns_penetration": "amphotericin"}),
    # C. auris (old name) on a skin swab two years ago: colonisation is lifelong.
    "c-auris-old-name-lifelong": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("other", "2024-11-01", organism="Candida auris")]),
        "2026-11-10", refill="ok", alerts={"c_auris"}, antifungal={"state": "not_indicated"}),
    # A C. auris culture dated after the list date is not known yet.
    "c-auris-after-as-of-ignored": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("other", "2026-11-11", organism="Candidozyma auris")]),
        "2026-11-10", absent={"c_auris"}),

    # ------------------------------------------------------------ reimplantation
    # Pump in: not applicable even during an episode.
    "reimplant-not-applicable-with-pump": Row(cleared([course("micafungin", "2026-11-01")]), "2026-11-10",
                                              reimplant={"state": "not_applicable", "eligible_on": None}, alerts={"device_removal_indicated"}),
    # Explanted, course running: waiting; earliest 2026-11-18 + 14 = 2026-12-02 (22 days
    # after 2026-11-10).
    "reimplant-waiting-course-running": Row(after_explant(stopped=None), "2026-11-10",
                                            reimplant={"state": "waiting", "eligible_on": d("2026-12-02"), "days_left": 22}),
    # Still fungemic: waiting with no date yet.
    "reimplant-waiting-no-date": Row(
        patient(pumps=[EXPLANTED], bridging=[bridging("2026-11-02")], cultures=[blood("2026-11-01")],
                courses=[course("micafungin", "2026-11-01")]),
        "2026-11-03", reimplant={"state": "waiting", "eligible_on": None, "days_left": None}, alerts={"eye_exam_due", "followup_culture_due"}),
    # Complete 2026-11-18; on 2026-11-25 waiting 7 more days.
    "reimplant-waiting-after-completion": Row(after_explant(), "2026-11-25",
                                              reimplant={"state": "waiting", "eligible_on": d("2026-12-02"), "days_left": 7}),
    # 2026-12-02 reached, no confirming culture: draw one on or after 2026-12-02.
    "reimplant-needs-culture": Row(after_explant(), "2026-12-02",
                                   reimplant={"state": "needs_culture", "culture_due_on": d("2026-12-02")}),
    # A no-growth culture drawn 2026-12-01, one day too early: still needs one.
    "reimplant-culture-a-day-early": Row(after_explant(extra_cultures=[blood("2026-12-01", "no_growth")]), "2026-12-03",
                                         reimplant={"state": "needs_culture"}),
    # Drawn exactly 2026-12-02: counts -> eligible from 2026-12-02.
    "reimplant-culture-on-the-day-eligible": Row(
        after_explant(extra_cultures=[blood("2026-12-02", "no_growth")]), "2026-12-03",
        reimplant={"state": "eligible", "eligible_on": d("2026-12-02")}),
    # A pending culture is not a final no-growth result.
    "reimplant-pending-culture-not-enough": Row(
        after_explant(extra_cultures=[blood("2026-12-02", "pending")]), "2026-12-03",
        reimplant={"state": "needs_culture"}),
    # Candida in urine 2026-11-25, after completion 2026-11-18. Revision 3 (change 7):
    # urine does not block reimplantation (was `relapse`, blocked): waiting until
    # 2026-11-18 + 14 = 2026-12-02, 6 days after 2026-11-26.
    "reimplant-urine-candida-ignored": Row(
        after_explant(extra_cultures=[culture("urine", "2026-11-25", organism="Candida albicans")]), "2026-11-26",
        reimplant={"state": "waiting", "eligible_on": d("2026-12-02"), "days_left": 6}),
    # Candida on a catheter tip 2026-11-25 (a sterile site) after completion: relapse.
    "reimplant-relapse-catheter-tip": Row(
        after_explant(extra_cultures=[culture("catheter_tip", "2026-11-25", organism="Candida albicans")]), "2026-11-26",
        reimplant={"state": "blocked"}, alerts={"relapse"}, text={"relapse": "2026-11-18"}),
    # New candidemia 2026-11-28 after the completed course: a new episode and a relapse.
    "reimplant-relapse-new-fungemia": Row(
        after_explant(extra_cultures=[blood("2026-11-28")]), "2026-11-29",
        antifungal={"state": "awaiting_clearance", "episode_start_on": d("2026-11-28")},
        reimplant={"state": "blocked"}, alerts={"eye_exam_due", "no_antifungal", "relapse"}),
    # The relapse (blood 2026-11-28, cleared 2026-11-30, symptoms resolved 2026-11-30) is
    # treated in turn: anchor 2026-11-30, required 2026-12-14, therapy to 2026-12-20 ->
    # complete; reimplantation waits until 2026-12-20 + 14 = 2027-01-03.
    "reimplant-relapse-treated-waits-again": Row(
        cleared([course("micafungin", "2026-11-01", "2026-11-18", dose=100),
                 course("micafungin", "2026-11-28", "2026-12-20", dose=100)],
                pumps=(EXPLANTED,), bridging=[bridging("2026-11-02", "lumbar_drain")], symptoms="2026-11-30",
                cultures=[blood("2026-11-28"), blood("2026-11-30", "no_growth")], exams=[eye_exam("2026-11-29")]),
        "2026-12-25", antifungal={"state": "complete", "episode_start_on": d("2026-11-28"),
                                  "required_until": d("2026-12-14")},
        reimplant={"state": "waiting", "eligible_on": d("2027-01-03"), "days_left": 9}, absent={"relapse"}),
    # Stopped early 2026-11-10: 11-05..11-10 = 6 days of therapy after the anchor 2026-11-04;
    # required_until = 2026-11-12 + (14 - 6) = 2026-11-20. Revision 3 (change 8): the earliest
    # reimplant date is max(2026-11-20, 2026-11-12) + 14 = 2026-12-04 (was: no date).
    "reimplant-stopped-early-waiting": Row(after_explant(stopped="2026-11-10"), "2026-11-12",
                                           antifungal={"state": "stopped_early", "required_until": d("2026-11-20")},
                                           alerts={"antifungal_stopped_early"},
                                           reimplant={"state": "waiting", "eligible_on": d("2026-12-04"), "days_left": 22}),

    # ================================================================ revision 3
    # ------------------------------------------------------------ 1. names as labs print them
    # "Pichia kudriavzevii (Candida krusei)" is C. krusei (revision 2 fell back on the genus):
    # fluconazole is flagged. Blood 2026-11-01, list 2026-11-02 (day 1: no follow-up due).
    "r3-krusei-synonym-fluconazole": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="Pichia kudriavzevii (Candida krusei)")],
                courses=[course("fluconazole", "2026-11-01", dose=400)]),
        "2026-11-02", refill="blocked", reasons=("fungemia",),
        alerts={"azole_intrinsic_resistance", "device_removal_indicated", "eye_exam_due"},
        text={"azole_intrinsic_resistance": "Pichia kudriavzevii (reported as Pichia kudriavzevii (Candida krusei))"}),
    "r3-krusei-slash-synonym": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="Candida krusei / Pichia kudriavzevii")],
                courses=[course("fluconazole", "2026-11-01", dose=400)]),
        "2026-11-02", alerts={"azole_intrinsic_resistance", "device_removal_indicated", "eye_exam_due"}),
    # "Candida auris complex" and "Candida auris (Candidozyma auris)" are C. auris.
    "r3-auris-complex": Row(patient(pumps=[STD_PUMP], cultures=[culture("other", "2026-10-01", organism="Candida auris complex")]),
                            "2026-11-10", refill="ok", alerts={"c_auris"}),
    "r3-auris-synonym": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("other", "2026-10-01", organism="Candida auris (Candidozyma auris)")]),
        "2026-11-10", refill="ok", alerts={"c_auris"}),
    # "Candida glabrata complex" on fluconazole 400 mg: reduced susceptibility.
    "r3-glabrata-complex-fluconazole-400": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="Candida glabrata complex")],
                courses=[course("fluconazole", "2026-11-01", dose=400)]),
        "2026-11-02", alerts={"azole_reduced_susceptibility", "device_removal_indicated", "eye_exam_due"}),
    # 799 mg is below the 800 mg SDD dose: still flagged (800 is quiet, row above).
    "fluconazole-albicans-SDD-799": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", fluconazole="SDD")],
                courses=[course("fluconazole", "2026-11-01", dose=799)]),
        "2026-11-02", alerts={"azole_reduced_susceptibility", "device_removal_indicated", "eye_exam_due"}),
    # A text the species table refuses ("Candida foo"), already in an old store: fails safe,
    # fungal (fungemia, not bacteremia), Candida group by its genus; no species rule.
    "r3-refused-name-fails-safe-fungal": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="Candida foo")]),
        "2026-11-02", refill="blocked", reasons=("fungemia",), antifungal={"state": "awaiting_clearance"},
        alerts={"device_removal_indicated", "eye_exam_due", "no_antifungal"}),
    "r3-yeast-text-fails-safe-fungal": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="yeast seen on Gram stain")]),
        "2026-11-02", refill="blocked", reasons=("fungemia",),
        alerts={"device_removal_indicated", "eye_exam_due", "no_antifungal"}),

    # ------------------------------------------------------------ 2. device infection until cleared
    # Candida in the CSF 2026-10-09, 32 days before 2026-11-10 (22 left in Oct + 10), no
    # repeat CSF culture, pump in, fluconazole running: still blocked, removal indicated
    # (revision 2: refill ok, no alerts). Alarm 2026-11-19 is 9 days away: no reservoir alert.
    "r3-candida-csf-32-days-still-blocks": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("csf", "2026-10-09", organism="Candida albicans")],
                courses=[course("fluconazole", "2026-10-10", dose=400)]),
        "2026-11-10", refill="blocked", reasons=("csf_infection",), alerts={"device_removal_indicated"},
        antifungal={"state": "specialist_duration", "required_until": None}),
    # S. aureus in the pocket 2026-11-01; a WOUND swab 2026-11-03 shows no growth: a
    # different site, the pocket infection stays.
    "r3-wound-negative-does-not-clear-pocket": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("pocket", "2026-11-01", organism="S. aureus"),
                                            culture("wound", "2026-11-03", "no_growth")]),
        "2026-11-05", refill="blocked", reasons=("pocket_infection",), alerts={"device_infection"}),
    # A pocket culture 2026-11-03 with no growth clears the pocket culture of 2026-11-01.
    "r3-pocket-cleared-by-later-pocket": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("pocket", "2026-11-01", organism="S. aureus"),
                                            culture("pocket", "2026-11-03", "no_growth")]),
        "2026-11-05", refill="ok", reasons=()),
    # A pocket no-growth drawn the SAME day as the positive proves nothing.
    "r3-pocket-same-day-negative-does-not-clear": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("pocket", "2026-11-01", organism="S. aureus"),
                                            culture("pocket", "2026-11-01", "no_growth")]),
        "2026-11-05", refill="blocked", reasons=("pocket_infection",), alerts={"device_infection"}),
    # CSF S. epidermidis 2026-09-01 grown with the OLD pump (out 2026-09-02); the new pump
    # went in 2026-10-01: the removal of that pump ended it.
    "r3-csf-of-an-earlier-pump-does-not-count": Row(
        patient(pumps=[pump(removed="2026-09-02"), pump(refill("2026-10-20"), implanted="2026-10-01", serial="NGP000555")],
                bridging=[bridging("2026-09-02")], cultures=[culture("csf", "2026-09-01", organism="S. epidermidis")]),
        "2026-11-10", refill="ok", reasons=()),
    # CSF S. epidermidis 2026-11-01, pump out 2026-11-03 with bridging that day: no pump,
    # no device infection, nothing to alert.
    "r3-removal-ends-device-infection": Row(
        patient(pumps=[pump(refill("2026-10-20"), removed="2026-11-03")], bridging=[bridging("2026-11-03")],
                cultures=[culture("csf", "2026-11-01", organism="S. epidermidis")]),
        "2026-11-05", refill="not_applicable"),
    # Bounded by episode_lookback_days: CSF positive 2025-11-10 is 365 days before
    # 2026-11-10 (counts) and 366 days before 2026-11-11 (no longer counts).
    "r3-device-lookback-365-blocks": Row(
        patient(pumps=[pump(refill("2026-10-20"))], cultures=[culture("csf", "2025-11-10", organism="S. epidermidis")]),
        "2026-11-10", refill="blocked", reasons=("csf_infection",), alerts={"device_infection"}),
    "r3-device-lookback-366-ok": Row(
        patient(pumps=[pump(refill("2026-10-20"))], cultures=[culture("csf", "2025-11-10", organism="S. epidermidis")]),
        "2026-11-11", refill="ok", reasons=()),
    # CSF block with the alarm 2026-11-19: 7 days from 2026-11-12 -> withdrawal risk (and
    # refill_due in its blocked wording); 8 days from 2026-11-11 -> not yet.
    "r3-withdrawal-7-days-csf-block": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("csf", "2026-11-01", organism="S. epidermidis")]),
        "2026-11-12", refill="blocked", alerts={"device_infection", "refill_due", "withdrawal_risk"},
        action={"refill_due": "Do not book a refill"}),
    "r3-withdrawal-8-days-csf-block-quiet": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("csf", "2026-11-01", organism="S. epidermidis")]),
        "2026-11-11", refill="blocked", alerts={"device_infection"}),
    # Blood no-growth 2026-11-09, the day AFTER the positive 2026-11-08: clearance 2026-11-09
    # (the other side of the same-day rule); no symptom date -> awaiting it, course open.
    "r3-negative-next-day-clears": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-08"), blood("2026-11-09", "no_growth")],
                courses=[course("micafungin", "2026-11-08", dose=100)]),
        "2026-11-10", refill="blocked", reasons=("antifungal_course_open",),
        antifungal={"state": "awaiting_symptom_resolution", "clearance_on": d("2026-11-09")},
        alerts={"device_removal_indicated", "eye_exam_due"}),

    # ------------------------------------------------------------ 3. fungal groups
    # Cryptococcus fungemia 2026-11-01, cleared 2026-11-03, symptoms 2026-11-04, fluconazole
    # 2026-11-01..2026-11-20 with no planned stop date: NOT complete (revision 2 said
    # complete after 16 days): specialist duration stopped without a plan = stopped early.
    # Pump refilled 2026-11-10: alarm 2026-12-10, no reservoir alert on 2026-11-21.
    "r3-cryptococcus-16-days-not-complete": Row(
        patient(pumps=[pump(refill("2026-11-10"))], cultures=[blood("2026-11-01", organism="Cryptococcus neoformans"),
                                                            blood("2026-11-03", "no_growth")],
                courses=[course("fluconazole", "2026-11-01", "2026-11-20", dose=400)], symptoms="2026-11-04"),
        "2026-11-21", refill="blocked", reasons=("antifungal_course_open",),
        antifungal={"state": "stopped_early", "required_until": None, "day": None},
        alerts={"antifungal_stopped_early", "device_removal_indicated", "non_candida_fungus"},
        text={"antifungal_stopped_early": "no planned stop date", "non_candida_fungus": "lumbar puncture"}),
    # Cryptococcus, no antifungal: the suggestion is amphotericin B + flucytosine, never an
    # echinocandin; no eye exam (not candida).
    "r3-cryptococcus-no-antifungal-suggests-amphotericin": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="C. neoformans")]), "2026-11-02",
        refill="blocked", antifungal={"state": "awaiting_clearance"},
        alerts={"device_removal_indicated", "no_antifungal", "non_candida_fungus"},
        action={"no_antifungal": "liposomal amphotericin B with flucytosine"}),
    # Micafungin for Cryptococcus: inactive (critical).
    "r3-echinocandin-for-cryptococcus-inactive": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="Cryptococcus neoformans")],
                courses=[course("micafungin", "2026-11-01", dose=100)]),
        "2026-11-02", alerts={"device_removal_indicated", "drug_inactive", "non_candida_fungus"},
        text={"drug_inactive": "Cryptococcus"}),
    # Fluconazole for Aspergillus fumigatus: inactive; the mould advice in non_candida_fungus.
    "r3-fluconazole-for-mould-inactive": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="Aspergillus fumigatus")],
                courses=[course("fluconazole", "2026-11-01", dose=400)]),
        "2026-11-02", alerts={"device_removal_indicated", "drug_inactive", "non_candida_fungus"},
        text={"non_candida_fungus": "mould-active"}),
    # Cryptococcus with a planned stop 2026-12-31 recorded: counted against it. On 2026-11-10
    # day = days of therapy 11-01..11-10 = 10, days left = 20 (Nov) + 31 = 51, of 61.
    "r3-cryptococcus-planned-stop-counts": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01", organism="Cryptococcus neoformans"),
                                            blood("2026-11-03", "no_growth")],
                courses=[course("fluconazole", "2026-11-01", dose=800, planned="2026-12-31")], symptoms="2026-11-04"),
        "2026-11-10", refill="blocked", reasons=("antifungal_course_open",),
        antifungal={"state": "specialist_duration", "required_until": d("2026-12-31"), "day": 10, "days_left": 51,
                    "required_days": 61},
        alerts={"device_removal_indicated", "non_candida_fungus"}),
    # ... stopped 2026-12-31 = the planned stop: complete on 2027-01-01; the pump was kept:
    # caution device_retained. Refill 2026-12-20: alarm 2027-01-19, nothing due.
    "r3-cryptococcus-complete-at-planned-stop": Row(
        patient(pumps=[pump(refill("2026-12-20"))], cultures=[blood("2026-11-01", organism="Cryptococcus neoformans"),
                                                            blood("2026-11-03", "no_growth")],
                courses=[course("fluconazole", "2026-11-01", "2026-12-31", dose=800, planned="2026-12-31")],
                symptoms="2026-11-04"),
        "2027-01-01", refill="caution", reasons=("device_retained",),
        antifungal={"state": "complete", "completed_on": d("2026-12-31")}, alerts={"device_retained"}),
    # Candida in CSF 2026-11-01 cleared by a CSF no-growth 2026-11-05, fluconazole running,
    # no planned stop: the block moves from csf_infection to antifungal_course_open.
    "r3-fungal-csf-cleared-course-open": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("csf", "2026-11-01", organism="Candida albicans"),
                                            culture("csf", "2026-11-05", "no_growth")],
                courses=[course("fluconazole", "2026-11-01", dose=800)]),
        "2026-11-06", refill="blocked", reasons=("antifungal_course_open",),
        antifungal={"state": "specialist_duration", "clearance_on": d("2026-11-05")}),
    # ... stopped 2026-11-20 on its planned stop date: complete, pump kept -> caution.
    "r3-fungal-csf-cleared-course-complete": Row(
        patient(pumps=[pump(refill("2026-11-10"))],
                cultures=[culture("csf", "2026-11-01", organism="Candida albicans"), culture("csf", "2026-11-05", "no_growth")],
                courses=[course("fluconazole", "2026-11-01", "2026-11-20", dose=800, planned="2026-11-20")]),
        "2026-11-21", refill="caution", reasons=("device_retained",), antifungal={"state": "complete"},
        alerts={"device_retained"}),

    # ------------------------------------------------------------ 4. days of therapy
    # Cleared (anchor 2026-11-04); fluconazole 11-01..11-06 (covers 11-05, 11-06 after the
    # anchor) and 11-17..11-18 (2 days): N = 4 (revision 2: "complete", the calendar reached
    # 11-18). Stopped early, 10 days missing; required_until = 11-19 + (14 - 4) = 11-29.
    # Blocked with the alarm today (11-19): withdrawal_risk and refill_due.
    "r3-four-days-of-therapy-not-complete": Row(
        cleared([course("fluconazole", "2026-11-01", "2026-11-06", dose=400),
                 course("fluconazole", "2026-11-17", "2026-11-18", dose=400)]), "2026-11-19",
        refill="blocked", reasons=("antifungal_course_open",),
        antifungal={"state": "stopped_early", "day": 4, "required_until": d("2026-11-29"), "days_left": 10},
        alerts={"antifungal_stopped_early", "device_removal_indicated", "refill_due", "withdrawal_risk"},
        text={"antifungal_stopped_early": "10 days of therapy missing"}),
    # Micafungin 11-01..11-06, restarted 11-10 and running: N on 11-12 = 2 (11-05, 11-06) +
    # 3 (11-10..11-12) = 5; required_until = 11-12 + 9 = 11-21 (3 days later than unbroken).
    "r3-gap-moves-end-date": Row(
        cleared([course("micafungin", "2026-11-01", "2026-11-06", dose=100), course("micafungin", "2026-11-10", dose=100)]),
        "2026-11-12", refill="blocked", reasons=("antifungal_course_open",),
        antifungal={"state": "in_progress", "day": 5, "days_left": 9, "required_until": d("2026-11-21"),
                    "required_days": 14},
        # alarm 2026-11-19 is 7 days away while blocked: withdrawal_risk, refill_due
        alerts={"device_removal_indicated", "refill_due", "withdrawal_risk"}),

    # ------------------------------------------------------------ 5. bridging for this removal
    # Oral baclofen recorded 2024-05-01 (an earlier explant); pump removed 2026-11-01: the old
    # record does not cover it (revision 2: it silenced the alert).
    "r3-bridging-from-2024-does-not-cover": Row(
        patient(pumps=[pump(removed="2026-11-01")], bridging=[bridging("2024-05-01")]), "2026-11-05",
        refill="not_applicable", alerts={"no_bridging_plan"}),
    # Method `other` (clonidine) does not count; the text says why.
    "r3-bridging-other-does-not-count": Row(
        patient(pumps=[pump(removed="2026-11-01")], bridging=[bridging("2026-11-01", "other", detail="clonidine")]),
        "2026-11-05", alerts={"no_bridging_plan"}, text={"no_bridging_plan": "no other agent is known to prevent"}),
    # Started 2026-10-25 = removal - 7 days (bridging_window_days): covers it ...
    "r3-bridging-7-days-before-counts": Row(
        patient(pumps=[pump(removed="2026-11-01")], bridging=[bridging("2026-10-25")]), "2026-11-05"),
    # ... 2026-10-24 = removal - 8 days: belongs to something earlier.
    "r3-bridging-8-days-before-does-not-count": Row(
        patient(pumps=[pump(removed="2026-11-01")], bridging=[bridging("2026-10-24")]), "2026-11-05",
        alerts={"no_bridging_plan"}),
    # Stopped 2026-10-31, the day before the removal: does not cover it; stopped on the
    # removal day 2026-11-01: covers it.
    "r3-bridging-stopped-before-removal": Row(
        patient(pumps=[pump(removed="2026-11-01")], bridging=[bridging("2026-10-28", stopped="2026-10-31")]),
        "2026-11-05", alerts={"no_bridging_plan"}),
    "r3-bridging-stopped-on-removal-counts": Row(
        patient(pumps=[pump(removed="2026-11-01")], bridging=[bridging("2026-10-28", stopped="2026-11-01")]),
        "2026-11-05"),
    # Removed 2026-11-01, a new pump in 2026-11-03, no bridging: no alert while a pump is in.
    "r3-new-pump-in-no-bridging-alert": Row(
        patient(pumps=[pump(removed="2026-11-01"), pump(refill("2026-11-03"), implanted="2026-11-03", serial="NGP000888")]),
        "2026-11-05", refill="ok"),

    # ------------------------------------------------------------ 6. no mixed messages
    # Fungemia 2026-11-03 blocks; the last refill 2026-09-20 alarmed 2026-10-20, 15 days
    # before 2026-11-04: the texts never say to book a refill, they point to the withdrawal plan.
    "r3-blocked-never-says-book-a-refill": Row(
        patient(pumps=[pump(refill("2026-09-20"))], cultures=[blood("2026-11-03")]), "2026-11-04",
        refill="blocked", reservoir={"alarm_on": d("2026-10-20"), "days_to_alarm": -15},
        alerts={"device_removal_indicated", "eye_exam_due", "no_antifungal", "refill_due", "reservoir_alarm_passed",
                "withdrawal_risk"},
        action={"refill_due": "withdrawal plan", "reservoir_alarm_passed": "Refill is blocked"}),
    # Bacterial device infection with the pump in: device_infection, never device_removal_indicated
    # (that is for fungi); wound swab 2026-11-01.
    "r3-bacterial-device-infection-alert": Row(
        patient(pumps=[STD_PUMP], cultures=[culture("wound", "2026-11-01", organism="MRSA")]), "2026-11-05",
        refill="blocked", reasons=("pocket_infection",), alerts={"device_infection"}),

    # ------------------------------------------------------------ 7. relapse: sterile sites, fungal only
    # E. coli in urine 2026-11-25 after completion 2026-11-18: nothing (revision 2: critical relapse).
    "r3-ecoli-urine-ignored": Row(
        after_explant(extra_cultures=[culture("urine", "2026-11-25", organism="E. coli")]), "2026-11-26",
        reimplant={"state": "waiting", "eligible_on": d("2026-12-02")}),
    # S. aureus in a wound swab 2026-11-25 after completion: infection_before_reimplant.
    "r3-bacterial-wound-blocks-reimplant": Row(
        after_explant(extra_cultures=[culture("wound", "2026-11-25", organism="S. aureus")]), "2026-11-26",
        reimplant={"state": "blocked"}, alerts={"infection_before_reimplant"}),
    # ... cleared by a wound no-growth 2026-11-27, confirming blood culture 2026-12-02:
    # eligible from 2026-12-02.
    "r3-bacterial-wound-cleared-eligible": Row(
        after_explant(extra_cultures=[culture("wound", "2026-11-25", organism="S. aureus"),
                                      culture("wound", "2026-11-27", "no_growth"), blood("2026-12-02", "no_growth")]),
        "2026-12-03", reimplant={"state": "eligible", "eligible_on": d("2026-12-02")}),

    # ------------------------------------------------------------ 8. reimplant date while the course runs
    # Course still running on 2026-11-20; 14 days given by 2026-11-18 (required_until):
    # eligible_on = max(2026-11-18, 2026-11-20) + 14 = 2026-12-04, 14 days away.
    "r3-reimplant-date-uses-today-when-later": Row(after_explant(stopped=None), "2026-11-20",
                                                   antifungal={"state": "in_progress", "required_until": d("2026-11-18")},
                                                   reimplant={"state": "waiting", "eligible_on": d("2026-12-04"),
                                                              "days_left": 14}),

    # ------------------------------------------------------------ 9. a pump with no implant date is in
    "r3-no-implant-date-pump-blocks": Row(
        patient(pumps=[pump(refill("2026-10-20"), implanted=None)], cultures=[blood("2026-11-08")],
                courses=[course("micafungin", "2026-11-08", dose=100)]),
        "2026-11-09", refill="blocked", reasons=("fungemia",), alerts={"device_removal_indicated", "eye_exam_due"}),
    "r3-no-implant-date-pump-device-infection": Row(
        patient(pumps=[pump(refill("2026-10-20"), implanted=None)], cultures=[culture("csf", "2026-11-01", organism="S. epidermidis")]),
        "2026-11-05", refill="blocked", reasons=("csf_infection",), alerts={"device_infection"}),

    # ------------------------------------------------------------ edges of the eye exam
    # Exam on the episode's first day (2026-11-01) counts; the day before does not.
    "r3-eye-exam-on-episode-start-counts": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01")], courses=[course("micafungin", "2026-11-01")],
                exams=[eye_exam("2026-11-01")]),
        "2026-11-02", alerts={"device_removal_indicated"}),
    "r3-eye-exam-day-before-start-does-not-count": Row(
        patient(pumps=[STD_PUMP], cultures=[blood("2026-11-01")], courses=[course("micafungin", "2026-11-01")],
                exams=[eye_exam("2026-10-31")]),
        "2026-11-02", alerts={"device_removal_indicated", "eye_exam_due"}),
    # Due 2026-11-01 + 7 = 2026-11-08: "due by ... (today)" on 11-08, "overdue since" on 11-09.
    # (latest blood culture 11-01 is 7-8 days old: follow-up culture due too)
    "r3-eye-exam-due-today": Row(
        patient(pumps=[pump(refill("2026-11-01"))], cultures=[blood("2026-11-01")], courses=[course("micafungin", "2026-11-01")]),
        "2026-11-08", alerts={"device_removal_indicated", "eye_exam_due", "followup_culture_due"},
        text={"eye_exam_due": "due by 2026-11-08 (today)"}),
    "r3-eye-exam-overdue-next-day": Row(
        patient(pumps=[pump(refill("2026-11-01"))], cultures=[blood("2026-11-01")], courses=[course("micafungin", "2026-11-01")]),
        "2026-11-09", alerts={"device_removal_indicated", "eye_exam_due", "followup_culture_due"},
        text={"eye_exam_due": "overdue since 2026-11-08"}),
}


@pytest.mark.parametrize("row", list(ROWS.values()), ids=list(ROWS))
def test_scenario(row: Row):
    a = assess(row.patient, d(row.as_of))
    codes = [alert.code for alert in a.alerts]
    if row.refill is not None:
        assert a.refill.status == row.refill, a.refill
    if row.reasons is not None:
        assert a.refill.reasons == row.reasons, a.refill
        assert len(a.refill.explanations) == len(a.refill.reasons)
    assert set(codes) == row.alerts, codes
    assert not (row.absent & row.alerts), "a row cannot both expect and exclude an alert"
    if row.reservoir is NONE:
        assert a.reservoir is None
    elif row.reservoir is not None:
        assert a.reservoir is not None
        for key, value in row.reservoir.items():
            assert getattr(a.reservoir, key) == value, (key, a.reservoir)
    for part, expected in (("antifungal", row.antifungal), ("reimplant", row.reimplant)):
        for key, value in (expected or {}).items():
            assert getattr(getattr(a, part), key) == value, (part, key, getattr(a, part))
    by_code = {alert.code: alert for alert in a.alerts}
    for code, words in row.text.items():
        assert words in by_code[code].text, by_code[code].text
    for code, words in row.action.items():
        assert words in (by_code[code].action or ""), by_code[code].action


def test_the_table_covers_every_code_and_state():
    """Every refill reason, alert code and state of the contract is exercised above."""
    from itb_tui.clinical.assessment import ALERT_CODES, ANTIFUNGAL_STATES, REFILL_REASONS, REIMPLANT_STATES

    seen_alerts, seen_reasons, seen_af, seen_re = set(), set(), set(), set()
    for row in ROWS.values():
        a = assess(row.patient, d(row.as_of))
        seen_alerts |= {alert.code for alert in a.alerts} & row.alerts
        seen_reasons |= set(row.reasons or ())
        seen_af.add(a.antifungal.state)
        seen_re.add(a.reimplant.state)
    assert seen_alerts == set(ALERT_CODES)
    assert seen_reasons == set(REFILL_REASONS)
    assert seen_af == set(ANTIFUNGAL_STATES)
    assert seen_re == set(REIMPLANT_STATES)
    assert len(ROWS) >= 45


def test_unknown_organism_is_really_unknown():
    """The bacteremia row above relies on the name being unrecognised."""
    assert lookup("Zymomonas imaginaria") is None


def test_the_decimal_row_would_fail_in_floats():
    """Proof that the decimal row tests something: binary floats put that alarm a day early."""
    import math

    assert math.floor((18.5 - 2.0) / (275 / 500)) == 29
    a = assess(ROWS["decimal-exact-not-a-day-early"].patient, d("2026-11-10"))
    assert (a.reservoir.computed_alarm_on - d("2026-10-20")).days == 30
