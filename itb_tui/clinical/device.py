"""Should the implanted pump come out, or is it kept at a known risk?

Why: the seed advises removing the whole system when fungemia is documented (retaining
the device in Candida infection worsens outcomes; salvage succeeds in about 30%). IDSA's
removal advice is written for central venous catheters, so the basis is the seed
(expert_summary). A fungus grown from CSF, the pump pocket or the wound means the device
itself is infected. Revision 3 (change 6): once the course is complete with the same pump
still in, the critical removal alert gives way to a `device_retained` warning (which pairs
with the refill caution of the same name: never a critical alert beside a refill "ok");
a BACTERIAL device infection gets its own critical `device_infection` alert.
"""

from __future__ import annotations

from itb_tui.clinical.alerts import make_alert
from itb_tui.clinical.assessment import Alert, AntifungalState
from itb_tui.clinical.episode import Episode
from itb_tui.clinical.facts import Facts, is_fungal_culture
from itb_tui.clinical.rules import Rules
from itb_tui.clinical.text import culture_phrase, iso


def device_alerts(facts: Facts, episode: Episode | None, antifungal: AntifungalState, rules: Rules) -> list[Alert]:
    pump = facts.implanted_pump
    if pump is None or (episode is None and not facts.device_infections):
        return []  # nothing below can apply (most patients)
    alerts = []
    findings = []
    if episode is not None and episode.kind == "blood" and antifungal.state != "complete":
        findings.append(f"fungemia ({culture_phrase(episode.latest_positive)})")
    fungal_device = [c for c in facts.device_infections if is_fungal_culture(c)]
    if fungal_device:
        findings.append(f"a fungal device infection ({culture_phrase(fungal_device[-1])})")
    if findings:
        text = f"Pump {pump.serial} is still implanted despite {' and '.join(findings)}: removal is indicated."
        alerts.append(make_alert("device_removal_indicated", text, rules))
    elif episode is not None and antifungal.state == "complete":
        text = (f"Pump {pump.serial} was kept through the fungal infection ({culture_phrase(episode.latest_positive)}); "
                f"the antifungal course was completed on {iso(antifungal.completed_on)}: relapse risk, salvage "
                f"of a retained device succeeds in about 30%.")
        alerts.append(make_alert("device_retained", text, rules))
    bacterial = [c for c in facts.device_infections if not is_fungal_culture(c)]
    if bacterial:
        text = (f"Pump {pump.serial} is in and its system is infected: {culture_phrase(bacterial[-1])}, "
                f"with no later no-growth culture of the same site.")
        alerts.append(make_alert("device_infection", text, rules))
    return alerts
