"""The printable round sheet: one self-contained HTML page, urgent patients first.

Made for paper on a ward round: A4 landscape, the as-of date and generation time in a
table header that the browser repeats on every printed page (a sheet that falls apart
must still say which day it describes), each patient kept on one page with an empty box
for handwritten notes. No scripts, fonts or images are fetched: it prints the same on an
offline ward PC. Every value is HTML-escaped, because names and organisms are typed by
people and a name like `<script>` must print as text, not run.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from itb_tui.exports.columns import as_text, label, refill_tone, tone
from itb_tui.present.cells import antifungal_lines, reimplant_lines
from itb_tui.present.status import headline_alert, refill_view
from itb_tui.present.words import SEVERITY_SYMBOLS, alert_words

CSS = """
:root { --danger:#9c0006; --danger-bg:#f4c7c3; --warn:#7f6000; --warn-bg:#ffeb9c;
        --ok:#006100; --ok-bg:#c6efce; --muted:#595959; --muted-bg:#ededed; }
body { font-family: system-ui, "Segoe UI", Arial, sans-serif; font-size: 10.5pt;
       margin: 1.5em; color: #111; }
table.round { border-collapse: collapse; width: 100%; }
table.round th, table.round td { border: 1px solid #999; padding: 4px 6px;
                                 vertical-align: top; text-align: left; }
thead .running { font-weight: normal; background: #f2f2f2; }
thead .running strong { font-size: 12pt; }
thead tr.cols th { background: #e6e6e6; }
tbody.patient { break-inside: avoid; page-break-inside: avoid; }
.status { display: inline-block; padding: 1px 5px; border-radius: 3px; font-weight: bold; }
.tone-danger { color: var(--danger); background: var(--danger-bg); }
.tone-warn { color: var(--warn); background: var(--warn-bg); }
.tone-ok { color: var(--ok); background: var(--ok-bg); }
.tone-muted { color: var(--muted); background: var(--muted-bg); font-weight: normal; }
.mrn { color: #444; }
.small { font-size: 9pt; color: #333; }
ul.alerts { margin: 0; padding-left: 1.1em; }
li.critical { color: var(--danger); }
li.critical .code, li.warning .code { font-weight: bold; }
.source { color: #555; font-style: italic; }
.notes { min-height: 2.6em; border: 1px dashed #777; padding: 2px 6px; color: #777; }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { margin: 0; font-size: 9.5pt; }
  thead { display: table-header-group; }
  tfoot { display: table-footer-group; }
  .status, .tone-danger, .tone-warn, .tone-ok, .tone-muted {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"""

COLUMN_TITLES = ("Patient", "Refill", "Reservoir", "Antifungal", "Reimplant", "Alerts")


def _e(value: object) -> str:
    return escape(as_text(value), quote=True)


def _status(column_key: str, code: str) -> str:
    return (f'<span class="status tone-{tone(column_key, code)}" data-code="{_e(code)}">'
            f"{_e(label(code))}</span>")


def _patient_cell(p) -> str:
    where = " · ".join(x for x in (as_text(p.ward), f"bed {p.bed}" if p.bed else "") if x)
    return (f'<td class="who"><strong class="name">{_e(p.name)}</strong><br>'
            f'<span class="mrn">MRN {_e(p.mrn)}</span><br>'
            f'<span class="small">{_e(where)}</span></td>')


def _refill_cell(a) -> str:
    """The list's words (present/status.py): never "ok" where the list says "REFILL NOW"."""
    view = refill_view(a)
    lines = [f'<span class="status tone-{refill_tone(a)}" data-code="{_e(a.refill.status)}">'
             f"{_e(view.label)}</span>"]
    if view.detail and not a.refill.reasons:
        lines.append(f'<div class="small detail">{_e(view.detail)}</div>')
    explanations = a.refill.explanations or a.refill.reasons
    for reason, text in zip(a.refill.reasons, explanations):
        lines.append(f'<div class="small reason" data-code="{_e(reason)}">{_e(text)}</div>')
    return f'<td class="refill">{"".join(lines)}</td>'


def _days(n: int | None) -> str:
    if n is None:
        return ""
    if n < 0:
        return f"{-n} d ago"
    return "today" if n == 0 else f"in {n} d"


def _reservoir_cell(a) -> str:
    r = a.reservoir
    if r is None:
        return '<td class="reservoir"><span class="small">no pump or no refill</span></td>'
    return (f'<td class="reservoir">alarm <span class="alarm-on">{_e(r.alarm_on)}</span>'
            f" ({_e(_days(r.days_to_alarm))})<br>"
            f'refill by <span class="refill-by">{_e(r.refill_by)}</span>'
            f" ({_e(_days(r.days_to_refill))})<br>"
            f'<span class="small">about {_e(f"{r.volume_left_ml:.1f}")} of {_e(r.reservoir_ml)} mL left'
            f"</span></td>")


def _antifungal_cell(a) -> str:
    af = a.antifungal
    parts = [_status("antifungal_state", af.state)]
    if af.day is not None:  # the list's words: never "Day 24 of 14" (Display rule D3)
        parts.append(f'<div class="day">{_e(antifungal_lines(af).top)}</div>')
    if af.required_until is not None:
        parts.append(f'<div class="small">until <span class="required-until">'
                     f"{_e(af.required_until)}</span> ({_e(_days(af.days_left))})</div>")
    return f'<td class="antifungal">{"".join(parts)}</td>'


def _reimplant_cell(a) -> str:
    ri = a.reimplant
    parts = [_status("reimplant_state", ri.state)]
    if ri.state == "blocked":
        parts.append(f'<div class="small">{_e(reimplant_lines(a).top)}</div>')
    if ri.eligible_on is not None:
        parts.append(f'<div class="small">eligible on <span class="eligible-on">'
                     f"{_e(ri.eligible_on)}</span></div>")
    if ri.culture_due_on is not None:
        parts.append(f'<div class="small">draw blood culture on or after '
                     f"{_e(ri.culture_due_on)}</div>")
    return f'<td class="reimplant">{"".join(parts)}</td>'


def _title(rules, code: str) -> str:
    """The rule's title from the rules table (what Help shows), else the code in words."""
    try:
        return rules.entry(code).title
    except (AttributeError, KeyError):
        return label(code)


def _alerts_cell(a, rules) -> str:
    if not a.alerts:
        return '<td class="alerts"><span class="small">none</span></td>'
    top = headline_alert(a)
    named = alert_words(top.code, top.severity)
    items = [f'<li class="headline {_e(top.severity)}" data-headline="{_e(top.code)}">'
             f"<strong>{_e(SEVERITY_SYMBOLS.get(top.severity, '‼'))} {_e(named.short)}</strong>: "
             f"{_e(named.title)}</li>"]
    for alert in a.alerts:
        action = f'<div class="small action">{_e(alert.action)}</div>' if alert.action else ""
        items.append(
            f'<li class="{_e(alert.severity)}" data-code="{_e(alert.code)}">'
            f'<span class="code">{_e(_title(rules, alert.code))}</span>: {_e(alert.text)} '
            f'<span class="source">({_e(alert.source)})</span>{action}</li>')
    return f'<td class="alerts"><ul class="alerts">{"".join(items)}</ul></td>'


def _patient_body(patient, assessment, rules) -> str:
    cells = "".join((_patient_cell(patient), _refill_cell(assessment),
                     _reservoir_cell(assessment), _antifungal_cell(assessment),
                     _reimplant_cell(assessment), _alerts_cell(assessment, rules)))
    notes = (f'<tr class="notes-row"><td colspan="{len(COLUMN_TITLES)}">'
             '<div class="notes">Notes:</div></td></tr>')
    return f'<tbody class="patient" data-mrn="{_e(patient.mrn)}"><tr>{cells}</tr>{notes}</tbody>'


def render_text(pairs, *, as_of: date, rules, generated_at: datetime) -> str:
    """The whole page. Pairs are put in urgency order here: the round sheet is read top
    down and the patient at risk of withdrawal must be first, whatever order came in."""
    from itb_tui.report import sort_by_urgency

    ordered = list(sort_by_urgency(list(pairs)))
    blocked = sum(1 for _p, a in ordered if a.refill.status == "blocked")
    at_risk = sum(1 for _p, a in ordered if a.withdrawal_risk)
    generated = generated_at.isoformat(sep=" ", timespec="minutes")
    version = getattr(rules, "version", "")
    running = (
        f'<strong>ITB pump ward round</strong> · as of <span class="as-of">{_e(as_of)}</span>'
        f' · generated <span class="generated">{_e(generated)}</span>'
        f" · {len(ordered)} patients, {blocked} refill blocked, {at_risk} withdrawal risk"
        f' · rules {_e(version)}')
    head = (f'<thead><tr><th class="running" colspan="{len(COLUMN_TITLES)}">{running}</th></tr>'
            f'<tr class="cols">{"".join(f"<th>{t}</th>" for t in COLUMN_TITLES)}</tr></thead>')
    bodies = "".join(_patient_body(p, a, rules) for p, a in ordered)
    if not ordered:
        bodies = (f'<tbody><tr><td colspan="{len(COLUMN_TITLES)}">No patients match.'
                  "</td></tr></tbody>")
    foot = (f'<tfoot><tr><td colspan="{len(COLUMN_TITLES)}" class="small">'
            f"Computed by itb-tui for {_e(as_of)}; check each alert against its source. "
            "Clinical decisions stay with the treating team.</td></tr></tfoot>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>ITB pump ward round {_e(as_of)}</title>"
        f"<style>{CSS}</style></head><body>"
        f'<table class="round">{head}{bodies}{foot}</table>'
        "</body></html>\n"
    )


def render(pairs, *, as_of: date, rules, generated_at: datetime, for_file: bool = True) -> bytes:
    return render_text(pairs, as_of=as_of, rules=rules, generated_at=generated_at).encode("utf-8")
