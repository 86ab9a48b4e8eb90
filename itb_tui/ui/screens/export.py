"""Export the ward (admins): a list the infection-control team, the pump clinic or the
handover meeting can take away, or data another hospital system can read.

Why a screen: the admin picks the format, the same filters as the ward list and
`itb-tui export` (only blocked / caution / due, one ward), checks the "as of" date (the
app's: move it with `a` on the ward list to plan ahead) and where the file goes, and
sees it happen. The work runs in a worker thread: read the ward, assess each patient
(the progress bar counts them), filter, and write the file in one go through
`exports.write_export` (a temp file renamed into place, readable by its owner only). An
export reads the store and never changes it. When it is done the screen says where the
file went; a problem (no such directory, a full disk) is said in one line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, ProgressBar, Select, Static
from textual.worker import Worker, WorkerState


EXPORT_GROUP = "export-run"
WARDS_GROUP = "export-wards"
ALL_WARDS = "*all*"
EVERYONE = "*everyone*"
EXPORTS_DIR_NAME = "exports"

FORMAT_CHOICES = (
    ("CSV: one row per patient, computed columns", "csv"),
    ("XLSX: spreadsheet with coloured status and the rules sheet", "xlsx"),
    ("HTML: printable round sheet, urgent patients first", "html"),
    ("FHIR R4: Bundle of Patient, Device, Observation, Flag…", "fhir"),
    ("Ward file (itb-ward/1 JSON): the records themselves", "ward-json"),
    ("iCalendar (.ics): the dated tasks for a clinic calendar, MRN and bed, no names", "ics"),
)
ONLY_CHOICES = (
    ("every patient", EVERYONE),
    ("refill blocked", "blocked"),
    ("refill caution", "caution"),
    ("refill due within the due window, or overdue", "due"),
)


def exports_dir() -> Path:
    from itb_tui.paths import data_dir

    return data_dir() / EXPORTS_DIR_NAME


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "ward"


def default_path(export_format: str, as_of: date, only: str | None, ward: str | None) -> Path:
    """`<data dir>/exports/itb-<as of>[-<only>][-<ward>].<ext>`: dated, and named after
    the filters, so two different lists of one day do not overwrite each other."""
    from itb_tui.exports import SUFFIXES

    parts = ["itb", as_of.isoformat()]
    if export_format == "ward-json":
        parts.append("ward")
    if only:
        parts.append(only)
    if ward:
        parts.append(_slug(ward))
    return exports_dir() / ("-".join(parts) + SUFFIXES[export_format])


@dataclass(frozen=True, slots=True)
class ExportDone:
    path: Path
    rows: int  # patients written
    assessed: int  # patients read and assessed
    export_format: str
    only: str | None = None  # the filter it was run with


class ExportScreen(Screen):
    """Choose format, filters and destination; run; see where the file went."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="export.back"),
        Binding("ctrl+s", "run", "Export", id="export.run", tooltip="Write the file"),
    ]

    AUTO_FOCUS = "#export-format"

    DEFAULT_CSS = """
    ExportScreen #export-box { height: auto; padding: 1 2; }
    ExportScreen .export-row { height: auto; margin-bottom: 1; }
    ExportScreen .export-label { width: 14; padding-right: 1; text-align: right; }
    ExportScreen .export-control { width: 1fr; }
    ExportScreen Input.export-control { background: $panel; }
    ExportScreen Input.export-control:focus { background: $boost; }
    ExportScreen #export-as-of { width: 1fr; }
    ExportScreen #export-note { color: $text-muted; padding-left: 15; height: auto; }
    ExportScreen #export-buttons { height: auto; margin-top: 1; padding-left: 15; }
    ExportScreen #export-buttons Button { margin-right: 2; }
    ExportScreen #export-progress { margin: 1 0 0 17; display: none; }
    ExportScreen #export-progress.-shown { display: block; }
    ExportScreen #export-status { height: auto; padding: 0 2 0 17; }
    ExportScreen #export-status.-error { color: $text-error; text-style: bold; }
    ExportScreen #export-status.-done { color: $text-success; text-style: bold; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.running = False
        self.result: ExportDone | None = None
        self.error = ""
        self.status = ""
        self._default: str = ""  # the path we filled in (the user may type their own)
        self.title = "Export the ward"

    def format_choices(self) -> tuple[tuple[str, str], ...]:
        """Every format for a user who may export; only the round sheet for one who may
        only print it (a nurse: `print_round_sheet`)."""
        can = getattr(self.app, "can", None)
        if can is None or can("export"):
            return FORMAT_CHOICES
        return tuple(choice for choice in FORMAT_CHOICES if choice[1] == "html")

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="export-box"):
            choices = self.format_choices()
            with Horizontal(classes="export-row"):
                yield Label("Format", classes="export-label")
                yield Select(choices, value=choices[0][1] if len(choices) == 1 else "csv", allow_blank=False,
                             id="export-format", classes="export-control", compact=True)
            if len(choices) == 1:
                yield Static("Your role may print the round sheet only (audited as a disclosure); "
                             "the other formats need an admin.", id="export-only-html")
            with Horizontal(classes="export-row"):
                yield Label("Patients", classes="export-label")
                yield Select(ONLY_CHOICES, value=EVERYONE, allow_blank=False, id="export-only",
                             classes="export-control", compact=True)
            with Horizontal(classes="export-row"):
                yield Label("Ward", classes="export-label")
                yield Select([("all wards", ALL_WARDS)], value=ALL_WARDS, allow_blank=False, id="export-ward",
                             classes="export-control", compact=True)
            with Horizontal(classes="export-row"):
                yield Label("As of", classes="export-label")
                yield Static("", id="export-as-of")
            with Horizontal(classes="export-row"):
                yield Label("Save to", classes="export-label")
                yield Input(id="export-path", classes="export-control", compact=True)
            yield Static("The file is written whole or not at all, readable by you only. "
                         "An export never changes the store.", id="export-note")
            with Horizontal(id="export-buttons"):
                yield Button("Export (Ctrl+S)", id="export-run", variant="primary")
                yield Button("Back (Esc)", id="export-back")
        yield ProgressBar(total=None, show_eta=False, id="export-progress")
        yield Static("", id="export-status")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "as_of", self._as_of_changed)
        self._load_wards()

    # --- the choices ---

    def choices(self) -> tuple[str, str | None, str | None]:
        """(format, only, ward) as chosen (None: everyone / all wards)."""
        export_format = self.query_one("#export-format", Select).value
        only = self.query_one("#export-only", Select).value
        ward = self.query_one("#export-ward", Select).value
        return (str(export_format), None if only in (EVERYONE, Select.NULL) else str(only),
                None if ward in (ALL_WARDS, Select.NULL) else str(ward))

    def _as_of_changed(self, as_of: date) -> None:
        self.query_one("#export-as-of", Static).update(as_of_words(as_of, self.app.today))
        self._refresh_default()

    def _refresh_default(self) -> None:
        """Keep the suggested path in step with the choices, unless the user typed one."""
        path_input = self.query_one("#export-path", Input)
        if path_input.value and path_input.value != self._default:
            return
        export_format, only, ward = self.choices()
        self._default = str(default_path(export_format, self.app.as_of, only, ward))
        path_input.value = self._default

    @on(Select.Changed)
    def _choice_changed(self, event: Select.Changed) -> None:
        self._refresh_default()

    @work(thread=True, exclusive=True, group=WARDS_GROUP, exit_on_error=False)
    def _load_wards(self) -> list[str]:
        return self.app.store.wards()

    def _wards_loaded(self, wards: list[str]) -> None:
        select = self.query_one("#export-ward", Select)
        select.set_options([("all wards", ALL_WARDS)] + [(ward, ward) for ward in wards])
        select.value = ALL_WARDS

    # --- running ---

    @on(Button.Pressed, "#export-run")
    def _run_pressed(self, event: Button.Pressed) -> None:
        self.action_run()

    @on(Button.Pressed, "#export-back")
    def _back_pressed(self, event: Button.Pressed) -> None:
        self.action_back()

    @on(Input.Submitted, "#export-path")
    def _path_submitted(self, event: Input.Submitted) -> None:
        self.action_run()

    def action_back(self) -> None:
        self.dismiss()

    def action_run(self) -> None:
        if self.running:
            return
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            self.show_status("✖ Say where to save the file.", "-error")
            return
        if not self.app.can("export"):
            self.show_status("✖ Only an admin may export patient data.", "-error")
            return
        export_format, only, ward = self.choices()
        target = Path(text).expanduser()
        self.running = True
        self.result = None
        self.query_one("#export-run", Button).disabled = True
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.add_class("-shown")
        self.show_status("Reading the ward…")
        self._export(export_format, only, ward, self.app.as_of, target)

    @work(thread=True, exclusive=True, group=EXPORT_GROUP, exit_on_error=False)
    def _export(self, export_format: str, only: str | None, ward: str | None, as_of: date,
                target: Path) -> ExportDone:
        from itb_tui.clinical.engine import assess
        from itb_tui.exports import write_export
        from itb_tui.report import filter_pairs

        app = self.app
        session = getattr(app, "session", None)
        # The round sheet (HTML) is a disclosure a nurse may make (`print_round_sheet`,
        # audited by the store); every other format needs `export` (admin).
        purpose = "round_sheet" if export_format == "html" else "export"
        if session is not None:  # the UI's own guard; PermissionDenied reads as one line
            session.require("print_round_sheet" if purpose == "round_sheet" else "export")
        # The store checks the same itself: the guard above is the UI's courtesy.
        patients = app.store.load_for_export(ward=ward, purpose=purpose)
        total = len(patients)
        app.call_from_thread(self._progress, 0, total, f"Assessing {total} patients as of {as_of}…")
        step = max(1, total // 50)  # at most ~50 repaints, however large the clinic
        pairs = []
        for index, patient in enumerate(patients, 1):
            pairs.append((patient, assess(patient, as_of, app.rules)))
            if index % step == 0 or index == total:
                app.call_from_thread(self._progress, index, total, f"Assessed {index} of {total} patients…")
        pairs = filter_pairs(pairs, only, app.rules)
        app.call_from_thread(self._progress, total, total,
                             f"Writing {len(pairs)} patients as {export_format} to {target}…")
        if target.parent == exports_dir():
            # The app's own exports folder: made on first use, owner-only like the store's.
            target.parent.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            target.parent.mkdir(mode=0o700, exist_ok=True)
        options: dict = {}
        if export_format in ("html", "ics"):  # the tasks' deferrals and notes, one read (exports/round_data.py)
            from itb_tui.exports.round_data import read_round_data

            options["round_data"] = read_round_data(app.store)
        if export_format == "fhir":  # report statuses, weight dates: as `itb-tui export` gives them
            from itb_tui.exports.fhir_context import fhir_options

            options = fhir_options(app.store, [p for p, _ in pairs], "collection")
            site = getattr(app, "site", None)
            if site is not None:
                options["mrn_system"] = site.mrn_system
        written = write_export(export_format, pairs, target, as_of=as_of, rules=app.rules,
                               generated_at=datetime.now(timezone.utc), **options)
        return ExportDone(Path(written), len(pairs), total, export_format, only)

    def _progress(self, done: int, total: int, text: str) -> None:
        # One step per patient assessed, and one for writing the file.
        self.query_one("#export-progress", ProgressBar).update(total=total + 1, progress=done)
        self.show_status(text)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        group = event.worker.group
        if group == WARDS_GROUP:
            if event.state == WorkerState.SUCCESS:
                self._wards_loaded(event.worker.result)
            elif event.state == WorkerState.ERROR:
                self.show_status(f"✖ Cannot read the wards: {event.worker.error}".splitlines()[0], "-error")
            return
        if group != EXPORT_GROUP or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR,
                                                        WorkerState.CANCELLED):
            return
        self.running = False
        self.query_one("#export-run", Button).disabled = False
        bar = self.query_one("#export-progress", ProgressBar)
        if event.state == WorkerState.SUCCESS:
            done: ExportDone = event.worker.result
            self.result = done
            bar.update(total=done.assessed + 1, progress=done.assessed + 1)
            text = done_text(done)
            self.show_status(f"✔ {text}", "-done")
            self.app.notify(text, title="Export written", timeout=8)
        else:
            bar.remove_class("-shown")
            error = event.worker.error
            self.show_status(f"✖ Not exported: {error}".splitlines()[0], "-error")

    def show_status(self, text: str, kind: str = "") -> None:
        self.status = text
        self.error = text if kind == "-error" else ""
        status = self.query_one("#export-status", Static)
        status.update(text)
        status.set_class(kind == "-error", "-error")
        status.set_class(kind == "-done", "-done")


def as_of_words(as_of: date, today: date) -> str:
    """'2026-11-25 (today) · ...', or the date loudly marked as not today."""
    if as_of == today:
        when = f"{as_of.isoformat()} (today)"
    else:
        when = f"{as_of.isoformat()} ({(as_of - today).days:+d} d, NOT TODAY)"
    return f"{when} · the app's date: change it with a on the ward list"


def done_text(done: ExportDone) -> str:
    which = f" ({done.only} only)" if done.only else ""
    mode = ""
    try:
        mode = f", mode {os.stat(done.path).st_mode & 0o777:04o}"
    except OSError:
        pass
    return (f"Wrote {done.rows} of {done.assessed} patients{which} as {done.export_format} "
            f"to {done.path}{mode}")
