"""The handover note form (issue 16, item 3): a text area and "for handover", saved by
ctrl+s. The form says whose note it is first (name, MRN, ward and bed: a note written on
the wrong patient misleads the next shift), checks the text with the store's own rule
(`note_read.note_text`: not empty, at most NOTE_TEXT_MAX characters, no control
characters) and shows the problem under the field, saving nothing.

The base form knows one-line inputs and dropdowns; a note needs several lines and a
tick box, so this form composes and reads those two itself and leaves the rest (checks
as the user leaves a field, saving in a worker, refusals in words) to the base.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Label, TextArea

from itb_tui.present import notes as words
from itb_tui.store.note_read import note_text
from itb_tui.store.ports import NOTE_TEXT_MAX
from itb_tui.ui.cursor_blink import freeze_text_area
from itb_tui.ui.forms.base import Field, FormLine, FormScreen

freeze_text_area(TextArea)  # no blink in snapshots, as the app's Input (ui/cursor_blink.py)


class NoteForm(FormScreen):
    FORM_TITLE = words.FORM_TITLE
    SAVE_LABEL = "Save note"

    DEFAULT_CSS = """
    NoteForm TextArea.form-control {
        height: 7;
    }
    NoteForm Checkbox.form-control {
        width: auto;
        border: none;
        padding: 0;
    }
    """

    def on_mount(self) -> None:
        """Enter starts a new line in the note, so the Save button names ctrl+s (the
        base's on_mount runs too: handlers run for every class)."""
        self.query_one("#form-save", Button).label = f"{self.SAVE_LABEL} (ctrl+s)"

    def intro(self) -> str:
        p = self.patient
        return words.form_intro(p.name, p.mrn, p.bed, p.ward) if p is not None else ""

    def form_fields(self) -> list[Field]:
        return [Field("text", words.FORM_TEXT_LABEL, "textarea", hint=words.text_hint(NOTE_TEXT_MAX)),
                Field("for_handover", words.FORM_HANDOVER_LABEL, "checkbox")]

    def _compose_field(self, spec: Field, initial: Any) -> ComposeResult:
        if spec.kind not in ("textarea", "checkbox"):
            yield from super()._compose_field(spec, initial)
            return
        if spec.kind == "textarea":
            control = TextArea("" if initial is None else str(initial), id=f"f-{spec.name}",
                               soft_wrap=True, show_line_numbers=False, tab_behavior="focus", compact=True)
        else:
            control = Checkbox(words.FORM_HANDOVER_BOX, bool(initial), id=f"f-{spec.name}", compact=True)
        control.add_class("form-control")
        with Vertical(classes="form-row", id=f"row-{spec.name}"):
            with Horizontal(classes="form-row"):
                yield Label(spec.label, classes="form-label")
                yield control
            yield FormLine(spec.hint, classes="form-hint", id=f"hint-{spec.name}")
            yield FormLine("", classes="form-error", id=f"err-{spec.name}")

    def raw(self, name: str) -> Any:
        control = self.query_one(f"#f-{name}")
        if isinstance(control, TextArea):
            return control.text
        return super().raw(name)

    def set_raw(self, name: str, value: Any) -> None:
        control = self.query_one(f"#f-{name}")
        if isinstance(control, TextArea):
            control.text = "" if value is None else str(value)
        elif isinstance(control, Checkbox):
            control.value = bool(value)
        else:
            super().set_raw(name, value)

    def parse_field(self, spec: Field, raw: Any) -> Any:
        if spec.kind == "checkbox":
            return bool(raw)
        if spec.kind == "textarea":
            return raw if isinstance(raw, str) else ""  # kept as typed: note_text decides
        return super().parse_field(spec, raw)

    def extra_problems(self, values: dict[str, Any], draft) -> dict[str, str]:
        _, problem = note_text(values.get("text"))
        return {"text": problem} if problem else {}

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.refresh_checks()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.refresh_checks()

    def save(self, values: dict[str, Any]) -> Any:
        return self.store.add_note(self.patient.mrn, values["text"], self.actor,
                                   for_handover=bool(values["for_handover"]))

    def saved_message(self, result: Any) -> str:
        return words.NOTE_SAVED
