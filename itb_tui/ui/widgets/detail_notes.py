"""The patient's handover notes on the detail (issue 16, item 3): newest first, one
selectable entry each (who wrote it and when, "⚑ HANDOVER" while it awaits the next
shift, the text wrapped in full). Hidden while the patient has no note, so a patient
without notes looks exactly as before.

Selectable because the detail acts on the highlighted note: `H` marks it handed over,
`delete` (with the notes focused) strikes it out as entered in error. Notes entered in
error are not shown, as no struck-out record is (the CLI's `notes MRN --all` lists them).
Every word comes from present/notes.py.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from itb_tui.present import notes as words


def note_prompt(note: Any) -> Text:
    """The byline in bold, then the note as written (line breaks kept)."""
    return Text.assemble((words.byline(note), "bold"), "\n", note.text)


class NotesList(OptionList):
    """The live notes of the patient shown; the highlight is "the selected note"."""

    DEFAULT_CSS = """
    NotesList {
        height: auto;
        max-height: 8;
        border: round $secondary;
        display: none;
    }
    NotesList.-has-notes {
        display: block;
    }
    NotesList:focus {
        border: round $accent;
    }
    """

    BORDER_TITLE = f"{words.NOTES_TITLE} · n new note · H handed over · delete in error"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = self.BORDER_TITLE
        self._notes: dict[str, Any] = {}

    def show(self, notes: list[Any]) -> None:
        """Replace the entries with the live `notes` (newest first), keeping the highlight
        on the same note where it is still shown."""
        shown = words.live(notes)
        selected = self.selected_note
        self._notes = {str(n.id): n for n in shown}
        self.set_options([Option(note_prompt(n), id=str(n.id)) for n in shown])
        self.set_class(bool(shown), "-has-notes")
        if selected is not None and str(selected.id) in self._notes:
            self.highlighted = self.get_option_index(str(selected.id))
        elif shown:
            self.highlighted = 0

    @property
    def notes(self) -> list[Any]:
        return list(self._notes.values())

    @property
    def selected_note(self) -> Any | None:
        """The highlighted note, or None when there is none."""
        option = self.highlighted_option
        return self._notes.get(option.id) if option is not None and option.id else None
