"""What the rules engine says about one patient on one date.

Field names follow the `status --json` report of `shared/ward-file-format.md` (a contract
with other tools); the extra fields (prefixed by nothing special, just additional) serve
the UI: the dates each countdown depends on, the volume left for the reservoir gauge and
the suggested action for each alert. `report.py` turns an Assessment into the JSON.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from itb_tui.clinical.frozen_record import frozen_record


# Codes of clinical-rules.md (the contract).
REFILL_STATUSES = ("blocked", "caution", "ok", "not_applicable")
REFILL_REASONS = (
    "fungemia",
    "bacteremia",
    "csf_infection",
    "pocket_infection",
    "antifungal_course_open",
    "culture_pending",
    "device_retained",  # caution (revision 3)
)
ANTIFUNGAL_STATES = (
    "not_indicated",
    "awaiting_clearance",
    "awaiting_symptom_resolution",
    "in_progress",
    "specialist_duration",  # revision 3: non-Candida groups, device infection without fungemia
    "complete",
    "stopped_early",
)
REIMPLANT_STATES = ("not_applicable", "waiting", "needs_culture", "eligible", "blocked")
SEVERITIES = ("critical", "warning", "info")
ALERT_CODES = (
    "refill_due",
    "reservoir_alarm_passed",
    "drug_stability_exceeded",
    "alarm_date_mismatch",
    "withdrawal_risk",
    "no_bridging_plan",
    "device_removal_indicated",
    "device_infection",
    "non_candida_fungus",
    "drug_inactive",
    "infection_before_reimplant",
    "device_retained",
    "antifungal_stopped_early",
    "no_antifungal",
    "followup_culture_due",
    "eye_exam_due",
    "azole_intrinsic_resistance",
    "azole_reduced_susceptibility",
    "drug_resistant",
    "poor_cns_penetration",
    "c_auris",
    "relapse",
)


@frozen_record
class Alert:
    code: str  # one of ALERT_CODES
    severity: str  # one of SEVERITIES
    text: str  # what is wrong, with the dates that matter, for a person to read
    source: str  # the rule's source (shown beside the alert)
    basis: str  # guideline | expert_summary | local_policy
    action: str | None = None  # the suggested action (bridging advice, which culture when)
    # The day the action is due when the rule itself works one out (the eye exam: episode
    # start or neutrophil recovery + eye_exam_within_days): the ward's task list reads it
    # here instead of working the rule out a second time (present/tasks.py).
    due_on: date | None = None


@frozen_record
class RefillState:
    status: str  # one of REFILL_STATUSES
    reasons: tuple[str, ...] = ()  # codes of REFILL_REASONS, most serious first
    # One readable sentence per reason, same order, for the list and the refill form.
    explanations: tuple[str, ...] = ()


@frozen_record
class Reservoir:
    alarm_on: date  # the earlier of computed and printed alarm dates
    days_to_alarm: int
    stable_until: date
    refill_by: date
    days_to_refill: int
    computed_alarm_on: date
    programmer_alarm_on: date | None
    last_refill_on: date
    daily_volume_ml: Decimal
    volume_left_ml: Decimal  # estimate at as_of, never below 0 (for the gauge)
    reservoir_ml: Decimal
    alarm_ml: Decimal


@frozen_record
class AntifungalState:
    state: str  # one of ANTIFUNGAL_STATES
    episode_start_on: date | None = None
    clearance_on: date | None = None
    anchor_on: date | None = None  # latest of clearance, symptom resolution, neutrophil recovery
    required_until: date | None = None
    day: int | None = None  # "Day N of <required_days>"
    required_days: int | None = None  # normally 14; longer when a planned stop extends it
    days_left: int | None = None
    completed_on: date | None = None  # stop date of the last course when complete


@frozen_record
class ReimplantState:
    state: str  # one of REIMPLANT_STATES
    eligible_on: date | None = None
    days_left: int | None = None
    culture_due_on: date | None = None  # draw the confirming blood culture on or after this


@frozen_record
class Assessment:
    mrn: str
    as_of: date
    refill: RefillState
    reservoir: Reservoir | None
    antifungal: AntifungalState
    reimplant: ReimplantState
    alerts: tuple[Alert, ...]  # critical first, then warning, then info

    @property
    def critical_count(self) -> int:
        return sum(1 for a in self.alerts if a.severity == "critical")

    @property
    def warning_count(self) -> int:
        return sum(1 for a in self.alerts if a.severity == "warning")

    @property
    def withdrawal_risk(self) -> bool:
        return any(a.code == "withdrawal_risk" for a in self.alerts)
