"""The audit trail: who changed what, when (UTC) and why, newest first.

Why: clinical records must never change without trace, and an admin must be able to
answer "who recorded this refill over the block, and why?" at the workstation. The whole
trail is for admins (the store refuses anyone else); each patient's own history is open
to every role from the patient's detail screen (`h`), with the MRN fixed.

Filters (patient MRN, user, from and to dates) apply with Enter; dates take what the
other date fields take (2026-11-01, -7d, today). The store reads in a worker thread and
returns at most the newest `LIMIT` entries; the screen says so when it cut the list.
The entry under the cursor shows its values before and after the change below the list.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, Static
from textual.worker import Worker, WorkerState

from itb_tui.dates import parse_user_date
from itb_tui.ui.messages import DataChanged

LIMIT = 500
AUDIT_GROUP = "audit-load"

ACTION_WORDS = {
    "create": "created",
    "update": "changed",
    "entered_in_error": "entered in error",
    "import": "imported",
    "login": "signed in",
    "login_failed": "sign-in refused",
    "backup": "backup made",
}

TABLE_WORDS = {
    "patients": "patient",
    "pumps": "pump",
    "refills": "refill",
    "cultures": "culture",
    "antifungal_courses": "antifungal course",
    "bridging": "bridging",
    "exams": "exam",
    "notes": "handover note",
    "users": "user",
    "audit": "audit trail",
    "meta": "store",
}


def when_text(entry) -> str:
    return entry.at.strftime("%Y-%m-%d %H:%M:%S")


def who_text(entry) -> str:
    """The signed-in user, else the actor the writer named (command line: `os:<login>`)."""
    return entry.username or entry.actor or "–"


def record_text(entry) -> str:
    """'refill #12'; an account by its name ('user nora'), which says more than its id."""
    what = TABLE_WORDS.get(entry.table, (entry.table or "").replace("_", " "))
    if entry.table == "users":
        name = ((entry.after or {}).get("username") or (entry.before or {}).get("username")
                or (entry.actor if entry.action in ("login", "login_failed") else None))
        if name:
            return f"{what} {name}"
    return f"{what} #{entry.record_id}" if entry.record_id is not None else what


def _value_text(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def change_lines(entry, width: int = 110) -> list[str]:
    """The entry's values before and after, one field a line: only what changed for an
    update, every value given for a create, the struck-out record for entered in error."""
    before, after = entry.before or {}, entry.after or {}
    lines = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        if not before:
            if new is None:
                continue
            line = f"{key}: {_value_text(new)}"
        elif not after:
            line = f"{key}: was {_value_text(old)}"
        else:
            line = f"{key}: {_value_text(old)} → {_value_text(new)}"
        lines.append(line if len(line) <= width else line[: width - 1] + "…")
    return lines


def details_text(entry) -> Text:
    text = Text()
    text.append(f"Entry {entry.id} · {when_text(entry)} UTC · {who_text(entry)} · "
                f"{ACTION_WORDS.get(entry.action, entry.action)} {record_text(entry)}", style="bold")
    if entry.mrn:
        text.append(f" · MRN {entry.mrn}")
    if entry.reason:
        text.append(f"\nWhy: {entry.reason}")
    lines = change_lines(entry)
    if lines:
        text.append("\n" + "\n".join(lines[:12]))
        if len(lines) > 12:
            text.append(f"\n… and {len(lines) - 12} more fields")
    elif entry.action not in ("login", "login_failed"):
        text.append("\nNo values recorded.", style="dim")
    return text


class AuditScreen(Screen):
    """The trail with its filters; `mrn` opens it filtered to one patient."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="audit.back"),
        Binding("slash", "focus_filters", "Filters", id="audit.filters", tooltip="Go to the filter fields"),
        Binding("ctrl+r", "reload", "Reload", id="audit.reload", tooltip="Read the trail again"),
    ]

    AUTO_FOCUS = "#audit-table"

    DEFAULT_CSS = """
    AuditScreen #audit-filters { height: 1; margin: 1 0 0 0; }
    AuditScreen #audit-filters .audit-label { width: auto; padding: 0 1; text-style: bold; }
    AuditScreen #audit-filters Input { width: 1fr; margin: 0 1 0 0; background: $panel; }
    AuditScreen #audit-filters Input:focus { background: $boost; }
    AuditScreen #audit-filters Input:disabled { color: $text-muted; }
    AuditScreen #audit-summary { height: auto; padding: 0 1; background: $panel; margin-top: 1; }
    AuditScreen #audit-summary.-error { color: $text-error; text-style: bold; }
    AuditScreen #audit-table { height: 1fr; }
    AuditScreen #audit-details {
        height: auto; max-height: 12; padding: 0 1;
        border-top: solid $secondary;
    }
    """

    def __init__(self, mrn: str | None = None) -> None:
        super().__init__()
        self.fixed_mrn = mrn  # the patient's own history (from the detail screen)
        self.entries: list = []
        self.loaded = False
        self.error = ""
        self.title = f"History of patient {mrn}" if mrn is not None else "Audit trail"

    @property
    def patient_only(self) -> bool:
        return self.fixed_mrn is not None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="audit-filters"):
            yield Label("Patient", classes="audit-label")
            yield Input(self.fixed_mrn or "", placeholder="MRN", id="audit-mrn", compact=True,
                        disabled=self.patient_only)
            yield Label("User", classes="audit-label")
            yield Input(placeholder="user name", id="audit-user", compact=True)
            yield Label("From", classes="audit-label")
            yield Input(placeholder="2026-11-01, -7d", id="audit-since", compact=True)
            yield Label("To", classes="audit-label")
            yield Input(placeholder="today", id="audit-until", compact=True)
        yield Static("Loading the audit trail…", id="audit-summary")
        table = DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="audit-details")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, key, width in (("When (UTC)", "at", 19), ("Who", "who", 16), ("Action", "action", 16),
                                  ("Record", "record", 20), ("MRN", "mrn", 9), ("Reason", "reason", None)):
            table.add_column(label, key=key, width=width)
        if self.patient_only:
            # Another user's entries across every patient is the admin's trail, not a history.
            self.query_one("#audit-user", Input).disabled = not self.app.can("view_audit")
        self.load()

    # --- loading ---

    def filters(self) -> dict[str, Any]:
        """The filters as typed; ValueError in words when a date cannot be read."""
        today = self.app.today
        mrn = self.fixed_mrn or self.query_one("#audit-mrn", Input).value.strip() or None
        user = self.query_one("#audit-user", Input).value.strip() or None
        found: dict[str, Any] = {"mrn": mrn, "username": user, "since": None, "until": None}
        for key, label in (("since", "from"), ("until", "to")):
            text = self.query_one(f"#audit-{key}", Input).value.strip()
            if text:
                try:
                    found[key] = parse_user_date(text, today)
                except ValueError as exc:
                    raise ValueError(f"'{label}' date: {exc}") from None
        if found["since"] and found["until"] and found["since"] > found["until"]:
            raise ValueError(f"the 'from' date {found['since']} is after the 'to' date {found['until']}")
        return found

    def load(self) -> None:
        try:
            found = self.filters()
        except ValueError as exc:
            self.show_summary(f"✖ {exc}", error=True)
            return
        self.show_summary("Loading the audit trail…")
        self._read(found)

    @work(thread=True, exclusive=True, group=AUDIT_GROUP, exit_on_error=False)
    def _read(self, found: dict[str, Any]) -> tuple[dict[str, Any], list]:
        entries = self.app.store.audit_trail(found["mrn"], found["username"], found["since"], found["until"],
                                             limit=LIMIT)
        return found, entries

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != AUDIT_GROUP:
            return
        if event.state == WorkerState.SUCCESS:
            found, entries = event.worker.result
            self.show_entries(found, entries)
        elif event.state == WorkerState.ERROR:
            text = f"Cannot show the audit trail: {event.worker.error}".splitlines()[0]
            self.show_summary(f"✖ {text}", error=True)
            self.notify(text, severity="error")

    def on_data_changed(self, _message: DataChanged) -> None:
        self.load()

    # --- showing ---

    def show_summary(self, text: str, *, error: bool = False) -> None:
        self.error = text if error else ""
        summary = self.query_one("#audit-summary", Static)
        summary.update(text)
        summary.set_class(error, "-error")

    def show_entries(self, found: dict[str, Any], entries: list) -> None:
        self.loaded = True
        self.entries = list(reversed(entries))  # newest first
        table = self.query_one(DataTable)
        table.clear()
        for entry in self.entries:
            table.add_row(when_text(entry), who_text(entry), ACTION_WORDS.get(entry.action, entry.action),
                          record_text(entry), entry.mrn or "–", entry.reason or "", key=str(entry.id))
        self.show_summary(self.summary_text(found))
        self._show_details(0 if self.entries else None)

    def summary_text(self, found: dict[str, Any]) -> str:
        count = len(self.entries)
        if count >= LIMIT:
            head = f"Newest {LIMIT} entries shown: narrow the filters to see older ones"
        else:
            head = f"{count} entr{'y' if count == 1 else 'ies'}"
        parts = []
        if found["mrn"]:
            parts.append(f"patient {found['mrn']}")
        if found["username"]:
            parts.append(f"user {found['username']}")
        if found["since"]:
            parts.append(f"from {found['since']}")
        if found["until"]:
            parts.append(f"to {found['until']}")
        where = " · ".join(parts) if parts else "everything"
        return f"{head} · {where} · newest first · Enter in a filter applies it"

    def _show_details(self, row: int | None) -> None:
        details = self.query_one("#audit-details", Static)
        if row is None or not 0 <= row < len(self.entries):
            details.update("No entry matches the filters." if self.loaded else "")
            return
        details.update(details_text(self.entries[row]))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_details(event.cursor_row)

    @on(Input.Submitted)
    def _apply(self, event: Input.Submitted) -> None:
        event.stop()
        self.load()

    # --- actions ---

    def action_back(self) -> None:
        self.dismiss()

    def action_focus_filters(self) -> None:
        first = "#audit-user" if self.patient_only else "#audit-mrn"
        self.query_one(first, Input).focus()

    def action_reload(self) -> None:
        self.load()

    def first_row_text(self) -> str:
        """The newest entry as the table shows it (for tests and screen readers)."""
        if not self.entries:
            return ""
        table = self.query_one(DataTable)
        return " | ".join(str(cell) for cell in table.get_row_at(0))

