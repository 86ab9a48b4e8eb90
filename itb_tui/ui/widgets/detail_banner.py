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
from itb_tui.ui.format import STATUS_LABELS, as_of_text, reason_text
from itb_tui.ui.widgets.detail_text import REFILL_STATUS_STYLES, first_upper, rule_entry

_HEADLINES = {
    "blocked": "REFILL BLOCKED: do not refill this pump",
    "caution": "REFILL WITH CAUTION",
    "ok": "REFILL OK",
    "not_applicable": "NO PUMP IMPLANTED: nothing to refill",
}


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


def banner(assessment: Assessment, today: date, rules=None) -> Group:
    """Headline (status word, symbol, the date shown), then the reasons."""
    refill = assessment.refill
    symbol = STATUS_LABELS[refill.status].split(" ", 1)[0]
    headline = Text()
    headline.append(f" {symbol} {_HEADLINES[refill.status]} ", style=REFILL_STATUS_STYLES[refill.status])
    if assessment.as_of != today:
        headline.append(f"  ◆ {as_of_text(assessment.as_of, today)}", style="bold reverse")
    else:
        headline.append(f"  {as_of_text(assessment.as_of, today)}", style="dim")
    return Group(headline, reason_rows(refill, rules))


class RefillBanner(SizedStatic):
    """Refill status for the date shown; the screen calls `show()` on every recompute."""

    DEFAULT_CSS = """
    RefillBanner {
        height: auto;
        padding: 0 1;
    }
    RefillBanner.-blocked { border: heavy $error; }
    RefillBanner.-caution { border: round $warning; }
    RefillBanner.-ok { border: round $success; }
    RefillBanner.-not_applicable { border: round $secondary; }
    """

    def show(self, assessment: Assessment, today: date, rules=None) -> None:
        for status in STATUS_LABELS:
            self.set_class(assessment.refill.status == status, f"-{status}")
        self.update(banner(assessment, today, rules))
