"""Text cursors that do not blink, for reproducible screenshots and snapshots.

Why a module of its own: the note form's TextArea is imported only when a note is
written (importing it costs ~10-15 ms of the first start, issue 17), so its blink is
switched off when it is imported, if the app asked for it before; and at once if it was
imported already (a test that imported the form first).
"""

from __future__ import annotations

import sys

_frozen = False


def freeze() -> None:
    """Stop the Input's cursor blinking now, and the TextArea's now or when imported."""
    global _frozen
    from textual.widgets import Input

    _frozen = True
    Input.cursor_blink = False
    text_area = sys.modules.get("textual.widgets._text_area")
    if text_area is not None:
        freeze_text_area(text_area.TextArea)


def freeze_text_area(text_area_class) -> None:
    """Called where TextArea is imported (ui/forms/note.py): no blink if `freeze` ran."""
    if _frozen:
        text_area_class.cursor_blink = False
