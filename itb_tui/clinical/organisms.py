"""Which organism a culture grew, as laboratories print its name, and its fungal group.

Why this matters: whether a positive culture is fungal, and which fungal group it
belongs to (clinical-rules.md, Terms), decides the fungemia block, the course countdown
(14 days for the `candida` group only) and the drug alerts. Laboratories are renaming
yeasts (C. krusei is now Pichia kudriavzevii, C. glabrata Nakaseomyces glabratus,
C. auris Candidozyma auris) and print names with qualifiers ("Candida glabrata complex",
"Candida sp.") and synonyms ("Pichia kudriavzevii (Candida krusei)"). Revision 2 fell
back on the genus for any name it did not know, so those names lost their species'
rules without a word (hazard H45).

The species table lives in `data/organisms.toml` (reviewed by microbiology, not code).

Matching (clinical-rules.md, Terms): case, repeated spaces and punctuation are ignored;
a trailing "sp.", "spp.", "species", "complex" or "species complex" is dropped; a genus
initial ("C. krusei") is accepted when exactly one listed species fits; two names joined
by parentheses or a slash mean one species when they name the same one (a genus, or
"yeast", joined to a species of it is that species) and are refused as ambiguous when
they do not. A named species is NEVER reduced to its genus: genus level is only for a
bare genus ("Candida", "Candida sp.") and "yeast". A text in a known FUNGAL genus that the
table does not list ("Candida foo"), an unmatched text naming yeast/fungus/mould, a genus
initial no listed species fits where a fungal genus has that initial, and a text two
typing slips from a fungal genus ("Candda albicans") are refused. Any other text not in
the table is bacterial (it blocks as bacteremia), as before.

Two entry points:
- `resolve(text)` is for where a name is ENTERED (import, every form, a lab feed): it
  raises `OrganismRefused` naming the text and the nearest listed names, so the person
  entering it can fix it, and returns None for a non-fungal text not in the table.
- `lookup(text)` is for the engine and never raises. A refused text can still reach it
  from a store written before revision 3; it then FAILS SAFE: it returns a fungal
  "unrecognised" species (key `unrecognised_fungus`) whenever any part of the text could
  be fungal, so the text blocks as fungemia / fungal device infection and gets every
  group-independent fungal rule, never "no organism". Its group is the one its fungal
  parts agree on (a known genus's group; "candida" for yeast words, as for "yeast, not
  identified"; "mould" for mould/fungus words); when they disagree, the first of mould,
  cryptococcus, other_yeast, candida. A species-specific rule (C. krusei, C. glabrata,
  C. auris) cannot fire for it: the species is not known. An ambiguous text whose parts
  are all bacterial stays bacterial.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from itb_tui.clinical.frozen_record import frozen_record
from itb_tui.clinical.parsed_tables import TomlSyntaxError, read_toml

# Keys the engine tests for (stable identifiers, never shown).
KRUSEI = "pichia_kudriavzevii"
GLABRATA = "nakaseomyces_glabratus"
AURIS = "candidozyma_auris"
UNRECOGNISED = "unrecognised_fungus"

FUNGAL_GROUPS = ("candida", "cryptococcus", "mould", "other_yeast")
GROUPS = FUNGAL_GROUPS + ("bacterial",)
# When the parts of a refused text disagree, the group whose rules are the strictest.
_FAIL_SAFE_ORDER = ("mould", "cryptococcus", "other_yeast", "candida")
_QUALIFIERS = {"sp", "spp", "ssp", "species", "complex"}
_FUNGAL_WORDS = {"yeast": "candida", "yeasts": "candida", "fungus": "mould", "fungi": "mould",
                 "fungal": "mould", "mould": "mould", "mold": "mould", "moulds": "mould", "molds": "mould"}
_SPLIT = re.compile(r"[()/\[\]]")


class OrganismRefused(ValueError):
    """An organism text that cannot be recorded as it stands: `reason` is "ambiguous"
    (two different organisms) or "unknown_fungal" (a fungus the table does not list).
    `suggestions` are the nearest listed names. str() is one line for the person."""

    def __init__(self, text: str, reason: str, suggestions: tuple[str, ...]) -> None:
        self.text = text
        self.reason = reason
        self.suggestions = tuple(suggestions)
        shown = " ".join(text.split())
        quoted = ", ".join(f'"{s}"' for s in self.suggestions)
        if reason == "ambiguous":
            message = (f'organism "{shown}" is ambiguous: {quoted} are different organisms '
                       f"(record one culture result per organism)")
        else:
            message = f'unknown fungal organism "{shown}": not in the species table'
            if quoted:
                message += f" (nearest: {quoted})"
        super().__init__(message)


@frozen_record
class Species:
    key: str
    name: str  # the current name
    former_names: tuple[str, ...]
    genus: str
    fungal: bool
    aliases: tuple[str, ...] = ()  # laboratory shorthand (MRSA, CoNS, "yeast")
    group: str | None = None  # one of FUNGAL_GROUPS; None for bacteria
    source: str = ""  # the full citation of the name (data/organisms.toml [sources])
    genus_level: bool = False  # a bare genus ("Candida species"), not a named species


class OrganismTableError(ValueError):
    """data/organisms.toml cannot be used (one line naming the file and the problems)."""


def default_table_path() -> Path:
    package_dir = Path(__file__).resolve().parent.parent
    installed = package_dir / "_data" / "organisms.toml"
    if installed.is_file():
        return installed
    return package_dir.parent / "data" / "organisms.toml"


def _tokens(name: str) -> tuple[str, ...]:
    return tuple(t for t in re.split(r"[^a-z0-9]+", name.lower()) if t)


def _core(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Tokens without trailing qualifiers ("sp.", "spp.", "species", "complex")."""
    while len(tokens) > 1 and tokens[-1] in _QUALIFIERS:
        tokens = tokens[:-1]
    return tokens


