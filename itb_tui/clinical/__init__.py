"""The clinical core: records and a date in, an Assessment out.

Pure Python on purpose: no database, no UI, no clock (`as_of` is always passed in), so
every rule can be tested, reviewed and re-run for any date. See docs/rules.md for the
map from each rule code to its module, its rules-table entry and its tests.
"""

# The names below are exported lazily (PEP 562): importing one record class must not
# import the whole engine (the app draws its first frame before it needs to assess).
_LAZY = {
    **dict.fromkeys(("ALERT_CODES", "ANTIFUNGAL_STATES", "REFILL_REASONS", "REFILL_STATUSES",
                     "REIMPLANT_STATES", "SEVERITIES", "Alert", "AntifungalState", "Assessment",
                     "RefillState", "ReimplantState", "Reservoir"), "assessment"),
    "assess": "engine",
    **dict.fromkeys(("OrganismRefused", "Species", "all_species", "canonical_name", "is_fungal", "lookup",
                     "resolve"), "organisms"),
    **dict.fromkeys(("AntifungalCourse", "Bridging", "Culture", "Exam", "Patient", "Pump", "Refill"),
                    "records"),
    **dict.fromkeys(("RuleInfo", "Rules", "RulesError", "load_rules"), "rules"),
    "ALERT_SEVERITY": "severity",
    "urgency_key": "urgency",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'itb_tui.clinical' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"itb_tui.clinical.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ALERT_CODES", "ALERT_SEVERITY", "ANTIFUNGAL_STATES", "REFILL_REASONS", "REFILL_STATUSES",
    "REIMPLANT_STATES", "SEVERITIES", "Alert", "AntifungalCourse", "AntifungalState",
    "Assessment", "Bridging", "Culture", "Exam", "Patient", "Pump", "Refill", "RefillState",
    "OrganismRefused", "ReimplantState", "Reservoir", "RuleInfo", "Rules", "RulesError", "Species", "all_species",
    "assess", "canonical_name", "is_fungal", "load_rules", "lookup", "resolve", "urgency_key",
]
