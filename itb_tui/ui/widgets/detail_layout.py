"""The patient detail drawn in one layout pass and one paint when a patient is opened.

Textual would otherwise lay the reused screen out and paint it two or three times per
open, and the open only counts as drawn after the last pass (measured at 10,000
patients: median 93 -> 66 ms, p90 133 -> 90 ms with the screen's own changes):

- Resized widgets: opening a patient changes the height of the banner, the cards and
  the alert text. Textual lays the screen out with the new sizes, then, because each
  resized widget's "virtual size" changed, asks for a second, identical layout a frame
  later. For these widgets the virtual size is their content area, already used by
  the layout that set it (`SizedInOnePass`). The alert list scrolls, but its scrollbar
  appearing or going is a change of its own that still asks for a layout (Textual's
  `show_vertical_scrollbar`), so only the redundant pass is skipped. The timeline (a
  DataTable) keeps Textual's behaviour.
- Late requests: the widgets are refilled before the screen is pushed, and each tells
  the screen it needs a layout only when its own task next goes idle, often after the
  screen's first frame (`post_pending_refreshes`).
- Restyling: Textual restyles the whole screen on every push; the screen skips that
  when nothing app-wide changed while it was closed (`app_style_inputs`).
"""

from __future__ import annotations

from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Static

from itb_tui.ui.textual_compat import SizedInOnePass, css_update_count, post_pending_refresh


class DetailCards(SizedInOnePass, Horizontal):
    """The row of pump, antifungal and reimplantation cards."""


class DetailLower(SizedInOnePass, Vertical):
    """The alerts above the timeline."""


class SizedStatic(SizedInOnePass, Static):
    """A Static whose height follows its content, sized in the screen's one layout pass."""


def app_style_inputs(app) -> tuple | None:
    """What a closed screen's styles depend on beyond its own widgets: its own class and
    focus changes restyle the widgets they touch at once, so only these can leave it
    stale while closed. None when unknown (a Textual without the CSS change counter):
    the screen then always restyles."""
    count = css_update_count(app)
    if count is None:
        return None
    return (count, app.theme, app.app_focus, app.native_ansi_color, app.no_color, app.is_inline)


def post_pending_refreshes(screen: Widget) -> None:
    """Hand the screen every widget's pending layout and repaint request now.

    The cards and timeline are refilled before the screen is pushed; each widget tells
    the screen it needs a layout only when its own task next goes idle, which on a busy
    open is often after the screen has already laid out and painted its first frame:
    then the screen lays out and paints everything a second time (10-20 ms, and the
    open is only drawn after that second frame). Posting the requests here, ahead of
    the screen's first frame, makes the open one layout and one paint. Uses Textual's
    own per-widget check (8.2.8); without it the widgets post on idle as before.
    """
    for widget in screen.walk_children(Widget):
        if not widget.is_mounted:
            continue
        post_pending_refresh(widget)
