"""The footer of the ward list and the patient detail: Textual's Footer, rebuilt only when
the keys it shows change.

Why: Textual's Footer throws away and re-mounts one widget per key every time the screen
says its bindings may have changed (each focus move, each push or pop of a screen), and
does so once per notice even when several arrive in one frame. Opening a patient sent
six such notices and cost about half of the open time in style updates of footer keys
that came back identical. This footer rebuilds at most once per frame, and only when
the keys, their labels, tooltips or enabled state differ from what it shows: it looks
and behaves the same. Its first keys are composed at once, not after a refresh as
Textual's Footer does, so a screen's first frame has them (one layout and paint less at
every start and first open; issue 17).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from itb_tui.ui.textual_compat import mark_footer_bindings_ready, settle_bound_footer_key


class KeyFooter(Footer):
    """A Footer that skips rebuilds which would show the same keys, and shows a key the
    signed-in role may not use as unavailable, with who may ("Explant ✗ clinician"):
    the screen says so through `unavailable_label(action)` (ui/role_gate.py)."""

    DEFAULT_CSS = """
    KeyFooter FooterKey.-unavailable .footer-key--description { color: $text-muted; text-style: italic; }
    KeyFooter FooterKey.-unavailable .footer-key--key { color: $text-muted; }
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._rebuild_pending = False
        self._shown: tuple | None = None
        self._when_drawn: list = []  # see call_after_keys_drawn

    def bindings_changed(self, screen: Screen) -> None:
        mark_footer_bindings_ready(self)
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            if self._shown is None:
                # The first keys: composed now, so the screen's first frame has them
                # (Textual's Footer adds them one frame later; issue 17).
                self.call_later(self._rebuild_if_changed)
            else:
                self.call_after_refresh(self._rebuild_if_changed)

    def call_after_keys_drawn(self, callback) -> None:
        """Run `callback` once the screen has painted this footer's keys (at once if it
        has): the ward list's load waits for the whole first screen before it competes
        for the interpreter (issue 17)."""
        if self._shown is not None:
            self.call_after_refresh(callback)
        else:
            self._when_drawn.append(callback)

    def key_signature(self) -> tuple:
        """Everything of the screen's active bindings that the footer draws."""
        app = self.app
        return (
            self.show_command_palette,
            self.combine_groups,
            self._unavailable_labels(),
            tuple(
                (binding.key, app.get_key_display(binding), binding.description, binding.action,
                 binding.show, enabled, tooltip, binding.group, binding.tooltip)
                for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
            ),
        )

    def _unavailable_labels(self) -> tuple:
        label = getattr(self.screen, "unavailable_label", None)
        if label is None:
            return ()
        return tuple((binding.action, label(binding.action))
                     for (_node, binding, _enabled, _tooltip) in self.screen.active_bindings.values())

    def compose(self) -> ComposeResult:
        label = getattr(self.screen, "unavailable_label", None)
        for widget in super().compose():
            action = getattr(widget, "action", None)  # a FooterKey (its class is not public)
            words = label(action) if label is not None and action is not None else None
            if words:
                widget.description = f"{widget.description} {words}"
                widget.add_class("-unavailable")
            settle_bound_footer_key(widget, self.compact)  # no style pass for nothing
            yield widget

    async def _rebuild_if_changed(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached:
            return
        signature = self.key_signature()
        if signature == self._shown:
            return
        self._shown = signature
        await self.recompose()
        waiting, self._when_drawn = self._when_drawn, []
        for callback in waiting:
            self.call_after_refresh(callback)