@frozen_record
class _Table:
    version: str
    species: tuple[Species, ...]
    genera: dict[str, Species]  # lower-case genus -> its genus-level entry
    exact: dict[tuple[str, ...], Species]
    abbreviated: dict[tuple[str, ...], Species | None]  # None: two species share it
    names: tuple[tuple[str, Species], ...]  # every listed name (current, former), for suggestions


def load_table(path: Path | None = None) -> _Table:
    shipped = path is None  # the shipped table is parsed once (parsed_tables), a named one each time
    path = path or default_table_path()
    problems: list[str] = []
    try:
        data = read_toml(path, cache=shipped)
    except (OSError, TomlSyntaxError) as exc:
        raise OrganismTableError(f"species table {path}: cannot be read ({exc})") from None
    sources = data.get("sources", {})
    genera: dict[str, Species] = {}
    for raw in data.get("genus", []):
        name, group, source = raw.get("name", ""), raw.get("group"), raw.get("source")
        if group not in GROUPS or source not in sources or not name:
            problems.append(f"genus {name!r}: needs a group of {', '.join(GROUPS)} and a listed source")
            continue
        fungal = group != "bacterial"
        genera[name.lower()] = Species(f"{name.lower()}_species", f"{name} species", (), name, fungal,
                                       group=group if fungal else None, source=sources[source],
                                       genus_level=True)
    species: list[Species] = []
    for raw in data.get("species", []):
        key, name, group, source = raw.get("key"), raw.get("name"), raw.get("group"), raw.get("source")
        if not key or not name or group not in GROUPS or source not in sources:
            problems.append(f"species {key or name!r}: needs key, name, a group and a listed source")
            continue
        fungal = group != "bacterial"
        species.append(Species(key, name, tuple(raw.get("former", ())), raw.get("genus", name.split()[0]),
                               fungal, tuple(raw.get("aliases", ())), group if fungal else None, sources[source],
                               bool(raw.get("genus_level", False))))
    if len({s.key for s in species}) != len(species):
        problems.append("a species key appears twice")
    if problems:
        raise OrganismTableError(f"species table {path}: " + "; ".join(problems))
    # Genus-level entries the species list also holds ("Streptococcus species") are that entry.
    exact: dict[tuple[str, ...], Species] = {}
    abbreviated: dict[tuple[str, ...], Species | None] = {}
    names: list[tuple[str, Species]] = []
    for entry in species:
        for text in (entry.name, *entry.former_names, *entry.aliases):
            tokens = _core(_tokens(text))
            if tokens in exact and exact[tokens].key != entry.key:
                raise OrganismTableError(f"species table {path}: {text!r} names two species")
            exact[tokens] = entry
            if len(tokens) == 2 and len(tokens[0]) > 1 and tokens[0] in genera:
                short = (tokens[0][0], tokens[1])
                other = abbreviated.get(short, entry)
                abbreviated[short] = entry if other is not None and other.key == entry.key else None
        names += [(text, entry) for text in (entry.name, *entry.former_names)]
    for genus, entry in genera.items():
        listed = exact.get((genus,))
        if listed is not None:
            genera[genus] = listed
        else:
            exact[(genus,)] = entry
            names.append((entry.name, entry))
    return _Table(str(data.get("version", "")), tuple(species), genera, exact, abbreviated, tuple(names))


