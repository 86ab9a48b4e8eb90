"""Organism names: old and new, abbreviated or not, always the same species; fungi are
recognised as fungi (a missed fungus would lose every fungal rule)."""

from __future__ import annotations

import pytest

from itb_tui.clinical import all_species, canonical_name, is_fungal, lookup
from itb_tui.clinical.drugs import canonical_drug, is_azole, is_echinocandin

SAME_SPECIES = {
    "Pichia kudriavzevii": ["C. krusei", "Candida krusei", "Pichia kudriavzevii", "P. kudriavzevii",
                            "  candida   KRUSEI ", "c.krusei", "Issatchenkia orientalis"],
    "Nakaseomyces glabratus": ["C. glabrata", "Candida glabrata", "Nakaseomyces glabratus", "N. glabratus",
                               "Torulopsis glabrata"],
    "Candidozyma auris": ["C. auris", "Candida auris", "Candidozyma auris", "candida auris"],
    "Meyerozyma guilliermondii": ["C. guilliermondii", "Candida guilliermondii", "Meyerozyma guilliermondii"],
    "Clavispora lusitaniae": ["C. lusitaniae", "Candida lusitaniae", "Clavispora lusitaniae"],
    "Cutibacterium acnes": ["Propionibacterium acnes", "C. acnes", "Cutibacterium acnes"],
}


@pytest.mark.parametrize("current", list(SAME_SPECIES))
def test_old_new_and_abbreviated_names_are_one_species(current):
    keys = {lookup(name).key for name in SAME_SPECIES[current]}
    assert len(keys) == 1
    for name in SAME_SPECIES[current]:
        assert canonical_name(name) == current


FUNGAL = ["Candida albicans", "C. parapsilosis", "Candida tropicalis", "Cryptococcus neoformans",
          "Aspergillus fumigatus", "Yeast (not yet identified)", "Candida species", "Candida spp.",
          "yeast seen on Gram stain", "Candida blankii", "Fusarium solani"]
BACTERIAL = ["S. aureus", "Staphylococcus aureus", "MRSA", "coagulase-negative staphylococci", "CoNS",
             "S. epidermidis", "E. coli", "Escherichia coli", "Klebsiella pneumoniae", "Pseudomonas aeruginosa",
             "Enterococcus faecalis", "E. faecium", "Streptococcus spp", "Cutibacterium acnes",
             "Serratia liquefaciens"]


@pytest.mark.parametrize("name", FUNGAL)
def test_fungi_are_fungal(name):
    assert is_fungal(name)


@pytest.mark.parametrize("name", BACTERIAL)
def test_bacteria_are_not_fungal(name):
    assert lookup(name) is not None and not is_fungal(name)


def test_unknown_names():
    for name in ("Zymomonas imaginaria", "", None, "   ", "X. unknownii"):
        assert lookup(name) is None
        assert not is_fungal(name)
    assert canonical_name("  Zymomonas   imaginaria ") == "Zymomonas imaginaria"
    assert canonical_name("Candida blankii") == "Candida blankii"  # genus-only match keeps the lab's name


def test_species_table_is_consistent():
    species = all_species()
    assert len({s.key for s in species}) == len(species)
    for s in species:
        assert lookup(s.name) is s
        for former in s.former_names:
            assert lookup(former) is s


def test_drug_names():
    assert canonical_drug(" Cancidas ") == "caspofungin"
    assert canonical_drug("AmBisome") == "amphotericin b"
    assert canonical_drug("Fluconazole") == "fluconazole"
    assert is_azole("Diflucan") and is_azole("voriconazole") and not is_azole("micafungin")
    assert is_echinocandin("Mycamine") and is_echinocandin("rezafungin") and not is_echinocandin("fluconazole")


# ---------------------------------------------------------------- revision 3: names as labs print them

from hypothesis import given, settings, strategies as st  # noqa: E402

from itb_tui.clinical.organisms import (  # noqa: E402
    AURIS, GLABRATA, KRUSEI, OrganismRefused, default_table_path, genus_entries, resolve,
)

AS_LABS_PRINT = {
    # text -> key (Terms: qualifiers, "complex", synonyms in parentheses or after a slash,
    # a genus initial, the same species twice, a genus or "yeast" joined to its species)
    "Pichia kudriavzevii (Candida krusei)": KRUSEI,
    "Candida krusei / Pichia kudriavzevii": KRUSEI,
    "Candida krusei (Candida krusei)": KRUSEI,
    "Candida auris complex": AURIS,
    "Candida auris (Candidozyma auris)": AURIS,
    "CANDIDA  AURIS": AURIS,
    "Candida glabrata complex": GLABRATA,
    "Candida glabrata species complex": GLABRATA,
    "Nakaseomyces glabratus sp.": GLABRATA,
    "Candida parapsilosis spp.": "candida_parapsilosis",
    "C. neoformans": "cryptococcus_neoformans",
    "Yeast (Candida albicans)": "candida_albicans",
    "Candida (Pichia kudriavzevii)": KRUSEI,
    "Candida sp.": "candida_species",
    "Candida": "candida_species",
    "yeast, not identified": "yeast_unidentified",
    "Aspergillus spp": "aspergillus_species",
    "E. coli (ESBL)": "escherichia_coli",
}


@pytest.mark.parametrize("text", list(AS_LABS_PRINT))
def test_names_as_labs_print_them(text):
    assert resolve(text).key == AS_LABS_PRINT[text]
    assert lookup(text).key == AS_LABS_PRINT[text]


