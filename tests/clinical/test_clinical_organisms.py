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