_TABLE = load_table()


def table_version() -> str:
    return _TABLE.version


def all_species() -> tuple[Species, ...]:
    return _TABLE.species


def genus_entries() -> tuple[Species, ...]:
    return tuple(_TABLE.genera.values())


# ---------------------------------------------------------------- matching one part

@frozen_record
class _Unknown:
    """A part that could be fungal but names nothing listed."""
    group: str  # the group it would most likely belong to (fail-safe lookup)
    genus: str | None  # its known (or nearly typed) fungal genus, if any


def _part(tokens: tuple[str, ...]) -> Species | _Unknown | None:
    """One name (no parentheses or slash): a listed species or genus, an _Unknown that
    could be fungal, or None (not in the table, not fungal: bacterial)."""
    tokens = _core(tokens)
    if not tokens:
        return None
    found = _TABLE.exact.get(tokens)
    if found is not None:
        return found
    head = tokens[0]
    if len(tokens) >= 2 and len(head) == 1:
        found = _TABLE.abbreviated.get(tokens[:2]) if len(tokens) == 2 else None
        if found is not None:
            return found
        initials = [g for g in _TABLE.genera.values() if g.fungal and g.genus.lower().startswith(head)]
        if initials:  # "C. foo": could be a Candida; never guess
            return _Unknown(_fail_safe_group({g.group for g in initials}), None)
        return None
    genus = _TABLE.genera.get(head)
    if genus is not None:
        if genus.fungal:
            return _Unknown(genus.group, genus.genus)  # "Candida foo": never read as "Candida"
        return genus  # an unlisted species of a bacterial genus: bacterial
    for token in tokens:
        group = _FUNGAL_WORDS.get(token)
        if group is not None:
            return _Unknown(group, None)
    if len(head) >= 5:
        for entry in _TABLE.genera.values():
            if entry.fungal and _edit_distance(head, entry.genus.lower()) <= 2:
                return _Unknown(entry.group, entry.genus)  # "Candda albicans": a typed fungus
    return None


def _fail_safe_group(groups: set[str]) -> str:
    for group in _FAIL_SAFE_ORDER:
        if group in groups:
            return group
    return "candida"


def _general(species: Species) -> bool:
    """A genus-level entry, or "yeast"/"mould" not identified: it names no species."""
    return species.genus_level or species.key in ("yeast_unidentified", "mould_unidentified")


def _genera_of(species: Species) -> set[str]:
    return {species.genus.lower()} | {n.split()[0].lower() for n in (species.name, *species.former_names) if n.split()}


def _compatible(genus_level: Species, species: Species) -> bool:
    """A genus (or "yeast") joined to a species of it means the species."""
    if genus_level.key == "yeast_unidentified":
        return species.fungal and species.group != "mould"
    if genus_level.key == "mould_unidentified":
        return species.fungal and species.group == "mould"
    return genus_level.genus.lower() in _genera_of(species)


