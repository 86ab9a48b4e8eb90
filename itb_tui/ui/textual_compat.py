"""Every use of Textual's private internals in the product, in one module.

Each saves a frame or a rebuild on a hot path (opening a patient, moving focus); none is
needed for correctness. They were read in, and checked against, exactly one Textual
version, `CHECKED_TEXTUAL_VERSION` (the version pinned in pyproject.toml).
`tests/ui/test_textual_compat.py` fails on any other version, and checks that each
internal named here still exists (so the fast path is really taken, not silently skipped
by a fallback). On an upgrade: re-read each function's Textual source, adjust, bump the
constant. `tests/architecture/test_one_home.py` fails if a private Textual name is used
outside this module.

At run time every function falls back to Textual's own public behaviour when the
internal is missing (a slower open, never a crash).
"""

from __future__ import annotations

from textual.widget import Widget

CHECKED_TEXTUAL_VERSION = "8.2.8"

# (class, attribute) pairs this module reaches into: the test checks each on the pinned
# Textual. Instance attributes are checked on a fresh instance.
INTERNALS = (
    ("textual.widget:Widget", "_size_updated"),
    ("textual.widget:Widget", "_layout_required"),
    ("textual.widget:Widget", "_repaint_required"),
    ("textual.widget:Widget", "_check_refresh"),
    ("textual.app:App", "_css_update_count"),
    ("textual.widgets:DataTable", "_require_update_dimensions"),
    ("textual.widgets:DataTable", "_new_rows"),
    ("textual.widgets:DataTable", "_update_dimensions"),
    ("textual.widgets:Footer", "_bindings_ready"),
    ("textual.widget:Widget", "_reactive_connect"),
)


class SizedInOnePass:
    """Mixin: a new size from the screen's layout does not ask for another layout.

    Uses Textual's own switch for this (the `layout` flag of `Widget._size_updated`, which
    Textual itself clears when it reflows after a scroll)."""

    def _size_updated(self, size, virtual_size, container_size, layout: bool = True) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)  # type: ignore[misc]


def css_update_count(app) -> int | None:
    """The app's CSS change counter (bumped on theme, ANSI theme and CSS changes); None
    when this Textual has none."""
    return getattr(app, "_css_update_count", None)


def post_pending_refresh(widget: Widget) -> None:
    """Hand the screen this widget's pending layout or repaint request now, instead of when
    the widget's task next goes idle (`Widget._check_refresh`)."""
    if getattr(widget, "_layout_required", False) or getattr(widget, "_repaint_required", False):
        check = getattr(widget, "_check_refresh", None)
        if check is not None:
            check()


def measure_new_rows_now(table) -> None:
    """Measure a DataTable's newly added rows now rather than on its next idle (which asks
    for a second layout and paint one frame later): what `DataTable._on_idle` does."""
    if not getattr(table, "_require_update_dimensions", False) or not hasattr(table, "_update_dimensions"):
        return
    table._require_update_dimensions = False
    new_rows = table._new_rows.copy()
    table._new_rows.clear()
    table._update_dimensions(new_rows)


def mark_footer_bindings_ready(footer) -> None:
    """What `Footer.bindings_changed` sets first: the footer may draw its keys."""
    footer._bindings_ready = True


def settle_bound_footer_key(key, compact: bool) -> None:
    """Give a key that Textual's `Footer.compose` made, bound to its footer's `compact`
    (`data_bind`), that value before it mounts. Else it mounts with FooterKey's own
    default (True), whose watcher adds "-compact", and the binding then sets the footer's
    value (False), whose watcher takes it off again: two style passes per key for the
    state it had at the start (~8 ms of the ward list's first frame, issue 17). The
    binding still sets the value after; its watcher then changes nothing. A key not bound
    (the command palette's, which keeps its own compact style) is left alone."""
    bound = getattr(key, "_reactive_connect", None) or {}
    descriptor = getattr(type(key), "compact", None)
    if "compact" not in bound or descriptor is None:
        return
    key.set_reactive(descriptor, compact)
    key.set_class(compact, "-compact", update=False)  # what its watcher would leave
