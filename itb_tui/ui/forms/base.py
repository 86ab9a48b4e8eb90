"""The shared form: a keyboard-first modal that checks every field before anything is saved.

Why one base: every form on the ward must behave the same way under pressure. Tab moves
between fields, Enter (or ctrl+s) saves, Escape cancels and loses nothing already saved.
Each field is checked as the user leaves it, by the ward file's own validator
(`wardfile.validate.patient_problems` on a draft of the patient with the change applied),
so a form refuses exactly what an import would refuse, in the same words, under the
field that is wrong. The store checks again on save (the UI is not the guard); its
refusals (ValidationError, RefillBlocked, any StoreError) are shown in the form in words,
keeping what was typed.

A form subclass declares its fields (`form_fields`), how a draft patient looks with the
change (`build_draft`), and the store call (`save`, run in a worker thread).

Optimistic concurrency: the form remembers the patient's `row_version` it was opened
with (`expected_version`) and every save that changes an existing patient passes it to
the store, so a save over someone else's later change (another terminal) is refused
with who and when, never applied. The form stays open with what was typed; ctrl+r
reloads the patient inside the form (`rebind`), keeping the entries, and saving again
is then checked against their change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Mapping

from rich.console import RenderableType
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from itb_tui.clinical.records import Patient
from itb_tui.dates import parse_user_date
from itb_tui.store.errors import ConcurrentEdit, RefillBlocked, StoreError, ValidationError
from itb_tui.ui.forms.conflict import RELOAD_KEY, conflict_text
from itb_tui.wardfile.validate import normalise_patient, patient_problems

_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class Field:
    """One form field. `name` is the ward-file field name where there is one, so the
    validator's message for `cultures[3].drawn_on` lands under the field `drawn_on`."""

    name: str
    label: str
    kind: str = "text"  # text | date | decimal | select (a form may add one: see parse_field)
    options: tuple[tuple[str, str], ...] = ()  # (words, code) for a select
    placeholder: str = ""
    hint: str = ""
    suggestions: tuple[str, ...] = ()
    disabled: bool = False
    hidden: bool = False  # revealed by the form when it applies (an override reason)
    required: bool = False  # "is required" from the form itself (fields the validator cannot see)


def parse_decimal(text: str) -> Decimal | None:
    """A typed quantity as an exact Decimal; ValueError in words when it is not a number."""
    text = text.strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError("must be a number, such as 20 or 18.5") from None
    if not value.is_finite():
        raise ValueError("must be a number, such as 20 or 18.5")
    return value


class FormLine(Static):
    """A hint or an error line: hidden while empty, repainted only when its words change
    (every keystroke re-checks the form; repainting unchanged lines would re-lay it out).
    Never read as markup: error lines quote what was typed ("Candida foo [/x]" raised
    MarkupError and a traceback); a styled line is passed as a rich Text."""

    def __init__(self, text: str | Text = "", **kwargs) -> None:
        super().__init__(text, markup=False, **kwargs)
        self.said = text
        self.set_class(bool(text), "-shown")

    def say(self, text: str | Text) -> None:
        if text != self.said:
            self.said = text
            self.update(text)
            self.set_class(bool(text), "-shown")


def split_problem(line: str) -> tuple[str, str]:
    """`A1001: pumps[0].refills[2].volume_ml: must be ...` -> (`pumps[0].refills[2].volume_ml`, `must be ...`)."""
    parts = line.split(": ", 2)
    if len(parts) == 3:
        return parts[1], parts[2]
    return "", line


def index_of(records, record) -> int:
    """Where `record` sits among the patient's `records` (the same object or store id):
    validator paths address records by position (`pumps[1]`)."""
    for index, candidate in enumerate(records):
        if candidate is record or (record.id is not None and candidate.id == record.id):
            return index
    raise LookupError(f"{record!r} is not one of the patient's records")


def find_record(records, record_id: int | None):
    """The record with that store id among `records`, or None (gone, or entered in error)."""
    if record_id is None:
        return None
    return next((r for r in records if r.id == record_id), None)


def leaf(path: str) -> str:
    """The field name at the end of a validator path, without list indices."""
    return _INDEX.sub("", path.rsplit(".", 1)[-1])


