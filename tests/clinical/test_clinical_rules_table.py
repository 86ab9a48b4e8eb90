"""The rules table: complete, sourced, validated, and actually the thing the engine reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from itb_tui.clinical import assess
from itb_tui.clinical.assessment import ALERT_CODES, REFILL_REASONS
from itb_tui.clinical.rules import BASES, RulesError, default_rules_path, load_rules
from itb_tui.clinical.severity import ALERT_SEVERITY

from clinical_factories import d, patient, pump, refill

# The defaults of clinical-rules.md (plus the one-day bridging grace it states in words).
SPEC_DEFAULTS = {
    "pending_window_days": 5,
    "refill_due_days": 7,
    "withdrawal_horizon_days": 7,
    "antifungal_days_after_clearance": 14,
    "reimplant_days_after_therapy": 14,
    "drug_stability_days": 180,
    "alarm_mismatch_days": 2,
    "followup_culture_interval_days": 2,
    "eye_exam_within_days": 7,
    "fluconazole_sdd_dose_mg": 800,
    "episode_lookback_days": 365,
    "no_bridging_window_days": 14,
    "bridging_grace_days": 1,
    "bridging_window_days": 7,  # revision 3 (bridging belongs to the current removal)
}
DEFAULT_TEXT = default_rules_path().read_text(encoding="utf-8")


def test_every_code_has_a_sourced_entry():
    rules = load_rules()
    for code in REFILL_REASONS + ALERT_CODES:
        entry = rules.entry(code)
        assert entry.title and entry.text, code
        assert entry.source.strip(), code
        assert entry.basis in BASES, code
    for code in ALERT_CODES:
        assert rules.entry(code).severity == ALERT_SEVERITY[code]
    assert set(ALERT_SEVERITY) == set(ALERT_CODES)


def test_spec_bases_where_the_spec_names_them():
    rules = load_rules()
    assert rules.entry("device_removal_indicated").basis == "expert_summary"
    assert rules.entry("alarm_date_mismatch").basis == "local_policy"
    assert rules.entry("c_auris").source.startswith("CDC")
    assert "IDSA 2016" in rules.entry("followup_culture_due").source


def test_thresholds_carry_the_spec_defaults():
    rules = load_rules()
    for name, value in SPEC_DEFAULTS.items():
        assert getattr(rules, name) == value, name
    owned = {e.threshold_name: e.value for e in rules.entries if e.threshold_name}
    assert owned == SPEC_DEFAULTS


def test_reference_regimens_are_listed():
    text = " ".join(f"{drug}: {regimen}" for drug, regimen in load_rules().regimens).lower()
    for words in ("fluconazole 400 mg", "caspofungin 70 mg", "micafungin 100 mg", "anidulafungin 200 mg",
                  "amphotericin b 3-5 mg/kg"):
        assert words in text


def test_version_and_cache():
    rules = load_rules()
    assert re.fullmatch(r"\d{4}\.\d{2}-\d+", rules.version)
    assert load_rules() is rules  # read once per process


def test_default_table_is_the_repository_file_in_a_checkout():
    assert default_rules_path() == Path(__file__).resolve().parents[2] / "data" / "rules.toml"


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_hospital_can_change_a_threshold(tmp_path):
    """refill_due_days 7 -> 10: a pump 9 days from its alarm now shows refill_due."""
    custom = load_rules(write(tmp_path, DEFAULT_TEXT.replace(
        'threshold = "refill_due_days"\nvalue = 7\n', 'threshold = "refill_due_days"\nvalue = 10\n')))
    assert custom.refill_due_days == 10 and custom.withdrawal_horizon_days == 7
    p = patient(pumps=[pump(refill("2026-10-20"))])  # alarm 2026-11-19, 9 days after 2026-11-10
    assert "refill_due" not in {a.code for a in assess(p, d("2026-11-10")).alerts}
    assert "refill_due" in {a.code for a in assess(p, d("2026-11-10"), custom).alerts}


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda t: t.replace('threshold = "bridging_window_days"\nvalue = 7\n', ""),
         "threshold 'bridging_window_days' is missing"),
        (lambda t: t.replace("value = 180", "value = -180"), "'drug_stability_days' must not be negative"),
        (lambda t: t.replace("value = 180", 'value = "180"'), "'drug_stability_days' must be a whole number"),
        (lambda t: t.replace("value = 800", "value = 0"), "'fluconazole_sdd_dose_mg' must be positive"),
        (lambda t: t.replace('basis = "local_policy"', 'basis = "hearsay"', 1), "basis 'hearsay' is not one of"),
        (lambda t: t.replace('code = "relapse"', 'code = "relapse_typo"'), "rule 'relapse' is missing"),
        (lambda t: t.replace('source = "CDC C. auris guidance"', 'source = ""'), "rule 'c_auris' needs a non-empty 'source'"),
        (lambda t: t.replace('version = "2026.12-1"', ""), "'version' must be a non-empty string"),
        (lambda t: t + "\n[[rule\n", "not valid TOML"),
    ],
    ids=["missing-threshold", "negative", "not-a-number", "zero-dose", "bad-basis", "missing-alert", "empty-source",
         "no-version", "toml-syntax"],
)
def test_a_broken_table_gives_one_clear_line(tmp_path, change, message):
    path = write(tmp_path, change(DEFAULT_TEXT))
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    text = str(caught.value)
    assert message in text
    assert "\n" not in text and str(path) in text


def test_a_missing_table_gives_one_clear_line(tmp_path):
    with pytest.raises(RulesError, match="cannot be read"):
        load_rules(tmp_path / "nowhere.toml")


def test_an_installed_package_reads_its_own_copy(tmp_path):
    """In a wheel the table is itb_tui/_data/rules.toml (pyproject force-include): lay the
    package out that way, with a recognisable version, and load it in a fresh interpreter."""
    import shutil
    import subprocess
    import sys

    package = Path(__file__).resolve().parents[2] / "itb_tui"
    target = tmp_path / "itb_tui"
    shutil.copytree(package / "clinical", target / "clinical", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(package / "__init__.py", target / "__init__.py")
    (target / "_data").mkdir()
    (target / "_data" / "rules.toml").write_text(DEFAULT_TEXT.replace('"2026.12-1"', '"9999.01-7"'), encoding="utf-8")
    species = (package.parent / "data" / "organisms.toml").read_text(encoding="utf-8")
    (target / "_data" / "organisms.toml").write_text(species.replace('"2026.12-1"', '"9999.02-3"'), encoding="utf-8")
    code = ("from itb_tui.clinical.rules import load_rules; from itb_tui.clinical import organisms; "
            "print(load_rules().version, organisms.table_version())")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={"PYTHONPATH": str(tmp_path)},
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "9999.01-7 9999.02-3"  # both tables from the package's own copy
