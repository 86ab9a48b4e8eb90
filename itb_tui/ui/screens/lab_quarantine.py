"""The laboratory quarantine (admin): the lab messages the feed could not apply to a
patient (unknown MRN, date of birth that differs, unknown organism, ...), read-only.

Why here: a culture result that never reached the patient is a result the ward does not
know about; the admin who watches the feed must see it at the workstation, not only with
`itb-tui results quarantine list`. Assigning and discarding are done with that command
(it re-reads the HL7 message; docs/lab-results.md). The raw message is not shown (it
carries the patient's name; the MRN as the lab sent it is).
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import Worker, WorkerState

GROUP = "lab-quarantine-load"


def row_cells(message) -> tuple[str, ...]:
    state = message.state if message.state == "open" else (
        f"{message.state}" + (f" to {message.assigned_mrn}" if message.assigned_mrn else "")
        + f" by {message.resolved_by}")
    return (str(message.id), message.received_at.strftime("%Y-%m-%d %H:%M"), message.control_id or "–",
            message.mrn or "–", state, message.reason)


class LabQuarantineScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="quarantine.back"),
        Binding("ctrl+r", "reload", "Reload", id="quarantine.reload", tooltip="Read the quarantine again"),
    ]
    AUTO_FOCUS = "#quarantine-table"
    DEFAULT_CSS = """
    LabQuarantineScreen #quarantine-summary { height: auto; padding: 0 1; background: $panel; margin-top: 1; }
    LabQuarantineScreen #quarantine-summary.-error { color: $text-error; text-style: bold; }
    LabQuarantineScreen #quarantine-table { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.title = "Laboratory quarantine"
        self.messages: list = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the laboratory quarantine…", id="quarantine-summary")
        yield DataTable(id="quarantine-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, key, width in (("#", "id", 5), ("Received (UTC)", "at", 16), ("Control id", "control", 12),
                                  ("MRN as sent", "mrn", 11), ("State", "state", 14), ("Why", "why", None)):
            table.add_column(label, key=key, width=width)
        self._read()

    @work(thread=True, exclusive=True, group=GROUP, exit_on_error=False)
    def _read(self) -> list:
        return self.app.store.lab_quarantine()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != GROUP:
            return
        summary = self.query_one("#quarantine-summary", Static)
        if event.state == WorkerState.SUCCESS:
            # Open ones first (they need someone), newest first within each.
            self.messages = sorted(event.worker.result, key=lambda m: (m.state != "open", -m.id))
            table = self.query_one(DataTable)
            table.clear()
            for m in self.messages:
                table.add_row(*row_cells(m), key=str(m.id))
            open_count = sum(1 for m in self.messages if m.state == "open")
            summary.update(f"{open_count} open · {len(self.messages) - open_count} assigned or discarded · "
                           "assign or discard with: itb-tui results quarantine assign ID MRN | discard ID")
            summary.set_class(False, "-error")
        elif event.state == WorkerState.ERROR:
            text = f"Cannot show the laboratory quarantine: {event.worker.error}".splitlines()[0]
            summary.update(f"✖ {text}")
            summary.set_class(True, "-error")

    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self._read()
