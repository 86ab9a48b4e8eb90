"""The alert list: every alert the engine raised, with what to do and on whose authority.

Each alert shows its severity in a word and a symbol (monochrome-safe), the rule's
title, the engine's sentence with the dates that matter, the rule's source and basis
(guideline, expert summary or local policy) so a clinician can check it, and the
suggested action (bridging advice, which culture to draw when).
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from itb_tui.clinical.assessment import Alert
from itb_tui.ui.format import basis_label, severity_label
from itb_tui.ui.widgets.detail_layout import SizedInOnePass, SizedStatic
from itb_tui.ui.widgets.detail_text import SEVERITY_STYLES, rule_title

SEVERITY_WIDTH = 10


def alert_body(alert: Alert, rules=None) -> Text:
    """Title, sentence, source and basis, action: what one alert says."""
    body = Text(rule_title(rules, alert.code), style="bold")
    body.append(f"  ({alert.code})", style="dim")
    body.append(f"\n{alert.text}")
    body.append(f"\nSource: {alert.source} · basis: {basis_label(alert.basis)}", style="italic")
    if alert.action:
        body.append("\n→ ", style="bold")
        body.append(alert.action)
    return body


def alerts_table(alerts: tuple[Alert, ...], rules=None) -> Table | Text:
    """Severity in its own column, so wrapped lines stay under their alert."""
    if not alerts:
        return Text("✔ No alerts.", style="bold")
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(width=SEVERITY_WIDTH, no_wrap=True)
    table.add_column(ratio=1)
    for index, alert in enumerate(alerts):
        if index:
            table.add_row("", "")
        table.add_row(Text(severity_label(alert.severity), style=SEVERITY_STYLES.get(alert.severity, "bold")),
                      alert_body(alert, rules))
    return table


class AlertList(SizedInOnePass, VerticalScroll):
    """Scrollable list of the alerts; the border title carries the counts (‼ 2 ⚠ 1)."""

    DEFAULT_CSS = """
    AlertList { height: auto; border: round $warning; padding: 0 1; }
    AlertList > Static { height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield SizedStatic("", id="alert-text")

    def show(self, alerts: tuple[Alert, ...], rules=None) -> None:
        critical = sum(1 for a in alerts if a.severity == "critical")
        warning = sum(1 for a in alerts if a.severity == "warning")
        self.border_title = f"Alerts: ‼ {critical} critical · ⚠ {warning} warning"
        self.query_one("#alert-text", Static).update(alerts_table(alerts, rules))
