"""The rules table: every threshold, source and basis the engine uses, read from ONE file.

Why a file and not constants: a hospital's clinical safety officer must be able to review
and change the thresholds (and see which rules are local policy) without reading Python.
The default table is `data/rules.toml` in a checkout and `itb_tui/_data/rules.toml` in an
installed wheel. A broken table must stop the app with one clear line, never fall back
silently to numbers nobody reviewed, so `load_rules` validates everything it reads.
"""

from __future__ import annotations

from dataclasses import field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from itb_tui.clinical.assessment import ALERT_CODES, REFILL_REASONS
from itb_tui.clinical.frozen_record import frozen_record
from itb_tui.clinical.parsed_tables import TomlSyntaxError, read_toml
from itb_tui.clinical.severity import ALERT_SEVERITY

BASES = ("guideline", "expert_summary", "local_policy")
KINDS = ("definition", "refill_reason", "alert", "antifungal_state", "reimplant_state")

# Every threshold the engine reads, each a whole number of days except the dose.
DAY_THRESHOLDS = (
    "pending_window_days",
    "refill_due_days",
    "withdrawal_horizon_days",
    "antifungal_days_after_clearance",
    "reimplant_days_after_therapy",
    "drug_stability_days",
    "alarm_mismatch_days",
    "followup_culture_interval_days",
    "eye_exam_within_days",
    "episode_lookback_days",
    "no_bridging_window_days",
    "bridging_grace_days",
    "bridging_window_days",
)
DOSE_THRESHOLDS = ("fluconazole_sdd_dose_mg",)
THRESHOLDS = DAY_THRESHOLDS + DOSE_THRESHOLDS


class RulesError(ValueError):
    """The rules table cannot be used. str() is one line naming the file and every problem."""


@frozen_record
class RuleInfo:
    code: str
    title: str
    text: str
    source: str
    basis: str
    threshold_name: str | None = None
    value: int | Decimal | None = None
    kind: str = "definition"
    action: str | None = None  # the suggested action shown with the alert, if any
    severity: str | None = None  # alerts only; fixed in code, copied here for Help


@frozen_record
class Rules:
    version: str
    entries: tuple[RuleInfo, ...]
    regimens: tuple[tuple[str, str], ...]
    pending_window_days: int
    refill_due_days: int
    withdrawal_horizon_days: int
    antifungal_days_after_clearance: int
    reimplant_days_after_therapy: int
    drug_stability_days: int
    alarm_mismatch_days: int
    followup_culture_interval_days: int
    eye_exam_within_days: int
    episode_lookback_days: int
    no_bridging_window_days: int
    bridging_grace_days: int
    bridging_window_days: int
    fluconazole_sdd_dose_mg: Decimal
    origin: str = ""
    _by_code: Mapping[str, RuleInfo] = field(default_factory=dict, compare=False, repr=False)

    def entry(self, code: str) -> RuleInfo:
        """The table entry of a rule code (KeyError for a code the table does not hold)."""
        return self._by_code[code]


