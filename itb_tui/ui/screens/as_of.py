"""The "as of" prompt: show the ward as it will be (or was) on another date.

Why: rounds are planned ahead ("who runs dry before Monday?"). The prompt accepts what a
person types (`2026-12-01`, `+3d`, `next monday`), previews the date it understood, and
explains in words when it cannot read the text. Nothing changes until Enter on a date
it understood.
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from itb_tui.dates import parse_user_date


class AsOfScreen(ModalScreen[date | None]):
    """Modal date prompt; dismisses with the chosen date, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="as_of.cancel")]

    DEFAULT_CSS = """
    AsOfScreen { align: center middle; }
    AsOfScreen #as-of-dialog {
        width: 64; height: auto; padding: 1 2;
        border: thick $warning; background: $surface;
    }
    AsOfScreen #as-of-title { text-style: bold; }
    AsOfScreen #as-of-hint { color: $text-muted; }
    AsOfScreen #as-of-input { margin: 1 0 0 0; }
    AsOfScreen #as-of-preview { color: $text-success; height: auto; }
    AsOfScreen #as-of-error { color: $text-error; text-style: bold; height: auto; }
    AsOfScreen #as-of-keys { color: $text-muted; margin: 1 0 0 0; }
    """

    def __init__(self, current: date, today: date) -> None:
        super().__init__()
        self.current = current
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="as-of-dialog"):
            yield Label("Show the ward as of which date?", id="as-of-title")
            yield Label(
                f"Today is {self.today.isoformat()}; now showing {self.current.isoformat()}.\n"
                "Type 2026-12-01, +3d, -2d, +1w, next monday or today.",
                id="as-of-hint",
            )
            yield Input(placeholder="e.g. +3d or next monday", id="as-of-input")
            yield Static("", id="as-of-preview")
            yield Static("", id="as-of-error")
            yield Label("Enter: show that date   Esc: cancel", id="as-of-keys")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _parse(self, text: str) -> date:
        return parse_user_date(text.strip(), self.today)

    @on(Input.Changed, "#as-of-input")
    def _preview(self, event: Input.Changed) -> None:
        """Say which date the text means while typing; errors wait for Enter."""
        self.query_one("#as-of-error", Static).update("")
        preview = self.query_one("#as-of-preview", Static)
        try:
            chosen = self._parse(event.value) if event.value.strip() else None
        except ValueError:
            chosen = None
        if chosen is None:
            preview.update("")
            return
        delta = (chosen - self.today).days
        offset = "today" if delta == 0 else f"{delta:+d} d from today"
        preview.update(f"→ {chosen.isoformat()}, {chosen:%A} ({offset})")

    @on(Input.Submitted, "#as-of-input")
    def _submit(self, event: Input.Submitted) -> None:
        error = self.query_one("#as-of-error", Static)
        if not event.value.strip():
            error.update("✖ Type a date, or press Esc to keep the current one.")
            return
        try:
            chosen = self._parse(event.value)
        except ValueError as exc:
            error.update(f"✖ {exc}")
            return
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)
