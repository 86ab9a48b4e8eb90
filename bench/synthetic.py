"""Synthetic patients with the history of a busy pump clinic, for the benchmarks.

Why not the demo ward: the demo generator makes patients with one refill and a culture
or two, so a 10,000-patient demo store is far lighter than a real clinic's. A patient
here carries years of history, as the issue asks: about 20 refills, 6 cultures and 2
antifungal courses on average, a bridging record wherever a pump came out, and a mix of
current states (active fungemia, a course running, explanted and waiting for
reimplantation, bacteraemia, pending cultures, passed alarms) so the engine does the
work a real clinic gives it. Every name, MRN and serial is invented.

Deterministic: patient `index` depends only on the index, `today` and
GENERATOR_VERSION, so a store of 10,000 starts with the same patients as one of 1,000.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Iterator

from itb_tui.clinical.records import (
    AntifungalCourse,
    Bridging,
    Culture,
    Exam,
    Patient,
    Pump,
    Refill,
)

# Bump whenever the generated records change: cached stores are keyed by it.
GENERATOR_VERSION = 1
# Every benchmark runs "as of" this day (subprocesses get ITB_TUI_TODAY), so a cached
# store means the same thing whatever day the suite is run.
BENCH_TODAY = date(2026, 11, 25)

_FIRST = (
    "Ada", "Bo", "Cai", "Dina", "Eli", "Fay", "Gus", "Hana", "Ivo", "Juno", "Kai", "Lea",
    "Milo", "Nora", "Otto", "Pia", "Rafe", "Sia", "Tom", "Uma", "Vik", "Wren", "Yara",
    "Zeno", "Ines", "Jonas", "Karin", "Luca", "Mira", "Nils", "Olga", "Paul", "Rosa",
    "Sven", "Tara", "Ugo", "Vera", "Willem", "Xenia", "Yusuf", "Zora", "Amir", "Beth",
)
_SURNAME_HEADS = (
    "Bar", "Cor", "Del", "Fen", "Gal", "Har", "Ist", "Jor", "Kel", "Lom", "Mar", "Nor",
    "Ost", "Pel", "Quin", "Ros", "Sal", "Tor", "Ul", "Ven", "Wes", "Yar", "Zel",
)
_SURNAME_TAILS = (
    "ton", "ley", "wick", "berg", "son", "field", "more", "dale", "ford", "stein", "ani",
    "etti", "ova", "sen",
)
_WARDS = (
    "ITB Clinic", "Neuro 4A", "Neuro 4B", "Rehab 2", "Rehab 3", "Spinal 3", "Spinal 5",
    "Paeds Neuro", "ICU", "Neurosurgery 6", "Stroke 1", "Community",
)
# (concentration µg/mL, daily dose µg/day): common maintenance prescriptions.
_PRESCRIPTIONS = (
    (500, 100), (500, 150), (500, 200), (500, 250), (1000, 200), (1000, 300),
    (1000, 400), (2000, 400), (2000, 600), (2000, 800), (2000, 250), (500, 120),
)
_PUMP_MODELS = (("Medtronic", "SynchroMed II", 20), ("Medtronic", "SynchroMed II", 40),
                ("Flowonix", "Prometra II", 20))
_ALARM_ML = Decimal("2.0")
_CANDIDA = (
    ("Candida albicans", {"fluconazole": "S", "micafungin": "S"}),
    ("Candida parapsilosis", {"fluconazole": "S", "micafungin": "I"}),
    ("Candida tropicalis", {"fluconazole": "S"}),
    ("Nakaseomyces glabratus", {"fluconazole": "SDD", "micafungin": "S"}),
)
_BACTERIA = ("Staphylococcus aureus", "Escherichia coli", "Klebsiella pneumoniae",
             "Staphylococcus epidermidis")
# Scenario weights (percent): most of a clinic is quiet, stable pumps with an old history.
_SCENARIOS = (
    ("stable", 56), ("old_explant", 10), ("pending", 5), ("alarm_passed", 3), ("mismatch", 3),
    ("active_fungemia", 4), ("in_progress", 4), ("awaiting_symptoms", 2),
    ("explanted_waiting", 4), ("no_bridging", 1), ("bacteremia", 3), ("csf_candida", 1),
    ("krusei_fluconazole", 1), ("c_auris", 1), ("no_pump", 2),
)
_NAMES = tuple(k for k, _ in _SCENARIOS)
_WEIGHTS = tuple(w for _, w in _SCENARIOS)


def synthetic_hospital(count: int, today: date = BENCH_TODAY) -> Iterator[Patient]:
    """Patients 0..count-1 of the synthetic hospital, in MRN order."""
    for index in range(count):
        yield synthetic_patient(index, today)


def synthetic_patient(index: int, today: date = BENCH_TODAY) -> Patient:
    """One synthetic patient, valid on `today` (tests check it with the ward-file validator)."""
    rng = random.Random(f"itb-tui bench v{GENERATOR_VERSION} patient {index}")
    kind = rng.choices(_NAMES, weights=_WEIGHTS)[0]
    ward = _WARDS[index % len(_WARDS)]
    age_days = rng.randint(30 * 365, 85 * 365)
    patient = Patient(
        mrn=f"B{index:07d}",
        name=f"{rng.choice(_SURNAME_HEADS)}{rng.choice(_SURNAME_TAILS)}, {rng.choice(_FIRST)}",
        dob=today - timedelta(days=age_days),
        ward=ward,
        bed=None if ward in ("ITB Clinic", "Community") else f"{index // len(_WARDS) % 40 + 1}",
        weight_kg=Decimal(rng.randint(400, 1100)) / 10,
    )
    return _Builder(rng, patient, index, today).build(kind)


class _Builder:
    """Accumulates one patient's records; each scenario adds its story on top of a pump
    history and background cultures."""

    def __init__(self, rng: random.Random, patient: Patient, index: int, today: date):
        self.rng = rng
        self.patient = patient
        self.index = index
        self.today = today
        self.pumps: list[Pump] = []
        self.cultures: list[Culture] = []
        self.courses: list[AntifungalCourse] = []
        self.bridging: list[Bridging] = []
        self.exams: list[Exam] = []
        self.symptoms_resolved_on: date | None = None
        manufacturer, model, reservoir = rng.choice(_PUMP_MODELS)
        concentration, dose = rng.choice(_PRESCRIPTIONS)
        self.device = (manufacturer, model, Decimal(reservoir))
        self.concentration = Decimal(concentration)
        self.dose = Decimal(dose)
        self.days_to_alarm = int((Decimal(reservoir) - _ALARM_ML) / (self.dose / self.concentration))
        self.interval = min(self.days_to_alarm, 170)  # drug stability caps it at 180

    def days(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def ago(self, lo: int, hi: int) -> date:
        return self.today - timedelta(days=self.days(lo, hi))

    # --- the story ---------------------------------------------------------------------

    def build(self, kind: str) -> Patient:
        t = self.today
        n_refills = self.days(14, 26)
        history_days = int(n_refills * self.interval * 0.82)
        implanted = t - timedelta(days=history_days)
        getattr(self, f"_{kind}")(implanted)
        self._background_cultures(implanted, target=self.days(5, 7))
        return replace(
            self.patient,
            pumps=tuple(self.pumps),
            cultures=tuple(sorted(self.cultures, key=lambda c: c.drawn_on)),
            antifungals=tuple(sorted(self.courses, key=lambda c: c.started_on)),
            bridging=tuple(self.bridging),
            exams=tuple(self.exams),
            symptoms_resolved_on=self.symptoms_resolved_on,
        )

    def _stable(self, implanted: date, *, last_refill_before: date | None = None) -> None:
        self.pumps.append(self._pump(implanted, None, last_refill_before or self.today))
        latest_old = self.today - timedelta(days=400)
        room = (latest_old - implanted).days
        if room > 30:  # an old candidaemia, treated with the pump left in (salvage)
            start = implanted + timedelta(days=self.days(30, room))
            self._episode(start, cleared=True, course_done=True)
            self._mark_override_refills(start, start + timedelta(days=20))

    def _old_explant(self, implanted: date) -> None:
        t = self.today
        latest = t - timedelta(days=470)
        if implanted + timedelta(days=90) >= latest:
            implanted = latest - timedelta(days=self.days(400, 1500))
        start = implanted + timedelta(days=self.days(60, (latest - implanted).days))
        removed = start + timedelta(days=self.days(1, 4))
        self.pumps.append(self._pump(implanted, removed, start - timedelta(days=1),
                                     reason="explanted for Candida fungemia (synthetic)"))
        self.bridging.append(Bridging("oral_baclofen", removed, "20 mg three times daily"))
        if self.rng.random() < 0.4:
            self.bridging.append(Bridging("lumbar_drain", removed, "titrated down over 6 days"))
        self._episode(start, cleared=True, course_done=True)
        reimplanted = start + timedelta(days=self.days(45, 90))
        self.cultures.append(Culture("blood", reimplanted - timedelta(days=3), "no_growth"))
        self.pumps.append(self._pump(reimplanted, None, t, serial_suffix="R"))

    def _pending(self, implanted: date) -> None:
        self._stable(implanted)
        self.cultures.append(Culture("blood", self.ago(0, 4), "pending"))

    def _alarm_passed(self, implanted: date) -> None:
        cutoff = self.today - timedelta(days=self.days_to_alarm + self.days(1, 5))
        self._stable(implanted, last_refill_before=max(cutoff, implanted))

    def _mismatch(self, implanted: date) -> None:
        self._stable(implanted)
        pump = self.pumps[-1]
        last = pump.refills[-1]
        printed = last.on + timedelta(days=max(0, self.days_to_alarm - self.days(4, 12)))
        self.pumps[-1] = replace(pump, refills=pump.refills[:-1] + (replace(last, programmer_alarm_on=printed),))

    def _active_fungemia(self, implanted: date, organism: tuple | None = None, drug: str = "micafungin") -> None:
        start = self.ago(1, 6)
        self.pumps.append(self._pump(implanted, None, start - timedelta(days=1)))
        name, sus = organism or self.rng.choice(_CANDIDA)
        self.cultures.append(Culture("blood", start, "positive", name, sus))
        if start + timedelta(days=2) <= self.today:
            self.cultures.append(Culture("blood", start + timedelta(days=2), "positive", name, sus))
        dose = Decimal(400 if drug == "fluconazole" else 100)
        self.courses.append(AntifungalCourse(drug, dose, start + timedelta(days=1) if start < self.today else start))

    def _in_progress(self, implanted: date, *, symptoms: bool = True) -> None:
        start = self.ago(8, 16)
        self.pumps.append(self._pump(implanted, None, start - timedelta(days=1)))
        self._episode(start, cleared=True, course_done=False, symptoms=symptoms)

    def _awaiting_symptoms(self, implanted: date) -> None:
        self._in_progress(implanted, symptoms=False)

    def _explanted_waiting(self, implanted: date, *, bridged: bool = True, start: date | None = None) -> None:
        start = start or self.ago(20, 75)
        removed = start + timedelta(days=self.days(1, 3))
        self.pumps.append(self._pump(implanted, removed, start - timedelta(days=1),
                                     reason="explanted for Candida fungemia (synthetic)"))
        if bridged:
            self.bridging.append(Bridging(self.rng.choice(("oral_baclofen", "lumbar_drain")), removed,
                                          "per neurosurgery plan"))
        done = (start + timedelta(days=18)) <= self.today
        self._episode(start, cleared=True, course_done=done)
        confirm = start + timedelta(days=4 + 14 + 14 + self.days(0, 3))
        if confirm <= self.today and self.rng.random() < 0.5:
            self.cultures.append(Culture("blood", confirm, "no_growth"))

    def _no_bridging(self, implanted: date) -> None:
        self._explanted_waiting(implanted, bridged=False, start=self.ago(5, 10))

    def _bacteremia(self, implanted: date) -> None:
        self._stable(implanted)
        drawn = self.ago(0, 3)
        self.cultures.append(Culture("blood", drawn, "positive", self.rng.choice(_BACTERIA[:3])))
        self.cultures.append(Culture("blood", self.today, "pending"))

    def _csf_candida(self, implanted: date) -> None:
        drawn = self.ago(2, 20)
        self.pumps.append(self._pump(implanted, None, drawn - timedelta(days=1)))
        self.cultures.append(Culture("csf", drawn, "positive", "Candida albicans", {"fluconazole": "S"}))
        self.courses.append(AntifungalCourse("caspofungin", Decimal(50), drawn + timedelta(days=1)
                                             if drawn < self.today else drawn))

    def _krusei_fluconazole(self, implanted: date) -> None:
        self._active_fungemia(implanted, organism=("Candida krusei", {"fluconazole": "R"}), drug="fluconazole")

    def _c_auris(self, implanted: date) -> None:
        self._stable(implanted)
        self.cultures.append(Culture("other", self.ago(30, 700), "positive", "Candidozyma auris"))

    def _no_pump(self, implanted: date) -> None:
        removed = self.ago(400, 900)
        implanted = min(implanted, removed - timedelta(days=self.interval * 12))
        self.pumps.append(self._pump(implanted, removed, removed - timedelta(days=1),
                                     reason="explanted at patient request (synthetic)"))
        self.bridging.append(Bridging("oral_baclofen", removed, "weaned over 3 weeks"))

    # --- building blocks ---------------------------------------------------------------

    def _pump(self, implanted: date, removed: date | None, last_refill_by: date, *,
              reason: str | None = None, serial_suffix: str = "") -> Pump:
        """A pump refilled to its reservoir every 70-95% of the alarm interval from the day
        it was implanted until `last_refill_by`."""
        manufacturer, model, reservoir = self.device
        refills = []
        day = implanted
        end = min(last_refill_by, removed or last_refill_by, self.today)
        while day <= end:
            refills.append(Refill(day, reservoir))
            day += timedelta(days=max(7, int(self.interval * self.rng.uniform(0.70, 0.95))))
        return Pump(
            serial=f"BENCH-{self.index:07d}{serial_suffix}", manufacturer=manufacturer, model=model,
            reservoir_ml=reservoir, alarm_ml=_ALARM_ML, implanted_on=implanted, removed_on=removed,
            removal_reason=reason if removed else None, concentration_ug_ml=self.concentration,
            daily_dose_ug=self.dose, refills=tuple(refills),
        )

    def _mark_override_refills(self, start: date, end: date) -> None:
        """Refills that fell inside an old episode were given under a clinician's override."""
        pump = self.pumps[-1]
        refills = tuple(
            replace(r, override_reason="withdrawal risk outweighed infection risk; ID consulted")
            if start <= r.on <= end else r
            for r in pump.refills
        )
        self.pumps[-1] = replace(pump, refills=refills)

    def _episode(self, start: date, *, cleared: bool, course_done: bool, symptoms: bool = True) -> None:
        """A candidaemia: two positive blood cultures, clearance two days later, an
        echinocandin stepped down to fluconazole, a dilated eye exam."""
        name, sus = self.rng.choice(_CANDIDA)
        t = self.today
        self.cultures.append(Culture("blood", start, "positive", name, sus))
        self.cultures.append(Culture("blood", start + timedelta(days=2), "positive", name, sus))
        clearance = start + timedelta(days=4)
        if cleared and clearance <= t:
            self.cultures.append(Culture("blood", clearance, "no_growth"))
        if start + timedelta(days=3) <= t:
            self.exams.append(Exam("dilated_eye_exam", start + timedelta(days=3), "no ocular candidiasis"))
        resolved = start + timedelta(days=3)
        if symptoms and resolved <= t:
            self.symptoms_resolved_on = resolved
        step_down = start + timedelta(days=5)
        glabrata = name.startswith("Nakaseomyces")
        if course_done:
            stop = clearance + timedelta(days=14 + self.days(0, 2))
            if glabrata:
                self.courses.append(AntifungalCourse("micafungin", Decimal(100), start, step_down))
                self.courses.append(AntifungalCourse("micafungin", Decimal(100), step_down, stop))
            else:
                self.courses.append(AntifungalCourse("micafungin", Decimal(100), start, step_down))
                self.courses.append(AntifungalCourse("fluconazole", Decimal(400), step_down, stop))
        else:
            if step_down <= t:
                self.courses.append(AntifungalCourse("micafungin", Decimal(100), start, step_down))
                self.courses.append(AntifungalCourse("micafungin" if glabrata else "fluconazole",
                                                     Decimal(100 if glabrata else 400), step_down))
            else:
                self.courses.append(AntifungalCourse("micafungin", Decimal(100), start))

    def _background_cultures(self, implanted: date, target: int) -> None:
        """Routine cultures until the patient has `target`: CSF sampled at a refill, urine
        and blood for fevers; nearly all negative, the odd urinary E. coli."""
        dob = self.patient.dob
        earliest = max(implanted, dob + timedelta(days=1))
        span = (self.today - timedelta(days=30) - earliest).days
        used = {(c.specimen, c.drawn_on) for c in self.cultures}
        while len(self.cultures) < target and span > 0:
            drawn = earliest + timedelta(days=self.days(0, span))
            specimen = self.rng.choice(("csf", "urine", "blood", "urine"))
            if (specimen, drawn) in used:
                continue
            used.add((specimen, drawn))
            if specimen == "urine" and self.rng.random() < 0.3:
                self.cultures.append(Culture("urine", drawn, "positive", "Escherichia coli"))
            else:
                self.cultures.append(Culture(specimen, drawn, "no_growth"))
