"""Intrathecal baclofen withdrawal: the harm a refill block can cause.

Why a week ahead: withdrawal evolves over 1-3 days once the pump runs dry, can be fatal,
and occurs even at 260 µg/day; an explant or a lumbar drain takes days to arrange. So a
blocked refill with the alarm within `withdrawal_horizon_days` (or an unknown alarm date,
because no refill is recorded) is critical, with the bridging plan as its action.
After an explant the same danger starts at once, so a removal without a bridging record
by the next day is critical too.

Revision 3 (change 5): a bridging record covers a removal only when it belongs to THAT
removal (started no earlier than `bridging_window_days` before it and no later than
`bridging_grace_days` after it, and not stopped before it) and is a method known to
prevent ITB withdrawal (lumbar drain, oral baclofen, IV benzodiazepine). A record of
method `other` (clonidine, ...) is kept and shown but does not count, and the alert says
why; a record from an earlier explant silenced the alert in revision 2.
"""

from __future__ import annotations

from datetime import timedelta

from itb_tui.clinical.alerts import make_alert
from itb_tui.clinical.assessment import Alert, RefillState, Reservoir
from itb_tui.clinical.facts import Facts
from itb_tui.clinical.rules import Rules
from itb_tui.clinical.text import iso, num, relative


def withdrawal_alerts(facts: Facts, refill: RefillState, reservoir: Reservoir | None, rules: Rules) -> list[Alert]:
    alerts = []
    risk = _withdrawal_risk(facts, refill, reservoir, rules)
    if risk is not None:
        alerts.append(risk)
    gap = _no_bridging_plan(facts, rules)
    if gap is not None:
        alerts.append(gap)
    return alerts


def _withdrawal_risk(facts: Facts, refill: RefillState, reservoir: Reservoir | None, rules: Rules) -> Alert | None:
    if refill.status != "blocked":
        return None
    blocked_by = ", ".join(code.replace("_", " ") for code in refill.reasons if code != "culture_pending")
    pump = facts.implanted_pump  # a blocked refill always has an implanted pump
    dose = f"{num(pump.daily_dose_ug)} µg/day"
    if reservoir is None:
        text = (f"Refill blocked ({blocked_by}) and no refill is recorded for pump {pump.serial}, "
                f"so the alarm date is unknown: the pump ({dose}) may run dry before the block lifts.")
    elif reservoir.days_to_alarm <= rules.withdrawal_horizon_days:
        text = (f"Refill blocked ({blocked_by}) and the reservoir alarm is {iso(reservoir.alarm_on)} "
                f"({relative(reservoir.days_to_alarm)}): baclofen withdrawal ({dose}) evolves over "
                f"1-3 days once the pump runs dry and can be life-threatening.")
    else:
        return None
    return make_alert("withdrawal_risk", text, rules)


COVERING_METHODS = ("lumbar_drain", "oral_baclofen", "iv_benzodiazepine")


def _no_bridging_plan(facts: Facts, rules: Rules) -> Alert | None:
    if facts.implanted_pump is not None:
        return None  # a pump is in (e.g. replaced the same day): nothing to bridge
    removed = None
    for pump in facts.pumps:
        if pump.removed_on is not None and pump.removed_on <= facts.as_of:
            if removed is None or pump.removed_on > removed.removed_on:
                removed = pump
    if removed is None:
        return None
    since = (facts.as_of - removed.removed_on).days
    if since > rules.no_bridging_window_days:
        return None
    earliest = removed.removed_on - timedelta(days=rules.bridging_window_days)
    deadline = removed.removed_on + timedelta(days=rules.bridging_grace_days)
    late = other = None
    for bridging in facts.bridging:
        if bridging.stopped_on is not None and bridging.stopped_on < removed.removed_on:
            continue  # stopped before this removal: it bridged something earlier
        if bridging.started_on < earliest:
            continue  # belongs to an earlier removal
        if bridging.method not in COVERING_METHODS:
            if bridging.started_on <= deadline:
                other = bridging
            continue
        if bridging.started_on <= deadline:
            return None
        if late is None or bridging.started_on < late.started_on:
            late = bridging
    text = (f"Pump {removed.serial} removed {iso(removed.removed_on)} ({relative(-since)}) and no "
            f"bridging (lumbar drain, oral baclofen, IV benzodiazepine) recorded for this removal: one "
            f"started between {iso(earliest)} and {iso(deadline)} and not stopped before the removal.")
    if other is not None:
        detail = f" ({other.detail})" if other.detail else ""
        text += (f" The bridging recorded as 'other'{detail} from {iso(other.started_on)} does not count: no "
                 f"other agent is known to prevent intrathecal baclofen withdrawal.")
    if late is not None:
        text += (f" Bridging recorded from {iso(late.started_on)} is later than that: check for "
                 f"withdrawal.")
    return make_alert("no_bridging_plan", text, rules)
