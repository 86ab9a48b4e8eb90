"""The order of the ward list: most urgent patient first.

Why this order: a patient whose pump may run dry while refill is blocked (withdrawal
risk) can die within days, so they come first; then any blocked refill, then the number
of critical alerts, then how soon the pump needs refilling. Warnings and the MRN only
break ties, so the order is stable from one refresh to the next.
"""

from __future__ import annotations

from itb_tui.clinical.assessment import Assessment

_STATUS_RANK = {"blocked": 0, "caution": 1, "ok": 2, "not_applicable": 3}
_NO_REFILL_DUE = 10**9


def urgency_key(assessment: Assessment) -> tuple:
    """Sort ascending: the most urgent assessment first."""
    critical = warning = 0
    withdrawal = False
    for alert in assessment.alerts:
        if alert.severity == "critical":
            critical += 1
            if alert.code == "withdrawal_risk":
                withdrawal = True
        elif alert.severity == "warning":
            warning += 1
    reservoir = assessment.reservoir
    return (
        0 if withdrawal else 1,
        0 if assessment.refill.status == "blocked" else 1,
        -critical,
        reservoir.days_to_refill if reservoir is not None else _NO_REFILL_DUE,
        _STATUS_RANK.get(assessment.refill.status, 4),
        -warning,
        assessment.mrn,
    )
