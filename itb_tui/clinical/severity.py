"""The severity of every alert code, fixed in code on purpose.

Severities are part of the status-report contract and of the safety case (the ward list
sorts by them), so a hospital changes thresholds in the rules table but cannot quietly
turn a critical alert into an informational one there.
"""

from __future__ import annotations

from itb_tui.clinical.assessment import SEVERITIES

ALERT_SEVERITY: dict[str, str] = {
    "withdrawal_risk": "critical",
    "no_bridging_plan": "critical",
    "reservoir_alarm_passed": "critical",
    "drug_stability_exceeded": "critical",
    "device_removal_indicated": "critical",
    "no_antifungal": "critical",
    "antifungal_stopped_early": "critical",
    "azole_intrinsic_resistance": "critical",
    "drug_resistant": "critical",
    "relapse": "critical",
    "device_infection": "critical",
    "non_candida_fungus": "critical",
    "drug_inactive": "critical",
    "infection_before_reimplant": "critical",
    "device_retained": "warning",
    "refill_due": "warning",
    "alarm_date_mismatch": "warning",
    "followup_culture_due": "warning",
    "eye_exam_due": "warning",
    "azole_reduced_susceptibility": "warning",
    "poor_cns_penetration": "warning",
    "c_auris": "warning",
}

SEVERITY_RANK: dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES)}
