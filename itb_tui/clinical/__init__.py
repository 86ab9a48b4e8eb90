"""The clinical core: records and a date in, an Assessment out.

Pure Python on purpose: no database, no UI, no clock (`as_of` is always passed in), so
every rule can be tested, reviewed and re-run for any date. See docs/rules.md for the
map from each rule code to its module, its rules-table entry and its tests.
"""

from itb_tui.clinical.assessment import (
    ALERT_CODES,
    ANTIFUNGAL_STATES,
    REFILL_REASONS,
    REFILL_STATUSES,
    REIMPLANT_STATES,
    SEVERITIES,
    Alert,
    AntifungalState,
    Assessment,
    RefillState,
    ReimplantState,
    Reservoir,
)
from itb_tui.clinical.engine import assess
from itb_tui.clinical.organisms import Species, all_species, canonical_name, is_fungal, lookup
from itb_tui.clinical.records import (
    AntifungalCourse,
    Bridging,
    Culture,
    Exam,
    Patient,
    Pump,
    Refill,
)
from itb_tui.clinical.rules import RuleInfo, Rules, RulesError, load_rules
from itb_tui.clinical.severity import ALERT_SEVERITY
from itb_tui.clinical.urgency import urgency_key

__all__ = [
    "ALERT_CODES", "ALERT_SEVERITY", "ANTIFUNGAL_STATES", "REFILL_REASONS", "REFILL_STATUSES",
    "REIMPLANT_STATES", "SEVERITIES", "Alert", "AntifungalCourse", "AntifungalState",
    "Assessment", "Bridging", "Culture", "Exam", "Patient", "Pump", "Refill", "RefillState",
    "ReimplantState", "Reservoir", "RuleInfo", "Rules", "RulesError", "Species", "all_species",
    "assess", "canonical_name", "is_fungal", "load_rules", "lookup", "urgency_key",
]
