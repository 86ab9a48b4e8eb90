"""Building alerts from the rules table, and putting them in the order the ward reads them.

Why one place: every alert must carry the source and basis of its rule (so a clinician
can check it) and the table's suggested action unless the rule wrote a more specific one.
"""

from __future__ import annotations

from datetime import date
from typing import Sequence

from itb_tui.clinical.assessment import ALERT_CODES, Alert
from itb_tui.clinical.rules import Rules
from itb_tui.clinical.severity import ALERT_SEVERITY, SEVERITY_RANK

_CODE_RANK = {code: rank for rank, code in enumerate(ALERT_CODES)}


def make_alert(code: str, text: str, rules: Rules, action: str | None = None,
               due_on: date | None = None) -> Alert:
    info = rules.entry(code)
    # Positional, in the field order of Alert (code, severity, text, source, basis, action, due_on).
    return Alert(code, ALERT_SEVERITY[code], text, info.source, info.basis,
                 action if action is not None else info.action, due_on)


def ordered(alerts: Sequence[Alert]) -> tuple[Alert, ...]:
    """Critical, then warning, then info; within a severity the contract's code order.
    Each code appears once (the first one built wins)."""
    if len(alerts) < 2:  # most patients: nothing to sort or deduplicate
        return tuple(alerts)
    seen: set[str] = set()
    unique = []
    for alert in alerts:
        if alert.code not in seen:
            seen.add(alert.code)
            unique.append(alert)
    unique.sort(key=lambda a: (SEVERITY_RANK[a.severity], _CODE_RANK[a.code]))
    return tuple(unique)