def default_rules_path() -> Path:
    """The shipped table: inside the package when installed, `<repo>/data` in a checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    installed = package_dir / "_data" / "rules.toml"
    if installed.is_file():
        return installed
    return package_dir.parent / "data" / "rules.toml"


def load_rules(path: str | Path | None = None) -> Rules:
    """The default table (cached: it is read once per process) or the table at `path`."""
    if path is None:
        return _load_default()
    return _load_file(Path(path))


@lru_cache(maxsize=1)
def _load_default() -> Rules:
    return _load_file(default_rules_path(), cache=True)  # the shipped table: parsed once (parsed_tables)


def _load_file(path: Path, cache: bool = False) -> Rules:
    try:
        data = read_toml(path, cache=cache)
    except OSError as exc:
        raise RulesError(f"rules table {path}: cannot be read ({exc.strerror or exc})") from None
    except TomlSyntaxError as exc:
        raise RulesError(f"rules table {path}: not valid TOML ({exc})") from None
    return rules_from_mapping(data, origin=str(path))


def rules_from_mapping(data: Mapping[str, Any], origin: str = "<table>") -> Rules:
    """Validate a parsed table and build Rules; every problem is collected, then raised."""
    problems: list[str] = []
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        problems.append("'version' must be a non-empty string")
        version = ""

    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list):
        problems.append("'rule' must be an array of tables ([[rule]])")
        raw_rules = []
    entries: list[RuleInfo] = []
    thresholds: dict[str, int | Decimal] = {}
    seen: set[str] = set()
    for index, raw in enumerate(raw_rules):
        entry = _entry(raw, index, problems)
        if entry is None:
            continue
        if entry.code in seen:
            problems.append(f"rule '{entry.code}' appears twice")
        seen.add(entry.code)
        entries.append(entry)
        if entry.threshold_name is not None and entry.value is not None:
            if entry.threshold_name in thresholds:
                problems.append(f"threshold '{entry.threshold_name}' is set twice")
            thresholds[entry.threshold_name] = entry.value

    for code in dict.fromkeys(REFILL_REASONS + ALERT_CODES):
        if code not in seen:
            problems.append(f"rule '{code}' is missing")
    for name in THRESHOLDS:
        if name not in thresholds:
            problems.append(f"threshold '{name}' is missing")

    regimens = _regimens(data.get("regimen", []), problems)
    if problems:
        raise RulesError(f"rules table {origin}: " + "; ".join(problems))
    return Rules(
        version=version.strip(),
        entries=tuple(entries),
        regimens=regimens,
        origin=origin,
        _by_code=MappingProxyType({e.code: e for e in entries}),
        **{name: thresholds[name] for name in THRESHOLDS},  # type: ignore[arg-type]
    )


def _entry(raw: Any, index: int, problems: list[str]) -> RuleInfo | None:
    where = f"rule #{index + 1}"
    if not isinstance(raw, dict):
        problems.append(f"{where} is not a table")
        return None
    code = raw.get("code")
    if not isinstance(code, str) or not code.strip():
        problems.append(f"{where} has no 'code'")
        return None
    code = code.strip()
    where = f"rule '{code}'"
    strings = {}
    for key in ("title", "text", "source", "basis"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where} needs a non-empty '{key}'")
            value = ""
        strings[key] = " ".join(value.split())
    if strings["basis"] and strings["basis"] not in BASES:
        problems.append(f"{where}: basis '{strings['basis']}' is not one of {', '.join(BASES)}")
    kind = raw.get("kind", "definition")
    if kind not in KINDS:
        problems.append(f"{where}: kind '{kind}' is not one of {', '.join(KINDS)}")
    if code in ALERT_CODES and code in REFILL_REASONS:
        # one entry serves both (device_retained: the refill caution and its warning)
        if kind not in ("alert", "refill_reason"):
            problems.append(f"{where}: kind must be 'alert' or 'refill_reason'")
    elif code in ALERT_CODES and kind != "alert":
        problems.append(f"{where}: kind must be 'alert'")
    elif code in REFILL_REASONS and kind != "refill_reason":
        problems.append(f"{where}: kind must be 'refill_reason'")
    action = raw.get("action")
    if action is not None and (not isinstance(action, str) or not action.strip()):
        problems.append(f"{where}: 'action' must be non-empty text when given")
        action = None
    threshold_name, value = _threshold(raw, where, problems)
    return RuleInfo(
        code=code,
        title=strings["title"],
        text=strings["text"],
        source=strings["source"],
        basis=strings["basis"],
        threshold_name=threshold_name,
        value=value,
        kind=kind,
        action=" ".join(action.split()) if action else None,
        severity=ALERT_SEVERITY.get(code),
    )


def _threshold(raw: dict, where: str, problems: list[str]) -> tuple[str | None, int | Decimal | None]:
    name = raw.get("threshold")
    if name is None:
        if "value" in raw:
            problems.append(f"{where}: 'value' given without 'threshold'")
        return None, None
    if name not in THRESHOLDS:
        problems.append(f"{where}: unknown threshold '{name}'")
        return None, None
    value = raw.get("value")
    if value is None:
        problems.append(f"{where}: threshold '{name}' has no value")
        return name, None
    if name in DAY_THRESHOLDS:
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{where}: threshold '{name}' must be a whole number of days, not {value!r}")
            return name, None
        if value < 0:
            problems.append(f"{where}: threshold '{name}' must not be negative ({value})")
            return name, None
        return name, value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.append(f"{where}: threshold '{name}' must be a number, not {value!r}")
        return name, None
    if value <= 0:
        problems.append(f"{where}: threshold '{name}' must be positive ({value})")
        return name, None
    return name, Decimal(str(value))


def _regimens(raw: Any, problems: list[str]) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, list):
        problems.append("'regimen' must be an array of tables ([[regimen]])")
        return ()
    out = []
    for index, item in enumerate(raw):
        drug = item.get("drug") if isinstance(item, dict) else None
        text = item.get("text") if isinstance(item, dict) else None
        if not isinstance(drug, str) or not drug.strip() or not isinstance(text, str) or not text.strip():
            problems.append(f"regimen #{index + 1} needs a non-empty 'drug' and 'text'")
            continue
        out.append((drug.strip(), " ".join(text.split())))
    return tuple(out)
