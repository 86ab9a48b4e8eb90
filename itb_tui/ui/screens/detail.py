"""One patient on one date: can the pump be refilled, how long until it runs dry, where the
antifungal course and reimplantation stand, what the rules warn about, and everything
recorded, newest first. Every record is one or two keys away from here.

The patient is read from the store in a worker (store access is slow work); the engine
assesses it on the UI thread (pure and fast), so moving the app's "as of" date
recomputes at once without touching the store. The screen reloads on `DataChanged`
(posted after any save, here or in another terminal).

Opening a patient must feel instant on a round (target 100 ms), so the app keeps one
detail screen (`for_patient`) and only changes what it shows: composing the screen's
widgets and styling them anew cost most of the open time. The first frame shows the
patient as the ward list loaded it (the list already holds every patient); the store
read still runs and replaces it if anything changed, and carries the row version the
forms save against.
"""

from __future__ import annotations

from datetime import date

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.message import Message
from textual.screen import Screen
from textual.containers import VerticalScroll
from textual.widgets import Header
from textual.worker import Worker, WorkerState

from itb_tui.clinical.assessment import Assessment
from itb_tui.clinical.current_records import latest_pending_culture, running_course
from itb_tui.clinical.engine import assess
from itb_tui.clinical.records import Patient
from itb_tui.store.errors import StoreError
from itb_tui.ui.review_action import review_patient
from itb_tui.ui.widgets.detail_alerts import AlertList
from itb_tui.ui.widgets.detail_changes import ChangesSince
from itb_tui.ui.widgets.detail_banner import RefillBanner, RefillReasons
from itb_tui.ui.widgets.detail_layout import DetailCards, DetailLower, app_style_inputs, post_pending_refreshes
from itb_tui.ui.widgets.detail_countdowns import AntifungalCard, ReimplantCard
from itb_tui.ui.format import as_of_text, current_pump, date_text, last_removed_pump, refill_label
from itb_tui.ui.widgets.detail_pump import Demographics, PumpCard
from itb_tui.ui.widgets.detail_notes import NotesList
from itb_tui.ui.widgets.detail_timeline import Timeline
from itb_tui.ui.role_gate import DETAIL_PERMISSIONS, refusal, unavailable_label
from itb_tui.ui.widgets.key_footer import KeyFooter


# Every action of the screen, for the command palette (ctrl+p) as well as the footer keys.
PALETTE_COMMANDS = (
    ("refill", "Record refill", "Record a refill of the implanted pump (r)"),
    ("culture", "Add culture", "A culture drawn, pending or with its result (c)"),
    ("culture_result", "Enter culture result", "The selected culture, else the latest pending one (e)"),
    ("antifungal", "Change or stop antifungal course", "The running course; starts one if none runs (f)"),
    ("new_antifungal", "Start antifungal course", "A new course, e.g. a switch of drug (F)"),
    ("pump", "Add or replace pump", "Replace the implanted pump, or add one (p)"),
    ("reimplant", "Reimplant pump", "Add a pump after an explant (i)"),
    ("explant", "Explant pump", "Record the removal of the implanted pump (x)"),
    ("bridging", "Record bridging", "Lumbar drain, oral baclofen, IV benzodiazepine (g)"),
    ("change_bridging", "Change or stop bridging", "The selected bridging, else the latest still running (G)"),
    ("symptoms", "Symptom resolution / neutrophil recovery", "The dates that anchor the antifungal count (y)"),
    ("exam", "Record exam", "Dilated eye exam, echocardiogram (m)"),
    ("edit_patient", "Edit patient", "Name, date of birth, ward, bed, weight (E)"),
    ("entered_in_error", "Mark entered in error", "The selected timeline record; it is kept, never deleted (delete)"),
    ("note", "Write a note", "A handover note about this patient, with your name and the time (n)"),
    ("handed_over", "Mark note handed over", "The selected note: the next shift has it (H)"),
    ("history", "History (audit trail)", "Every change to this patient's records: who, when, why (h)"),
    ("review", "Mark reviewed", "The patient reviewed on the round as shown: clears 'changed since review' (v)"),
    ("toggle_alerts_focus", "Alerts / timeline", "Move the keyboard into the alerts, again: the timeline (l)"),
    ("back", "Back to the ward list", "Close the patient (escape)"),
)


