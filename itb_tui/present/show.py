"""`itb-tui show MRN`: one patient's full assessment as plain text.

Why: the table has room for a word per column; a clinician checking one patient at a
terminal (or pasting it into a note) needs every alert with its text, source, basis and
action, and every countdown with the dates it rests on. The words are the list's
(present/): the same status line and headline alert, then the details.
"""

from __future__ import annotations

from itb_tui.clinical.assessment import Assessment
from itb_tui.clinical.pumps import current_pump
from itb_tui.clinical.records import Patient
from itb_tui.present import cells as c
from itb_tui.present import words as w
from itb_tui.present.lab_reports import show_lines as lab_show_lines
from itb_tui.present.status import URGENCY_GROUPS, headline_alert, refill_view, urgency_group


def _row(label: str, value: str) -> str:
    return f"  {label:<20} {value}"


def show_text(patient: Patient, a: Assessment, rules_version: str = "", lab_reports=None) -> str:
    """`lab_reports`: culture id -> (accession, report status) of this patient's lab-feed
    cultures (the store's `lab_reports`): results still preliminary are named under the
    refill status."""
    view = refill_view(a)
    out = [f"{patient.name} · MRN {patient.mrn} · "
           + (", bed ".join(x for x in (patient.ward, patient.bed) if x) or "no ward"),
           f"as of {a.as_of.isoformat()}" + (f" (rules {rules_version})" if rules_version else ""),
           "",
           f"Refill: {view.line}",
           f"  urgency group {urgency_group(a) + 1} of {len(URGENCY_GROUPS)}: {URGENCY_GROUPS[urgency_group(a)]}"]
    for code, text in zip(a.refill.reasons, a.refill.explanations or a.refill.reasons):
        out.append(f"  • {w.reason_words(code)} [{code}]: {text}")
    out += lab_show_lines(patient, lab_reports)
    top = headline_alert(a)
    if top is not None:
        named = w.alert_words(top.code, top.severity)
        out.append(f"Headline alert: {w.SEVERITY_SYMBOLS.get(top.severity, '‼')} {named.short}: {named.title}")

    out += ["", "Pump"]
    pump = current_pump(patient, a.as_of)
    if pump is None:
        removed = c.last_removed_pump(patient, a.as_of)
        out.append(_row("pump", "none implanted" + (f" (last removed {w.date_text(removed.removed_on)})"
                                                    if removed else "")))
    else:
        out.append(_row("pump", f"{c.pump_name(pump)} serial {pump.serial}"))
        out.append(_row("implanted", c.implant_text(pump)))
        out.append(_row("dose", c.pump_dose_text(pump)))
    r = a.reservoir
    if r is not None:
        out.append(_row("last refill", w.date_text(r.last_refill_on)))
        out.append(_row("alarm", f"{w.date_days_text(r.alarm_on, r.days_to_alarm)} (computed "
                                 f"{w.date_text(r.computed_alarm_on)}, printed {w.date_text(r.programmer_alarm_on)})"))
        out.append(_row("drug stable until", w.date_text(r.stable_until)))
        out.append(_row(w.REFILL_BY_LABEL, w.date_days_text(r.refill_by, r.days_to_refill)
                        + " (the earlier of alarm and stability)"))
        out.append(_row("volume left", f"about {w.number_text(round(r.volume_left_ml, 1))} of "
                                       f"{w.number_text(r.reservoir_ml)} mL (alarm at {w.number_text(r.alarm_ml)} mL)"))
    elif pump is not None:
        out.append(_row("reservoir", "no refill recorded yet"))

    af = a.antifungal
    lines = c.antifungal_lines(af)
    out += ["", f"Antifungal: {w.words(af.state, w.ANTIFUNGAL_STATE_WORDS)}"
            + (f" · {lines.line}" if af.state in ("in_progress", "specialist_duration") else "")]
    for label, value in (("episode start", af.episode_start_on), ("cleared", af.clearance_on),
                         ("anchor", af.anchor_on), ("required until", af.required_until),
                         ("completed", af.completed_on)):
        if value is not None:
            out.append(_row(label, w.date_text(value)))
    if af.day is not None:
        out.append(_row("day", f"{af.day} (required {af.required_days}, {w.left_text(af.days_left)})"))

    ri = a.reimplant
    ri_lines = c.reimplant_lines(a)
    out += ["", f"Reimplant: {w.words(ri.state, w.REIMPLANT_STATE_WORDS) if ri.state != 'blocked' else c.reimplant_blocked_words(a)[1]}"
            + (f" · {ri_lines.line}" if ri.state not in ("not_applicable", "blocked") else "")]
    if ri.eligible_on is not None:
        out.append(_row(w.ELIGIBLE_ON_LABEL, w.date_days_text(ri.eligible_on, ri.days_left)))
    if ri.culture_due_on is not None:
        out.append(_row("blood culture", f"draw on or after {w.date_text(ri.culture_due_on)}"))

    out += ["", f"Alerts ({len(a.alerts)}): {c.alerts_lines(a).top}"]
    for alert in a.alerts:
        named = w.alert_words(alert.code, alert.severity)
        out.append(f"  {w.severity_label(alert.severity)} {named.title} [{alert.code}]")
        out.append(f"    {alert.text}")
        out.append(f"    source: {alert.source} · basis: {w.basis_label(alert.basis)}")
        if alert.action:
            out.append(f"    action: {alert.action}")
    if not a.alerts:
        out.append("  none")
    return "\n".join(out) + "\n"
