"""Is the antifungal being given the right one for the isolates grown?

Why these checks (IDSA 2016): C. krusei (Pichia kudriavzevii) is intrinsically
fluconazole-resistant; C. glabrata (Nakaseomyces glabratus) gets fluconazole only at
800 mg (12 mg/kg) when reported susceptible or SDD; an isolate reported R to the drug
given needs a change; echinocandins barely reach the CSF; C. auris (Candidozyma auris)
colonises for life (CDC: contact precautions, infection control, echinocandin first).

Revision 3 (change 3): echinocandins have no activity against Cryptococcus and
fluconazole none useful against moulds (`drug_inactive`; IDSA cryptococcal 2010, IDSA
aspergillosis 2016).

Isolates considered: the positive fungal blood cultures of the current episode and the
fungal device infections active on the list date (clinical-rules.md, Terms). Drugs
considered: every course started on or before the list date and still running then.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from itb_tui.clinical.alerts import make_alert
from itb_tui.clinical.assessment import Alert
from itb_tui.clinical.drugs import canonical_drug, is_echinocandin
from itb_tui.clinical.episode import Episode
from itb_tui.clinical.facts import Facts, fungal_group, is_fungal_culture
from itb_tui.clinical.organisms import AURIS, GLABRATA, KRUSEI, lookup
from itb_tui.clinical.records import AntifungalCourse, Culture
from itb_tui.clinical.rules import Rules
from itb_tui.clinical.text import culture_phrase, iso, num


def drug_choice_alerts(facts: Facts, episode: Episode | None, rules: Rules) -> list[Alert]:
    alerts = []
    auris = _c_auris(facts, rules) if facts.positives else None
    isolates = _isolates(facts, episode, rules) if episode is not None or facts.device_infections else None
    if isolates:
        current = [course for course, stop in facts.courses if stop is None]
        if current:
            for check in (_inactive, _krusei, _reduced_susceptibility, _resistant, _cns):
                alert = check(current, isolates, facts, rules)
                if alert is not None:
                    alerts.append(alert)
    if auris is not None:
        alerts.append(auris)
    return alerts


def _isolates(facts: Facts, episode: Episode | None, rules: Rules) -> list[Culture]:
    isolates = list(episode.positives) if episode is not None and episode.kind == "blood" else []
    isolates += [c for c in facts.device_infections if is_fungal_culture(c)]
    return isolates


def _inactive(courses, isolates, facts, rules) -> Alert | None:
    findings = []
    for course in courses:
        drug = canonical_drug(course.drug)
        for isolate in isolates:
            group = fungal_group(isolate)
            if group == "cryptococcus" and is_echinocandin(drug):
                findings.append(f"{drug.capitalize()} for {culture_phrase(isolate)}: echinocandins have no "
                                f"activity against Cryptococcus")
            elif group == "mould" and drug == "fluconazole":
                findings.append(f"Fluconazole for {culture_phrase(isolate)}: fluconazole has no useful "
                                f"activity against moulds")
    if not findings:
        return None
    return make_alert("drug_inactive", "; ".join(dict.fromkeys(findings)) + ".", rules)


def _key(culture: Culture) -> str | None:
    return _species_key(culture.organism)


@lru_cache(maxsize=8192)
def _species_key(organism: str | None) -> str | None:
    """Fixed by the text (organisms.lookup is a pure, cached function of it)."""
    species = lookup(organism)
    return species.key if species is not None else None


def _reported(culture: Culture, drug: str) -> str | None:
    for name, value in culture.susceptibility.items():
        if canonical_drug(name) == drug:
            return str(value).strip().upper()
    return None


def _fluconazole(courses: list[AntifungalCourse]) -> list[AntifungalCourse]:
    return [c for c in courses if canonical_drug(c.drug) == "fluconazole"]


def _krusei(courses, isolates, facts, rules) -> Alert | None:
    fluconazole = _fluconazole(courses)
    krusei = [c for c in isolates if _key(c) == KRUSEI]
    if not fluconazole or not krusei:
        return None
    text = (f"Fluconazole (started {iso(fluconazole[0].started_on)}) for {culture_phrase(krusei[-1])}: "
            f"C. krusei is intrinsically fluconazole-resistant.")
    return make_alert("azole_intrinsic_resistance", text, rules, _with_weight(rules.entry(
        "azole_intrinsic_resistance").action, facts))


def _reduced_susceptibility(courses, isolates, facts, rules) -> Alert | None:
    threshold = rules.fluconazole_sdd_dose_mg
    for course in _fluconazole(courses):
        dose = course.dose_mg
        high = dose is not None and Decimal(str(dose)) >= threshold
        for isolate in isolates:
            reported = _reported(isolate, "fluconazole")
            if _key(isolate) == GLABRATA:
                if reported == "S" or (reported == "SDD" and high):
                    continue
                why = ("C. glabrata has reduced azole susceptibility"
                       + ("" if reported is None else f" (reported {reported} to fluconazole)")
                       + f"; fluconazole only if reported S, or SDD at {num(threshold)} mg daily or more")
            elif reported == "SDD" and not high:
                why = f"reported SDD to fluconazole needs at least {num(threshold)} mg daily"
            else:
                continue
            dose_text = f"{num(dose)} mg daily" if dose is not None else "dose not recorded"  # only when shown
            text = f"Fluconazole {dose_text} for {culture_phrase(isolate)}: {why}."
            return make_alert("azole_reduced_susceptibility", text, rules)
    return None


def _resistant(courses, isolates, facts, rules) -> Alert | None:
    findings = []
    for course in courses:
        drug = canonical_drug(course.drug)
        for isolate in isolates:
            if _reported(isolate, drug) == "R":
                findings.append(f"{culture_phrase(isolate)} is reported R to {drug}")
    if not findings:
        return None
    unique = list(dict.fromkeys(findings))
    return make_alert("drug_resistant", "; ".join(unique) + ", which is being given.", rules)


def _cns(courses, isolates, facts, rules) -> Alert | None:
    echinocandins = [c for c in courses if is_echinocandin(c.drug)]
    csf = [c for c in isolates if c.specimen == "csf"]
    if not echinocandins or not csf:
        return None
    text = (f"{canonical_drug(echinocandins[0].drug).capitalize()} for {culture_phrase(csf[-1])}: "
            f"echinocandins reach the CSF poorly.")
    return make_alert("poor_cns_penetration", text, rules)


def _c_auris(facts: Facts, rules: Rules) -> Alert | None:
    species_key = _species_key
    for culture in facts.positives:
        if species_key(culture.organism) == AURIS:
            text = (f"C. auris: {culture_phrase(culture)}. Colonisation is lifelong, so this stays "
                    f"after the infection ends.")
            return make_alert("c_auris", text, rules)
    return None


def _with_weight(action: str | None, facts: Facts) -> str | None:
    """Work the lipid amphotericin B dose range out when the weight is recorded."""
    weight = facts.patient.weight_kg
    if action is None or weight is None or weight <= 0:
        return action
    low, high = (Decimal(str(weight)) * 3).quantize(Decimal(1)), (Decimal(str(weight)) * 5).quantize(Decimal(1))
    return f"{action} (3-5 mg/kg at {num(weight)} kg = {num(low)}-{num(high)} mg daily)"

