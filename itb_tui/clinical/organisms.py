"""Which organism a culture grew, under any of its names, and whether it is a fungus.

Why this matters: whether a positive blood culture is fungal decides the fungemia block,
the antifungal countdown and the drug alerts. Laboratories are renaming yeasts (C. krusei
is now Pichia kudriavzevii, C. glabrata Nakaseomyces glabratus, C. auris Candidozyma
auris) and reports and clinicians use old and new names side by side, with or without
the genus spelled out. A fungus recorded under a name the app missed would lose every
fungal rule, so lookup tolerates case, spacing, punctuation and "G. species"
abbreviations, falls back on a known genus, and treats any name containing "yeast",
"mould" or "fungus" as fungal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Keys the engine tests for (stable identifiers, never shown).
KRUSEI = "pichia_kudriavzevii"
GLABRATA = "nakaseomyces_glabratus"
AURIS = "candidozyma_auris"


@dataclass(frozen=True, slots=True)
class Species:
    key: str
    name: str  # the current name
    former_names: tuple[str, ...]
    genus: str
    fungal: bool
    aliases: tuple[str, ...] = ()  # laboratory shorthand (MRSA, CoNS, "yeast")


def _f(key, name, genus, former=(), aliases=()):
    return Species(key, name, tuple(former), genus, True, tuple(aliases))


def _b(key, name, genus, former=(), aliases=()):
    return Species(key, name, tuple(former), genus, False, tuple(aliases))


_SPECIES: tuple[Species, ...] = (
    # Yeasts and moulds.
    _f("candida_albicans", "Candida albicans", "Candida"),
    _f("candida_parapsilosis", "Candida parapsilosis", "Candida"),
    _f("candida_tropicalis", "Candida tropicalis", "Candida"),
    _f("candida_dubliniensis", "Candida dubliniensis", "Candida"),
    _f(KRUSEI, "Pichia kudriavzevii", "Pichia", former=("Candida krusei", "Issatchenkia orientalis")),
    _f(GLABRATA, "Nakaseomyces glabratus", "Nakaseomyces", former=("Candida glabrata", "Torulopsis glabrata")),
    _f(AURIS, "Candidozyma auris", "Candidozyma", former=("Candida auris",)),
    _f("candidozyma_haemulonii", "Candidozyma haemulonii", "Candidozyma", former=("Candida haemulonii",)),
    _f(
        "meyerozyma_guilliermondii",
        "Meyerozyma guilliermondii",
        "Meyerozyma",
        former=("Candida guilliermondii", "Pichia guilliermondii"),
    ),
    _f("clavispora_lusitaniae", "Clavispora lusitaniae", "Clavispora", former=("Candida lusitaniae",)),
    _f("kluyveromyces_marxianus", "Kluyveromyces marxianus", "Kluyveromyces", former=("Candida kefyr",)),
    _f("debaryomyces_hansenii", "Debaryomyces hansenii", "Debaryomyces", former=("Candida famata",)),
    _f("diutina_rugosa", "Diutina rugosa", "Diutina", former=("Candida rugosa",)),
    _f("wickerhamomyces_anomalus", "Wickerhamomyces anomalus", "Wickerhamomyces", former=("Candida pelliculosa",)),
    _f("cyberlindnera_jadinii", "Cyberlindnera jadinii", "Cyberlindnera", former=("Candida utilis",)),
    _f("candida_species", "Candida species", "Candida", aliases=("Candida spp", "Candida sp", "Candida")),
    _f(
        "yeast_unidentified",
        "Yeast (not yet identified)",
        "Yeast",
        aliases=("yeast", "yeasts", "unidentified yeast", "yeast species", "budding yeast"),
    ),
    _f("cryptococcus_neoformans", "Cryptococcus neoformans", "Cryptococcus"),
    _f("cryptococcus_gattii", "Cryptococcus gattii", "Cryptococcus"),
    _f("aspergillus_fumigatus", "Aspergillus fumigatus", "Aspergillus"),
    _f("aspergillus_flavus", "Aspergillus flavus", "Aspergillus"),
    _f("aspergillus_niger", "Aspergillus niger", "Aspergillus"),
    _f("aspergillus_terreus", "Aspergillus terreus", "Aspergillus"),
    _f("saccharomyces_cerevisiae", "Saccharomyces cerevisiae", "Saccharomyces"),
    _f("trichosporon_asahii", "Trichosporon asahii", "Trichosporon"),
    _f("rhodotorula_mucilaginosa", "Rhodotorula mucilaginosa", "Rhodotorula"),
    _f(
        "mould_unidentified",
        "Mould (not yet identified)",
        "Mould",
        aliases=("mould", "mold", "filamentous fungus", "fungus", "fungi"),
    ),
    # Bacteria.
    _b(
        "staphylococcus_aureus",
        "Staphylococcus aureus",
        "Staphylococcus",
        aliases=("MSSA", "methicillin-susceptible Staphylococcus aureus"),
    ),
    _b(
        "mrsa",
        "Methicillin-resistant Staphylococcus aureus (MRSA)",
        "Staphylococcus",
        aliases=("MRSA", "methicillin-resistant Staphylococcus aureus"),
    ),
    _b(
        "coagulase_negative_staphylococci",
        "Coagulase-negative staphylococci",
        "Staphylococcus",
        aliases=("CoNS", "coagulase-negative staphylococcus", "coagulase-negative staph"),
    ),
    _b("staphylococcus_epidermidis", "Staphylococcus epidermidis", "Staphylococcus"),
    _b("staphylococcus_lugdunensis", "Staphylococcus lugdunensis", "Staphylococcus"),
    _b("staphylococcus_hominis", "Staphylococcus hominis", "Staphylococcus"),
    _b("escherichia_coli", "Escherichia coli", "Escherichia"),
    _b("klebsiella_pneumoniae", "Klebsiella pneumoniae", "Klebsiella"),
    _b("klebsiella_oxytoca", "Klebsiella oxytoca", "Klebsiella"),
    _b("klebsiella_aerogenes", "Klebsiella aerogenes", "Klebsiella", former=("Enterobacter aerogenes",)),
    _b("pseudomonas_aeruginosa", "Pseudomonas aeruginosa", "Pseudomonas"),
    _b("enterococcus_faecalis", "Enterococcus faecalis", "Enterococcus"),
    _b("enterococcus_faecium", "Enterococcus faecium", "Enterococcus"),
    _b(
        "streptococcus_species",
        "Streptococcus species",
        "Streptococcus",
        aliases=("Streptococcus spp", "Streptococcus sp", "streptococci", "viridans streptococci",
                 "viridans group streptococci"),
    ),
    _b("streptococcus_pyogenes", "Streptococcus pyogenes", "Streptococcus", aliases=("group A streptococcus",)),
    _b("streptococcus_agalactiae", "Streptococcus agalactiae", "Streptococcus", aliases=("group B streptococcus",)),
    _b("streptococcus_pneumoniae", "Streptococcus pneumoniae", "Streptococcus"),
    _b("cutibacterium_acnes", "Cutibacterium acnes", "Cutibacterium", former=("Propionibacterium acnes",)),
    _b("enterobacter_cloacae", "Enterobacter cloacae", "Enterobacter"),
    _b("serratia_marcescens", "Serratia marcescens", "Serratia"),
    _b("acinetobacter_baumannii", "Acinetobacter baumannii", "Acinetobacter"),
    _b("proteus_mirabilis", "Proteus mirabilis", "Proteus"),
    _b("stenotrophomonas_maltophilia", "Stenotrophomonas maltophilia", "Stenotrophomonas"),
    _b(
        "gram_negative_bacilli",
        "Gram-negative bacilli (not yet identified)",
        "",
        aliases=("gram-negative bacilli", "gram-negative rods", "GNB"),
    ),
    _b(
        "gram_positive_cocci",
        "Gram-positive cocci (not yet identified)",
        "",
        aliases=("gram-positive cocci", "GPC"),
    ),
)

# Genus -> fungal, for names the table does not list ("Candida blankii", "Serratia
# liquefaciens"): the genus still tells fungus from bacterium.
_GENERA: dict[str, bool] = {
    **{g: True for g in (
        "candida", "candidozyma", "nakaseomyces", "pichia", "meyerozyma", "clavispora",
        "kluyveromyces", "debaryomyces", "diutina", "wickerhamomyces", "cyberlindnera",
        "issatchenkia", "torulopsis", "cryptococcus", "aspergillus", "fusarium", "mucor",
        "rhizopus", "lichtheimia", "scedosporium", "lomentospora", "trichosporon",
        "saccharomyces", "rhodotorula", "malassezia", "histoplasma", "coccidioides",
        "blastomyces", "geotrichum", "exophiala", "penicillium", "talaromyces",
    )},
    **{g: False for g in (
        "staphylococcus", "streptococcus", "enterococcus", "escherichia", "klebsiella",
        "pseudomonas", "enterobacter", "serratia", "acinetobacter", "proteus", "cutibacterium",
        "propionibacterium", "corynebacterium", "bacillus", "bacteroides", "citrobacter",
        "stenotrophomonas", "haemophilus", "listeria", "salmonella", "clostridium",
        "clostridioides", "morganella", "micrococcus", "neisseria", "moraxella", "providencia",
        "burkholderia", "achromobacter", "finegoldia", "peptostreptococcus", "nocardia",
        "mycobacterium", "rothia", "granulicatella", "abiotrophia", "aerococcus",
    )},
}
# Words that make any name fungal: a lab report saying "yeast seen" must never be read as
# a bacterium.
_FUNGAL_WORDS = {"yeast": "yeast_unidentified", "yeasts": "yeast_unidentified",
                 "fungus": "mould_unidentified", "fungi": "mould_unidentified",
                 "fungal": "mould_unidentified", "mould": "mould_unidentified",
                 "mold": "mould_unidentified", "candida": "candida_species"}
_GENUS_SUFFIXES = {"spp", "sp", "species", "ssp"}


def _tokens(name: str) -> tuple[str, ...]:
    return tuple(t for t in re.split(r"[^a-z0-9]+", name.lower()) if t)


def _build_index() -> tuple[dict[tuple[str, ...], Species], dict[str, Species]]:
    exact: dict[tuple[str, ...], Species] = {}
    abbreviated: dict[tuple[str, ...], Species | None] = {}
    for species in _SPECIES:
        for text in (species.name, *species.former_names, *species.aliases):
            tokens = _tokens(text)
            exact[tokens] = species
            if len(tokens) >= 2 and len(tokens[0]) > 1 and tokens[1] not in _GENUS_SUFFIXES:
                short = (tokens[0][0], *tokens[1:])
                other = abbreviated.get(short, species)
                # Two species sharing an abbreviation: neither gets it (never guess).
                abbreviated[short] = species if other is not None and other.key == species.key else None
    for short, species in abbreviated.items():
        if species is not None and short not in exact:
            exact[short] = species
    by_key = {s.key: s for s in _SPECIES}
    return exact, by_key


_INDEX, _BY_KEY = _build_index()


@lru_cache(maxsize=4096)
def lookup(name: str | None) -> Species | None:
    """The species a name denotes (current, former or abbreviated name), else the genus-level
    entry of a known genus, else None for a name the app does not recognise."""
    if not name:
        return None
    tokens = _tokens(name)
    if not tokens:
        return None
    found = _INDEX.get(tokens)
    if found is not None:
        return found
    if len(tokens) >= 2 and tokens[-1] in _GENUS_SUFFIXES:
        found = _INDEX.get(tokens[:-1])
        if found is not None:
            return found
    genus = tokens[0]
    if genus in _GENERA:
        return _genus_species(genus)
    for token in tokens:
        key = _FUNGAL_WORDS.get(token)
        if key is not None:
            return _BY_KEY[key]
    return None


@lru_cache(maxsize=None)
def _genus_species(genus: str) -> Species:
    listed = _BY_KEY.get(f"{genus}_species")
    if listed is not None:
        return listed
    title = genus.capitalize()
    return Species(f"{genus}_species", f"{title} species", (), title, _GENERA[genus])


def is_fungal(name: str | None) -> bool:
    species = lookup(name)
    return species is not None and species.fungal


@lru_cache(maxsize=4096)
def canonical_name(name: str) -> str:
    """The current name of a recognised organism; otherwise the name as typed, tidied."""
    tokens = _tokens(name)
    species = _INDEX.get(tokens)
    if species is None and len(tokens) >= 2 and tokens[-1] in _GENUS_SUFFIXES:
        species = _INDEX.get(tokens[:-1])
    if species is None:  # unknown, or known only by its genus: keep what the lab wrote
        return " ".join(name.split())
    return species.name


def all_species() -> tuple[Species, ...]:
    return _SPECIES
