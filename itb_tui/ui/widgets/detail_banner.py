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
from itb_tui.ui.widgets.detail_text import ROLE_STYLES, first_upper, rule_entry

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
    style = "bold red" if alert.severity == "critical" else "bold"
    line = Text(f"{SEVERITY_SYMBOLS.get(alert.severity, '‼')} {named.short}: {named.title}", style=style)
    line.append(" (see Alerts)", style="dim")
    return line


def banner(assessment: Assessment, today: date, rules=None) -> Group:
    """Headline (status word, symbol, the date shown), the reasons, the headline alert."""
    refill = assessment.refill
    headline = Text()
    headline.append(f" {headline_text(assessment)} ", style=ROLE_STYLES.get(refill_view(assessment).role, "bold"))
    if assessment.as_of != today:
        headline.append(f"  ◆ {as_of_text(assessment.as_of, today)}", style="bold reverse")
    else:
        headline.append(f"  {as_of_text(assessment.as_of, today)}", style="dim")
    parts = [headline, reason_rows(refill, rules)]
    alert = headline_alert_text(assessment)
    if alert is not None:
        parts.append(alert)
    return Group(*parts)


class RefillBanner(SizedStatic):
    """Refill status for the date shown; the screen calls `show()` on every recompute."""

    DEFAULT_CSS = """
    RefillBanner {
        height: auto;
        padding: 0 1;
    }
    RefillBanner.-danger { border: heavy $error; }
    RefillBanner.-warn { border: round $warning; }
    RefillBanner.-ok { border: round $success; }
    RefillBanner.-muted { border: round $secondary; }
    """

    def show(self, assessment: Assessment, today: date, rules=None) -> None:
        role = refill_view(assessment).role
        for name in ROLES:
            self.set_class(role == name, f"-{name}")
        self.update(banner(assessment, today, rules))