# ---------------------------------------------------------------- the two entry points

@lru_cache(maxsize=8192)
def _match(text: str) -> Species | OrganismRefused | None:
    """The outcome for one text: cached, so lookup/resolve cost a dict probe per culture."""
    pieces = [p for p in _SPLIT.split(text) if _tokens(p)]
    if len(pieces) <= 1:
        whole = _part(_tokens(text))
        if isinstance(whole, _Unknown):
            return OrganismRefused(text, "unknown_fungal", _suggest(text, whole))
        return whole
    listed = _TABLE.exact.get(_core(_tokens(text)))  # "Yeast (not yet identified)", "... (MRSA)"
    if listed is not None:
        return listed
    parts = [(piece, _part(_tokens(piece))) for piece in pieces]
    for piece, part in parts:
        if isinstance(part, _Unknown):
            return OrganismRefused(text, "unknown_fungal", _suggest(piece, part))
    known = [part for _, part in parts if isinstance(part, Species)]
    if not known:
        return None
    named = list({s.key: s for s in known if not _general(s)}.values())
    genus_level = list({s.key: s for s in known if _general(s)}.values())
    if len(named) > 1:
        return OrganismRefused(text, "ambiguous", tuple(s.name for s in named))
    if named:
        species = named[0]
        if all(_compatible(g, species) for g in genus_level):
            return species
        return OrganismRefused(text, "ambiguous", tuple(s.name for s in (*genus_level, species)))
    if len(genus_level) > 1:
        general = [g for g in genus_level if not g.genus_level]  # "yeast" / "mould"
        genera = [g for g in genus_level if g.genus_level]
        if len(genera) == 1 and all(_compatible(g, genera[0]) for g in general):
            return genera[0]  # "Yeast (Candida sp.)"
        return OrganismRefused(text, "ambiguous", tuple(g.name for g in genus_level))
    return genus_level[0]


def resolve(text: str | None) -> Species | None:
    """The species a text entered by a person or a lab denotes; None for an empty text or
    a non-fungal text the table does not list (bacterial). Raises OrganismRefused for an
    ambiguous text or an unlisted fungus (see the module docstring)."""
    if not text or not text.strip():
        return None
    outcome = _match(text)
    if isinstance(outcome, OrganismRefused):
        raise outcome
    return outcome


@lru_cache(maxsize=8192)
def lookup(text: str | None) -> Species | None:
    """As resolve(), but never raises: a refused text fails safe (module docstring)."""
    if not text or not text.strip():
        return None
    outcome = _match(text)
    if isinstance(outcome, OrganismRefused):
        return _fail_safe(outcome)
    return outcome


def _fail_safe(refused: OrganismRefused) -> Species | None:
    groups: set[str] = set()
    for piece in _SPLIT.split(refused.text):
        part = _part(_tokens(piece))
        if isinstance(part, _Unknown):
            groups.add(part.group)
        elif isinstance(part, Species) and part.fungal:
            groups.add(part.group)
    if not groups:
        return None  # every part bacterial: blocks as bacteremia
    return Species(UNRECOGNISED, "Unrecognised fungus", (), "", True, group=_fail_safe_group(groups),
                   source="not in the species table: treated as fungal (fail safe)")


def is_fungal(name: str | None) -> bool:
    species = lookup(name)
    return species is not None and species.fungal


@lru_cache(maxsize=4096)
def canonical_name(name: str) -> str:
    """The name shown for a culture's organism: the current name of a recognised
    organism, "Unrecognised fungus" for a refused fungal text, else the text tidied."""
    species = lookup(name)
    if species is None or (species.genus_level and not species.fungal):
        return " ".join(name.split())  # unlisted, or an unlisted species of a bacterial genus
    return species.name


# ---------------------------------------------------------------- nearest names