class FormSelect(Select):
    """A form's dropdown: Enter saves the form, as from any field; space (or up/down)
    opens the list. A plain Select opens on Enter, so "Save (Enter)" opened a dropdown
    whenever one had focus (issue 13)."""

    # A subclass's binding for a key replaces the base class's (Select: enter,down,space,up).
    BINDINGS = [Binding("enter", "submit_form", "Save", show=False)]

    def action_submit_form(self) -> None:
        submit = getattr(self.screen, "action_submit", None)
        if submit is not None:
            submit()


class FormScreen(ModalScreen[Any]):
    """Base of every form. Dismisses with what `save` returned, or None when cancelled."""

    AUTO_FOCUS = ".form-control"  # the first field, not the scrolling container
    # Until the first field has focus, the app holds the keys typed (ui/key_hold.py).
    takes_keys = False
    FORM_TITLE: ClassVar[str] = "Form"
    SAVE_LABEL: ClassVar[str] = "Save"

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Save", id="form.save"),
        # Priority: Tab moves focus as the app takes the key, so the keys typed after it
        # in a burst reach the next field, not the one Tab left (issue 13).
        Binding("tab", "next_field", "Next field", show=False, priority=True),
        Binding("shift+tab", "previous_field", "Previous field", show=False, priority=True),
        # Offered by the message of a save refused as a concurrent edit, not in the footer.
        Binding(RELOAD_KEY, "reload", "Reload patient", id="form.reload", show=False,
                tooltip="Load the patient again (after someone else changed it), keeping what you typed"),
    ]

    DEFAULT_CSS = """
    FormScreen {
        align: center middle;
    }
    FormScreen #form-box {
        width: 96;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    FormScreen #form-intro {
        color: $text-muted;
        margin-bottom: 1;
    }
    FormScreen #form-fields {
        height: auto;
        max-height: 22;
    }
    FormScreen .form-row {
        height: auto;
    }
    FormScreen .form-row.-hidden {
        display: none;
    }
    FormScreen .form-label {
        width: 26;
        padding-right: 1;
        text-align: right;
    }
    FormScreen .form-control {
        width: 1fr;
        background: $panel;
    }
    FormScreen .form-control:focus {
        background: $boost;
        text-style: bold;
    }
    FormScreen .form-hint {
        padding-left: 26;
        color: $text-muted;
        display: none;
    }
    FormScreen .form-error {
        padding-left: 26;
        color: $text-error;
        text-style: bold;
        display: none;
    }
    FormScreen .form-hint.-shown, FormScreen .form-error.-shown {
        display: block;
    }
    FormScreen #form-notice {
        height: auto;
        margin-top: 1;
        display: none;
    }
    FormScreen #form-error {
        height: auto;
        margin-top: 1;
        color: $text-error;
        text-style: bold;
        display: none;
    }
    FormScreen #form-notice.-shown, FormScreen #form-error.-shown {
        display: block;
    }
    FormScreen #form-buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    FormScreen #form-buttons Button {
        margin-left: 2;
    }
    """

    def __init__(self, patient: Patient | None = None) -> None:
        super().__init__()
        self.patient = patient  # the patient as loaded, before this form's change
        # The row_version this form was opened (or last reloaded) with: see `expected_version`.
        self.opened_version: int | None = patient.row_version if patient is not None else None
        self._baseline: set[tuple[str, str]] | None = None
        self._specs: dict[str, Field] = {}
        self._may_show: set[str] = set()  # fields the user has left (or all, after Save)
        self._saving = False
        self._focus_before_save: Widget | None = None
        self.form_error: str = ""  # what is shown above the buttons right now

    # --- what a subclass provides ---

    def form_fields(self) -> list[Field]:
        raise NotImplementedError

    def initial_values(self) -> dict[str, Any]:
        """Text (or a select code) to start each field with."""
        return {}

    def form_title(self) -> str:
        return self.FORM_TITLE

    def intro(self) -> str:
        """One or two lines under the title: what this form changes."""
        return ""

    def before_check(self, values: dict[str, Any]) -> None:
        """Work the other hooks share, done once per check (the engine's view of a date)."""

    def build_draft(self, values: dict[str, Any]) -> Patient | None:
        """The patient as it would be after saving, for the validator and the engine."""
        return None

    def record_path(self) -> str:
        """The validator path prefix of the record this form edits (`cultures[3].`)."""
        return ""

    def route_problem(self, path: str) -> str | None:
        """Which field a validator problem at `path` belongs to (None: the form as a whole)."""
        prefix = self.record_path()
        name = leaf(path)
        if path == f"{prefix}{name}" and name in self._specs:
            return name
        return None

    def extra_problems(self, values: dict[str, Any], draft: Patient | None) -> dict[str, str]:
        """Checks only this form can make (an override reason when refill is blocked)."""
        return {}

    def notice(self, values: dict[str, Any], draft: Patient | None, errors: dict[str, str]) -> RenderableType | None:
        """Live information under the fields (blocked reasons, drug alerts); `errors` are
        the field problems found, so a notice can wait for a valid draft."""
        return None

    def save(self, values: dict[str, Any]) -> Any:
        """The store call. Runs in a worker thread: no widget access here."""
        raise NotImplementedError

    def saved_message(self, result: Any) -> str:
        return f"{self.form_title()}: saved"

    def rebind(self, patient: Patient) -> str | None:
        """Point the form at `patient` as just reloaded from the store. A subclass that
        edits one record finds it again by its id; it returns why the form cannot go on
        (the record was removed or marked entered in error), else None."""
        self.patient = patient
        return None

    @property
    def expected_version(self) -> int | None:
        """Pass to every store write that changes the existing patient: the store refuses
        it (ConcurrentEdit) if anyone changed the patient since this form loaded it."""
        return self.opened_version

    # --- shared services for subclasses ---

    @property
    def store(self):
        return self.app.store

    @property
    def today(self) -> date:
        return self.app.today

    @property
    def actor(self) -> str:
        return self.app.actor

    @property
    def rules(self):
        return getattr(self.app, "rules", None)

    # --- layout ---

    def compose(self) -> ComposeResult:
        for spec in self.form_fields():
            self._specs[spec.name] = spec
        initial = self.initial_values()
        with Vertical(id="form-box") as box:
            box.border_title = self.form_title()
            intro = self.intro()
            if intro:
                yield Static(intro, id="form-intro")
            with VerticalScroll(id="form-fields", can_focus=False):
                for spec in self._specs.values():
                    yield from self._compose_field(spec, initial.get(spec.name))
            yield Static("", id="form-notice")
            yield FormLine("", id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button(f"{self.SAVE_LABEL} (Enter)", id="form-save", variant="primary")
                yield Button("Cancel (Esc)", id="form-cancel")

    def _compose_field(self, spec: Field, initial: Any) -> ComposeResult:
        control: Widget
        if spec.kind == "select":
            control = FormSelect(
                spec.options,
                prompt=spec.placeholder or "choose",
                allow_blank=initial is None,
                value=initial if initial is not None else Select.NULL,
                compact=True,
                id=f"f-{spec.name}",
                disabled=spec.disabled,
            )
        else:
            suggester = SuggestFromList(spec.suggestions, case_sensitive=False) if spec.suggestions else None
            control = Input(
                value="" if initial is None else str(initial),
                placeholder=spec.placeholder,
                suggester=suggester,
                compact=True,
                id=f"f-{spec.name}",
                disabled=spec.disabled,
            )
        control.add_class("form-control")
        classes = "form-row -hidden" if spec.hidden else "form-row"
        with Vertical(classes=classes, id=f"row-{spec.name}"):
            with Horizontal(classes="form-row"):
                yield Label(spec.label, classes="form-label")
                yield control
            yield FormLine(spec.hint, classes="form-hint", id=f"hint-{spec.name}")
            yield FormLine("", classes="form-error", id=f"err-{spec.name}")

    def on_mount(self) -> None:
        self.refresh_checks()
        first = next((c for c in self.query(".form-control") if c.focusable), None)
        if first is not None and self.focused is None:
            self.set_focus(first)  # now: the keys held for the form go to this field
        self.takes_keys = True
        release = getattr(self.app, "release_held_keys", None)
        if release is not None:
            self.app.call_later(release)

    def action_next_field(self) -> None:
        self.focus_next()

    def action_previous_field(self) -> None:
        self.focus_previous()

    # --- reading the fields ---

    def raw(self, name: str) -> Any:
        """What the field holds now: the typed text, or the select's code (None if blank)."""
        control = self.query_one(f"#f-{name}")
        if isinstance(control, Select):
            return None if control.value is Select.NULL else control.value
        return control.value

    def set_raw(self, name: str, value: Any) -> None:
        control = self.query_one(f"#f-{name}")
        if isinstance(control, Select):
            control.value = Select.NULL if value is None else value
        else:
            control.value = "" if value is None else str(value)

    def is_shown(self, name: str) -> bool:
        return not self.query_one(f"#row-{name}").has_class("-hidden")

    def show_field(self, name: str, shown: bool) -> None:
        self.query_one(f"#row-{name}").set_class(not shown, "-hidden")

    def set_hint(self, name: str, hint: str | Text) -> None:
        self.query_one(f"#hint-{name}", FormLine).say(hint)

    def parse_field(self, spec: Field, raw: Any) -> Any:
        """The typed text as a value (date, Decimal, code); ValueError in words if it is none."""
        if spec.kind == "select":
            return raw
        text = raw.strip()
        if not text:
            return None
        if spec.kind == "date":
            return parse_user_date(text, self.today)
        if spec.kind == "decimal":
            return parse_decimal(text)
        return text

    def collect(self, typed: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
        """Every field parsed, and the problems of those that could not be. `typed` (field
        -> text, or a select's code) stands in for what the widgets hold, field by field:
        the checks run exactly as on screen without typing (fuzzing every field is fast)."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, spec in self._specs.items():
            try:
                raw = typed[name] if typed is not None and name in typed else self.raw(name)
                values[name] = self.parse_field(spec, raw)
            except ValueError as exc:
                values[name] = None
                errors[name] = str(exc)
            if spec.required and values[name] is None and name not in errors and self.is_shown(name):
                errors[name] = "is required"
        return values, errors

    def check(self, typed: Mapping[str, Any] | None = None
              ) -> tuple[dict[str, Any], dict[str, str], list[str], Patient | None]:
        """Parse, then run the ward file's validator on the draft: (values, field errors,
        problems of the form as a whole, the draft). `typed`: see `collect`."""
        values, errors = self.collect(typed)
        self.before_check(values)
        draft = self.build_draft(values)
        general: list[str] = []
        if draft is not None:
            draft = normalise_patient(draft)
            for path, message in patient_problems(draft, self.today):
                if (path, message) in self.baseline_problems():
                    continue  # the store, too, lets old problems stand (Store._validate)
                name = self.route_problem(path)
                if name is None:
                    general.append(f"{path}: {message}")
                elif name not in errors and self.is_shown(name):
                    errors[name] = message
        for name, message in self.extra_problems(values, draft).items():
            errors.setdefault(name, message)
        return values, errors, general, draft

    def baseline_problems(self) -> set[tuple[str, str]]:
        """Problems the patient had before this form (e.g. imported under an earlier
        "today"): they do not block an unrelated change, here as in the store."""
        if self._baseline is None:
            self._baseline = set()
            if self.patient is not None:
                self._baseline = set(patient_problems(normalise_patient(self.patient), self.today))
        return self._baseline

    # --- showing problems ---

    def refresh_checks(self) -> tuple[dict[str, Any], dict[str, str], list[str]]:
        values, errors, general, draft = self.check()
        shown = {n: m for n, m in errors.items() if n in self._may_show}
        for name in self._specs:
            message = shown.get(name, "")
            self.query_one(f"#err-{name}", FormLine).say(f"✖ {message}" if message else "")
            control = self.query_one(f"#f-{name}")
            control.set_class(bool(message), "-invalid")
        self._update_date_hints(values)
        notice = self.notice(values, draft, errors)
        notice_widget = self.query_one("#form-notice", Static)
        notice_widget.update(notice or "")
        notice_widget.set_class(bool(notice), "-shown")
        return values, errors, general

    def _update_date_hints(self, values: dict[str, Any]) -> None:
        """Say which day a relative date (`+3d`, `next monday`) means, as it is typed."""
        for name, spec in self._specs.items():
            if spec.kind != "date":
                continue
            raw = str(self.raw(name) or "").strip()
            value = values.get(name)
            if value is not None and raw != value.isoformat():
                self.set_hint(name, f"= {value.isoformat()} {value.strftime('%A')}")
            else:
                self.set_hint(name, spec.hint)

    def show_form_error(self, message: str) -> None:
        self.form_error = message
        self.query_one("#form-error", FormLine).say(f"✖ {message}" if message else "")

    def show_store_problems(self, lines: list[str]) -> None:
        """A store ValidationError: each problem under its field where it has one."""
        general = []
        for line in lines:
            path, message = split_problem(line)
            name = self.route_problem(path) if path else None
            if name is None:
                general.append(line)
                continue
            self.query_one(f"#err-{name}", FormLine).say(f"✖ {message}")
        self.show_form_error("Not saved: " + ("; ".join(general) if general else "fix the fields marked ✖"))

    # --- events ---

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.refresh_checks()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id and event.select.id.startswith("f-"):
            self._may_show.add(event.select.id[2:])
        self.refresh_checks()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        widget = event.widget
        if widget.id and widget.id.startswith("f-"):
            self._may_show.add(widget.id[2:])
            self.refresh_checks()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "form-save":
            self.action_submit()
        elif event.button.id == "form-cancel":
            self.action_cancel()

    def action_cancel(self) -> None:
        """Close without saving; whatever was saved before stays as it was."""
        if not self._saving:
            self.dismiss(None)

    def action_submit(self) -> None:
        if self._saving:
            return
        self._may_show.update(self._specs)
        values, errors, general = self.refresh_checks()
        if errors or general:
            self.show_form_error(
                "Not saved: " + ("; ".join(general) if general and not errors else "fix the fields marked ✖")
            )
            first = next((n for n in self._specs if n in errors), None)
            if first is not None:
                self.query_one(f"#f-{first}").focus()
            return
        self.show_form_error("")
        self._saving = True
        # Disabling Save moves the focus on (to Cancel): a refused save must give it back,
        # or the next Enter would cancel the form and lose everything typed.
        self._focus_before_save = self.focused
        self.query_one("#form-save", Button).disabled = True
        self._save_in_thread(values)

    @work(thread=True, exit_on_error=False, group="form-save")
    def _save_in_thread(self, values: dict[str, Any]) -> Any:
        return self.save(values)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "form-reload":
            self._reload_finished(event)
            return
        if event.worker.group != "form-save":
            return
        if event.state == WorkerState.SUCCESS:
            self._saved(event.worker.result)
        elif event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self._saving = False
            self.query_one("#form-save", Button).disabled = False
            if self._focus_before_save is not None:
                self._focus_before_save.focus()
            self.store_refused(event.worker.error)

    def store_refused(self, error: BaseException | None) -> None:
        """Show why the store said no, in words, keeping everything typed."""
        if isinstance(error, ConcurrentEdit):
            self.show_form_error(conflict_text(error, datetime.now(timezone.utc)))
        elif isinstance(error, ValidationError):
            self.show_store_problems(error.errors)
        elif isinstance(error, RefillBlocked):
            self.refill_blocked(error)
        elif isinstance(error, StoreError):
            self.show_form_error(f"Not saved: {error}")
        else:
            self.show_form_error(f"Not saved: {type(error).__name__}: {error}".splitlines()[0])

    def refill_blocked(self, error: RefillBlocked) -> None:
        self.show_form_error(f"Not saved: {error}")

    # --- reloading the patient (after a save refused as a concurrent edit) ---

    def action_reload(self) -> None:
        """Read the patient again, keeping every field as typed."""
        if self._saving or self.patient is None:
            return
        self._reload_in_thread(self.patient.mrn)

    @work(thread=True, exit_on_error=False, group="form-reload")
    def _reload_in_thread(self, mrn: str) -> Patient | None:
        return self.store.get_patient(mrn)

    def _reload_finished(self, event: Worker.StateChanged) -> None:
        if event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self.show_form_error(f"Not reloaded: {event.worker.error}".splitlines()[0])
            return
        if event.state != WorkerState.SUCCESS:
            return
        patient = event.worker.result
        if patient is None:
            self.show_form_error(f"Not reloaded: patient {self.patient.mrn} is no longer in the store")
            return
        problem = self.rebind(patient)
        self.opened_version = patient.row_version
        self._baseline = None
        for intro in self.query("#form-intro").results(Static):
            intro.update(self.intro())
        self.refresh_checks()
        if problem:
            self.show_form_error(f"Reloaded, but {problem}: press Esc to close this form")
            return
        self.show_form_error("")
        self.app.notify(f"Patient {patient.mrn} reloaded with the latest changes; your entries are kept. "
                        "Check them and save again.", title="Reloaded")

    def _saved(self, result: Any) -> None:
        self._saving = False
        notify_changed = getattr(self.app, "notify_data_changed", None)
        if notify_changed is not None:
            notify_changed()
        self.app.notify(self.saved_message(result), title="Saved")
        self.dismiss(result)
