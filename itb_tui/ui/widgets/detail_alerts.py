"""The alert list: every alert the engine raised, with what to do and on whose authority.

Each alert shows its severity in a word and a symbol (monochrome-safe), the rule's
title, the engine's sentence with the dates that matter, the rule's source and basis
(guideline, expert summary or local policy) so a clinician can check it, and the
suggested action (bridging advice, which culture to draw when).

Why it is compact (issue 13): at 120x36 only one of six alerts used to be visible and a
critical one sat below the fold. When every alert does not fit in full, each alert is
one line (critical first: the engine's order), so every critical alert is on screen;
`enter` on the highlighted alert shows it in full. When some cannot be shown, the
bottom border says how many ("3 more ↓"), never a silent cut. Drawn with the Line API
so the list knows exactly which alert is on which line.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import RenderableType
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from itb_tui.clinical.assessment import Alert
from itb_tui.ui.format import basis_label, severity_label
from itb_tui.ui.widgets.detail_text import SEVERITY_STYLES, rule_title

SEVERITY_WIDTH = 10
MARKER_WIDTH = 1
COLLAPSED, EXPANDED = "▸", "▾"


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


def severity_text(alert: Alert) -> Text:
    return Text(severity_label(alert.severity), style=SEVERITY_STYLES.get(alert.severity, "bold"))


def alert_line(alert: Alert, rules=None, marker: str = COLLAPSED) -> Text:
    """One alert on one line: '▸ ‼ CRITICAL Baclofen withdrawal risk — Refill blocked…'."""
    line = Text(f"{marker} ", style="bold")
    line.append_text(severity_text(alert))
    line.pad_right(MARKER_WIDTH + 1 + SEVERITY_WIDTH + 1 - len(line))
    line.append(rule_title(rules, alert.code), style="bold")
    line.append(" — ")
    line.append(" ".join(alert.text.split()))
    line.no_wrap = True
    line.overflow = "ellipsis"
    return line


def alert_block(alert: Alert, rules=None, marker: str = " ") -> Table:
    """One alert in full, its severity in its own column so wrapped lines stay under it."""
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(width=MARKER_WIDTH, no_wrap=True)
    table.add_column(width=SEVERITY_WIDTH, no_wrap=True)
    table.add_column(ratio=1)
    table.add_row(Text(marker, style="bold"), severity_text(alert), alert_body(alert, rules))
    return table


def alerts_table(alerts: tuple[Alert, ...], rules=None) -> Table | Text:
    """Every alert in full (the forms' live notice): severity in its own column, so
    wrapped lines stay under their alert."""
    if not alerts:
        return Text("✔ No alerts.", style="bold")
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(width=SEVERITY_WIDTH, no_wrap=True)
    table.add_column(ratio=1)
    for index, alert in enumerate(alerts):
        if index:
            table.add_row("", "")
        table.add_row(severity_text(alert), alert_body(alert, rules))
    return table


@dataclass(frozen=True, slots=True)
class AlertLine:
    """One drawn line: which alert it belongs to (None: spacing, 'No alerts') and its cells."""

    alert: int | None
    strip: Strip


class AlertList(ScrollView, can_focus=True):
    """The alerts, most serious first; the border title carries the counts (‼ 2 ⚠ 1)."""

    DEFAULT_CSS = """
    AlertList {
        height: auto;
        border: round $warning;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    AlertList:focus { border: round $accent; }
    AlertList > .alert-list--cursor { text-style: reverse; }
    """
    COMPONENT_CLASSES = {"alert-list--cursor"}
    BINDINGS = [
        Binding("up", "cursor_up", "Previous alert", show=False),
        Binding("down", "cursor_down", "Next alert", show=False),
        Binding("enter", "toggle", "Details", show=False),
        Binding("space", "toggle", "Details", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.alerts: tuple[Alert, ...] = ()
        self.rules = None
        self.cursor = 0
        self.toggled: set[int] = set()  # alerts opened or closed with enter (compact mode)
        self.opened: set[int] = set()  # alerts shown in full in compact mode
        self.compact = False  # True: one line per alert (they do not all fit in full)
        self.lines: list[AlertLine] = []
        self._built_for: tuple | None = None

    # --- what the screen calls ---

    def show(self, alerts: tuple[Alert, ...], rules=None) -> None:
        """Show `alerts` (the engine's order: critical first)."""
        critical = sum(1 for a in alerts if a.severity == "critical")
        warning = sum(1 for a in alerts if a.severity == "warning")
        self.border_title = f"Alerts: ‼ {critical} critical · ⚠ {warning} warning"
        if alerts != self.alerts:
            self.cursor = 0
            self.toggled = set()
        self.alerts, self.rules = tuple(alerts), rules
        self._built_for = None
        self._rebuild()

    def clear(self) -> None:
        """Nothing (loading, patient not found): no alert and no 'No alerts' either."""
        self.border_title = ""
        self.alerts, self.rules, self.cursor, self.toggled = (), None, 0, set()
        self.lines = []
        self._built_for = ("cleared",)
        self.virtual_size = Size(0, 0)
        self._update_more()
        self.refresh()

    @property
    def hidden_below(self) -> int:
        """How many alerts start below the visible lines (the 'N more ↓')."""
        bottom = round(self.scroll_y) + self.scrollable_content_region.height
        starts = self._first_lines()
        return sum(1 for line in starts.values() if line >= bottom)

    @property
    def hidden_above(self) -> int:
        top = round(self.scroll_y)
        last = self._last_lines()
        return sum(1 for line in last.values() if line < top)

    def visible_alert_lines(self) -> list[str]:
        """The text of the lines on screen now (for tests and the screen reader of a user)."""
        top = round(self.scroll_y)
        height = self.scrollable_content_region.height
        return [line.strip.text for line in self.lines[top:top + height]]

    # --- building the lines ---

    def _text_width(self) -> int:
        return max(10, self.content_region.width - self.styles.scrollbar_size_vertical)

    def _rebuild(self) -> None:
        width, height = self._text_width(), self.content_region.height
        key = (width, height, self.alerts, frozenset(self.toggled), self.app.theme if self.is_attached else None)
        if key == self._built_for:
            return
        self._built_for = key
        if not self.alerts:
            self.compact = False
            self.lines = self._render(Text("✔ No alerts.", style="bold"), None, width)
        else:
            full = self._full_lines(width)
            self.compact = len(full) > height > 0
            self.lines = self._compact_lines(width, height) if self.compact else full
        self.virtual_size = Size(width, len(self.lines))
        self._update_more()
        self.refresh()

    def _render(self, renderable: RenderableType, alert: int | None, width: int) -> list[AlertLine]:
        console = self.app.console
        options = console.options.update(width=width, height=None, highlight=False)
        base = self.rich_style
        return [AlertLine(alert, Strip(segments, width))
                for segments in console.render_lines(renderable, options, style=base, pad=True)]

    def _full_lines(self, width: int) -> list[AlertLine]:
        lines: list[AlertLine] = []
        for index, alert in enumerate(self.alerts):
            if index:
                lines.extend(self._render(Text(""), None, width))
            lines.extend(self._render(alert_block(alert, self.rules), index, width))
        return lines

    def _compact_lines(self, width: int, height: int) -> list[AlertLine]:
        """One line per alert; then, most serious first, each alert that still fits is
        shown in full (a box with room says more). `enter` flips the highlighted one."""
        blocks = {index: self._render(alert_block(alert, self.rules, EXPANDED), index, width)
                  for index, alert in enumerate(self.alerts)}
        used, fitted = len(self.alerts), set()
        for index in range(len(self.alerts)):
            extra = len(blocks[index]) - 1
            if used + extra <= height:
                fitted.add(index)
                used += extra
        self.opened = fitted ^ self.toggled
        lines: list[AlertLine] = []
        for index, alert in enumerate(self.alerts):
            if index in self.opened:
                lines.extend(blocks[index])
            else:
                lines.extend(self._render(alert_line(alert, self.rules), index, width))
        return lines

    def _first_lines(self) -> dict[int, int]:
        first: dict[int, int] = {}
        for number, line in enumerate(self.lines):
            if line.alert is not None:
                first.setdefault(line.alert, number)
        return first

    def _last_lines(self) -> dict[int, int]:
        return {line.alert: number for number, line in enumerate(self.lines) if line.alert is not None}

    def _update_more(self) -> None:
        """The bottom border: what is out of sight, and how to see it."""
        parts = []
        if self.lines:
            above, below = self.hidden_above, self.hidden_below
            if above:
                parts.append(f"↑ {above} more")
            if below:
                parts.append(f"{below} more ↓")
            if self.compact:
                parts.append("l ↑↓ enter: details")
        self.border_subtitle = " · ".join(parts)

    # --- Textual hooks ---

    def on_resize(self, _event) -> None:
        self._rebuild()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._update_more()

    def render_line(self, y: int) -> Strip:
        number = round(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if number >= len(self.lines):
            return Strip([Segment(" " * width, self.rich_style)], width)
        line = self.lines[number]
        strip = line.strip
        if self.has_focus and line.alert == self.cursor and self._first_lines().get(self.cursor) == number:
            strip = strip.apply_style(self.get_component_rich_style("alert-list--cursor"))
        return strip.crop_extend(0, width, self.rich_style)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # --- keys (after `l` moved the keyboard here) ---

    def _move(self, step: int) -> None:
        if not self.alerts:
            return
        self.cursor = max(0, min(len(self.alerts) - 1, self.cursor + step))
        first, last = self._first_lines().get(self.cursor, 0), self._last_lines().get(self.cursor, 0)
        height = self.scrollable_content_region.height
        if first < self.scroll_y or last - first + 1 > height:
            self.scroll_to(y=first, animate=False)  # its first line (a tall alert: from the top)
        elif last >= self.scroll_y + height:
            self.scroll_to(y=last - height + 1, animate=False)
        self.refresh()

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_cursor_down(self) -> None:
        self._move(+1)

    def action_toggle(self) -> None:
        """Open or close the highlighted alert (only when they are shown one line each)."""
        if not self.compact or not self.alerts:
            return
        self.toggled ^= {self.cursor}
        self._rebuild()
        self._move(0)


__all__ = ["AlertList", "alert_body", "alert_line", "alert_block", "alerts_table"]
