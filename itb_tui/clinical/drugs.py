"""Antifungal drug names: one canonical name per drug, and its class.

Why: courses and susceptibility reports are typed by people and laboratories ("Cancidas",
"AmBisome", "Fluconazole "), and the drug-choice alerts compare the course's drug with the
isolate's susceptibility and with the azole/echinocandin classes. A brand name the app
did not map would silently skip those alerts, so brand names and common spellings map to
the generic name; anything else is kept lower-cased and trimmed.
"""

from __future__ import annotations

from functools import lru_cache

AZOLES = frozenset({"fluconazole", "voriconazole", "itraconazole", "posaconazole", "isavuconazole"})
ECHINOCANDINS = frozenset({"caspofungin", "micafungin", "anidulafungin", "rezafungin"})

_ALIASES = {
    "diflucan": "fluconazole",
    "vfend": "voriconazole",
    "sporanox": "itraconazole",
    "noxafil": "posaconazole",
    "cresemba": "isavuconazole",
    "isavuconazonium": "isavuconazole",
    "isavuconazonium sulfate": "isavuconazole",
    "cancidas": "caspofungin",
    "mycamine": "micafungin",
    "eraxis": "anidulafungin",
    "ecalta": "anidulafungin",
    "rezzayo": "rezafungin",
    "amphotericin": "amphotericin b",
    "amphotericin b deoxycholate": "amphotericin b",
    "liposomal amphotericin b": "amphotericin b",
    "lipid amphotericin b": "amphotericin b",
    "amphotericin b lipid complex": "amphotericin b",
    "l-amb": "amphotericin b",
    "l amb": "amphotericin b",
    "ambisome": "amphotericin b",
    "abelcet": "amphotericin b",
    "fungizone": "amphotericin b",
    "5-fc": "flucytosine",
    "5fc": "flucytosine",
    "ancobon": "flucytosine",
}


@lru_cache(maxsize=1024)
def canonical_drug(name: str | None) -> str:
    """The generic name, lower case ("Cancidas" -> "caspofungin"); "" for no name."""
    if not name:
        return ""
    text = " ".join(name.lower().split())
    return _ALIASES.get(text, text)


def is_azole(name: str | None) -> bool:
    return canonical_drug(name) in AZOLES


def is_echinocandin(name: str | None) -> bool:
    return canonical_drug(name) in ECHINOCANDINS


# Standard codes per generic name, each with where it was checked (issue 15): the FHIR
# export emits the ATC coding only where an entry is listed here, the text always. Never
# add a code that was not checked against an authoritative source named in `atc_source`.
# Key names are a contract with the FHIR import (`atc`, `atc_source`).
# Checked (session 5): micafungin only. The other antifungals' codes were not found in an
# authoritative source reachable then (the WHO ATC/DDD index pages for J02): left out.
DRUG_CODES: dict[str, dict[str, str]] = {
    "micafungin": {
        "atc": "J02AX05",
        "atc_source": "WHO Model List of Essential Medicines, echinocandins entry (micafungin the "
                      "representative medicine, IV 50 mg / 100 mg vials as sodium), 'ATC codes: "
                      "J02AX05': https://list.essentialmeds.org/recommendations/1234",
    },
}