class DetailCommands(Provider):
    """The patient detail's actions in the command palette."""

    def _commands(self):
        screen = self.screen
        if not isinstance(screen, PatientDetailScreen):
            return
        for action, title, help_text in PALETTE_COMMANDS:
            label = screen.unavailable_label(action)
            if label is not None:  # said before it is chosen: the role may not (ui/role_gate.py)
                title, help_text = f"{title} (unavailable)", f"Unavailable: {screen.unavailable_reason(action)}"
            yield f"Patient: {title}", getattr(screen, f"action_{action}"), help_text

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


def identity_title(patient: Patient) -> str:
    """The header's title: who this is, first, so a narrow header crops the status, never
    the name, MRN or date of birth (issue 13: the detail header always shows all three)."""
    return f"{patient.name} · MRN {patient.mrn} · born {date_text(patient.dob)}"


# Below these sizes the detail stacks its cards (narrow) and scrolls its body under the
# fixed name and refill headline, the alerts and timeline sharing one view (compact).
NARROW_WIDTH = 100
LOWER_MIN_HEIGHT = 12  # alerts and timeline: each its border and a few lines


# The name the reusable detail screen is installed under (installed screens survive a pop).
DETAIL_SCREEN_NAME = "itb-patient-detail"


class PatientLoaded(Message):
    """The worker read the patient `mrn` (patient None: no such MRN, or it was removed)."""

    def __init__(self, mrn: str, patient: Patient | None, corrections: dict | None = None,
                 lab_reports: dict | None = None, notes: list | None = None, review=None) -> None:
        super().__init__()
        self.mrn = mrn
        self.patient = patient
        self.corrections = corrections or {}  # culture id -> its corrections (the timeline's "was")
        self.lab_reports = lab_reports or {}  # culture id -> (accession, lab report status)
        self.notes = notes or []  # the live handover notes, newest first (Store.notes)
        self.review = review  # the last review with the audit entries since (None: never reviewed)


