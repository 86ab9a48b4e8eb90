"""The ward list: a virtual table that draws only the rows on screen.

Why not DataTable: it builds every row up front (about 1.1 s at 10,000 rows, see
shared/textual-notes.md). This is a `ScrollView` with the Line API: `render_line(y)`
formats the one row under line y from plain `WardRow` values, so a clinic of 10,000
patients paints as fast as a ward of 30.

Each patient takes two lines (the value and what it means: "✖ BLOCKED" over
"fungemia", an alarm date over "in 3 d"). Line 0 is a fixed column header. A "▶"
marks the cursor row so the selection reads without colour. Narrow terminals drop the
least important columns instead of wrapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from itb_tui.ui.widgets.ward_rows import COLUMN_KEYS, WardRow

ROW_HEIGHT = 2
HEADER_HEIGHT = 1
MARKER = "▶"
# Drawn row lines kept for reuse: a few screenfuls of two-line rows at any width.
LINE_CACHE_SIZE = 1024


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    key: str
    title: str
    width: int  # the minimum width
    priority: int  # 0 always shown; higher numbers are dropped first when narrow
    comfortable: int | None = None  # widened to this first when there is room
    max_width: int | None = None  # then up to this (flexible columns only)


COLUMNS = (
    ColumnSpec("bed", "Bed", 6, 1, comfortable=8, max_width=10),
    ColumnSpec("patient", "Patient", 14, 0, comfortable=20, max_width=30),
    ColumnSpec("pump", "Pump", 20, 2, max_width=30),
    # 16: '▲ REFILL ALLOWED' and 'since 2026-12-01' (an overdue refill) never cut
    ColumnSpec("refill", "Refill", 16, 0, comfortable=18, max_width=26),
    ColumnSpec("alarm", "Alarm", 10, 1),
    ColumnSpec("antifungal", "Antifungal", 13, 1),
    ColumnSpec("reimplant", "Reimplant", 13, 3),
    ColumnSpec("alerts", "Alerts", 10, 0),
    # What changed since the last review (issue 16); widened last, after the identity.
    ColumnSpec("changes", "Since review", 16, 1, comfortable=28, max_width=40),
)
# Who gets spare room first: names (identity) before ward names and refill reasons.
FLEX_ORDER = ("patient", "changes", "bed", "refill", "pump")
assert tuple(c.key for c in COLUMNS) == COLUMN_KEYS


@dataclass(frozen=True, slots=True)
class PlacedColumn:
    key: str
    title: str
    index: int  # position in WardRow.cells
    width: int


@lru_cache(maxsize=16)
def layout_columns(width: int) -> tuple[PlacedColumn, ...]:
    """The columns that fit `width` cells, with their widths.

    Columns are added by priority while their minimum widths fit (one marker cell at
    the left, one space between columns). Spare room widens the flexible columns in
    FLEX_ORDER, first each to its comfortable width, then each to its maximum.
    """
    available = max(width - len(MARKER), 0)
    chosen: list[ColumnSpec] = []
    for priority in sorted({c.priority for c in COLUMNS}):
        for spec in (c for c in COLUMNS if c.priority == priority):
            trial = chosen + [spec]
            needed = sum(c.width for c in trial) + len(trial) - 1
            if needed <= available or priority == 0:
                chosen = trial
    chosen.sort(key=lambda c: COLUMN_KEYS.index(c.key))
    used = sum(c.width for c in chosen) + len(chosen) - 1
    spare = max(available - used, 0)
    widths = {spec.key: spec.width for spec in chosen}
    for stage in ("comfortable", "max_width"):
        for key in FLEX_ORDER:
            spec = next((c for c in chosen if c.key == key), None)
            target = getattr(spec, stage) if spec is not None else None
            if target is None or spare <= 0:
                continue
            extra = min(spare, max(target - widths[key], 0))
            widths[key] += extra
            spare -= extra
    return tuple(
        PlacedColumn(spec.key, spec.title, COLUMN_KEYS.index(spec.key), widths[spec.key])
        for spec in chosen
    )


def fit(text: str, width: int) -> str:
    """`text` padded or cut to exactly `width` cells, with '…' when cut."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class WardTable(ScrollView, can_focus=True):
    """Virtual two-line-per-patient table with a keyboard cursor."""

    BINDINGS = [
        Binding("up,k", "cursor_up", "Previous patient", show=False),
        Binding("down,j", "cursor_down", "Next patient", show=False),
        Binding("pageup", "cursor_page_up", "Page up", show=False),
        Binding("pagedown", "cursor_page_down", "Page down", show=False),
        Binding("home", "cursor_first", "First patient", show=False),
        Binding("end", "cursor_last", "Last patient", show=False),
        Binding("enter", "open", "Open", id="ward.open", tooltip="Open the patient under the cursor"),
    ]

    COMPONENT_CLASSES = {
        "ward-table--header",
        "ward-table--cursor",
        "ward-table--odd",
        "ward-table--empty",
        "ward-table--name",
        "ward-table--dim",
        "ward-table--status-blocked",
        "ward-table--status-caution",
        "ward-table--status-ok",
        "ward-table--critical",
        "ward-table--warning",
    }

    DEFAULT_CSS = """
    WardTable {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        background: $surface;
    }
    WardTable > .ward-table--header { text-style: bold; background: $panel; color: $foreground; }
    WardTable > .ward-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    WardTable:blur > .ward-table--cursor { background: $block-cursor-blurred-background; color: $foreground; text-style: bold; }
    WardTable > .ward-table--odd { background: $boost; }
    WardTable > .ward-table--empty { color: $text-muted; text-style: italic; }
    WardTable > .ward-table--name { text-style: bold; }
    WardTable > .ward-table--dim { color: $text-muted; }
    WardTable > .ward-table--status-blocked { color: $text-error; text-style: bold; }
    WardTable > .ward-table--status-caution { color: $text-warning; text-style: bold; }
    WardTable > .ward-table--status-ok { color: $text-success; }
    WardTable > .ward-table--critical { color: $text-error; text-style: bold; }
    WardTable > .ward-table--warning { color: $text-warning; }
    """

    class Highlighted(Message):
        """The cursor moved to the patient `mrn` (None: the list is empty)."""

        def __init__(self, mrn: str | None) -> None:
            super().__init__()
            self.mrn = mrn

    class Opened(Message):
        """The user asked to open the patient `mrn` (Enter, or a click on the selected row)."""

        def __init__(self, mrn: str) -> None:
            super().__init__()
            self.mrn = mrn

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: list[WardRow] = []
        self.cursor = 0
        self.empty_text = "Loading the ward…"
        # Drawing caches, emptied whenever Textual restyles the table (theme, focus):
        # resolved styles by name, and finished row lines (see render_line).
        self._styles: dict[tuple, Style] = {}
        self._lines: LRUCache[tuple, tuple[WardRow, Strip]] = LRUCache(LINE_CACHE_SIZE)

    def notify_style_update(self) -> None:
        self._styles.clear()
        self._lines.clear()
        super().notify_style_update()

    # --- data ----------------------------------------------------------------------

    @property
    def rows(self) -> Sequence[WardRow]:
        return self._rows

    @property
    def selected(self) -> WardRow | None:
        return self._rows[self.cursor] if self._rows else None

    def set_rows(self, rows: list[WardRow], *, keep_mrn: str | None = None, empty_text: str | None = None) -> None:
        """Show `rows`; the cursor stays on `keep_mrn` if it is still listed."""
        self._rows = rows
        if empty_text is not None:
            self.empty_text = empty_text
        cursor = 0
        if keep_mrn is not None:
            for index, row in enumerate(rows):
                if row.mrn == keep_mrn:
                    cursor = index
                    break
        self.virtual_size = Size(0, HEADER_HEIGHT + ROW_HEIGHT * len(rows))
        self.cursor = cursor
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self.selected.mrn if self.selected else None))

    def row_texts(self) -> list[str]:
        """The text of every listed row, in order (what a user reads; used by tests)."""
        return [row.text() for row in self._rows]

    # --- cursor ----------------------------------------------------------------------

    @property
    def _page_rows(self) -> int:
        return max((self.scrollable_content_region.height - HEADER_HEIGHT) // ROW_HEIGHT, 1)

    def move_cursor(self, index: int) -> None:
        if not self._rows:
            return
        index = max(0, min(index, len(self._rows) - 1))
        if index == self.cursor:
            return
        previous, self.cursor = self.cursor, index
        if self._scroll_cursor_into_view():
            self.refresh()
        else:  # only the two rows whose cursor marking changed
            for row in (previous, index):
                self.refresh_lines(HEADER_HEIGHT + row * ROW_HEIGHT, ROW_HEIGHT)
        self.post_message(self.Highlighted(self._rows[index].mrn))

    def _scroll_cursor_into_view(self) -> bool:
        """Scroll so the cursor row shows; True when it had to scroll."""
        visible = self.scrollable_content_region.height - HEADER_HEIGHT
        if visible <= 0:
            return False
        top = self.cursor * ROW_HEIGHT
        bottom = top + ROW_HEIGHT - 1
        scroll_y = int(self.scroll_y)
        if top < scroll_y:
            self.scroll_to(y=top, animate=False, force=True)
            return True
        if bottom > scroll_y + visible - 1:
            self.scroll_to(y=bottom - visible + 1, animate=False, force=True)
            return True
        return False

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_cursor_page_up(self) -> None:
        self.move_cursor(self.cursor - self._page_rows)

    def action_cursor_page_down(self) -> None:
        self.move_cursor(self.cursor + self._page_rows)

    def action_cursor_first(self) -> None:
        self.move_cursor(0)

    def action_cursor_last(self) -> None:
        self.move_cursor(len(self._rows) - 1)

    def action_open(self) -> None:
        if self.selected is not None:
            self.post_message(self.Opened(self.selected.mrn))

    def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < HEADER_HEIGHT:
            return
        index = (int(self.scroll_y) + offset.y - HEADER_HEIGHT) // ROW_HEIGHT
        if not 0 <= index < len(self._rows):
            return
        event.stop()
        already_selected = index == self.cursor
        self.move_cursor(index)
        if already_selected or event.chain >= 2:
            self.post_message(self.Opened(self._rows[index].mrn))

    def on_resize(self, event: events.Resize) -> None:
        self._scroll_cursor_into_view()

    # --- drawing ---------------------------------------------------------------------

    # Rows, header and cursor paint a background; the cell styles (status colours) only
    # colour the text, so they keep the row's background. Component colours are resolved
    # in full (Textual blends translucent colours such as $boost against the widget).
    _BACKGROUND_COMPONENTS = frozenset({"header", "odd", "cursor", "empty"})

    def _style(self, name: str) -> Style:
        full = self.get_component_rich_style(f"ward-table--{name}")
        if name in self._BACKGROUND_COMPONENTS:
            return full
        return Style(
            color=full.color,
            bold=full.bold,
            italic=full.italic,
            underline=full.underline,
            reverse=full.reverse,
        )

    def _combined(self, odd: bool, cell_style: str, cursor: bool) -> Style:
        """The style of one cell: widget base, row stripe, the cell's colour, the cursor.

        Resolved once per combination and kept until the next restyle: resolving and
        adding Rich styles for every cell of every drawn line was most of a redraw.
        """
        key = (odd, cell_style, cursor)
        style = self._styles.get(key)
        if style is None:
            style = self.rich_style + self._style("odd") if odd else self.rich_style
            if cell_style:
                style = style + self._style(cell_style)
            if cursor:
                style = style + self._style("cursor")
            self._styles[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y < HEADER_HEIGHT:
            return self._header_strip(width, base + self._style("header"))
        line = int(self.scroll_y) + y - HEADER_HEIGHT
        index, part = divmod(line, ROW_HEIGHT)
        if not self._rows:
            if line == 0:
                text = fit(f"  {self.empty_text}", width)
                return Strip([Segment(text, base + self._style("empty"))], width)
            return Strip.blank(width, base)
        if index >= len(self._rows):
            return Strip.blank(width, base)
        row = self._rows[index]
        odd = bool(index % 2)
        is_cursor = index == self.cursor
        # Rows are immutable values, so a drawn line is reused while the row, its place
        # (stripe, cursor) and the width stay the same: scrolling, moving the cursor and
        # filtering mostly redraw lines already drawn.
        # Keyed by identity (hashing a row's every field costs more than the lookup
        # saves); the entry keeps its row, so the id cannot be reused while cached.
        key = (id(row), part, odd, is_cursor, width)
        cached = self._lines.get(key)
        if cached is not None and cached[0] is row:
            return cached[1]
        strip = self._row_strip(row, part, odd, is_cursor, width)
        self._lines[key] = (row, strip)
        return strip

    def _row_strip(self, row: WardRow, part: int, odd: bool, is_cursor: bool, width: int) -> Strip:
        marker = MARKER if is_cursor and part == 0 else " "
        first = self._combined(odd, "", is_cursor)
        segments = [Segment(marker, first)]
        for position, column in enumerate(layout_columns(width)):
            if position:
                segments.append(Segment(" ", first))
            cell = row.cells[column.index]
            text = cell.top if part == 0 else cell.bottom
            segments.append(Segment(fit(text, column.width), self._combined(odd, cell.style, is_cursor)))
        strip = Strip(segments)
        return strip.extend_cell_length(width, first).crop(0, width)

    def _header_strip(self, width: int, style: Style) -> Strip:
        titles = [fit(column.title, column.width) for column in layout_columns(width)]
        segments = [Segment(" ", style), Segment(" ".join(titles), style)]
        return Strip(segments).extend_cell_length(width, style).crop(0, width)
