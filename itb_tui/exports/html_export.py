"""The printable round sheet: one self-contained HTML page, urgent patients first.

Made for paper on a ward round: A4 landscape. Each patient is one block: a strip with the
name, MRN, ward and bed, the status row (refill, reservoir, antifungal, reimplant,
alerts), then the sections of present/round_sheet.py (the changes since the last review, the
tasks due, the handover notes) and an empty box for handwritten notes.
The printer keeps a block on one page (`break-inside: avoid`); a block taller than a
page starts on a new page and its strip is repeated on the next (a table header), so an
alert is never printed under someone else's name or under none. The page margins carry
the as-of date on every page and "page N of M" (CSS @page margin boxes: Chromium 131+;
Chromium then leaves out its own header and footer). A browser without margin boxes
still prints the blocks whole, only without the page numbers.

No scripts, fonts or images are fetched: it prints the same on an offline ward PC.
Every value is HTML-escaped, because names and organisms are typed by people and a name
like `<script>` must print as text, not run. (Dates, day counts and volumes are written
as they are: their text holds none of the characters escaping changes. The pieces that
repeat from patient to patient are escaped once per chunk: `_Blocks`.)
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from itb_tui.exports.columns import ROLE_TONES, as_text, label, tone
from itb_tui.present.cells import antifungal_lines, reimplant_lines
from itb_tui.present.round_sheet import SECTIONS, patient_sections, round_context
from itb_tui.present.tasks import WEEK_DAYS
from itb_tui.present.status import headline_alert, refill_view
from itb_tui.present.words import (CONFIRMING_CULTURE_ON, ELIGIBLE_ON_LABEL, REFILL_BY_LABEL, SEVERITY_SYMBOLS,
                                   alert_words)

CSS = """
:root { --danger:#9c0006; --danger-bg:#f4c7c3; --warn:#7f6000; --warn-bg:#ffeb9c;
        --ok:#006100; --ok-bg:#c6efce; --muted:#595959; --muted-bg:#ededed; }
body { font-family: system-ui, "Segoe UI", Arial, sans-serif; font-size: 10.5pt;
       margin: 1.5em; color: #111; }
header.running { margin-bottom: 6px; }
section.patient-block { break-inside: avoid; page-break-inside: avoid; margin: 0 0 6px 0; }
table.round { border-collapse: collapse; width: 100%; table-layout: fixed; }
table.round th, table.round td { border: 1px solid #999; padding: 3px 6px;
                                 vertical-align: top; text-align: left; }
thead { display: table-header-group; }
thead tr.who-row th { background: #e6e6e6; font-weight: normal; font-size: 11pt; }
thead tr.who-row .name { font-size: 11.5pt; }
thead tr.cols th { background: #f2f2f2; font-size: 8.5pt; font-weight: normal; color: #333;
                   padding: 1px 6px; }
th.section-title { font-weight: bold; background: #f7f7f7; }
ul.lines { margin: 0; padding-left: 1.1em; }
li.tone-danger { color: var(--danger); font-weight: bold; }
li.tone-warn { color: var(--warn); font-weight: bold; }
.status { display: inline-block; padding: 1px 5px; border-radius: 3px; font-weight: bold; }
.tone-danger { color: var(--danger); background: var(--danger-bg); }
.tone-warn { color: var(--warn); background: var(--warn-bg); }
.tone-ok { color: var(--ok); background: var(--ok-bg); }
.tone-muted { color: var(--muted); background: var(--muted-bg); font-weight: normal; }
li.tone-danger, li.tone-warn { background: none; }
.mrn { color: #444; }
.small { font-size: 9pt; color: #333; }
ul.alerts { margin: 0; padding-left: 1.1em; }
li.critical { color: var(--danger); }
li.critical .code, li.warning .code { font-weight: bold; }
.source { color: #555; font-style: italic; }
.notes { min-height: 2.2em; border: 1px dashed #777; padding: 2px 6px; color: #777; }
@media print {
  body { margin: 0; font-size: 9.5pt; }
  .status, .tone-danger, .tone-warn, .tone-ok, .tone-muted {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"""

COLUMN_TITLES = ("Refill", "Reservoir", "Antifungal", "Reimplant", "Alerts")
# Fixed widths: every patient's table lines up with the one above it.
COLGROUP = ('<colgroup><col style="width:15%"><col style="width:15%"><col style="width:14%">'
            '<col style="width:14%"><col style="width:42%"></colgroup>')


def _e(value: object) -> str:
    return _text(value if value.__class__ is str else as_text(value))


def _text(value: str) -> str:
    """`html.escape(value, quote=True)`, without its five passes over text that holds
    none of the five characters (most of it: names, alert texts, dates)."""
    if "&" in value or "<" in value or ">" in value or '"' in value or "'" in value:
        return escape(value)
    return value


def escape(value: str) -> str:
    """Exactly `html.escape(value, quote=True)` (its five replacements, "&" first), written
    here: `import html` loads html.entities' 2,000-name table, ~1 ms of every sheet's start
    (issue 17); tests/exports/test_html_export.py compares the two on every character."""
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#x27;"))


def _date(value) -> str:
    """A date as `_e` writes it (ISO; empty for none), without escaping the digits."""
    if value.__class__ is date:
        return value.isoformat()
    return "" if value is None else _e(value)


def _days(n: int | None) -> str:
    if n is None:
        return ""
    if n < 0:
        return f"{-n} d ago"
    return "today" if n == 0 else f"in {n} d"


_CELLS = len(COLUMN_TITLES)
_HEAD_COLS = "".join(f"<th>{t}</th>" for t in COLUMN_TITLES)
_NOTES_ROW = (f'<tr class="notes-row"><td colspan="{_CELLS}">'
              '<div class="notes">Notes:</div></td></tr>')
_NO_RESERVOIR = '<td class="reservoir"><span class="small">no pump or no refill</span></td>'
_NO_ALERTS = '<td class="alerts"><span class="small">none</span></td>'


def _title(rules, code: str) -> str:
    """The rule's title from the rules table (what Help shows), else the code in words."""
    try:
        return rules.entry(code).title
    except (AttributeError, KeyError):
        return label(code)


class _Blocks:
    """The patient blocks of one call (a chunk of the ward, or the whole page).

    Why a class: most of a block is the same from patient to patient (a state's badge, a
    rule's title and source, a section's heading, the app's own words), so each such
    piece is escaped and put together once per call (`_memo`) and looked up after; only
    what differs per patient (what a person typed, the alert texts with their dates) is
    escaped each time. Every value is still escaped: the bytes are those of escaping
    each value where it is written."""
    __slots__ = ("rules", "context", "sections", "_memo")

    def __init__(self, rules, context, sections):
        self.rules, self.context, self.sections = rules, context, sections
        self._memo: dict = {}

    def _word(self, value) -> str:
        """An escaped value that repeats (a code, the app's words, a rule's source)."""
        key = ("w", value)
        out = self._memo.get(key)
        if out is None:
            out = self._memo[key] = _e(value)
        return out

    def _status(self, column_key: str, code: str) -> str:
        key = ("s", column_key, code)
        out = self._memo.get(key)
        if out is None:
            out = self._memo[key] = (f'<span class="status tone-{tone(column_key, code)}" data-code="{_e(code)}">'
                                     f"{_e(label(code))}</span>")
        return out

    def refill(self, a) -> str:
        """The list's words (present/status.py): never "ok" where the list says "REFILL NOW"."""
        view = refill_view(a)
        refill = a.refill
        key = ("r", view.role, refill.status, view.label)
        badge = self._memo.get(key)
        if badge is None:  # refill_tone(a), from the view already at hand
            badge = self._memo[key] = (
                f'<span class="status tone-{ROLE_TONES.get(view.role, "danger")}" data-code="{_e(refill.status)}">'
                f"{_e(view.label)}</span>")
        if not refill.reasons:
            if view.detail:
                return f'<td class="refill">{badge}<div class="small detail">{self._word(view.detail)}</div></td>'
            return f'<td class="refill">{badge}</td>'
        lines = ['<td class="refill">', badge]
        word = self._word
        for reason, text in zip(refill.reasons, refill.explanations or refill.reasons):
            lines.append(f'<div class="small reason" data-code="{word(reason)}">{_e(text)}</div>')
        lines.append("</td>")
        return "".join(lines)

    @staticmethod
    def reservoir(a) -> str:
        r = a.reservoir
        if r is None:
            return _NO_RESERVOIR
        return (f'<td class="reservoir">alarm <span class="alarm-on">{_date(r.alarm_on)}</span>'
                f" ({_days(r.days_to_alarm)})<br>"
                f'{REFILL_BY_LABEL} <span class="refill-by">{_date(r.refill_by)}</span>'
                f" ({_days(r.days_to_refill)})<br>"
                f'<span class="small">about {_e(f"{r.volume_left_ml:.1f}")} of {_e(r.reservoir_ml)} mL left'
                f"</span></td>")

    def antifungal(self, a) -> str:
        af = a.antifungal
        badge = self._status("antifungal_state", af.state)
        if af.day is None and af.required_until is None:
            return f'<td class="antifungal">{badge}</td>'
        parts = ['<td class="antifungal">', badge]
        if af.day is not None:  # the list's words: never "Day 24 of 14" (Display rule D3)
            parts.append(f'<div class="day">{self._word(antifungal_lines(af).top)}</div>')
        if af.required_until is not None:
            parts.append(f'<div class="small">until <span class="required-until">'
                         f"{_date(af.required_until)}</span> ({_days(af.days_left)})</div>")
        parts.append("</td>")
        return "".join(parts)

    def reimplant(self, a) -> str:
        ri = a.reimplant
        badge = self._status("reimplant_state", ri.state)
        if ri.state != "blocked" and ri.eligible_on is None and ri.culture_due_on is None:
            return f'<td class="reimplant">{badge}</td>'
        parts = ['<td class="reimplant">', badge]
        if ri.state == "blocked":
            parts.append(f'<div class="small">{self._word(reimplant_lines(a).top)}</div>')
        if ri.eligible_on is not None:
            parts.append(f'<div class="small">{ELIGIBLE_ON_LABEL} <span class="eligible-on">'
                         f"{_date(ri.eligible_on)}</span></div>")
        if ri.culture_due_on is not None:
            parts.append(f'<div class="small">{CONFIRMING_CULTURE_ON} '
                         f"{_date(ri.culture_due_on)}</div>")
        parts.append("</td>")
        return "".join(parts)

    def _headline(self, top) -> str:
        key = ("h", top.code, top.severity)
        out = self._memo.get(key)
        if out is None:
            named = alert_words(top.code, top.severity)
            out = self._memo[key] = (
                f'<td class="alerts"><ul class="alerts">'
                f'<li class="headline {_e(top.severity)}" data-headline="{_e(top.code)}">'
                f"<strong>{_e(SEVERITY_SYMBOLS.get(top.severity, '‼'))} {_e(named.short)}</strong>: "
                f"{_e(named.title)}</li>")
        return out

    def _alert_head(self, alert) -> str:
        key = ("a", alert.severity, alert.code)
        out = self._memo.get(key)
        if out is None:
            out = self._memo[key] = (f'<li class="{_e(alert.severity)}" data-code="{_e(alert.code)}">'
                                     f'<span class="code">{_e(_title(self.rules, alert.code))}</span>: ')
        return out

    def alerts(self, a) -> str:
        if not a.alerts:
            return _NO_ALERTS
        items = [self._headline(headline_alert(a))]
        word = self._word
        for alert in a.alerts:
            action = f'<div class="small action">{_e(alert.action)}</div>' if alert.action else ""
            items.append(f'{self._alert_head(alert)}{_e(alert.text)} '
                         f'<span class="source">({word(alert.source)})</span>{action}</li>')
        items.append("</ul></td>")
        return "".join(items)

    def _section_head(self, section) -> str:
        key = ("t", section.key, section.title)
        out = self._memo.get(key)
        if out is None:
            out = self._memo[key] = (
                f'<tr class="section section-{_e(section.key)}" data-section="{_e(section.key)}">'
                f'<th class="section-title">{_e(section.title)}</th>'
                f'<td colspan="{_CELLS - 1}">')
        return out

    def _line(self, line) -> str:
        tone_class = f" tone-{self._word(line.tone)}" if line.tone else ""
        key = f' data-key="{_e(line.key)}"' if line.key else ""
        return f'<li class="line{tone_class}"{key}>{_e(line.text)}</li>'

    def section_row(self, section) -> str:
        """One section (present/round_sheet.py) as a row: its title, then its lines."""
        if section.lines:
            items = "".join([self._line(line) for line in section.lines])
            body = f'<ul class="lines">{items}</ul>'
        else:
            body = f'<span class="small empty">{self._word(section.empty)}</span>'
        return f"{self._section_head(section)}{body}</td></tr>"

    def block(self, patient, assessment) -> str:
        """One patient: a block the printer keeps on one page (`break-inside: avoid`). A
        block taller than a page starts on a new page and its strip (thead) repeats on
        the next."""
        rows = "".join([self.section_row(s) for s in
                        patient_sections(patient, assessment, self.context, self.sections)])
        mrn = _e(patient.mrn)
        return (f'<section class="patient-block" data-block="{mrn}">'
                f'<table class="round">{COLGROUP}<thead>{_who(patient, mrn)}<tr class="cols">{_HEAD_COLS}</tr></thead>'
                f'<tbody class="patient" data-mrn="{mrn}"><tr class="status-row">'
                f"{self.refill(assessment)}{self.reservoir(assessment)}{self.antifungal(assessment)}"
                f"{self.reimplant(assessment)}{self.alerts(assessment)}</tr>"
                f"{rows}{_NOTES_ROW}</tbody></table></section>")


def _antifungal_cell(a) -> str:
    """One patient's antifungal cell alone (tests/present/test_display_rules.py, D3)."""
    return _Blocks(None, None, SECTIONS).antifungal(a)


def _who(p, mrn: str) -> str:
    """The patient strip heading the block; the browser repeats it on every page the
    block runs onto, so no alert is ever printed without the name and MRN above it.
    `mrn`: the MRN escaped."""
    ward = as_text(p.ward)
    bed = f"bed {p.bed}" if p.bed else ""
    where = f"{ward} · {bed}" if ward and bed else ward or bed
    place = f' · <span class="where">{_e(where)}</span>' if where else ""
    return (f'<tr class="who-row"><th class="who" colspan="{_CELLS}">'
            f'<strong class="name">{_e(p.name)}</strong> · <span class="mrn">MRN {mrn}</span>'
            f"{place}</th></tr>")


def _css_string(text: str) -> str:
    """A CSS string literal (for the page margin boxes): quotes and backslashes escaped."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{out}"'


def _page_css(as_of: date, generated: str) -> str:
    """The page furniture, printed by the browser in the page margins (CSS Paged Media
    margin boxes, Chromium 131+): the day the sheet describes on every page, and
    "page N of M" so a dropped, shuffled sheet can be put back and checked complete."""
    top = _css_string(f"ITB pump ward round · as of {as_of.isoformat()} · generated {generated}")
    foot = _css_string(f"Computed by itb-tui for {as_of.isoformat()}; check each alert against "
                       "its source. Clinical decisions stay with the treating team.")
    return ("@page { size: A4 landscape; margin: 12mm 10mm 12mm 10mm;"
            f" @top-left {{ content: {top}; font-size: 8.5pt; color: #333; }}"
            f" @bottom-left {{ content: {foot}; font-size: 7.5pt; color: #555; }}"
            ' @bottom-right { content: "page " counter(page) " of " counter(pages);'
            " font-size: 8.5pt; } }")


def render_text(pairs, *, as_of: date, rules, generated_at: datetime, round_data=None,
                sections=None) -> str:
    """The whole page. Pairs are put in urgency order here: the round sheet is read top
    down and the patient at risk of withdrawal must be first, whatever order came in.
    `round_data` (present/round_sheet.RoundData) is what the export read once for the
    ward (task deferrals...); `sections` defaults to present/round_sheet.SECTIONS."""
    from itb_tui.report import sort_by_urgency

    ordered = list(sort_by_urgency(list(pairs)))
    context = round_context(ordered, as_of, round_data)
    sections = SECTIONS if sections is None else sections
    block = _Blocks(rules, context, sections).block
    blocks = "".join([block(p, a) for p, a in ordered])
    return _page(blocks, len(ordered), tally(ordered, context), as_of=as_of, rules=rules,
                 generated_at=generated_at)


# The page in pieces, for cli/chunked.py (a big ward rendered chunk by chunk on both
# cores): each patient's block with its urgency key, the counts of the heading added up
# over the chunks, and the page around the blocks in key order. The same bytes as
# `render_text`: a patient's block and tasks depend on that patient alone.

def keyed_blocks(pairs, *, as_of: date, rules, round_data=None) -> tuple[list[tuple], dict[str, int]]:
    """(urgency key, block) for each pair, and the heading's counts for them."""
    from itb_tui.present.status import urgency_key

    context = round_context(pairs, as_of, round_data)
    block = _Blocks(rules, context, SECTIONS).block
    blocks = [(urgency_key(p, a), block(p, a)) for p, a in pairs]
    return blocks, tally(pairs, context)


def tally(pairs, context) -> dict[str, int]:
    return {"blocked": sum(1 for _p, a in pairs if a.refill.status == "blocked"),
            "at_risk": sum(1 for _p, a in pairs if a.withdrawal_risk),
            "due": sum(len(t) for t in context.tasks_by_mrn.values())}


def document(blocks, total: int, counts: dict[str, int], *, as_of: date, rules,
             generated_at: datetime):
    """`render`'s bytes around the blocks (UTF-8 bytes, in urgency order)."""
    page = _page(_BLOCKS_HERE, total, counts, as_of=as_of, rules=rules, generated_at=generated_at)
    if not total:
        yield page.encode("utf-8")
        return
    head, foot = page.encode("utf-8").split(_BLOCKS_HERE.encode("utf-8"))
    yield head
    yield from blocks
    yield foot


_BLOCKS_HERE = "\x00itb-tui blocks\x00"  # no escaped text holds a NUL


def _page(blocks: str, total: int, counts: dict[str, int], *, as_of: date, rules,
          generated_at: datetime) -> str:
    blocked, at_risk, due = (counts.get(k, 0) for k in ("blocked", "at_risk", "due"))
    generated = generated_at.isoformat(sep=" ", timespec="minutes")
    version = getattr(rules, "version", "")
    running = (
        f'<strong>ITB pump ward round</strong> · as of <span class="as-of">{_e(as_of)}</span>'
        f' · generated <span class="generated">{_e(generated)}</span>'
        f" · {total} patients, {blocked} refill blocked, {at_risk} withdrawal risk,"
        f" {due} tasks due by {_e(as_of + timedelta(days=WEEK_DAYS))}"
        f' · rules {_e(version)}')
    if not total:
        blocks = '<p class="none">No patients match.</p>'
    foot = (f'<footer class="small">Computed by itb-tui for {_e(as_of)}; check each alert against '
            "its source. Clinical decisions stay with the treating team.</footer>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>ITB pump ward round {_e(as_of)}</title>"
        f"<style>{CSS}{_page_css(as_of, generated)}</style></head><body>"
        f'<header class="running">{running}</header>{blocks}{foot}'
        "</body></html>\n"
    )


def render(pairs, *, as_of: date, rules, generated_at: datetime, for_file: bool = True,
           round_data=None) -> bytes:
    return render_text(pairs, as_of=as_of, rules=rules, generated_at=generated_at,
                       round_data=round_data).encode("utf-8")