class PatientDetailScreen(Screen):
    """The patient detail for `mrn`."""

    COMMANDS = {DetailCommands}
    # The keys that open a form are priority bindings: they run as the app takes the key
    # from its queue, so the form is up (and holds the keys, ui/key_hold.py) before the
    # next key of a burst is dispatched; otherwise "i" + a serial typed fast lost the
    # serial to the timeline (issue 13). The screen has no text field they could steal from.
    BINDINGS = [
        Binding("escape", "back", "Back", id="detail.back"),
        Binding("l", "toggle_alerts_focus", "Alerts", id="detail.focus_alerts",
                tooltip="Move the keyboard into the alerts (scroll them with the arrows), again: the timeline"),
        Binding("r", "refill", "Refill", priority=True, id="detail.refill"),
        Binding("c", "culture", "Culture", priority=True, id="detail.culture"),
        Binding("e", "culture_result", "Result", priority=True, id="detail.culture_result"),
        # The notes keys before the clinician-only ones: a nurse's footer (with "✗ clinician"
        # beside those) still shows them at 120 columns.
        Binding("n", "note", "Note", priority=True, id="detail.note",
                tooltip="Write a handover note about this patient"),
        Binding("H", "handed_over", "Handed over", priority=True, id="detail.handed_over",
                tooltip="The selected note marked for handover: the next shift has it"),
        Binding("f", "antifungal", "Antifungal", priority=True, id="detail.antifungal"),
        Binding("F", "new_antifungal", "New course", show=False, priority=True, id="detail.new_antifungal"),
        Binding("p", "pump", "Pump", priority=True, id="detail.pump"),
        Binding("x", "explant", "Explant", priority=True, id="detail.explant"),
        Binding("i", "reimplant", "Reimplant", show=False, priority=True, id="detail.reimplant"),
        Binding("g", "bridging", "Bridging", priority=True, id="detail.bridging"),
        Binding("G", "change_bridging", "Stop bridging", show=False, priority=True, id="detail.change_bridging"),
        Binding("y", "symptoms", "Symptoms", show=False, priority=True, id="detail.symptoms"),
        Binding("m", "exam", "Exam", show=False, priority=True, id="detail.exam"),
        Binding("E", "edit_patient", "Edit", show=False, priority=True, id="detail.edit_patient"),
        # Last of the footer's keys: where a 120-column footer ends, and named on screen by
        # the timeline's and the notes' titles anyway.
        Binding("delete", "entered_in_error", "In error", priority=True, id="detail.entered_in_error"),
        Binding("v", "review", "Reviewed", show=False, id="detail.review",
                tooltip="Mark the patient reviewed on the round (clears 'changed since review')"),
        Binding("h", "history", "History", show=False, id="detail.history",
                tooltip="This patient's history: every change, who, when and why"),
    ]

    DEFAULT_CSS = """
    /* The footer is compact (one space less per key) so that every action key up to
       Handed over fits 120 columns; in compact style the docked palette key keeps the
       last column too, where Textual leaves the end of a clipped key showing. */
    PatientDetailScreen KeyFooter.-compact FooterKey.-command-palette {
        margin-right: 0;
        padding-right: 1;
    }
    PatientDetailScreen #detail-demographics {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    PatientDetailScreen #detail-cards {
        height: auto;
    }
    PatientDetailScreen PumpCard {
        width: 52fr;
    }
    PatientDetailScreen AntifungalCard {
        width: 40fr;
    }
    PatientDetailScreen ReimplantCard {
        width: 28fr;
    }
    PatientDetailScreen #detail-body {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    PatientDetailScreen #detail-lower {
        height: 1fr;
    }
    /* A short or narrow terminal: the body scrolls under the fixed name and headline,
       and the alerts and timeline get a full view of their own below the cards. */
    PatientDetailScreen.-compact #detail-lower {
        height: 100%;
    }
    PatientDetailScreen.-compact #detail-banner {
        margin-right: 1;  /* the body's scrollbar: the banner's box stays one box */
    }
    PatientDetailScreen.-narrow #detail-cards {
        layout: vertical;
    }
    PatientDetailScreen.-narrow #detail-cards > * {
        width: 100%;
    }
    PatientDetailScreen AlertList {
        height: 3fr;
        min-height: 4;
    }
    PatientDetailScreen Timeline {
        height: 2fr;
        min-height: 4;
        border: round $secondary;
    }
    PatientDetailScreen Timeline:focus {
        border: round $accent;
    }
    """

    def __init__(self, mrn: str, patient: Patient | None = None) -> None:
        """`patient`: the patient as already loaded (the ward list's copy), shown at once
        while the store is read again; None shows "Loading…" until the read finishes."""
        super().__init__()
        self.mrn = mrn
        self.patient: Patient | None = patient
        self.assessment: Assessment | None = None
        self.loaded = False  # the store read for `mrn` finished (found or not)
        self.corrections: dict = {}  # culture id -> its corrections (Store.detail_bundle)
        self.lab_reports: dict = {}  # culture id -> (accession, report status) (Store.detail_bundle)
        self.notes: list = []  # the patient's live handover notes, newest first (Store.detail_bundle)
        self.review = None  # the last review and the entries since (Store.detail_bundle)
        self.owner = None  # the ward list this reusable screen belongs to (for_patient)
        self._styled_for: tuple | None = None  # app-wide style inputs at the last full restyle

    @classmethod
    def for_patient(cls, app, mrn: str) -> "PatientDetailScreen":
        """The detail screen to push for `mrn`: the app's one reusable screen, switched to
        this patient, so opening costs an update instead of building a screen.

        A new screen when the reusable one is already open underneath (a patient opened
        from the palette over another patient), and a fresh reusable one after a new
        sign-in (a new ward list): nothing of the previous user's screen is kept.
        """
        ward = getattr(app, "ward_screen", None)
        lookup = getattr(ward, "loaded_patient", None)
        patient = lookup(mrn) if lookup is not None else None
        review_lookup = getattr(ward, "loaded_review", None)
        review = review_lookup(mrn) if review_lookup is not None and patient is not None else None
        screen = app.get_screen(DETAIL_SCREEN_NAME) if app.is_screen_installed(DETAIL_SCREEN_NAME) else None
        if screen is not None and screen in app.screen_stack:
            other = cls(mrn, patient)
            other.review = review
            return other
        if screen is not None and screen.owner is not ward:
            app.uninstall_screen(screen)
            screen = None
        if screen is None:
            screen = cls(mrn, patient)
            screen.owner = ward
            app.install_screen(screen, DETAIL_SCREEN_NAME)
        screen.switch_to(mrn, patient, review)
        return screen

    def switch_to(self, mrn: str, patient: Patient | None, review=None) -> None:
        """Show `mrn` (from `patient` at once if given, with the list's `review` of them)
        and read it from the store again."""
        self.mrn = mrn
        self.patient = patient
        self.review = review
        self.corrections = {}
        self.lab_reports = {}
        self.notes = []
        self.assessment = None
        self.loaded = False
        if not self.is_mounted:
            if patient is not None:  # known before the first compose; on_mount shows it
                self.assessment = assess(patient, self.app.as_of, self.app.rules)
            return
        self._show_first()
        timeline = self.query_one(Timeline)
        timeline.move_cursor(row=0, scroll=True)
        self.query_one(AlertList).scroll_home(animate=False)
        self.query_one("#detail-body", VerticalScroll).scroll_home(animate=False)
        self.set_focus(timeline, scroll_visible=False)  # the reasons and cards first
        # Lay out before the first paint: otherwise the screen is first painted with the
        # previous patient's sizes, then laid out and painted again.
        self.refresh(layout=True)
        self.load()

    def _show_first(self) -> None:
        """The first frame for `mrn`: the patient if known, else a clean "Loading" screen
        (never the previous patient's cards)."""
        if self.patient is not None:
            self.show_assessment()
        else:
            self._show_nothing(f"Loading patient {self.mrn}…")

    def _show_nothing(self, text: str) -> None:
        """Only `text` (loading, not found): every card and the timeline emptied."""
        self.assessment = None
        self.title = f"Patient {self.mrn}"
        self.sub_title = ""
        self.query_one(Demographics).update(text)
        for part in (RefillBanner, RefillReasons):
            banner = self.query_one(part)
            banner.set_classes("")
            banner.update("")
        for card in (PumpCard, AntifungalCard, ReimplantCard, ChangesSince):
            self.query_one(card).update("")
        self.query_one(AlertList).clear()
        self.query_one(NotesList).show([])
        self.query_one(Timeline).show_nothing()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Demographics(f"Loading patient {self.mrn}…", id="detail-demographics")
        yield RefillBanner("", id="detail-banner")
        with VerticalScroll(id="detail-body", can_focus=False):
            yield RefillReasons("", id="detail-reasons")  # the banner's box ends here
            # What changed since the last review: the first thing under the refill banner.
            yield ChangesSince("", id="detail-changes")
            # Then what the last shift asks this one to know.
            yield NotesList(id="detail-notes")
            with DetailCards(id="detail-cards"):
                yield PumpCard("")
                yield AntifungalCard("")
                yield ReimplantCard("")
            with DetailLower(id="detail-lower"):
                yield AlertList(id="detail-alerts")
                timeline = Timeline(id="detail-timeline")
                timeline.border_title = "Timeline (newest first) · e culture result · delete entered in error"
                yield timeline
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.title = f"Patient {self.mrn}"
        self.watch(self.app, "as_of", self._as_of_changed, init=False)
        self.watch(self.app, "theme", self._as_of_changed, init=False)  # the status colours are the theme's
        self.query_one(Timeline).focus(scroll_visible=False)
        if self.patient is not None:
            self.show_assessment()
        self.load()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Skip Textual's whole-screen restyle on reopening when nothing it depends on changed.

        Textual restyles every widget of a screen each time it is pushed (15-20 ms of a
        100 ms open). This screen is reused, and its own class and focus changes restyle
        the widgets they touch at once, so only app-wide inputs can leave it stale while
        it is closed: the theme or stylesheet (Textual counts those changes), terminal
        focus, colour mode. Runs before Screen's own handler, which reads the flag.
        Then hands the screen the refilled widgets' layout requests before its first
        frame (see detail_layout).
        """
        if event.refresh_styles:
            inputs = app_style_inputs(self.app)
            if inputs is not None and inputs == self._styled_for:
                event.refresh_styles = False
            self._styled_for = inputs
        post_pending_refreshes(self)

    def refresh(self, *regions, repaint: bool = True, layout: bool = False, recompose: bool = False):
        """Ignore repaints of regions a screen underneath asks for while this one hides it.

        Textual forwards a change on the ward list (e.g. its cursor losing focus as the
        patient opens) to the screen on top as a repaint of those regions: on an opaque
        full screen that repaints every widget again for nothing visible, and makes the
        open wait one more frame (6 ms of work, up to 30 ms later). Only the screens
        beneath refresh a screen by region, so the screen's own refreshes pass through.
        """
        if regions and not layout and not recompose and self.styles.background.a == 1:
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    # --- fitting the terminal ---

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")
        self.call_after_refresh(self._fit_body)

    def _fit_body(self) -> None:
        """Compact when the reasons and cards leave the alerts and timeline too little room:
        then the body scrolls, and the alerts and timeline get a full view of their own."""
        if not self.is_mounted:
            return
        body = self.query_one("#detail-body", VerticalScroll)
        above = (self.query_one(RefillReasons).outer_size.height + self.query_one(NotesList).outer_size.height
                 + self.query_one(DetailCards).outer_size.height)
        self.set_class(above + LOWER_MIN_HEIGHT > body.size.height, "-compact")

    # --- loading and showing ---

    def load(self) -> None:
        """Read the patient in a thread; the result comes back as a message."""
        self._read(self.mrn)

    @work(thread=True, exit_on_error=False, exclusive=True, group="detail-load")
    def _read(self, mrn: str) -> None:
        # One store call, one snapshot: the patient, corrections, lab statuses, notes and
        # review of one moment, and the data version of exactly that moment (Store.detail_bundle).
        detail = self.app.store.detail_bundle(mrn)
        if detail is None:
            self.post_message(PatientLoaded(mrn, None))
            return
        self.post_message(PatientLoaded(mrn, detail.patient, detail.corrections, detail.lab_reports,
                                        detail.notes, detail.review))
        self._opened(mrn, detail.version)

    def _opened(self, mrn: str, version: int) -> None:
        """Record that this user has now seen `mrn` up to `version` (the list's "new
        result" marker, issue 15). A convenience, not a clinical write: a failure only
        leaves the marker up, and is not worth a message (docs/rules.md, D-new result)."""
        ward = getattr(self.app, "ward_screen", None)
        note = getattr(ward, "note_opened", None)
        if note is not None:
            self.app.call_from_thread(note, mrn, version)
        try:
            self.app.store.mark_opened(mrn, version)
        except StoreError:
            pass

    def on_patient_loaded(self, message: PatientLoaded) -> None:
        if message.mrn != self.mrn:
            return  # a read for the patient shown before this one
        self.loaded = True
        shown = self.patient if self.assessment is not None else None
        self.patient = message.patient  # always the store's copy: forms save against its row version
        same_corrections = message.corrections == self.corrections and message.lab_reports == self.lab_reports
        self.corrections = message.corrections
        self.lab_reports = message.lab_reports
        same_notes = message.notes == self.notes
        self.notes = message.notes
        same_review = message.review == self.review
        self.review = message.review
        if message.patient is not None and message.patient == shown and same_corrections and same_review:
            if not same_notes:
                self.query_one(NotesList).show(self.notes)
                self.call_after_refresh(self._fit_body)
            return  # the first frame already showed exactly this
        if message.patient is None:
            self._show_nothing(f"No patient with MRN {self.mrn} (it may have been removed).")
            self.app.notify(f"No patient with MRN {self.mrn}.", severity="error")
            return
        self.show_assessment()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "detail-handed-over" and event.state == WorkerState.ERROR:
            self.app.notify(f"Not saved: {event.worker.error}", severity="error")
            return
        if event.worker.group == "detail-load" and event.state == WorkerState.ERROR:
            self.app.notify(f"Could not load patient {self.mrn}: {event.worker.error}", severity="error",
                            title="Store error")

    def on_data_changed(self, _message) -> None:
        """A save here or in another terminal: read the patient again."""
        self.load()

    def _as_of_changed(self, _as_of: date) -> None:
        if self in self.app.screen_stack:  # a closed reusable screen recomputes when reopened
            self.show_assessment()

    def show_assessment(self) -> None:
        """Assess the loaded patient on the app's "as of" date and update every card."""
        patient = self.patient
        if patient is None:
            return
        rules = self.app.rules
        assessment = assess(patient, self.app.as_of, rules)
        self.assessment = assessment
        self.title = identity_title(patient)
        self.sub_title = f"{refill_label(assessment)} · {as_of_text(assessment.as_of, self.app.today)}"
        self.query_one(Demographics).show(patient)
        self.query_one(ChangesSince).show(self.review, patient, assessment)
        self.query_one(RefillBanner).show(assessment, self.app.today, rules)
        self.query_one(RefillReasons).show(assessment, rules)
        self.query_one(PumpCard).show(patient, assessment)
        self.query_one(AntifungalCard).show(patient, assessment)
        self.query_one(ReimplantCard).show(assessment, rules)
        self.query_one(AlertList).show(assessment.alerts, rules)
        self.query_one(NotesList).show(self.notes)
        self.query_one(Timeline).show(patient, self.corrections, self.lab_reports)
        self.call_after_refresh(self._fit_body)

    # --- roles: a key the user's role may not use says why, it opens nothing ---

    def unavailable_reason(self, action: str) -> str | None:
        """Why the signed-in role may not use `action` (None: it may); the footer and the
        palette show it before anything is typed (ui/role_gate.py)."""
        return refusal(self.app, DETAIL_PERMISSIONS.get(action))

    def unavailable_label(self, action: str) -> str | None:
        """'✗ clinician' for the footer when the role may not use `action`."""
        return unavailable_label(self.app, DETAIL_PERMISSIONS.get(action))

    def _refused(self, action: str) -> bool:
        reason = self.unavailable_reason(action)
        if reason is not None:
            self.app.notify(f"{reason[:1].upper()}{reason[1:]}.", severity="warning", timeout=6)
        return reason is not None

    # --- actions: each opens a form; the form saves and reports DataChanged ---

    def _ready(self) -> Patient | None:
        if self.patient is None:
            self.app.notify("The patient is not loaded yet." if not self.loaded
                            else f"No patient with MRN {self.mrn}.", severity="warning")
        return self.patient

    def action_back(self) -> None:
        self.dismiss()

    def action_review(self) -> None:
        """`v`: the patient reviewed as shown (ui/review_action.py)."""
        review_patient(self, self.patient if self.loaded else None)

    def action_toggle_alerts_focus(self) -> None:
        """Into the alerts (arrows and page keys scroll them), or back to the timeline:
        with many alerts on a small terminal, every alert and record stays reachable."""
        alerts, timeline = self.query_one(AlertList), self.query_one(Timeline)
        notes = self.query_one(NotesList)
        target = timeline if self.focused is alerts else alerts
        if self.focused is alerts and notes.notes:  # with notes: alerts, notes, timeline
            target = notes
        elif self.focused is notes:
            target = timeline
        self.set_focus(target)
        target.scroll_visible(animate=False)

    def action_refill(self) -> None:
        from itb_tui.ui.forms.refill import RefillForm

        if self._refused("refill"):
            return
        if (patient := self._ready()) is None:
            return
        pump = current_pump(patient, self.app.today)
        if pump is None:
            self.app.notify("No pump is implanted today: add one with p.", severity="warning")
            return
        self.app.push_screen(RefillForm(patient, pump))

    def action_culture(self) -> None:
        from itb_tui.ui.forms.culture import CultureForm

        if self._refused("culture"):
            return
        if (patient := self._ready()) is not None:
            self.app.push_screen(CultureForm(patient))

    def action_culture_result(self) -> None:
        """The selected culture, else the latest pending one."""
        from itb_tui.ui.forms.culture import CultureResultForm

        if self._refused("culture_result"):
            return
        if (patient := self._ready()) is None:
            return
        entry = self.query_one(Timeline).selected_entry
        culture = entry.record if entry is not None and entry.kind == "culture" else None
        if culture is None:
            culture = latest_pending_culture(patient)
        if culture is None:
            self.app.notify("Select a culture in the timeline (there is no pending culture).",
                            severity="warning")
            return
        self.app.push_screen(CultureResultForm(patient, culture))

    def action_antifungal(self) -> None:
        """Change or stop the running course; start one when none runs."""
        from itb_tui.ui.forms.antifungal import AntifungalForm

        if self._refused("antifungal"):
            return
        if (patient := self._ready()) is None:
            return
        self.app.push_screen(AntifungalForm(patient, running_course(patient, self.app.today)))

    def action_new_antifungal(self) -> None:
        from itb_tui.ui.forms.antifungal import AntifungalForm

        if self._refused("new_antifungal"):
            return
        if (patient := self._ready()) is not None:
            self.app.push_screen(AntifungalForm(patient))

    def action_pump(self) -> None:
        """Replace the implanted pump, or add one (reimplantation) when none is implanted."""
        from itb_tui.ui.forms.pump import PumpForm

        if self._refused("pump"):
            return
        if (patient := self._ready()) is None:
            return
        today = self.app.today
        current = current_pump(patient, today)
        if current is not None:
            self.app.push_screen(PumpForm(patient, replacing=current))
        else:
            self.app.push_screen(PumpForm(patient, previous=last_removed_pump(patient, today)))

    def action_reimplant(self) -> None:
        self.action_pump()

    def action_explant(self) -> None:
        from itb_tui.ui.forms.explant import ExplantForm

        if self._refused("explant"):
            return
        if (patient := self._ready()) is None:
            return
        pump = current_pump(patient, self.app.today)
        if pump is None:
            self.app.notify("No pump is implanted today: nothing to explant.", severity="warning")
            return
        self.app.push_screen(ExplantForm(patient, pump))

    def action_bridging(self) -> None:
        from itb_tui.ui.forms.bridging import BridgingForm

        if self._refused("bridging"):
            return
        if (patient := self._ready()) is not None:
            self.app.push_screen(BridgingForm(patient))

    def action_change_bridging(self) -> None:
        """Change or stop (the drain came out) the bridging selected in the timeline, else
        the latest one still running. A key of its own, so `g` always records a new plan
        and never opens an existing one to be written over by mistake."""
        from itb_tui.ui.forms.bridging import BridgingForm

        if self._refused("change_bridging"):
            return
        if (patient := self._ready()) is None:
            return
        entry = self.query_one(Timeline).selected_entry
        bridging = entry.record if entry is not None and entry.kind == "bridging" else None
        if bridging is None:
            running = [b for b in patient.bridging if b.stopped_on is None]
            bridging = max(running, key=lambda b: b.started_on, default=None)
        if bridging is None:
            self.app.notify("Select a bridging row in the timeline (no bridging is running).",
                            severity="warning")
            return
        self.app.push_screen(BridgingForm(patient, bridging))

    def action_symptoms(self) -> None:
        from itb_tui.ui.forms.symptoms import SymptomsForm

        if self._refused("symptoms"):
            return
        if (patient := self._ready()) is not None:
            self.app.push_screen(SymptomsForm(patient))

    def action_exam(self) -> None:
        from itb_tui.ui.forms.exam import ExamForm

        if self._refused("exam"):
            return
        if (patient := self._ready()) is not None:
            self.app.push_screen(ExamForm(patient))

    def action_edit_patient(self) -> None:
        from itb_tui.ui.forms.patient import PatientForm

        if self._refused("edit_patient"):
            return
        if (patient := self._ready()) is not None:
            self.app.push_screen(PatientForm(patient))

    def action_entered_in_error(self) -> None:
        """Mark the selected timeline record entered in error (asks for the reason)."""
        from itb_tui.ui.forms.entered_in_error import EnteredInErrorForm

        notes = self.query_one(NotesList)
        if self.focused is notes and notes.selected_note is not None:
            self._note_in_error(notes.selected_note)
            return
        if self._refused("entered_in_error"):
            return
        if (patient := self._ready()) is None:
            return
        entry = self.query_one(Timeline).selected_entry
        if entry is None or not entry.markable:
            self.app.notify("Select a pump, refill, culture, course, bridging or exam row in the timeline "
                            "(symptom dates are changed with y).", severity="warning")
            return
        description = f"{entry.event} on {date_text(entry.on)}: {entry.details}"
        # The patient as shown: its row_version makes the store refuse a stale strike-out.
        self.app.push_screen(EnteredInErrorForm(entry.kind, entry.record_id, description, patient))

    # --- handover notes (issue 16) ---

    def action_note(self) -> None:
        """Write a handover note about this patient (the form names the patient first)."""
        from itb_tui.ui.forms.note import NoteForm

        if self._refused("note"):
            return
        if (patient := self._ready()) is not None:
            self.app.push_screen(NoteForm(patient))

    def _note_in_error(self, note) -> None:
        """Strike out the selected note: its author may (write_note), else a clinician;
        the store decides (store/notes.py) and the form shows its refusal in words."""
        from itb_tui.present.notes import one_line
        from itb_tui.ui.forms.entered_in_error import EnteredInErrorForm

        if self._refused("note") or (patient := self._ready()) is None:
            return
        description = f"Note by {note.author}: {one_line(note.text, 120)}"
        self.app.push_screen(EnteredInErrorForm("note", note.id, description, patient))

    def action_handed_over(self) -> None:
        """The selected note awaiting handover: the next shift has it (kept, audited)."""
        from itb_tui.present.notes import awaiting_handover

        if self._refused("handed_over") or self._ready() is None:
            return
        notes = self.query_one(NotesList)
        note = notes.selected_note
        if note is None or not awaiting_handover(note):
            waiting = [n for n in notes.notes if awaiting_handover(n)]
            if note is None and len(waiting) == 1:
                note = waiting[0]
            else:
                self.app.notify("Select a note marked ⚑ HANDOVER in the notes (l moves there)."
                                if waiting else "No note awaits handover.", severity="warning")
                return
        self._hand_over(note.id)

    @work(thread=True, exit_on_error=False, group="detail-handed-over")
    def _hand_over(self, note_id: int) -> None:
        from itb_tui.present.notes import HANDED_OVER_SAVED

        self.app.store.mark_note_handed_over(note_id, self.app.actor)
        self.app.call_from_thread(self.app.notify, HANDED_OVER_SAVED, title="Saved")
        notify_changed = getattr(self.app, "notify_data_changed", None)
        if notify_changed is not None:
            self.app.call_from_thread(notify_changed)

    def action_history(self) -> None:
        """This patient's own audit history (every role may read it; the store checks)."""
        self.app.open_audit(self.mrn)