def _suggest(text: str, part: _Unknown) -> tuple[str, ...]:
    typed = " ".join(_core(_tokens(text)))
    pool = tuple((n, s) for n, s in _TABLE.names if s.fungal)  # it could be fungal: fungi first
    if part.genus is not None:
        genus = part.genus.lower()
        pool = tuple((n, s) for n, s in pool if n.split()[0].lower() == genus) or pool
        typed = " ".join([genus, *_core(_tokens(text))[1:]])
    elif not any(t in _FUNGAL_WORDS for t in _tokens(text)) and len(_tokens(text)[0]) == 1:
        initial = _tokens(text)[0]
        pool = tuple((n, s) for n, s in pool if s.fungal and n.lower().startswith(initial)) or pool
    from difflib import SequenceMatcher  # only for suggestions (not paid for by every assessment)

    scored = sorted(pool, key=lambda item: (-SequenceMatcher(None, typed, item[0].lower()).ratio(), item[0]))
    out: list[str] = []
    for name, _species in scored:
        if name not in out:
            out.append(name)
        if len(out) == 3:
            break
    if part.genus is not None and part.genus.lower() in _TABLE.genera:
        level = _TABLE.genera[part.genus.lower()].name  # "Candida species": the genus is certain
        out = [n for n in out if n != level][:2] + [level]
    elif any(t in _FUNGAL_WORDS for t in _tokens(text)):
        out = ["Yeast (not yet identified)", "Mould (not yet identified)"] + [
            n for n in out if n not in ("Yeast (not yet identified)", "Mould (not yet identified)")][:1]
    return tuple(out)


def _edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions and swaps
    of two neighbours ("krusie" -> "krusei" is 1)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


# --- SNOMED CT codes (issue 15: a lab's FHIR result may name the organism by code only) ---
# An entry of data/organisms.toml (species or genus) may carry `snomed_ct = "<code>"`
# with `snomed_ct_source` naming where the code was checked. Only such verified codes are
# looked up; a code not in the table gives None and the caller quarantines the result:
# a code is never guessed from a near one or from a display text.


class SnomedCodeError(OrganismTableError):
    """A SNOMED CT code in the species table cannot be used."""


def snomed_ct_index(path: Path | None = None) -> dict[str, str]:
    """SNOMED CT concept id -> the organism's current name, from the species table.

    Read from the table file itself (not `_TABLE`), so a test can point it at a small
    fixture table. A code without its `snomed_ct_source`, a code that is not a SNOMED CT
    concept id (digits only, 6 to 18), or one code on two organisms stops with one line.
    """
    shipped = path is None
    path = path or default_table_path()
    try:
        data = read_toml(path, cache=shipped)
    except (OSError, TomlSyntaxError) as exc:
        raise SnomedCodeError(f"species table {path}: cannot be read ({exc})") from None
    index: dict[str, str] = {}
    problems: list[str] = []
    entries = [(raw, f"{raw.get('name', '')} species") for raw in data.get("genus", [])]
    entries += [(raw, str(raw.get("name", ""))) for raw in data.get("species", [])]
    for raw, name in entries:
        code = raw.get("snomed_ct")
        if code is None:
            continue
        code = str(code).strip()
        if not (code.isdigit() and 6 <= len(code) <= 18):
            problems.append(f"{name!r}: snomed_ct {code!r} is not a SNOMED CT concept id")
        elif not str(raw.get("snomed_ct_source", "")).strip():
            problems.append(f"{name!r}: snomed_ct {code} has no snomed_ct_source (a code needs the source it was checked against)")
        elif code in index and index[code] != name:
            problems.append(f"snomed_ct {code} is on both {index[code]!r} and {name!r}")
        else:
            index[code] = name
    if problems:
        raise SnomedCodeError(f"species table {path}: " + "; ".join(problems))
    return index


@lru_cache(maxsize=1)
def _snomed_ct_codes() -> dict[str, str]:
    return snomed_ct_index()


def by_snomed_ct(code: str | None) -> str | None:
    """The organism (its current name, as the species table shows it) a verified SNOMED CT
    code names, or None when the table has no such code (never a guess)."""
    if not code:
        return None
    return _snomed_ct_codes().get(str(code).strip())