REFUSED = {
    # text -> (reason, a name the message must suggest)
    "Candida albicans / Candida glabrata": ("ambiguous", "Nakaseomyces glabratus"),
    "Candida krusei (Candida albicans)": ("ambiguous", "Candida albicans"),
    "Staphylococcus aureus / Candida albicans": ("ambiguous", "Staphylococcus aureus"),
    "Aspergillus (Candida albicans)": ("ambiguous", "Aspergillus species"),
    "Candida foo": ("unknown_fungal", "Candida species"),
    "Candida krusie": ("unknown_fungal", "Candida krusei"),
    "Cryptococcus foo": ("unknown_fungal", "Cryptococcus neoformans"),
    "yeast seen on Gram stain": ("unknown_fungal", "Yeast (not yet identified)"),
    "fungus": ("unknown_fungal", "Mould (not yet identified)"),
    "Candda albicans": ("unknown_fungal", "Candida albicans"),
    "C. foo": ("unknown_fungal", "Candida"),
}


@pytest.mark.parametrize("text", list(REFUSED))
def test_ambiguous_and_unlisted_fungal_names_are_refused_by_name(text):
    reason, suggested = REFUSED[text]
    with pytest.raises(OrganismRefused) as caught:
        resolve(text)
    refused = caught.value
    assert isinstance(refused, ValueError)
    assert refused.text == text and refused.reason == reason
    assert any(suggested in s for s in refused.suggestions), refused.suggestions
    message = str(refused)
    assert "\n" not in message and f'"{text}"' in message and suggested in message


@pytest.mark.parametrize("text", list(REFUSED))
def test_a_refused_text_in_an_old_store_fails_safe_in_the_engine(text):
    """lookup never raises; a text that could be fungal is fungal, never 'no organism'."""
    species = lookup(text)
    assert species is not None and species.fungal and species.group is not None
    assert species.key not in (KRUSEI, GLABRATA, AURIS)


def test_non_fungal_text_not_in_the_table_is_bacterial():
    assert resolve("Zymomonas imaginaria") is None and lookup("Zymomonas imaginaria") is None
    assert resolve("Serratia liquefaciens").fungal is False
    assert canonical_name("Serratia liquefaciens") == "Serratia liquefaciens"  # not reduced to "Serratia species"
    with pytest.raises(OrganismRefused):
        resolve("E. coli / K. pneumoniae")
    assert lookup("E. coli / K. pneumoniae") is None  # both parts bacterial: blocks as bacteremia


def test_fungal_groups_of_the_table():
    groups = {s.key: s.group for s in all_species()}
    assert groups["candida_albicans"] == groups[KRUSEI] == groups[GLABRATA] == groups[AURIS] == "candida"
    assert groups["clavispora_lusitaniae"] == groups["meyerozyma_guilliermondii"] == "candida"
    assert groups["yeast_unidentified"] == "candida"
    assert groups["cryptococcus_neoformans"] == groups["cryptococcus_gattii"] == "cryptococcus"
    assert groups["aspergillus_fumigatus"] == groups["fusarium_solani"] == "mould"
    assert groups["trichosporon_asahii"] == groups["rhodotorula_mucilaginosa"] == "other_yeast"
    assert groups["staphylococcus_aureus"] is None
    for s in all_species() + genus_entries():
        assert s.source.strip(), s.key  # every entry says where its name comes from
        assert (s.group is None) == (not s.fungal), s.key


def test_the_table_is_a_data_file_beside_the_rules_table():
    path = default_table_path()
    assert path.name == "organisms.toml" and path.parent.name in ("data", "_data")
    assert "Pichia kudriavzevii" in path.read_text(encoding="utf-8")


def _named_texts():
    """(text, key) for every listed species name, former name and unique abbreviation."""
    out = []
    for s in all_species():
        if s.genus_level or s.key in ("yeast_unidentified", "mould_unidentified") or "(" in s.name:
            continue
        for name in (s.name, *s.former_names):
            words = name.split()
            out.append((name, s.key))
            short = f"{words[0][0]}. {words[1]}" if len(words) == 2 else None
            if short is not None and _unique_abbreviation(short, s.key):
                out.append((short, s.key))
    return out


def _unique_abbreviation(text, key):
    try:
        found = resolve(text)
    except OrganismRefused:
        return False  # an initial two listed species share: refused, never guessed
    return found is not None and found.key == key


NAMED = _named_texts()


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(NAMED),
    st.sampled_from(["", " sp.", " spp.", " species", " complex", " species complex"]),
    st.sampled_from(["plain", "upper", "lower", "spaced"]),
    st.sampled_from(["none", "self", "current", "yeast", "genus"]),
)
def test_a_text_naming_a_known_species_never_maps_to_a_genus(named, suffix, case, joined):
    text, key = named
    species = next(s for s in all_species() if s.key == key)
    text = text + suffix
    text = {"plain": text, "upper": text.upper(), "lower": text.lower(), "spaced": "  " + text.replace(" ", "   ") + " "}[case]
    if joined == "self":
        text = f"{text} ({species.name})"
    elif joined == "current":
        text = f"{species.name} / {text}"
    elif joined == "yeast" and species.fungal and species.group != "mould":
        text = f"Yeast ({text})"
    elif joined == "genus":
        text = f"{species.genus} ({text})"
    found = lookup(text)
    assert found is not None and found.key == key and not found.genus_level, (text, found)
    assert resolve(text).key == key
