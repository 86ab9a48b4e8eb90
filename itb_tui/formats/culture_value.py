"""The result of one culture observation from what a laboratory sent, shared by the HL7 v2
reader (formats/hl7/oru.py, OBX-5) and the FHIR reader (formats/fhir/results.py,
value[x]): the same text and SNOMED CT code give the same result, or the same refusal,
whichever way the result came.

Pure: the caller has already taken the text and the SNOMED CT codes out of its format; a
code is looked up with `by_code` (clinical/organisms.by_snomed_ct: the species table's
verified codes, never a guess). A code and a text that disagree are refused: a person
must read the report.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

# SNOMED CT 264868006 "No growth (qualifier value)" (the FHIR export writes it; both
# readers read it). Checked (session 5) against the Medizininformatik-Initiative's
# microbiology FHIR IG, whose examples code a culture without growth as
# $sct#264868006 "No growth (qualifier value)"
# (github.com/medizininformatik-initiative/kerndatensatzmodul-mikrobiologie, input/fsh).
NO_GROWTH_SNOMED = ("264868006", "No growth")


def words(text: str) -> str:
    """Lower case, punctuation and runs of spaces as one space: how texts are compared."""
    return " ".join(re.split(r"[^a-z0-9]+", text.lower())).strip()


def organism_text(printed: str, table) -> str:
    """The organism a lab's text names, without the words around it ("Yeast seen" ->
    "Yeast"), keeping the lab's spelling (`table`: formats/hl7/codes.LabCodes)."""
    text = printed.strip().rstrip(".")
    lower = words(text)
    for prefix in table.organism_prefixes:
        if lower.startswith(prefix + " "):
            cut = len(text) - len(text.lower().split(prefix.split()[-1], 1)[1])
            text = text[cut:].strip(" :")
            lower = words(text)
    for suffix in table.organism_suffixes:
        if lower.endswith(" " + suffix):
            text = text[: text.lower().rfind(suffix)].rstrip(" ,;:-")
            lower = words(text)
    return text


class ValueRefused(ValueError):
    """Why the observation cannot be read (the caller quarantines the message with it)."""


def culture_value(text: str, snomed: Sequence[str], table, by_code: Callable[[str], str | None], *,
                  nothing: str, display: str = "") -> tuple[str, str | None]:
    """(result, organism as named) of one culture observation.

    `text`: the lab's words ("" if none); `snomed`: its SNOMED CT codes; `display`: a
    coding's display, used only when there is neither text nor a known code; `nothing`:
    the reason when there is nothing to read at all."""
    from itb_tui.wardfile.fields import check_organism

    if NO_GROWTH_SNOMED[0] in snomed:
        return "no_growth", None
    coded = next((name for name in map(by_code, snomed) if name), None)
    text = text.strip()
    if not text and coded is None:
        text = display.strip()
    if not text and coded is None:
        if snomed:
            raise ValueRefused(f"unknown organism: SNOMED CT code {', '.join(snomed)} without a name, "
                               "and not in the species table (data/organisms.toml)")
        raise ValueRefused(nothing)
    if not text:
        return "positive", coded
    said = words(text)
    if said in table.no_growth:
        if coded is not None:
            raise ValueRefused(f"the text says no growth, the SNOMED CT code names {coded}")
        return "no_growth", None
    if said in table.growth_pending and coded is None:
        return "positive", text
    organism = organism_text(text, table)
    problem = check_organism(organism)
    if problem:
        raise ValueRefused(f"unknown organism {text!r}: {problem}")
    if coded is not None:
        from itb_tui.clinical.organisms import canonical_name

        if canonical_name(coded) != canonical_name(organism):
            raise ValueRefused(f"the text names {organism!r}, the SNOMED CT code names {coded!r}")
    return "positive", organism
