"""Should the implanted pump come out?

Why: the seed advises removing the whole system when fungemia is documented (retaining
the device in Candida infection worsens outcomes; salvage succeeds in about 30%). IDSA's
removal advice is written for central venous catheters, so the basis is the seed
(expert_summary). A fungus grown from CSF, the pump pocket or the wound means the device
itself is infected.
"""

from __future__ import annotations

from itb_tui.clinical.alerts import make_alert
from itb_tui.clinical.assessment import Alert
from itb_tui.clinical.episode import Episode
from itb_tui.clinical.facts import POSITIVE, Facts, is_fungal_culture
from itb_tui.clinical.rules import Rules
from itb_tui.clinical.text import culture_phrase

DEVICE_SPECIMENS = ("csf", "pocket", "wound")


def device_alerts(facts: Facts, episode: Episode | None, rules: Rules) -> list[Alert]:
    pump = facts.implanted_pump
    if pump is None:
        return []
    findings = []
    if episode is not None:
        findings.append(f"fungemia ({culture_phrase(episode.latest_positive)})")
    device = [
        c for c in facts.cultures
        if c.specimen in DEVICE_SPECIMENS and c.result == POSITIVE
        and (facts.as_of - c.drawn_on).days <= rules.csf_block_days and is_fungal_culture(c)
    ]
    if device:
        findings.append(f"a fungal device infection ({culture_phrase(device[-1])})")
    if not findings:
        return []
    text = f"Pump {pump.serial} is still implanted despite {' and '.join(findings)}: removal is indicated."
    return [make_alert("device_removal_indicated", text, rules)]
