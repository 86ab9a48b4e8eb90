"""Help: every key binding, and the rules table the app computes with.

Why the rules are here: a clinician must be able to check the basis of every
recommendation instead of trusting a black box. Each rule shows its threshold, its
source and its basis; rules that are a local policy choice (no guideline speaks) are
marked loudly, because the hospital's clinical safety officer must review them.

The key list is read from the screens' BINDINGS, so it cannot drift from the real keys.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from itb_tui.ui import format as fmt


def _binding_rows(bindings: Iterable, keymap: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Each binding's keys as the site configuration set them (`keymap`, by binding id)."""
    rows = []
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        spelled = (keymap or {}).get(binding.id or "", binding.key)
        keys = ", ".join(_key_name(key) for key in spelled.split(","))
        rows.append((keys, binding.tooltip or binding.description))
    return rows


_KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "escape": "Esc",
    "enter": "Enter",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "up": "↑",
    "down": "↓",
}


def _key_name(key: str) -> str:
    key = key.strip()
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    if key.startswith("ctrl+"):
        return "Ctrl+" + key[5:].upper()
    if key.startswith("f") and key[1:].isdigit():
        return key.upper()
    return key


def binding_sections(app_bindings, keymap: dict[str, str] | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """(section title, [(keys, what it does)]) for every screen that has bindings.

    `app_bindings` are the running app's own (`ItbApp.BINDINGS`), handed in rather than
    imported so this screen does not import the app that opens it (no import cycle).
    `keymap`: the site configuration's key overrides (ItbApp.site_keymap)."""
    from itb_tui.ui.screens.as_of import AsOfScreen
    from itb_tui.ui.screens.detail import PatientDetailScreen
    from itb_tui.ui.screens.tasks import TaskScreen
    from itb_tui.ui.screens.ward import WardScreen
    from itb_tui.ui.widgets.ward_table import WardTable

    sections = [
        ("Everywhere", _binding_rows(app_bindings, keymap) + [("Ctrl+P", "Command palette: commands and patient search")]),
        (
            "Ward list",
            _binding_rows(WardScreen.BINDINGS, keymap)
            + [("↑↓ j k", "Previous / next patient"), ("PgUp PgDn Home End", "Page / first / last")]
            + _binding_rows([b for b in WardTable.BINDINGS if b.action == "open"], keymap)
            + [("Click", "Select; click again to open")],
        ),
        ("Tasks (T)", _binding_rows(TaskScreen.BINDINGS, keymap) + [("↑↓", "Previous / next task")]),
        ("'As of' prompt", [("Enter", "Show that date")] + _binding_rows(AsOfScreen.BINDINGS, keymap)),
        ("Help", _binding_rows(HelpScreen.BINDINGS, keymap)),
    ]
    sections.insert(2, ("Patient detail", _binding_rows(PatientDetailScreen.BINDINGS, keymap)))
    return [(title, rows) for title, rows in sections if rows]


class HelpScreen(Screen):
    """Keys and rules, full screen; Esc goes back."""

    BINDINGS = [
        Binding("escape,question_mark,f1", "close", "Back", id="help.close"),
    ]

    AUTO_FOCUS = "#help-body"

    DEFAULT_CSS = """
    HelpScreen #help-body { padding: 0 1; }
    HelpScreen .help-title { text-style: bold; color: $accent; margin: 1 0 0 0; }
    """

    # Below these widths the key sections stack (two, then one per row) and each rule is
    # a block of lines instead of a five-column row: readable at 80x24 (issue 13).
    THREE_COLUMNS_WIDTH = 120
    TWO_COLUMNS_WIDTH = 90
    RULES_TABLE_WIDTH = 110

    def __init__(self) -> None:
        super().__init__()
        self._drawn_for: int | None = None

    def _columns(self, width: int) -> int:
        if width >= self.THREE_COLUMNS_WIDTH:
            return 3
        return 2 if width >= self.TWO_COLUMNS_WIDTH else 1

    def on_resize(self, event) -> None:
        """Redraw the keys and rules for the new width (only when the layout changes)."""
        width = event.size.width
        shape = (self._columns(width), width >= self.RULES_TABLE_WIDTH)
        if shape == self._drawn_for:
            return
        self._drawn_for = shape
        self.query_one("#help-keys", Static).update(self._keys_renderable(width))
        self.query_one("#help-rules", Static).update(self._rules_renderable(width))

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="help-body"):
            yield Static("Keys", classes="help-title")
            yield Static(self._keys_renderable(self.app.size.width), id="help-keys")
            yield Static("Clinical rules", classes="help-title")
            yield Static(self._rules_renderable(self.app.size.width), id="help-rules")
            yield Static("Reference regimens (shown, not prescribed)", classes="help-title")
            yield Static(self._regimens_renderable(), id="help-regimens")
        yield Footer()

    def _keys_renderable(self, width: int) -> Table:
        """The key sections side by side, so the rules table is on the first screen too;
        stacked on a narrow terminal, where side by side would wrap every word."""
        sections = []
        for title, rows in binding_sections(type(self.app).BINDINGS, getattr(self.app, "site_keymap", None)):
            section = Table.grid(padding=(0, 1))
            section.add_column(style="bold", no_wrap=True)
            section.add_column()
            section.add_row(Text(title, style="bold underline"), "")
            for keys, text in rows:
                section.add_row(keys, text)
            sections.append(section)
        grid = Table.grid(padding=(0, 3), expand=True)
        per_row = self._columns(width)
        for _ in range(per_row):
            grid.add_column(ratio=1)
        for start in range(0, len(sections), per_row):
            chunk = sections[start : start + per_row]
            grid.add_row(*chunk, *([""] * (per_row - len(chunk))))
        return grid

    def _rules_renderable(self, width: int) -> Group:
        rules = self.app.rules
        intro = Text.assemble(
            (f"Rules table version {rules.version}. ", "bold"),
            "Basis: guideline (IDSA 2016, CDC, drug label); expert summary (the seed summary, "
            "secondary); ",
            ("▲ LOCAL POLICY", "bold reverse"),
            " = a choice made here where no guideline speaks: the hospital's clinical safety "
            "officer reviews it. Thresholds are set in data/rules.toml.",
        )
        parts: list = [intro]
        for kind, title in _KIND_TITLES:
            entries = [e for e in rules.entries if getattr(e, "kind", "definition") == kind]
            if entries:
                parts.append(self._rules_part(title, entries, width))
        known = {kind for kind, _ in _KIND_TITLES}
        others = [e for e in rules.entries if getattr(e, "kind", "definition") not in known]
        if others:
            parts.append(self._rules_part("Other rules", others, width))
        return Group(*parts)

    def _rules_part(self, title: str, entries, width: int):
        if width >= self.RULES_TABLE_WIDTH:
            return self._rules_table(title, entries)
        return self._rules_blocks(title, entries)

    def _rules_blocks(self, title: str, entries) -> Group:
        """One rule per block, every field on its own line: the narrow form of the table."""
        parts: list = [Text(f"\n{title}", style="bold underline")]
        for entry in entries:
            head = Text(entry.code, style="bold")
            severity = getattr(entry, "severity", None)
            if severity:
                head.append(f" · {fmt.severity_label(severity)}", style="bold" if severity == "critical" else "")
            basis = Text(fmt.basis_label(entry.basis))
            if entry.basis == "local_policy":
                basis.stylize("bold reverse")
            head.append(" · ")
            head.append_text(basis)
            block = Text("\n")
            block.append_text(head)
            block.append(f"\n{entry.title}", style="bold")
            if entry.text:
                block.append(f"\n{entry.text}", style="dim")
            block.append(f"\nThreshold: {_threshold_text(entry)} · Source: {entry.source}")
            parts.append(block)
        return Group(*parts)

    def _rules_table(self, title: str, entries) -> Table:
        table = Table(
            title=title,
            title_justify="left",
            title_style="bold",
            expand=True,
            header_style="bold",
            box=box.SIMPLE_HEAD,
        )
        table.add_column("Code", ratio=3, overflow="fold")
        table.add_column("Rule", ratio=7)
        table.add_column("Threshold", ratio=3, overflow="fold")
        table.add_column("Source", ratio=4)
        table.add_column("Basis", no_wrap=True, min_width=14)
        for entry in entries:
            code = Text(entry.code)
            severity = getattr(entry, "severity", None)
            if severity:
                code.append(f"\n{fmt.severity_label(severity)}", style="bold" if severity == "critical" else "")
            rule = Text(entry.title, style="bold")
            if entry.text:
                rule.append(f"\n{entry.text}", style="dim")
            basis = Text(fmt.basis_label(entry.basis))
            if entry.basis == "local_policy":
                basis.stylize("bold reverse")
            table.add_row(code, rule, _threshold_text(entry), entry.source, basis)
        return table

    def _regimens_renderable(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for drug, text in getattr(self.app.rules, "regimens", ()):
            table.add_row(drug, text)
        return table

    def action_close(self) -> None:
        self.app.pop_screen()


_KIND_TITLES = (
    ("refill_reason", "Refill blocked or cautioned because…"),
    ("alert", "Alerts"),
    ("definition", "Definitions and countdowns"),
    ("antifungal_state", "Antifungal course states"),
    ("reimplant_state", "Reimplantation states"),
)


def _threshold_text(entry) -> str:
    if not entry.threshold_name:
        return "–"
    value = entry.value
    shown = fmt.number_text(value) if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else str(value)
    return f"{entry.threshold_name} = {shown}"
