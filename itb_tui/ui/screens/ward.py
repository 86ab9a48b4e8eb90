"""The home screen: every patient on the ward, most urgent first.

Why it looks like this: the charge nurse must see at a glance who cannot be refilled,
whose pump runs dry soon and whose antifungal course is running, and reach any patient
in two keys. The list loads and re-assesses in a worker thread (the store may be slow,
the clinic may be large); the screen only swaps in finished rows.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.actions import SkipAction
from textual.screen import Screen
from textual.widgets import Header, Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from itb_tui.perf import gc_tuning
from itb_tui.ui import format as fmt
from itb_tui.ui.filter_match import filter_target
from itb_tui.ui.role_gate import WARD_PERMISSIONS, refusal, unavailable_label
from itb_tui.store.errors import StoreError
from itb_tui.ui.messages import DataChanged, NewResults, RecordsLoaded, WardLoaded
from itb_tui.ui.widgets.ward_rows import (
    SORT_TITLES,
    RowCache,
    build_rows,
    RowFilter,
    WardRow,
    next_sort_order,
    sort_rows,
)
from itb_tui.ui.widgets.key_footer import KeyFooter
from itb_tui.present.saved_rows import FILLING_TEXT, SavedRows, differing_mrns, rows_to_save
from itb_tui.ui.saved_rows import SavedRowsReading, held_saved_rows, read_saved_rows, rows_from_child
from itb_tui.present.saved_rows import list_key
from itb_tui.ui.widgets.ward_table import WardTable
from itb_tui.present.changes import CHANGED_FILTER_TEXT
from itb_tui.present.row import mark_new_results
from itb_tui.ui.review_action import review_patient

WARD_WORKER_GROUP = "ward-load"
RETRY_SECONDS = 5.0
# Shown while the list is drawn from saved rows that the load is re-deriving (H35).
CHECKING_TEXT = "⟳ saved list: checking against the records…"
# ... and when the records cannot be read (the load retries): say the rows are unchecked.
UNCHECKED_TEXT = "⚠ saved list, NOT checked: the records cannot be read (retrying)"
SAVED_FRAME_WAIT_S = 1.0
# Tomorrow's rows of at least this many patients are derived in a second process
# (ui/rows_child.py); fewer are derived in the load worker (a few ms at 30 patients).
CHILD_MIN_ROWS = 500


class WardScreen(Screen):
    """Ward list with filter box, quick filters, sort and the "as of" banner."""

    BINDINGS = [
        # A priority binding runs as the app takes the key from its queue, before the next
        # key is dispatched: with the synchronous focus move in action_focus_filter, every
        # key after "/" reaches the filter however fast they come (issue 13).
        Binding("slash", "focus_filter", "Filter", id="ward.filter", tooltip="Filter by name, MRN or bed",
                priority=True),
        Binding("s", "cycle_sort", "Sort", id="ward.sort", tooltip="Sort: urgency, ward & bed, name, alarm date"),
        Binding("b", "toggle_blocked", "Blocked", id="ward.blocked", tooltip="Only blocked refills (toggle)"),
        Binding("d", "toggle_due", "Due ≤7d", id="ward.due", tooltip="Only refills due within 7 days or overdue"),
        Binding("w", "cycle_ward", "Ward", id="ward.ward", tooltip="One ward at a time (cycles back to all)"),
        Binding("c", "toggle_changed", "Changed", id="ward.changed",
                tooltip="Only patients changed since their last review, or never reviewed (toggle)"),
        Binding("v", "review", "Reviewed", show=False, id="ward.review",
                tooltip="Mark the selected patient reviewed on the round"),
        # Priority (the form is up before the next key of a burst, see ui/key_hold.py); an
        # "n" typed in the filter is text (action_new_patient skips).
        Binding("n", "new_patient", "New", id="ward.new_patient", tooltip="Add a new patient", priority=True),
        Binding("T", "tasks", "Tasks", show=False, id="ward.tasks",
                tooltip="The round's tasks: overdue, today and the next 7 days, per bed"),
        Binding("escape", "clear_filters", "Clear filters", show=False, id="ward.clear", tooltip="Clear every filter"),
        Binding("ctrl+r", "reload", "Reload", show=False, id="ward.reload", tooltip="Read the store again"),
    ]

    # The list has the keys on arrival (not the filter box, which would swallow letters).
    AUTO_FOCUS = "#ward-table"

    DEFAULT_CSS = """
    WardScreen #as-of-banner { display: none; }
    WardScreen.-not-today #as-of-banner { display: block; }
    """

    def __init__(self, saved: SavedRows | SavedRowsReading | None = None) -> None:
        """`saved`: the saved rows the app read (or is reading) for the first frame
        (present/saved_rows.py, ui/saved_rows.py)."""
        super().__init__()
        self._saved = saved  # what the store holds for today's list (load worker after mount)
        self._shown_saved: list[WardRow] | None = None  # saved rows on screen, not yet compared
        self.all_rows: list[WardRow] = []
        self.patients: list | None = None
        # The date the loaded patients were read for (Store.list_reads: each pump with only
        # the refill the engine uses on that date): they are NOT the record, so they are
        # assessed on that date only and never handed to the detail screen.
        self._patients_for: date | None = None
        self.wards: list[str] = []
        self.filter_text = ""
        self.blocked_only = False
        self.due_only = False
        self.changed_only = False  # `c`: changed since the last review, or never reviewed
        self.ward: str | None = None
        # From the last reload: MRN -> last review and the entries since; MRN -> the newest
        # lab report position this user has not opened; what this terminal opened since.
        self.reviews: dict = {}
        self.new_results: dict[str, int] = {}
        self._seen_here: dict[str, int] = {}
        self._plain_rows: list[WardRow] = []  # the rows without this user's "new result" marks
        self.sort_order = "urgency"
        self.loaded = False
        # False while the list shows saved rows that the running load has not yet
        # re-derived from the records (the summary line says "checking…").
        self.checked = False
        self.opened_on_saved_rows = False  # the list was first drawn from saved rows
        # While the list shows only the most urgent saved rows (SavedRows.first), the
        # number of rows the whole list holds; 0 once whole. Keys wait meanwhile.
        self.filling = 0
        self._saved_drawn = threading.Event()  # the saved rows' first frame is out
        self._saved_drawn.set()
        # What a load froze (on_ward_loaded) is given back, with one full pass, before the
        # next load. The app's first list has nothing of a load to give back (the app froze
        # only its imports and the saved rows, freed by reference counting): that pass,
        # which holds the interpreter for 50-120 ms, would only delay the first frames.
        self._collect_before_load = saved is None
        self._resumed = False  # see on_screen_resume
        self._sorted_cache: tuple[str, list[WardRow]] | None = None
        self._reload_pending = True
        self._last_error: str | None = None
        self._patients_by_mrn: dict[str, object] | None = None
        # MRN -> the patient with every record, read after the rows were shown and only
        # where unchanged since (the detail screen's first frame: `loaded_patient`).
        self._records_by_mrn: dict[str, object] | None = None
        self._row_filter = RowFilter()
        self._row_cache = RowCache()  # used by the load worker only
        self._counts_cache: tuple[tuple[list, str | None], tuple[int, int, int]] | None = None
        # Enter pressed in the filter before the list had rows: the filter text to open
        # the match of once they arrive (a burst typed while the ward loads).
        self._open_when_loaded: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="as-of-banner")
        yield Static("", id="ward-summary")
        yield Input(placeholder="/ filter by name, MRN or bed", id="ward-filter", compact=True)
        yield WardTable(id="ward-table")
        yield KeyFooter()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """The list's first resume follows its mount at once: every widget on it was just
        styled as it was mounted, so Textual's full restyle of the screen at that resume
        would only style the same widgets again (~10 ms of the first frame, issue 17).
        Every later resume (back from a patient, a form) restyles as Textual does: the
        theme may have changed meanwhile. (Runs before Screen's own resume handler.)"""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def on_mount(self) -> None:
        # No LoadingIndicator: a loading widget cannot take focus (so the list would open
        # without the keyboard on a slow machine) and its animation costs CPU. The list
        # itself says "Loading the ward…" and the summary line says "loading…".
        self.watch(self.app, "as_of", self._as_of_changed, init=False)
        if isinstance(self._saved, SavedRowsReading):  # read while Textual started
            self._saved = self._saved.result()
            gc_tuning.freeze_survivors()  # they live on: out of the collector's sight
        saved = self._saved
        if (saved is not None and (saved.rows is not None or saved.first is not None)
                and saved.key == list_key(self.app.rules, self.app.as_of)):
            if saved.filling:
                # Only the most urgent rows of the whole ward are decoded (the screenful, in
                # order); the load worker fills in the rest just after this frame, and the
                # list says so meanwhile (H98).
                self.filling = saved.total
                self._show_saved(saved.first, saved.wards)
            else:
                self._shown_saved = saved.rows
                self._show_saved(saved.rows, saved.wards)  # drawn in the first frame
            self._saved_drawn.clear()
            # The load waits until the whole first screen is painted, the footer's keys
            # included: a worker busy meanwhile halves the event loop's share.
            self.query_one(KeyFooter).call_after_keys_drawn(self._saved_drawn.set)
        self._update_header()
        self.refresh_ward(reload=True)

    # --- loading ---------------------------------------------------------------------

    def refresh_ward(self, *, reload: bool) -> None:
        """Recompute the rows for the app's "as of" date; `reload` re-reads the store."""
        if reload or self.patients is None or self._patients_for != self.app.as_of:
            self._reload_pending = True
        first = not self.loaded and self.patients is None
        self._compute(self.app.as_of, self._reload_pending, self.patients, first, self.reviews)

    @work(thread=True, exclusive=True, group=WARD_WORKER_GROUP, exit_on_error=False)
    def _compute(self, as_of: date, reload: bool, patients: list | None, first: bool = False,
                 reviews: dict | None = None) -> None:
        worker = get_current_worker()
        app = self.app
        version = wards = new_results = None
        key = list_key(app.rules, as_of) if as_of == app.today else None
        if reload and key is not None and (self._saved is None or self._saved.key != key):
            self._saved = read_saved_rows(app.store, app.rules, as_of)
            if first and self._saved.rows is not None:
                self._show_saved_from_worker(self._saved, as_of)
        if self._shown_saved is not None or self.filling:
            # Saved rows on their way to the screen (from the app or from just above): let
            # that frame out before the heavy part (opening the store, reading and
            # assessing every record) competes for the interpreter.
            self._saved_drawn.wait(SAVED_FRAME_WAIT_S)
        if self.filling and self._saved is not None:
            self._fill_saved(self._saved, as_of)
        if reload:
            # What the last load froze (see on_ward_loaded) goes back to the collector,
            # and one full pass now, off the event loop, frees the cycles left since.
            if self._collect_before_load:
                gc_tuning.thaw_and_collect()
            self._collect_before_load = True
            # One snapshot on the DB-API path (as `status --json` reads), each pump with
            # only the refill the engine uses on `as_of` (issue 17: a third of the load,
            # half the assessment); its version is read first, so a write during the load
            # makes the next poll reload.
            reads = app.store.list_reads(as_of)
            version, patients, wards, reviews = reads.version, reads.patients, reads.wards, reads.reviews
        # Rows hold no cycles: the collector's passes over the ~300,000 records while
        # 10,000 rows are built found nothing and cost a third of the build (issue 17).
        with gc_tuning.paused():
            rows = self._row_cache.build(patients or [], as_of, app.rules, reviews)
        if worker.is_cancelled:
            return
        self.post_message(WardLoaded(rows, patients if reload else None, wards, as_of, version,
                                     reviews=reviews if reload else None, new_results=new_results))
        if reload:
            # Per user, and a read of the opened Store (SQLAlchemy: ~0.6 s to import on a
            # first start): after the rows are out, the "new result" marks follow.
            try:
                self.post_message(NewResults(app.store.new_results(), version))
            except StoreError:
                pass  # the marks of the last load stay; the next load asks again
        if key is not None:
            shown, self._shown_saved = self._shown_saved, None
            if shown is not None:
                self._report_differences(shown, rows)
                shown = None
            if self._saved is not None:
                self._saved.rows = None  # checked and replaced: 10,000 rows less to hold
            if reload and self._saved is not None:
                self._save_rows(patients or [], rows)
        if reload and patients and not worker.is_cancelled:
            # The list's patients carry only what assessing on `as_of` needs; the detail's
            # first frame wants the whole record: read it now the list is drawn.
            try:
                self.post_message(RecordsLoaded(app.store.load_patients(), patients))
            except StoreError:
                pass  # the detail reads its patient itself
        if reload and key is not None and patients and not worker.is_cancelled:
            self._save_tomorrow(worker, as_of, patients)

    # Saved rows (present/saved_rows.py, hazard H35): the first load of the day's list draws
    # the rows the store saved when they were last derived (read by the app before its
    # first frame, or here), if EVERY patient has a valid one; the same load re-derives
    # every row from the records and replaces them. These run in the load worker.

    def _fill_saved(self, saved: SavedRows, as_of: date) -> None:
        """The rest of the saved rows, after the first frame showed the most urgent ones:
        the whole list, sorted here (off the event loop), or word that they cannot be used
        (a row did not decode: the list waits for the records, as with no saved rows)."""
        rows = saved.fill()
        self._shown_saved = rows  # what the load's derived rows are compared with
        ordered = sort_rows(rows, "urgency") if rows is not None else None
        self.post_message(WardLoaded(rows if rows is not None else [], None, saved.wards, as_of, None,
                                     saved=True, filled=True, ordered=ordered))

    def _show_saved_from_worker(self, saved: SavedRows, as_of: date) -> None:
        self._shown_saved = saved.rows
        self._saved_drawn.clear()
        self.post_message(WardLoaded(saved.rows, None, saved.wards, as_of, None, saved=True))

    def _report_differences(self, shown: list[WardRow], derived: list[WardRow]) -> None:
        """If a saved row differed from the records (a bug, or the database changed
        behind the app's back) the user is told, not just silently corrected."""
        differed = differing_mrns(shown, derived)
        if differed:
            listed = ", ".join(differed[:3]) + ("…" if len(differed) > 3 else "")
            self.app.call_from_thread(
                self.app.notify,
                f"The list opened with saved rows that no longer matched the records ({listed}); "
                "they have been re-derived. Please report this.", severity="warning", timeout=15)

    def _save_rows(self, patients: list, rows: list[WardRow]) -> None:
        """Save the rows derived for today that the store does not hold yet."""
        saved = self._saved
        fresh = rows_to_save(saved, patients, rows)
        if not fresh:
            return
        try:
            self.app.store.save_list_rows(saved.key, fresh)
        except StoreError:  # PermissionDenied included
            return  # only the next start is slower: the rows are derived again
        for patient_id, version, _payload in fresh:
            saved.held[patient_id] = (version, saved.key)

    def _save_tomorrow(self, worker, today: date, patients: list) -> None:
        """Derive and save tomorrow's rows where the store does not hold them yet, once
        today's list is checked (issue 17): the next day's first start then draws at once
        (still marked "checking" until it has re-derived them, H35). Only the patients
        without a valid row for tomorrow are read and assessed, so later starts of the
        day and the reload after a write cost little. A failure costs only that start."""
        app = self.app
        tomorrow = today + timedelta(days=1)
        try:
            saved = held_saved_rows(app.store, app.rules, tomorrow)
            missing = [patient.mrn for patient in patients
                       if saved.held.get(patient.id) != (patient.row_version, saved.key)]
            if not missing or worker.is_cancelled:
                return
            wanted = None if 2 * len(missing) > len(patients) else missing
            fresh = None
            if len(missing) >= CHILD_MIN_ROWS:  # below, the child's start costs more than it saves
                fresh = rows_from_child(app.store.url, tomorrow, wanted, saved.key, lambda: worker.is_cancelled)
            if fresh is None:  # not a SQLite file, or the child failed: derive them here
                reads = app.store.list_reads(tomorrow, wanted)
                if worker.is_cancelled:
                    return
                with gc_tuning.paused():
                    rows = build_rows(reads.patients, tomorrow, app.rules, reads.reviews)
                fresh = rows_to_save(saved, reads.patients, rows)
            else:
                fresh = [row for row in fresh if saved.held.get(row[0]) != (row[1], saved.key)]
            if fresh and not worker.is_cancelled:
                app.store.save_list_rows(saved.key, fresh)
        except StoreError:  # PermissionDenied included
            return  # tomorrow's first start derives its rows itself

    def on_ward_loaded(self, message: WardLoaded) -> None:
        if message.filled:
            self._filled(message)
            return
        if message.saved:
            self.call_after_refresh(self._saved_drawn.set)
            if not self.loaded and message.as_of == self.app.as_of:
                self._show_saved(message.rows, message.wards)
            return  # else the derived rows (or another date) got here first
        if message.patients is not None:
            self.patients = message.patients
            self._patients_for = message.as_of
            self._patients_by_mrn = None
            self._records_by_mrn = None
            self.reviews = message.reviews or {}
            if message.new_results is not None:  # else they follow (NewResults)
                self.new_results = message.new_results
            self.wards = list(message.wards or [])
            self._reload_pending = False
            if self.ward is not None and self.ward not in self.wards:
                self.ward = None
            self.app.data_version_seen(message.data_version)
        if message.as_of != self.app.as_of:
            # "As of" moved while this was computing: these rows are for another date.
            self.refresh_ward(reload=False)
            return
        self._end_filling()
        self._set_rows(message.rows, checked=True)
        if message.patients is not None:
            # The ward's records live until the next load. Moving everything alive now out
            # of the cyclic collector's sight stops its full passes over ~500k objects at
            # 10,000 patients, which froze a keystroke or an open for 250-300 ms (bench p90
            # open 364 -> 171 ms). The next load unfreezes and collects once; the app
            # unfreezes when it exits, so nothing stays frozen for good.
            gc_tuning.freeze_survivors()

    def on_new_results(self, message: NewResults) -> None:
        """The "✉ new result" marks of the load just shown (Store.new_results)."""
        if message.new_results == self.new_results:
            return
        self.new_results = message.new_results
        if self.loaded:
            self.all_rows = mark_new_results(self._plain_rows, self._unseen())
            self._sorted_cache = None
            self.apply_view()

    @property
    def takes_keys(self) -> bool:
        """Keys wait (ui/key_hold.py) while the list holds only its most urgent rows: a
        filter, a sort, a page down or End must act on the whole ward (H98)."""
        return not self.filling

    def _filled(self, message: WardLoaded) -> None:
        """The whole saved list (or word that it cannot be used), after the first frame
        showed its most urgent rows."""
        if not self.filling:
            return  # the derived rows got here first (or the app left the saved rows)
        if message.rows and message.as_of == self.app.as_of:
            self._end_filling()
            self._set_rows(message.rows, checked=False, ordered=message.ordered)  # cursor kept
            return
        # A saved row did not decode (or "as of" moved): no saved row is drawn any more;
        # the rows derived from the records follow (H35).
        self._end_filling()
        self._shown_saved = None
        self.loaded = False
        self.all_rows = self._plain_rows = []
        self._sorted_cache = None
        self.app.set_patient_rows([])
        self.query_one(WardTable).set_rows([], empty_text="Loading the ward…")
        self._update_header()

    def _end_filling(self) -> None:
        if self.filling:
            self.filling = 0
            self.call_later(self.app.release_held_keys)

    def _show_saved(self, rows: list[WardRow], wards: list[str] | None) -> None:
        self.opened_on_saved_rows = True  # the bench reports it (bench/children/tui_start.py)
        self.wards = list(wards or [])
        self._set_rows(rows, checked=False)

    def _set_rows(self, rows: list[WardRow], *, checked: bool, ordered: list[WardRow] | None = None) -> None:
        """`ordered`: `rows` in urgency order, sorted already (by the load worker)."""
        self._plain_rows = rows
        unseen = self._unseen()
        rows = mark_new_results(rows, unseen)
        self.all_rows = rows
        self._sorted_cache = None
        if ordered is not None and not unseen:
            self._sorted_cache = ("urgency", ordered)
        self._last_error = None
        self.app.set_patient_rows(rows)
        self.loaded = True
        self.checked = checked
        self.apply_view()
        pending, self._open_when_loaded = self._open_when_loaded, None
        if pending is not None and self.app.screen is self:
            self._open_filter_match(pending)

    def loaded_patient(self, mrn: str):
        """The patient `mrn` as this list loaded it, for the detail screen's first frame;
        None while a reload is due or running (after a save the list's copy is older than
        the store, and the detail must not flash the old state), or when not listed."""
        if self._reload_pending or self._records_by_mrn is None:
            return None
        return self._records_by_mrn.get(mrn)

    def on_records_loaded(self, message: RecordsLoaded) -> None:
        """Every patient with all their records (read after the rows): kept for the detail
        where they are the very patients the list loaded (same id and row_version)."""
        if self.patients is None or message.for_patients is not self.patients:
            return  # a newer load replaced the list since
        listed = {patient.mrn: (patient.id, patient.row_version) for patient in self.patients}
        self._records_by_mrn = {patient.mrn: patient for patient in message.patients
                                if listed.get(patient.mrn) == (patient.id, patient.row_version)}
        if len(self._records_by_mrn) == len(listed) == len(message.patients):
            # The very patients listed, whole: they serve every date (no reload for a date
            # move) and the per-date read goes (memory: issue 17 keeps peak < 300 MB).
            self.patients = message.patients
            self._patients_for = None
            self._patients_by_mrn = None
        # As on_ward_loaded: what lives until the next load leaves the collector's sight
        # (its full passes over ~300,000 records stalled keystrokes for 250-300 ms).
        gc_tuning.freeze_survivors()

    def loaded_for_today(self, mrn: str):
        """The patient `mrn` as this list loaded it for assessing today (the review's
        summary: today's assessment and current pump); None as `loaded_patient`."""
        if self._patients_for not in (None, self.app.today):
            return self.loaded_patient(mrn)  # the whole record, once read
        return self._loaded(mrn)

    def _loaded(self, mrn: str):
        if self._reload_pending or self.patients is None:
            return None
        if self._patients_by_mrn is None:
            self._patients_by_mrn = {patient.mrn: patient for patient in self.patients}
        return self._patients_by_mrn.get(mrn)

    def loaded_review(self, mrn: str):
        """The last review of `mrn` as this list loaded it (None: never reviewed), for the
        detail's first frame (as `loaded_patient`)."""
        return self.reviews.get(mrn)

    def _unseen(self) -> set[str]:
        """MRNs with a lab report this user has not opened since (issue 15): the store's
        answer at the last load, less what was opened on this terminal after it."""
        seen = self._seen_here
        return {mrn for mrn, last in self.new_results.items() if last > seen.get(mrn, 0)}

    def note_opened(self, mrn: str, version: int) -> None:
        """The detail of `mrn` showed the data up to `version`: its "new result" marker
        goes at once (the store records it in the detail's worker)."""
        self._seen_here[mrn] = max(version, self._seen_here.get(mrn, 0))
        if self.loaded and mrn in self.new_results:
            self.all_rows = mark_new_results(self._plain_rows, self._unseen())
            self._sorted_cache = None
            self.apply_view()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != WARD_WORKER_GROUP or event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        text = f"Could not load the ward: {error}".splitlines()[0]
        table = self.query_one(WardTable)
        if not self.all_rows:
            table.set_rows([], empty_text=f"{text} (retrying every {RETRY_SECONDS:g} s)")
        if text != self._last_error:  # say it once, not at every retry
            self.notify(text, severity="error", timeout=10)
        self._last_error = text
        self._update_header()  # saved rows on screen: the summary says they are unchecked
        # A locked or unreachable database is often transient: keep trying.
        self.set_timer(RETRY_SECONDS, lambda: self.refresh_ward(reload=self._reload_pending))

    def on_data_changed(self, message: DataChanged) -> None:
        self.refresh_ward(reload=True)

    def _as_of_changed(self, as_of: date) -> None:
        self._update_header()
        self.refresh_ward(reload=False)

    # --- the view: filter, sort, header ---------------------------------------------

    def _sorted_rows(self) -> list[WardRow]:
        if self._sorted_cache is None or self._sorted_cache[0] != self.sort_order:
            self._sorted_cache = (self.sort_order, sort_rows(self.all_rows, self.sort_order))
        return self._sorted_cache[1]

    def shown_rows(self) -> list[WardRow]:
        return self._row_filter.rows(
            self._sorted_rows(),
            self.filter_text,
            blocked_only=self.blocked_only,
            due_within=self.app.rules.refill_due_days if self.due_only else None,
            ward=self.ward,
            changed_only=self.changed_only,
        )

    def apply_view(self) -> None:
        """Filter and sort the loaded rows into the table, keeping the selected patient."""
        table = self.query_one(WardTable)
        if not self.loaded:
            self._update_header()
            return
        selected = table.selected.mrn if table.selected else None
        if self.all_rows:
            empty = "No patient matches the filters (Esc clears them)."
        else:
            empty = "No patients yet: press n to add one, or import a ward file."
        table.set_rows(self.shown_rows(), keep_mrn=selected, empty_text=empty)
        self._update_header()

    def _update_header(self) -> None:
        app = self.app
        self.set_class(app.as_of != app.today, "-not-today")
        banner = fmt.as_of_banner(app.as_of, app.today)
        self.query_one("#as-of-banner", Static).update(banner or "")
        self.query_one("#ward-summary", Static).update(self.summary_text())

    def summary_text(self) -> str:
        """The line above the list: ward, counts, filters, sort and the date shown."""
        app = self.app
        ward = f"Ward: {self.ward}" if self.ward else "Ward: all"
        if not self.loaded:
            return f"{ward} │ loading… │ {fmt.as_of_text(app.as_of, app.today)}"
        if self.filling:
            filling = FILLING_TEXT.format(shown=len(self.all_rows), total=self.filling)
            return " │ ".join([ward, filling, CHECKING_TEXT, fmt.as_of_text(app.as_of, app.today),
                               f"sort: {SORT_TITLES[self.sort_order]}"])
        pooled, blocked, withdrawal = self._ward_counts()
        shown = len(self.query_one(WardTable).rows)
        parts = [
            ward,
            f"{shown} of {pooled} shown",
            f"✖ {blocked} blocked",
            f"‼ {withdrawal} withdrawal risk",
            fmt.as_of_text(app.as_of, app.today),
        ]
        if not self.checked:
            parts.insert(1, UNCHECKED_TEXT if self._last_error else CHECKING_TEXT)
        filters = []
        if self.blocked_only:
            filters.append("blocked only")
        if self.due_only:
            filters.append(f"refill due ≤{app.rules.refill_due_days} d")
        if self.changed_only:
            filters.append(CHANGED_FILTER_TEXT)
        if self.filter_text.strip():
            filters.append(f'"{self.filter_text.strip()}"')
        if filters:
            parts.append("filter: " + ", ".join(filters))
        parts.append(f"sort: {SORT_TITLES[self.sort_order]}")
        return " │ ".join(parts)

    def _ward_counts(self) -> tuple[int, int, int]:
        """(patients, blocked, withdrawal risk) on the chosen ward, counted once per load
        and ward, not at every keystroke."""
        cached = self._counts_cache
        if cached is None or cached[0][0] is not self.all_rows or cached[0][1] != self.ward:
            pool = [r for r in self.all_rows if self.ward is None or r.ward == self.ward]
            counts = (len(pool), sum(1 for r in pool if r.status == "blocked"),
                      sum(1 for r in pool if r.withdrawal_risk))
            self._counts_cache = ((self.all_rows, self.ward), counts)
        return self._counts_cache[1]

    # --- events and actions --------------------------------------------------------

    @on(Input.Changed, "#ward-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value
        self.apply_view()

    @on(Input.Submitted, "#ward-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        """Enter in the filter opens the patient the filter found (the exact MRN or name
        match, else the top row), never the row the cursor was on before the typing. An
        empty filter just goes back to the list."""
        text = event.value
        if not text.strip():
            self.set_focus(self.query_one(WardTable))
            return
        if not self.loaded:
            self._open_when_loaded = text
            self.notify(f'Opening the match for "{text.strip()}" once the ward has loaded…', timeout=3)
            return
        self._open_filter_match(text)

    def _open_filter_match(self, text: str) -> None:
        self.filter_text = text  # as typed, even if Input.Changed has not been handled yet
        self.apply_view()
        table = self.query_one(WardTable)
        target = filter_target(text, list(table.rows), lambda row: (row.mrn, row.name))
        if target is None:
            self.notify(f'No patient matches "{text.strip()}": nobody opened.', severity="warning", timeout=4)
            return
        table.set_rows(list(table.rows), keep_mrn=target.mrn)
        self.set_focus(table)  # back from the patient, the list has the keys again
        self.app.open_patient(target.mrn)

    def on_ward_table_opened(self, message: WardTable.Opened) -> None:
        self.app.open_patient(message.mrn)

    def action_focus_filter(self) -> None:
        filter_input = self.query_one("#ward-filter", Input)
        if self.focused is filter_input:
            raise SkipAction()  # a "/" typed in the filter is text
        # Screen.set_focus moves focus now; Widget.focus() would move it only after the
        # keys already queued, which would then reach the list (textual-notes.md).
        self.set_focus(filter_input)

    def action_cycle_sort(self) -> None:
        self.sort_order = next_sort_order(self.sort_order)
        self.apply_view()
        self.notify(f"Sorted by {SORT_TITLES[self.sort_order]}", timeout=2)

    def action_toggle_blocked(self) -> None:
        self.blocked_only = not self.blocked_only
        self.apply_view()

    def action_toggle_due(self) -> None:
        self.due_only = not self.due_only
        self.apply_view()

    def action_toggle_changed(self) -> None:
        self.changed_only = not self.changed_only
        self.apply_view()

    def action_review(self) -> None:
        """`v`: the selected patient reviewed as the list loaded them (ui/review_action.py)."""
        if isinstance(self.focused, Input):
            raise SkipAction()  # a letter of the filter
        selected = self.query_one(WardTable).selected
        if selected is None:
            self.notify("No patient selected.", severity="warning", timeout=3)
            return
        review_patient(self, self.loaded_for_today(selected.mrn))

    def action_cycle_ward(self) -> None:
        """All wards -> first ward -> ... -> last ward -> all wards."""
        if not self.wards:
            self.notify("No ward names recorded: every patient is shown.", timeout=3)
            return
        if self.ward is None:
            self.ward = self.wards[0]
        else:
            position = self.wards.index(self.ward) + 1 if self.ward in self.wards else 0
            self.ward = self.wards[position] if position < len(self.wards) else None
        self.apply_view()

    def action_clear_filters(self) -> None:
        self.blocked_only = self.due_only = self.changed_only = False
        self.ward = None
        filter_input = self.query_one("#ward-filter", Input)
        filter_input.value = ""
        self.filter_text = ""
        self.apply_view()
        self.query_one(WardTable).focus()

    def action_new_patient(self) -> None:
        if isinstance(self.focused, Input):
            raise SkipAction()  # a letter of the filter
        reason = self.unavailable_reason("new_patient")
        if reason is not None:  # said now, not after the form is filled in
            self.notify(f"{reason[:1].upper()}{reason[1:]}.", severity="warning", timeout=6)
            return
        self.app.open_new_patient()

    def unavailable_reason(self, action: str) -> str | None:
        """Why the signed-in role may not use `action` (ui/role_gate.py); None: it may."""
        return refusal(self.app, WARD_PERMISSIONS.get(action))

    def unavailable_label(self, action: str) -> str | None:
        return unavailable_label(self.app, WARD_PERMISSIONS.get(action))

    def action_reload(self) -> None:
        self.refresh_ward(reload=True)

    def action_tasks(self) -> None:
        self.app.open_tasks()
