"""Standard codes for the export: SNOMED CT for organisms, ATC for antifungals.

Why a lookup in the tables and nowhere else: a wrong code is worse than none (a receiver
trusts the code over the text), so a code exists only where the species table
(data/organisms.toml, `snomed_ct` + `snomed_ct_source`) or the drug table
(clinical/drugs.py DRUG_CODES, `atc` + `atc_source`) lists it with the place it was
checked. Anything else goes as text only. Read lazily, once.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _snomed_by_species() -> dict[str, tuple[str, str]]:
    from itb_tui.clinical.organisms import default_table_path
    from itb_tui.clinical.parsed_tables import read_toml

    data = read_toml(default_table_path())  # the parsed copy the engine's table read uses
    found = {}
    for raw in data.get("species", []):
        code, source = raw.get("snomed_ct"), raw.get("snomed_ct_source")
        if raw.get("key") and code and source:  # a code without its source is not used
            found[raw["key"]] = (str(code), raw["name"])
    return found


@lru_cache(maxsize=4096)
def organism_snomed(text: str | None) -> tuple[str, str] | None:
    """(SNOMED CT code, the table's name) for an organism text the species table knows
    and lists a checked code for; None otherwise."""
    from itb_tui.clinical.organisms import lookup

    species = lookup(text)
    if species is None:
        return None
    return _snomed_by_species().get(species.key)


def drug_atc(name: str | None) -> str | None:
    """The ATC code of an antifungal where the drug table lists a checked one."""
    from itb_tui.clinical.drugs import DRUG_CODES, canonical_drug

    entry = DRUG_CODES.get(canonical_drug(name))
    if not entry or not entry.get("atc") or not entry.get("atc_source"):
        return None
    return entry["atc"]
