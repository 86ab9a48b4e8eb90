"""data/lab-codes.toml: which OBX-3 codes and texts are cultures, specimen source codes,
and the result texts labs print. Loaded once; a table that cannot be used stops with one
line naming the file (never a half-read table)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from itb_tui.clinical.records import SPECIMENS
from itb_tui.formats.culture_value import words  # noqa: F401 - one definition, used as codes.words


class LabCodesError(ValueError):
    """data/lab-codes.toml cannot be used."""


@dataclass(frozen=True, slots=True)
class CultureCode:
    system: str
    code: str
    display: str
    specimen: str
    bottle: str
    source: str


@dataclass(frozen=True, slots=True)
class LabCodes:
    version: str
    codes: dict[tuple[str, str], CultureCode]  # (system upper, code) -> entry
    texts: tuple[tuple[str, str], ...]  # (normalised words, specimen or "")
    specimen_source: dict[str, str]
    no_growth: frozenset[str]
    growth_pending: frozenset[str]
    organism_prefixes: tuple[str, ...]
    organism_suffixes: tuple[str, ...]


def default_path() -> Path:
    package_dir = Path(__file__).resolve().parents[2]
    installed = package_dir / "_data" / "lab-codes.toml"
    if installed.is_file():
        return installed
    return package_dir.parent / "data" / "lab-codes.toml"


@lru_cache(maxsize=4)
def load(path: Path | None = None) -> LabCodes:
    path = path or default_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LabCodesError(f"{path}: cannot be read ({exc})") from None
    sources = raw.get("sources", {})
    problems: list[str] = []
    codes: dict[tuple[str, str], CultureCode] = {}
    for i, entry in enumerate(raw.get("code", [])):
        try:
            item = CultureCode(str(entry["system"]).upper(), str(entry["code"]), str(entry["display"]),
                               str(entry["specimen"]), str(entry.get("bottle", "")), str(entry["source"]))
        except KeyError as exc:
            problems.append(f"code[{i}] lacks {exc}")
            continue
        if item.source not in sources:
            problems.append(f"code {item.code}: source {item.source!r} is not in [sources] (a code needs the source it was checked against)")
        if item.specimen not in SPECIMENS:
            problems.append(f"code {item.code}: specimen {item.specimen!r} is not a ward-file specimen")
        codes[(item.system, item.code)] = item
    texts = tuple((words(str(t["contains"])), str(t.get("specimen", ""))) for t in raw.get("text", []))
    for text, specimen in texts:
        if specimen and specimen not in SPECIMENS:
            problems.append(f"text {text!r}: specimen {specimen!r} is not a ward-file specimen")
    spec = {str(k).lower(): str(v) for k, v in raw.get("specimen_source", {}).items()}
    for k, v in spec.items():
        if v not in SPECIMENS:
            problems.append(f"specimen_source {k}: {v!r} is not a ward-file specimen")
    results = raw.get("result_text", {})
    if problems:
        raise LabCodesError(f"{path}: " + "; ".join(problems))
    return LabCodes(
        version=str(raw.get("version", "")), codes=codes, texts=texts, specimen_source=spec,
        no_growth=frozenset(words(t) for t in results.get("no_growth", [])),
        growth_pending=frozenset(words(t) for t in results.get("growth_pending", [])),
        organism_prefixes=tuple(words(t) for t in results.get("organism_prefixes", [])),
        organism_suffixes=tuple(words(t) for t in results.get("organism_suffixes", [])),
    )
