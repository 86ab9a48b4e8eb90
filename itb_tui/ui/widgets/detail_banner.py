"""The refill banner at the top of the patient detail: can this pump be refilled, and why not.

It is the first thing read at the bedside, so it states the status in a word and a
symbol (not colour alone), each block reason as a sentence with the rule's source, and
says plainly when the screen shows a date other than today.
"""

from __future__ import annotations

from datetime import date

from rich.console import Group
from rich.table import Table
from rich.text import Text
from itb_tui.ui.widgets.detail_layout import SizedStatic

from itb_tui.clinical.assessment import Assessment, RefillState
from itb_tui.present.status import headline_alert, refill_view
from itb_tui.present.words import SEVERITY_SYMBOLS, alert_words
from itb_tui.ui.format import as_of_text, reason_text
from itb_tui.ui.widgets.detail_text import ROLE_STYLES, critical_style, first_upper, rule_entry

ROLES = ("danger", "warn", "ok", "muted")


def reason_rows(refill: RefillState, rules=None) -> Table:
    """One row per reason: the reason in words, the engine's sentence, the rule's source.

    Shared with the refill form, which must say why in the same words as the banner.
    """
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(width=1, no_wrap=True)
    table.add_column(ratio=1)
    for index, reason in enumerate(refill.reasons):
        explanation = refill.explanations[index] if index < len(refill.explanations) else ""
        line = Text(first_upper(reason_text(reason)), style="bold")
        if explanation:
            line.append(f": {explanation}")
        entry = rule_entry(rules, reason)
        if entry is not None and entry.source:
            line.append(f" [source: {entry.source}]", style="italic")
        table.add_row("•", line)
    return table


def headline_text(assessment: Assessment) -> str:
    """'‼ REFILL NOW · overdue since 2026-12-01: refill allowed and overdue: refill today'
    (the list's words, present/status.py, with the banner's sentence)."""
    view = refill_view(assessment)
    dated = view.code in ("overdue", "due") and view.detail
    head = view.line if dated else view.label
    return f"{head}: {view.words.sentence}"


def headline_alert_text(assessment: Assessment) -> Text | None:
    """The headline alert (the one the list names): '‼ explant: remove the pump'."""
    alert = headline_alert(assessment)
    if alert is None:
        return None
    named = alert_words(alert.code, alert.severity)
    style = critical_style() if alert.severity == "critical" else "bold"
    line = Text(f"{SEVERITY_SYMBOLS.get(alert.severity, '‼')} {named.short}: {named.title}", style=style)
    line.append(" (see Alerts)", style="dim")
    return line


def headline_line(assessment: Assessment, today: date) -> Text:
    """The status word and symbol with the date shown: the line that never scrolls away."""
    headline = Text()
    headline.append(f" {headline_text(assessment)} ", style=ROLE_STYLES.get(refill_view(assessment).role, "bold"))
    if assessment.as_of != today:
        headline.append(f"  ◆ {as_of_text(assessment.as_of, today)}", style="bold reverse")
    else:
        headline.append(f"  {as_of_text(assessment.as_of, today)}", style="dim")
    return headline


def reasons_group(assessment: Assessment, rules=None) -> Group:
    """Why (one row per reason) and the headline alert: under the headline, scrolled with
    the rest of the detail on a small terminal."""
    parts = [reason_rows(assessment.refill, rules)]
    alert = headline_alert_text(assessment)
    if alert is not None:
        parts.append(alert)
    return Group(*parts)


def has_reasons(assessment: Assessment) -> bool:
    """Anything to say under the headline: a reason, or the headline alert."""
    return bool(assessment.refill.reasons) or headline_alert(assessment) is not None


def banner(assessment: Assessment, today: date, rules=None) -> Group:
    """Headline (status word, symbol, the date shown), the reasons, the headline alert."""
    return Group(headline_line(assessment, today), reasons_group(assessment, rules))


def _set_role(widget, assessment: Assessment) -> None:
    role = refill_view(assessment).role
    for name in ROLES:
        widget.set_class(role == name, f"-{name}")


class RefillBanner(SizedStatic):
    """The refill headline for the date shown, fixed under the patient's name: on any
    terminal size it stays on screen (issue 13: it once scrolled off the top). Its box
    continues round the reasons (RefillReasons) just below it."""

    DEFAULT_CSS = """
    RefillBanner {
        height: auto;
        padding: 0 1;
    }
    RefillBanner.-danger { border: heavy $error; border-bottom: none; }
    RefillBanner.-warn { border: round $warning; border-bottom: none; }
    RefillBanner.-ok { border: round $success; border-bottom: none; }
    RefillBanner.-muted { border: round $secondary; border-bottom: none; }
    """

    def show(self, assessment: Assessment, today: date, rules=None) -> None:
        _set_role(self, assessment)
        self.update(headline_line(assessment, today))


class RefillReasons(SizedStatic):
    """The block reasons and the headline alert, the lower part of the banner's box."""

    DEFAULT_CSS = """
    RefillReasons {
        height: auto;
        padding: 0 1;
    }
    RefillReasons.-danger { border: heavy $error; border-top: none; }
    RefillReasons.-warn { border: round $warning; border-top: none; }
    RefillReasons.-ok { border: round $success; border-top: none; }
    RefillReasons.-muted { border: round $secondary; border-top: none; }
    /* No reason and no headline alert: one empty line, so the box still closes (Textual
       draws nothing of a widget with no content line) and the banner keeps its height. */
    RefillReasons.-empty { min-height: 2; }  /* border-box: the line and the bottom border */
    """

    def show(self, assessment: Assessment, rules=None) -> None:
        _set_role(self, assessment)
        self.set_class(not has_reasons(assessment), "-empty")
        self.update(reasons_group(assessment, rules))
