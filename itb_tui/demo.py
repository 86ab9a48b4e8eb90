"""The synthetic demo ward: every rule state and alert, on any day, with no real patient.

The hand-written part lives in `data/demo-ward.json` (reviewable without reading code): a
ward file whose dates are written relative to the day the demo is built ("today-12",
"today-47y-112"), so the demo shows a patient on "Day 6 of 14" whatever the date. Each
patient carries a `scenario` line saying what it demonstrates; together they cover every
refill status and reason, antifungal and reimplantation state and alert code (a test
proves it against the engine).

`build_demo_ward(today, patients=N)` with N above the template size adds seeded random
patients, mostly stable pumps as on a real ward, so the list can be tried at hospital
scale. Same N and today, same ward. Every patient passes `wardfile.validate_patient`
(the template goes through `parse_ward`, the generator's output is tested).
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from itb_tui.clinical.records import (
    AntifungalCourse,
    Bridging,
    Culture,
    Patient,
    Pump,
    Refill,
)
from itb_tui.wardfile import parse_ward
from itb_tui.wardfile.limits import FORMAT
from itb_tui.wardfile.parse import DATE_FIELDS

TEMPLATE_NAME = "demo-ward.json"
_RELATIVE = re.compile(r"today(?:([+-][0-9]+)y)?(?:([+-][0-9]+))?")


def template_path() -> Path:
    """`itb_tui/_data/demo-ward.json` in an installed wheel, `data/` in a checkout."""
    package_dir = Path(__file__).resolve().parent
    installed = package_dir / "_data" / TEMPLATE_NAME
    return installed if installed.exists() else package_dir.parent / "data" / TEMPLATE_NAME


@lru_cache(maxsize=1)
def _template() -> dict:
    return json.loads(template_path().read_text(encoding="utf-8"))


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def resolve_date(text: str, today: date) -> str:
    """"today", "today-12", "today+3", "today-47y-112" -> an ISO date relative to `today`."""
    match = _RELATIVE.fullmatch(text)
    if match is None:
        raise ValueError(f"demo template: cannot read the relative date {text!r}")
    years, days = match.groups()
    day = _shift_years(today, int(years)) if years else today
    return (day + timedelta(days=int(days or 0))).isoformat()


def _resolve(node: object, today: date) -> object:
    """A copy of the template node with relative dates resolved and `scenario` dropped."""
    if isinstance(node, dict):
        return {
            key: resolve_date(value, today) if key in DATE_FIELDS and isinstance(value, str) else _resolve(value, today)
            for key, value in node.items()
            if key != "scenario"
        }
    if isinstance(node, list):
        return [_resolve(item, today) for item in node]
    return node


def template_patients(today: date) -> list[Patient]:
    """The hand-written demo patients, dated relative to `today`, validated."""
    doc = _resolve(_template(), today)
    return parse_ward({"format": FORMAT, "patients": doc["patients"]}, today)


def scenarios() -> dict[str, str]:
    """MRN -> what that template patient demonstrates (for Help and the README)."""
    return {p["mrn"]: p.get("scenario", "") for p in _template()["patients"]}


def build_demo_ward(today: date, patients: int | None = None) -> list[Patient]:
    """The demo ward on `today`: the template, cut to `patients` or topped up to it.

    Deterministic: the same `today` and `patients` always give the same records (the
    extra patients come from a generator seeded by the date only, so a larger ward
    starts with the same patients as a smaller one).
    """
    ward = template_patients(today)
    if patients is None:
        return ward
    if patients < 0:
        raise ValueError(f"the demo ward cannot have {patients} patients")
    if patients <= len(ward):
        return ward[:patients]
    rng = random.Random(f"itb-tui demo ward {today.isoformat()}")
    extra = [_generated_patient(rng, index, today) for index in range(patients - len(ward))]
    return ward + extra


# --- the generated patients ---

_FIRST_NAMES = (
    "Ada", "Bo", "Cai", "Dina", "Eli", "Fay", "Gus", "Hana", "Ivo", "Juno", "Kai", "Lea",
    "Milo", "Nora", "Otto", "Pia", "Rafe", "Sia", "Tom", "Uma", "Vik", "Wren", "Yara", "Zeno",
)
_SURNAMES = ("Testperson", "Demopatient", "Synthetica", "Fictive")
_WARDS = ("Neuro 4B", "Rehab 2", "Neuro 4A", "Spinal 3", "ITB Clinic")
# (concentration µg/mL, daily dose µg/day): common maintenance prescriptions.
_PRESCRIPTIONS = (
    (500, 100), (500, 150), (500, 200), (500, 250), (1000, 200), (1000, 300),
    (1000, 400), (2000, 400), (2000, 600), (2000, 800), (2000, 250), (500, 120),
)
_PUMP_MODELS = (("Medtronic", "SynchroMed II", 20), ("Medtronic", "SynchroMed II", 40),
                ("Flowonix", "Prometra II", 20))
# Scenario weights: a real ward is mostly quiet, stable pumps.
_KINDS = (
    ("stable", 70), ("no_pump", 8), ("pending", 5), ("alarm_passed", 3), ("mismatch", 3),
    ("c_auris", 3), ("bacteremia", 3), ("old_episode", 3), ("cleared_in_progress", 2),
)


def _generated_patient(rng: random.Random, index: int, today: date) -> Patient:
    """One synthetic patient (scenario drawn by weight), valid on `today`."""
    kind = rng.choices([k for k, _ in _KINDS], weights=[w for _, w in _KINDS])[0]
    ward = _WARDS[index % len(_WARDS)]
    age_days = rng.randint(18 * 365, 85 * 365)
    patient = Patient(
        mrn=f"DG{index + 1:06d}",
        name=f"{rng.choice(_SURNAMES)}, {rng.choice(_FIRST_NAMES)}",
        dob=today - timedelta(days=age_days),
        ward=ward,
        bed=None if ward == "ITB Clinic" else str(index // len(_WARDS) + 1),
        weight_kg=Decimal(rng.randint(400, 1100)) / 10,
    )
    if kind == "no_pump":
        return patient
    pump = _stable_pump(rng, index, today, age_days)
    if kind == "alarm_passed":
        pump = _refilled(pump, today - timedelta(days=_days_to_alarm(pump) + rng.randint(1, 5)))
    elif kind == "mismatch":
        last = pump.refills[-1]
        printed = last.on + timedelta(days=max(0, _days_to_alarm(pump) - rng.randint(4, 12)))
        pump = replace(pump, refills=pump.refills[:-1] + (replace(last, programmer_alarm_on=printed),))
    patient = replace(patient, pumps=(pump,))
    if kind == "pending":
        drawn = today - timedelta(days=rng.randint(0, 4))
        return replace(patient, cultures=(Culture("blood", drawn, "pending"),))
    if kind == "c_auris":
        drawn = today - timedelta(days=rng.randint(30, 900))
        drawn = max(drawn, pump.implanted_on)
        return replace(patient, cultures=(Culture("other", drawn, "positive", "Candidozyma auris"),))
    if kind == "bacteremia":
        drawn = today - timedelta(days=rng.randint(0, 3))
        organism = rng.choice(("Staphylococcus aureus", "Escherichia coli", "Klebsiella pneumoniae"))
        return replace(patient, cultures=(Culture("blood", drawn, "positive", organism),
                                          Culture("blood", today, "pending")))
    if kind == "old_episode":
        return _old_episode(rng, patient, today)
    if kind == "cleared_in_progress":
        return _cleared_in_progress(rng, patient, today)
    return patient


def _days_to_alarm(pump: Pump) -> int:
    last = pump.refills[-1]
    daily = pump.daily_dose_ug / pump.concentration_ug_ml
    return int((last.volume_ml - pump.alarm_ml) / daily)


def _refilled(pump: Pump, on: date) -> Pump:
    on = max(on, pump.implanted_on)
    return replace(pump, refills=(Refill(on, pump.reservoir_ml),))


def _stable_pump(rng: random.Random, index: int, today: date, age_days: int) -> Pump:
    """A pump implanted years ago, last refilled so its refill falls 1-90 days ahead."""
    manufacturer, model, reservoir = rng.choice(_PUMP_MODELS)
    concentration, dose = rng.choice(_PRESCRIPTIONS)
    implanted = today - timedelta(days=rng.randint(200, min(age_days - 365, 4000)))
    pump = Pump(
        serial=f"DEMO-G-{index + 1:06d}", manufacturer=manufacturer, model=model,
        reservoir_ml=Decimal(reservoir), alarm_ml=Decimal("2.0"), implanted_on=implanted,
        removed_on=None, removal_reason=None, concentration_ug_ml=Decimal(concentration),
        daily_dose_ug=Decimal(dose),
    )
    lasts = min(_days_to_alarm(_refilled(pump, implanted)), 180)
    ahead = rng.randint(1, max(1, min(90, lasts - 1)))
    return _refilled(pump, today - timedelta(days=lasts - ahead))


def _old_episode(rng: random.Random, patient: Patient, today: date) -> Patient:
    """A candidemia over a year ago, treated, pump exchanged: closed, raises nothing."""
    (pump,) = patient.pumps
    positive = today - timedelta(days=rng.randint(400, 700))
    explant = positive + timedelta(days=1)
    first = Pump(
        serial=pump.serial + "-OLD", manufacturer=pump.manufacturer, model=pump.model,
        reservoir_ml=pump.reservoir_ml, alarm_ml=pump.alarm_ml,
        implanted_on=min(pump.implanted_on, positive) - timedelta(days=rng.randint(300, 900)),
        removed_on=explant, removal_reason="explanted for candidemia",
        concentration_ug_ml=pump.concentration_ug_ml, daily_dose_ug=pump.daily_dose_ug,
    )
    first = replace(first, implanted_on=max(first.implanted_on, patient.dob + timedelta(days=365)))
    second = replace(pump, implanted_on=explant + timedelta(days=rng.randint(40, 90)))
    if second.refills[-1].on < second.implanted_on:
        second = _refilled(second, second.implanted_on)
    return replace(
        patient,
        pumps=(first, second),
        symptoms_resolved_on=positive + timedelta(days=4),
        cultures=(Culture("blood", positive, "positive", "Candida albicans", {"fluconazole": "S"}),
                  Culture("blood", positive + timedelta(days=3), "no_growth")),
        antifungals=(AntifungalCourse("fluconazole", Decimal(400), positive, positive + timedelta(days=20)),),
        bridging=(Bridging("oral_baclofen", explant, "20 mg three times daily"),),
    )


def _cleared_in_progress(rng: random.Random, patient: Patient, today: date) -> Patient:
    """Pump explanted with bridging, fungemia cleared, course running: reimplant waiting."""
    (pump,) = patient.pumps
    positive = today - timedelta(days=rng.randint(8, 16))
    explant = positive + timedelta(days=1)
    pump = replace(pump, implanted_on=min(pump.implanted_on, pump.refills[-1].on, positive),
                   removed_on=explant, removal_reason="explanted for candidemia")
    if pump.refills[-1].on > explant:
        pump = _refilled(pump, explant - timedelta(days=rng.randint(1, 30)))
    return replace(
        patient,
        pumps=(pump,),
        symptoms_resolved_on=positive + timedelta(days=4),
        cultures=(Culture("blood", positive, "positive", "Candida albicans"),
                  Culture("blood", positive + timedelta(days=3), "no_growth")),
        antifungals=(AntifungalCourse("micafungin", Decimal(100), positive),),
        bridging=(Bridging("lumbar_drain", explant, "externalised pump"),),
    )
